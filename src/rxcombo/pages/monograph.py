"""Monographs: the seed site's pages, built from the knowledge base and the engine.

``build_monograph(engine, ["paroxetine", "clonazepam"], audience="patient")`` returns a
:class:`Monograph`: an ordered list of sections made of blocks (paragraphs, lists, tables,
findings), each statement carrying the numbers of the references it rests on. The
renderers in :mod:`rxcombo.pages.render` turn the same object into Markdown, HTML or JSON.
Where the knowledge base has no sourced fact, the page says so instead of filling space.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

from rxcombo.engine.checker import Engine
from rxcombo.evidence.blocks import evidence_blocks, matching_views, why_combined_blocks
from rxcombo.evidence.library import no_entry_message
from rxcombo.engine.findings import SEVERITY_RANK, Finding
from rxcombo.engine.profile import SourceRef
from rxcombo.pages.readability import flesch_kincaid_grade

Audience = Literal["patient", "professional"]
AUDIENCES = ("patient", "professional")

DISCLAIMER = (
    "This page is information, not medical advice. It is generated from the rxcombo knowledge base, "
    "whose every statement is tied to the numbered sources below, and it may be incomplete. Do not start, "
    "stop or change a medicine without talking to your doctor or pharmacist. In an emergency, call your local "
    "emergency number."
)
NOT_KNOWN = "Not recorded in the rxcombo knowledge base."

SERIOUS_RANK = SEVERITY_RANK["major"]  # combination pages list findings at least this severe


def slugify(text: str, max_length: int = 80) -> str:
    """A safe file and URL name, whatever the input contains."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    if not slug:
        import hashlib

        slug = "item-" + hashlib.sha1(text.encode()).hexdigest()[:10]
    return slug


@dataclass
class Reference:
    number: int
    source: dict[str, Any]
    sections: list[str] = field(default_factory=list)


# What a citation resolves to: the source's identity on a page (title, url, pmid, doi), the
# source as a reference prints it, and the cited section.
Resolved = tuple[tuple[Any, ...], dict[str, Any], str | None]


class Citations:
    """Numbers sources in order of first use on one page; the same source keeps its number.

    Resolving a citation to its source is the same on every page, so it is done once per
    builder: ``resolved`` is a cache that the pages of one builder share (the numbering is not)."""

    def __init__(self, shared_sources: dict[str, dict[str, Any]], resolved: dict[Any, Resolved] | None = None):
        self._shared = shared_sources
        self._resolved: dict[Any, Resolved] = {} if resolved is None else resolved
        self._numbers: dict[tuple[Any, ...], Reference] = {}

    def _add(self, resolved: Resolved) -> int:
        identity, source, section = resolved
        ref = self._numbers.get(identity)
        if ref is None:
            ref = self._numbers[identity] = Reference(len(self._numbers) + 1, source)
        if section and section not in ref.sections:
            ref.sections.append(section)
        return ref.number

    def record(self, record: dict[str, Any], cites: list[str]) -> list[int]:
        """Numbers for a record's citations ("key" or "key#section")."""
        rid = record.get("id")
        numbers = set()
        for cite in cites:
            resolved = self._resolved.get((rid, cite))
            if resolved is None:
                resolved = self._resolve_cite(record, cite)
                if rid is not None:  # a record without an id (a test's) is not cached
                    self._resolved[(rid, cite)] = resolved
            numbers.add(self._add(resolved))
        return sorted(numbers)

    def _resolve_cite(self, record: dict[str, Any], cite: str) -> Resolved:
        key, _, section = cite.partition("#")
        source = record.get("sources", {}).get(key) or self._shared.get(key)
        if source is None:  # validated at compile time; never expected
            raise KeyError(f"{record.get('id')}: unknown source {key}")
        return _identity(source), {"key": key, **source}, section or None

    def refs(self, refs: tuple[SourceRef, ...]) -> list[int]:
        numbers = set()
        for r in refs:
            resolved = self._resolved.get(r)
            if resolved is None:
                source = r.to_dict()
                resolved = self._resolved[r] = (_identity(source), source, r.section)
            numbers.add(self._add(resolved))
        return sorted(numbers)

    def references(self) -> list[Reference]:
        return sorted(self._numbers.values(), key=lambda r: r.number)


def _identity(source: dict[str, Any]) -> tuple[Any, ...]:
    return (source.get("title"), source.get("url"), source.get("pmid"), source.get("doi"))


def text(value: str, cites: list[int] | None = None) -> dict[str, Any]:
    return {"text": value, "cites": cites or []}


def paragraph(value: str, cites: list[int] | None = None) -> dict[str, Any]:
    return {"type": "p", **text(value, cites)}


def bullet_list(items: list[dict[str, Any]], title: str | None = None) -> dict[str, Any]:
    return {"type": "list", "title": title, "items": items}


def table(head: list[str], rows: list[list[dict[str, Any]]], caption: str | None = None) -> dict[str, Any]:
    return {"type": "table", "head": head, "rows": rows, "caption": caption}


@dataclass
class Monograph:
    title: str
    slug: str
    audience: str
    components: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    references: list[Reference]
    disclaimer: str = DISCLAIMER

    @property
    def readability(self) -> dict[str, Any]:
        """Flesch-Kincaid grade of the page body (computed on demand: it is the slowest part of a page)."""
        return {"flesch_kincaid_grade": flesch_kincaid_grade(self.plain_text()), "measured_on": "page body"}

    def to_dict(self, readability: bool = False) -> dict[str, Any]:
        out = {
            "title": self.title,
            "slug": self.slug,
            "audience": self.audience,
            "components": self.components,
            "sections": self.sections,
            "references": [{"number": r.number, **r.source, "sections": r.sections} for r in self.references],
            "disclaimer": self.disclaimer,
        }
        if readability:
            out["readability"] = self.readability
        return out

    def plain_text(self) -> str:
        """Every sentence of the page body (for readability and placeholder checks). A list item
        or table cell is a unit of its own, so it ends a sentence even without a full stop:
        otherwise a list of side effects would be measured as one endless sentence."""
        out: list[str] = []
        for section in self.sections:
            for block in section["blocks"]:
                out.extend(_as_sentence(t) for t in _block_texts(block) if t.strip())
        return "\n".join(out)


def _without_article(phrase: str) -> str:
    """``"a benzodiazepine (sedative ...)"`` -> ``"benzodiazepine (sedative ...)"`` for a table cell."""
    for article in ("a ", "an "):
        if phrase.startswith(article):
            return phrase[len(article):]
    return phrase


def _as_sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _block_texts(block: dict[str, Any]) -> list[str]:
    if block["type"] == "p":
        return [block["text"]]
    if block["type"] == "list":
        return [i["text"] for i in block["items"]]
    if block["type"] == "table":
        return [cell["text"] for row in block["rows"] for cell in row]
    if block["type"] == "finding":
        return [block["summary"], *(block.get(k) or "" for k in ("mechanism", "management", "monitor"))]
    return []


class MonographBuilder:
    """Builds monographs; keeps per-medicine work (class interaction tables) across pages."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.catalog = engine.catalog
        self._shared = self.catalog.sources()
        self._resolved: dict[Any, Resolved] = {}  # citations resolved to sources, for every page
        self._records: dict[str, dict[str, Any]] = {}
        self._class_rows: dict[str, list[dict[str, Any]]] = {}
        self._serious_rows: dict[str, list[dict[str, Any]]] = {}
        self._members = self._direct_members()

    def record(self, mid: str) -> dict[str, Any]:
        if mid not in self._records:
            self._records[mid] = self.catalog.record(mid)
        return self._records[mid]

    def _direct_members(self) -> dict[str, list[str]]:
        members: dict[str, list[str]] = {}
        for med in self.catalog.medicines():
            record_classes = self.record(med["id"]).get("classes", [])
            for cid in record_classes:
                members.setdefault(cid, []).append(med["id"])
        return members

    # ------------------------------------------------------------ public

    def build(self, ids: list[str], audience: Audience = "patient", title: str | None = None) -> Monograph:
        if audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {AUDIENCES}, not {audience!r}")
        ids = list(dict.fromkeys(ids))
        records = [self.record(i) for i in ids]
        names = [r["name"] for r in records]
        title = title or " + ".join(names)
        cites = Citations(self._shared, self._resolved)
        result = self.engine.check_ids(ids)
        pro = audience == "professional"
        views = self._evidence_views(ids) if len(ids) > 1 else []
        sections = [
            self._generic(records, names),
            self._note(records),
            # what people come for first: how the medicines interact, then the rest
            self._how_they_interact(ids, result, cites, pro),
            self._usage(records, cites, views),
            self._dosage(records, cites, pro),
            self._side_effects(records, cites, result.interactions),
            self._how_it_works(records, cites, pro),
            self._precautions(records, cites),
            self._other_medicines(ids, cites, audience),
            self._evidence(records, ids, cites, views, pro),
            self._faqs(records, ids, cites),
        ]
        monograph = Monograph(
            title=title,
            slug=slugify(title),
            audience=audience,
            components=[{"id": r["id"], "name": r["name"], "classes": r.get("classes", [])} for r in records],
            sections=sections,
            references=cites.references(),
        )
        return monograph

    # ------------------------------------------------------------ sections

    def _generic(self, records: list[dict[str, Any]], names: list[str]) -> dict[str, Any]:
        blocks = [paragraph(f"Generic name: {' + '.join(names)}")]
        for r in records:
            brands = [f"{b} ({country})" for country, bs in sorted(r.get("brands", {}).items()) for b in bs]
            if brands:
                blocks.append(paragraph(f"{r['name']} brand names: {', '.join(brands)}."))
        return {"id": "generic-name", "title": "Generic name", "blocks": blocks}

    def _note(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        if len(records) == 1:
            body = f"This page describes {records[0]['name']} taken on its own."
        else:
            body = (
                "The rxcombo knowledge base has no record of a marketed fixed-dose product that contains "
                f"{_join([r['name'] for r in records])}. This page therefore describes taking them together as "
                "separate medicines (co-prescription), each at its own dose."
            )
        return {"id": "note", "title": "Note", "blocks": [paragraph(body)]}

    def _usage(self, records: list[dict[str, Any]], cites: Citations, views: list[dict[str, Any]]) -> dict[str, Any]:
        blocks = []
        for r in records:
            items = [text(i["text"], cites.record(r, i["sources"])) for i in r.get("indications", [])]
            blocks.append(bullet_list(items or [text(NOT_KNOWN)], f"{r['name']} is used for"))
        if views:
            blocks += why_combined_blocks(views, cites)
        elif len(records) > 1:
            blocks.append(paragraph(
                "Why they are combined: the knowledge base holds no sourced statement on the reasons for this "
                "combination; the decision rests with the prescriber."
            ))
        return {"id": "usage", "title": "Usage", "blocks": blocks}

    def _dosage(self, records: list[dict[str, Any]], cites: Citations, pro: bool) -> dict[str, Any]:
        blocks = [] if pro else [paragraph("Always take the dose your prescriber gives you. The usual doses below are for adults.")]
        for r in records:
            dosing = r.get("dosing", {})
            rows = [
                [text(d["indication"]), text(d["usual"], cites.record(r, d["sources"])),
                 text(d.get("maximum") or "Not stated", cites.record(r, d["sources"]) if d.get("maximum") else [])]
                for d in dosing.get("adult", [])
            ]
            if rows:
                blocks.append(table(["Condition", "Usual adult dose", "Maximum"], rows, f"{r['name']}: adult doses"))
            else:
                blocks.append(paragraph(f"{r['name']}: adult dose — {NOT_KNOWN}"))
            forms = [text(f"{f['form']}: {', '.join(f.get('strengths', [])) or 'strengths not recorded'}", cites.record(r, f["sources"]))
                     for f in dosing.get("forms", [])]
            if forms:
                blocks.append(bullet_list(forms, f"{r['name']} forms"))
            special = [
                text(f"{label}: {dosing[key]['text']}", cites.record(r, dosing[key]["sources"]))
                for key, label in (("elderly", "Older adults"), ("renal", "Kidney disease"), ("hepatic", "Liver disease"), ("paediatric", "Children"))
                if dosing.get(key)
            ]
            if special:
                blocks.append(bullet_list(special, f"{r['name']}: dose adjustments"))
        return {"id": "dosage", "title": "Dosage", "blocks": blocks}

    def _side_effects(self, records: list[dict[str, Any]], cites: Citations, findings: tuple[Finding, ...]) -> dict[str, Any]:
        blocks = []
        seen: dict[str, list[str]] = {}
        for r in records:
            ae = r.get("adverse_effects", {})
            for kind in ("common", "serious"):
                entry = ae.get(kind)
                if entry:
                    for item in entry["items"]:
                        seen.setdefault(item.casefold(), []).append(r["name"])
        for r in records:
            ae = r.get("adverse_effects", {})
            for kind, label in (("common", "common side effects"), ("serious", "serious side effects")):
                entry = ae.get(kind)
                if entry:
                    numbers = cites.record(r, entry["sources"])
                    items = [text(item + (" (shared)" if len(records) > 1 and len(set(seen[item.casefold()])) > 1 else ""), numbers)
                             for item in entry["items"]]
                    blocks.append(bullet_list(items, f"{r['name']} {label}"))
            if not ae:
                blocks.append(paragraph(f"{r['name']} side effects: {NOT_KNOWN}"))
        additive = [f for f in findings if f.type == "pharmacodynamic"]
        if len(records) > 1 and additive:
            blocks.append(bullet_list([text(f"{f.title}: {f.effect}", cites.refs(f.sources)) for f in additive],
                                      "Effects that add up when taken together"))
        return {"id": "side-effects", "title": "Side effects", "blocks": blocks}

    def _how_it_works(self, records: list[dict[str, Any]], cites: Citations, pro: bool) -> dict[str, Any]:
        blocks = []
        for r in records:
            mech = r.get("mechanism")
            if mech:
                body = mech["summary"]
                if pro and mech.get("targets"):
                    body += " Targets: " + "; ".join(f"{t['target']} ({t['action']})" for t in mech["targets"]) + "."
                blocks.append(paragraph(f"{r['name']}: {body}", cites.record(r, mech["sources"])))
            else:
                blocks.append(paragraph(f"{r['name']}: {NOT_KNOWN}"))
            if pro:
                blocks.extend(self._pharmacokinetics(r, cites))
        return {"id": "how-it-works", "title": "How it works", "blocks": blocks}

    def _pharmacokinetics(self, r: dict[str, Any], cites: Citations) -> list[dict[str, Any]]:
        pk = r.get("pharmacokinetics", {})
        items = []
        if pk.get("half_life"):
            items.append(text(f"Half-life: {pk['half_life']['text']}", cites.record(r, pk["half_life"]["sources"])))
        for s in pk.get("substrate_of", []):
            items.append(text(f"Substrate of {s['enzyme']} ({s['role']} pathway{', sensitive' if s.get('sensitive') else ''})", cites.record(r, s["sources"])))
        for key, verb in (("inhibits", "Inhibits"), ("induces", "Induces")):
            for m in pk.get(key, []):
                items.append(text(f"{verb} {m['enzyme']} ({m['strength']})", cites.record(r, m["sources"])))
        if pk.get("prodrug"):
            p = pk["prodrug"]
            items.append(text(f"Prodrug: activated by {p['enzyme']} to {p['active_metabolite']}", cites.record(r, p["sources"])))
        return [bullet_list(items, f"{r['name']} pharmacokinetics")] if items else []

    def _how_they_interact(self, ids: list[str], result: Any, cites: Citations, pro: bool) -> dict[str, Any]:
        blocks: list[dict[str, Any]] = []
        findings = list(result.interactions) + list(result.cumulative)
        for f in findings:
            blocks.append(finding_block(f, cites, pro))
        if len(ids) > 1 and not findings:
            blocks.append(paragraph(
                "The rxcombo engine found no interaction between these medicines in its knowledge base. "
                "That does not prove the combination is safe; the knowledge base may be incomplete."
            ))
        if len(ids) == 1:
            blocks.append(paragraph("This page is about one medicine; see the table below for how it interacts with others."))
        return {"id": "how-they-interact", "title": "How they interact", "blocks": blocks}

    def _precautions(self, records: list[dict[str, Any]], cites: Citations) -> dict[str, Any]:
        blocks = []
        for r in records:
            items = []
            for w in r.get("boxed_warnings", []):
                items.append(text(f"Boxed warning: {w['text']}", cites.record(r, w["sources"])))
            for c in r.get("contraindications", []):
                items.append(text(f"Do not use: {c['text']}", cites.record(r, c["sources"])))
            for key, label in (("pregnancy", "Pregnancy"), ("lactation", "Breastfeeding"), ("dependence", "Dependence"),
                               ("withdrawal", "Stopping"), ("driving", "Driving"), ("alcohol", "Alcohol")):
                if r.get(key):
                    items.append(text(f"{label}: {r[key]['text']}", cites.record(r, r[key]["sources"])))
                elif key in ("pregnancy", "lactation", "driving"):
                    items.append(text(f"{label}: {NOT_KNOWN}"))
            for b in r.get("beers", []):
                items.append(text(f"Older adults (AGS Beers Criteria): {b['text']}", cites.record(r, b["sources"])))
            dosing = r.get("dosing", {})
            for key, label in (("paediatric", "Children"), ("hepatic", "Liver disease"), ("renal", "Kidney disease")):
                if dosing.get(key):
                    items.append(text(f"{label}: {dosing[key]['text']}", cites.record(r, dosing[key]["sources"])))
            blocks.append(bullet_list(items or [text(NOT_KNOWN)], f"{r['name']}"))
        return {"id": "precautions", "title": "Precautions", "blocks": blocks}

    def class_rows(self, mid: str) -> list[dict[str, Any]]:
        """For one medicine: the worst engine finding against each class of the knowledge base."""
        if mid in self._class_rows:
            return self._class_rows[mid]
        rows = []
        classes = self.catalog.classes
        found = self.engine.partners(mid)
        for cid, members in sorted(self._members.items()):
            worst = [(f, other) for other in members if other in found for f in found[other]]
            if not worst:
                continue
            best_rank = min(SEVERITY_RANK[f.severity] for f, _ in worst)
            top = [(f, o) for f, o in worst if SEVERITY_RANK[f.severity] == best_rank]
            class_name = classes.get(cid, {}).get("name", cid)
            plain_name = _without_article(classes.get(cid, {}).get("plain") or class_name)
            others = [m for m in members if m != mid]
            reaching = list(dict.fromkeys(o for _, o in top))
            if len(reaching) == len(others):
                # every member of the class gives this severity: a class row tells the truth
                groups = [(f"class:{cid}", reaching, f"{class_name} (e.g. {self._names(reaching[:4])})",
                           f"{plain_name[:1].upper()}{plain_name[1:]} (e.g. {self._names(reaching[:4])})")]
            else:
                # only some members do: name them, so the row does not speak for the whole class
                groups = [(f"medicine:{o}", [o], f"{self.catalog.medicine_names[o]} ({class_name})",
                           f"{self.catalog.medicine_names[o]}, {plain_name}") for o in reaching[:4]]
            for key, example_ids, label, plain_label in groups:
                chosen = [(f, o) for f, o in top if o in example_ids]
                rows.append({
                    "class": key,
                    "class_name": class_name,
                    "label": label,
                    "plain_label": plain_label,
                    "severity": chosen[0][0].severity,
                    "what": "; ".join(list(dict.fromkeys(f.title for f, _ in chosen))[:3]),
                    "plain_what": "; ".join(list(dict.fromkeys(self._plain_title(f) for f, _ in chosen))[:3]),
                    "example_ids": frozenset(example_ids),
                    "sources": chosen[0][0].sources,
                })
        rows.sort(key=lambda row: (SEVERITY_RANK[row["severity"]], row["class_name"]))
        self._class_rows[mid] = rows
        return rows

    def serious_class_rows(self, mid: str) -> list[dict[str, Any]]:
        """The class rows a combination page lists (major and contraindicated), once per medicine."""
        rows = self._serious_rows.get(mid)
        if rows is None:
            rows = self._serious_rows[mid] = [row for row in self.class_rows(mid)
                                              if SEVERITY_RANK[row["severity"]] <= SERIOUS_RANK]
        return rows

    def seed_class_rows(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        """Take class rows computed elsewhere (the site build's workers)."""
        self._class_rows.update(rows)

    def _names(self, ids: list[str]) -> str:
        return ", ".join(self.catalog.medicine_names[o] for o in ids)

    def _plain_title(self, finding: Finding) -> str:
        """What a finding means in everyday words (the rule's ``plain_title``), for patients."""
        plain = self.catalog.plain_titles.get(finding.rule)
        return plain[:1].upper() + plain[1:] if plain else finding.title

    def _other_medicines(self, ids: list[str], cites: Citations, audience: Audience) -> dict[str, Any]:
        patient = audience == "patient"
        page_ids = set(ids)
        combination = len(ids) > 1
        # per class row: [row, worst severity, what it says per medicine, sources]
        merged: dict[str, list[Any]] = {}
        for mid in ids:
            prefix = f"With {self.catalog.medicine_names[mid]}: " if combination else ""
            # a combination page lists the serious rows; each medicine's page has them all
            for row in self.serious_class_rows(mid) if combination else self.class_rows(mid):
                if row["example_ids"] <= page_ids:
                    continue  # the only examples are components of this page: covered above
                slot = merged.get(row["class"])
                if slot is None:
                    slot = merged[row["class"]] = [row, row["severity"], [], []]
                elif SEVERITY_RANK[row["severity"]] < SEVERITY_RANK[slot[1]]:
                    slot[1] = row["severity"]
                slot[2].append(prefix + (row["plain_what"] if patient else row["what"]) + ".")
                slot[3] += row["sources"]
        slots = sorted(merged.values(), key=lambda slot: (SEVERITY_RANK[slot[1]], slot[0]["class_name"]))
        label = "plain_label" if patient else "label"
        table_rows = [[text(row[label]), text(" ".join(what), cites.refs(sources)), text(severity)]
                      for row, severity, what, sources in slots]
        blocks = []
        if combination:
            names = ", ".join(self.catalog.medicine_names[m] for m in ids)
            blocks.append(paragraph(
                f"Only the major and contraindicated combinations are listed here. The page of each medicine ({names}) "
                "lists every class, moderate and minor interactions included."))
        if table_rows:
            blocks.append(table(["Medicine or class", "What happens", "Severity"], table_rows,
                                "Derived by the rxcombo engine against every class in the knowledge base"))
        elif combination:
            blocks.append(paragraph("The engine found no major or contraindicated interactions of these medicines with other "
                                    "medicines in the knowledge base."))
        else:
            blocks.append(paragraph("The engine found no interactions with other medicines in the knowledge base."))
        blocks.append(paragraph("Only medicines in the rxcombo knowledge base are covered; tell your pharmacist about everything you take, "
                                "including over-the-counter and herbal products."))
        return {"id": "other-medicines", "title": "Interactions with other medicines", "blocks": blocks}

    def _evidence_views(self, ids: list[str]) -> list[dict[str, Any]]:
        """Evidence entries matching the page's medicines (each entry's view is built once per process)."""
        return matching_views(self.catalog, ids)

    def _evidence(self, records: list[dict[str, Any]], ids: list[str], cites: Citations, views: list[dict[str, Any]],
                  pro: bool = False) -> dict[str, Any]:
        """The evidence entries matching the page (``views``, for two or more medicines) and the records' own."""
        blocks = evidence_blocks(views, cites, pro)
        for r in records:
            for e in r.get("evidence", []):
                if len(ids) == 1 or set(e.get("with", [])) & set(ids):
                    blocks.append(paragraph(f"{e['design']}: {e['finding']}", cites.record(r, e["sources"])))
        if not blocks:
            blocks.append(paragraph(no_entry_message([r["name"] for r in records]) if len(records) > 1 else
                                    "The knowledge base holds no structured evidence entry for this medicine."))
        return {"id": "evidence", "title": "Evidence of benefit", "blocks": blocks}

    def _faqs(self, records: list[dict[str, Any]], ids: list[str], cites: Citations) -> dict[str, Any]:
        questions = [
            ("Can I stop taking it suddenly?", "withdrawal"),
            ("What if I miss a dose?", "missed_dose"),
            ("Can I drink alcohol?", "alcohol"),
            ("Can I drive?", "driving"),
            ("Can I take it during pregnancy?", "pregnancy"),
            ("How should I store it?", "storage"),
        ]
        blocks = []
        for question, key in questions:
            answers = []
            for r in records:
                if r.get(key):
                    answers.append(text(f"{r['name']}: {r[key]['text']}", cites.record(r, r[key]["sources"])))
            if key == "alcohol" and "alcohol" in self.catalog.medicine_names and "alcohol" not in ids:
                for mid in ids:
                    for f in self.engine.pair(mid, "alcohol")[:1]:
                        answers.append(text(f"{self.catalog.medicine_names[mid]} with alcohol: {f.summary}", cites.refs(f.sources)))
            if not answers:
                answers.append(text("The knowledge base has no sourced answer to this question. Ask your pharmacist."))
            blocks.append(bullet_list(answers, question))
        return {"id": "faqs", "title": "Frequently asked questions", "blocks": blocks}


def finding_block(f: Finding, cites: Citations, pro: bool) -> dict[str, Any]:
    return {
        "type": "finding",
        "severity": f.severity,
        "title": f.title,
        "drugs": list(f.names),
        "summary": f.summary,
        "mechanism": f.mechanism if pro else None,
        "effect": f.effect,
        "management": f.management,
        "monitor": f.monitor if pro else None,
        "documentation": f.documentation if pro else None,
        "rule": f.rule,
        "basis": list(f.basis) if pro else [],
        "cites": cites.refs(f.sources),
    }


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
