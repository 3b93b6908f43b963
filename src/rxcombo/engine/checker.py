"""The interaction engine: resolve names, run the rules, merge curated entries.

``Engine.check(["Paxil", "Klonopin", "tramadol"])`` returns a :class:`CheckResult` whose
``to_dict()`` is the JSON contract shared by the CLI, the API and CDS Hooks.
Pair results are computed once per pair of medicines and cached.
"""

from __future__ import annotations

import orjson
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from rxcombo.knowledge.database import Catalog
from rxcombo.engine.findings import Finding, dedupe_sources
from rxcombo.engine.profile import ROLE_KINDS, DrugProfile, SourceRef, intern_ref
from rxcombo.engine.resolver import Resolution, Resolver
from rxcombo.engine.findings import SEVERITY_RANK
from rxcombo.engine.rule_base import any_prop, partner_match, trigger_keys
from rxcombo.engine.rules import PAIR_RULES, Basis, Hit, cumulative, duplication, label_interaction

PairRule = Callable[[DrugProfile, DrugProfile], list[Hit]]
from rxcombo.engine.assessment import NotAssessed, missing_for, not_assessed
from rxcombo.engine.summary import PairSummary, group_by_pair, headline

MAX_MEDICINES = 50


def _dumps(obj: Any) -> str:
    return orjson.dumps(obj).decode()


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True, slots=True)
class CheckResult:
    inputs: tuple[str, ...]
    resolution: Resolution
    interactions: tuple[Finding, ...]
    cumulative: tuple[Finding, ...]
    no_interaction_data: tuple[str, ...] = ()  # recognised, but the record states nothing the rules can use
    same_ingredient: tuple[Finding, ...] = ()  # one ingredient in more than one entry: shown first
    not_assessed: tuple[NotAssessed, ...] = ()  # properties the list needed that records do not state
    # topical or eye products not checked for systemic interactions: (id, name, why)
    negligible_exposure: tuple[tuple[str, str, str], ...] = ()

    @property
    def complete(self) -> bool:
        """True when every input was recognised."""
        return not self.resolution.unresolved

    @property
    def highest_severity(self) -> str | None:
        all_findings = self.same_ingredient + self.interactions + self.cumulative
        return min(all_findings, key=Finding.sort_key).severity if all_findings else None

    def to_dict(self) -> dict[str, Any]:
        out = self.to_dict_without_findings()
        out["interactions"] = [f.to_dict() for f in self.interactions]
        out["cumulative"] = [f.to_dict() for f in self.cumulative]
        return out

    @property
    def pairs(self) -> tuple[PairSummary, ...]:
        """The findings grouped by pair of medicines: one entry per pair, most severe first."""
        return group_by_pair(self.interactions)

    @property
    def headline(self) -> str:
        """The answer in one line: "2 serious and 1 moderate interaction among 3 medicines; 1 name not checked"."""
        return headline(self, self.pairs)

    def to_dict_without_findings(self) -> dict[str, Any]:
        pairs = self.pairs
        return {
            "headline": headline(self, pairs),
            "pairs": [p.to_dict(self.interactions) for p in pairs],
            "input": list(self.inputs),
            "resolved": [r.to_dict() for r in self.resolution.resolved],
            "unresolved": [u.to_dict() for u in self.resolution.unresolved],
            "checked": list(self.resolution.ids),
            "complete": self.complete,
            "highest_severity": self.highest_severity,
            "no_interaction_data": list(self.no_interaction_data),
            "not_assessed": [n.to_dict() for n in self.not_assessed],
            "same_ingredient": [f.to_dict() for f in self.same_ingredient],
            "negligible_exposure": [{"id": i, "name": n, "text": t} for i, n, t in self.negligible_exposure],
        }


class Engine:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.resolver = Resolver(catalog.names, catalog.medicine_names, catalog.ambiguous, catalog.products)
        self._pair_cache: dict[tuple[str, str], tuple[Finding, ...]] = {}
        # Set by ``seed_pairs(..., every_pair_of=ids)``: every pair of these ids with findings is
        # in the cache, so a pair of them not in it has none. When they are every medicine of the
        # knowledge base, ``_partners`` indexes those findings by medicine (None until then).
        self._seeded_ids: frozenset[str] = frozenset()
        self._partners: dict[str, dict[str, tuple[Finding, ...]]] | None = None
        # Set by ``index_label_owners``: for each medicine, the medicines whose label entries can
        # name it; pairs outside it skip the label rule (None: the rule's own check decides).
        self._label_owners: dict[str, frozenset[str]] | None = None
        self._missing_cache: dict[tuple[str, str], tuple[str, ...]] = {}
        self._group_cache: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self._guideline_cache: dict[str, bool] = {}
        self._mask_cache: dict[str, int] = {}
        self._rules_by_mask: dict[int, tuple[PairRule, ...]] = {}
        # Findings are kept alive by the two caches below, so their id() is a safe key
        # for their serialised forms.
        self._cumulative_cache: dict[tuple[Any, ...], Finding] = {}
        self._dict_cache: dict[int, dict[str, Any]] = {}
        self._json_cache: dict[int, str] = {}

    @classmethod
    def open(cls, db_path: Path | None = None, kb_dir: Path | None = None) -> "Engine":
        return cls(Catalog.open(db_path, kb_dir))

    # ------------------------------------------------------------ public API

    def check(self, inputs: Sequence[str]) -> CheckResult:
        """Check a list of names; raises InputError for unusable input."""
        from rxcombo.errors import InputError

        if isinstance(inputs, str):
            raise InputError("give a list of medicine names, not a single string")
        if len(inputs) > MAX_MEDICINES:
            raise InputError(f"{len(inputs)} medicines given; at most {MAX_MEDICINES} can be checked at once")
        resolution = self.resolver.resolve(list(inputs))
        return self.check_ids(resolution.ids, resolution, tuple(inputs))

    def check_ids(self, ids: Sequence[str], resolution: Resolution | None = None, inputs: tuple[str, ...] = ()) -> CheckResult:
        profiles = [self.catalog.profile(i) for i in ids]
        interactions: list[Finding] = []
        bundled = resolution.within_one_product() if resolution is not None else frozenset()
        for a, b in combinations(sorted(ids), 2):
            if (a, b) not in bundled:
                interactions += self.pair(a, b)
        interactions.sort(key=Finding.sort_key)
        systemic = [p for p in profiles if p.negligible_exposure is None]
        totals = tuple(sorted((self._cumulative_finding(h) for h in cumulative(systemic, self.catalog.cns_active_classes)), key=Finding.sort_key))
        sparse = tuple(p.id for p in profiles if not p.has_interaction_data and p.negligible_exposure is None)
        local = tuple((p.id, p.name, f"{p.name}: {p.negligible_exposure.note or 'almost none reaches the blood'}, "
                       "so it was not checked for interactions through the blood (only what labels state)")
                      for p in profiles if p.negligible_exposure is not None)
        resolution = resolution or Resolution(ids=tuple(ids))
        repeated = tuple(self._same_ingredient(mid, entries) for mid, entries in resolution.repeated_ingredients().items())
        def missing(drug: DrugProfile, partner: DrugProfile) -> tuple[str, ...]:
            pair = (drug.id, partner.id) if drug.id < partner.id else (partner.id, drug.id)
            return () if pair in bundled else self._missing(drug, partner)

        return CheckResult(inputs or tuple(ids), resolution, tuple(interactions), totals, sparse,
                           repeated, not_assessed(systemic, missing), local)

    def pair(self, a: str, b: str) -> tuple[Finding, ...]:
        """All findings for two medicine ids (order does not matter), cached."""
        key = (a, b) if a <= b else (b, a)
        cached = self._pair_cache.get(key)
        if cached is None:
            if a in self._seeded_ids and b in self._seeded_ids:
                return ()
            cached = self._pair_cache[key] = self._compute_pair(*key)
        return cached

    def seed_pairs(self, pairs: Iterable[tuple[tuple[str, str], tuple[Finding, ...]]],
                   every_pair_of: Iterable[str] | None = None) -> None:
        """Fill the pair cache with findings computed elsewhere (the site build's workers);
        keys are ``(a, b)`` with ``a <= b``. With ``every_pair_of``, ``pairs`` holds every pair of
        those ids that has findings: the others are known to have none, and are not stored."""
        pairs = dict(pairs)
        self._pair_cache.update(pairs)
        if every_pair_of is not None:
            self._seeded_ids = frozenset(every_pair_of)
            if self._seeded_ids.issuperset(self.catalog.medicine_names):
                self._partners = {}
                for (a, b), findings in pairs.items():
                    if findings:
                        self._partners.setdefault(a, {})[b] = findings
                        self._partners.setdefault(b, {})[a] = findings

    def index_label_owners(self) -> None:
        """Before computing every pair (the site build): record, for each medicine, which
        medicines' label entries can name it (by id, by class, or by an enzyme role it has), so
        that the many pairs no label entry concerns skip the label rule. Reads every profile."""
        profiles = [self.catalog.profile(mid) for mid in self.catalog.medicine_names]
        naming: dict[tuple[str, Any], set[str]] = {}
        for p in profiles:
            if p.label_interactions:
                ids, classes, roles = p.label_partners
                for key in (*(("id", i) for i in ids), *(("class", c) for c in classes), *(("role", r) for r in roles)):
                    naming.setdefault(key, set()).add(p.id)
        owners = {}
        for p in profiles:
            keys = [("id", p.id), *(("class", c) for c in p.classes),
                    *(("role", (kind, enzyme)) for kind in ROLE_KINDS for enzyme in p.role_table(kind))]
            owners[p.id] = frozenset().union(*(naming.get(k, ()) for k in keys))
        self._label_owners = owners

    def _label_may_apply(self, a: str, b: str) -> bool:
        """Whether a label entry of ``a`` or ``b`` can name the other (always True unindexed)."""
        owners = self._label_owners
        if owners is None or a not in owners or b not in owners:
            return True
        return a in owners[b] or b in owners[a]

    def partners(self, mid: str) -> dict[str, tuple[Finding, ...]]:
        """The medicines of the knowledge base that ``mid`` has findings with, and those findings."""
        if self._partners is not None:
            return self._partners.get(mid, {})
        return {o: fs for o in self.catalog.medicine_names if o != mid and (fs := self.pair(mid, o))}

    def result_dict(self, result: CheckResult) -> dict[str, Any]:
        """``result.to_dict()``, reusing the dict form of cached findings (API speed)."""
        cache = self._dict_cache
        out = result.to_dict_without_findings()
        for key, findings in (("interactions", result.interactions), ("cumulative", result.cumulative)):
            items = []
            for f in findings:
                d = cache.get(id(f))
                if d is None:
                    d = cache[id(f)] = f.to_dict()
                items.append(d)
            out[key] = items
        return out

    def result_json(self, result: CheckResult, **extra: Any) -> str:
        """Compact JSON of ``{**extra, **result.to_dict()}``, reusing serialised findings (batch speed)."""
        cache = self._json_cache
        head = _dumps({**extra, **result.to_dict_without_findings()})
        out = [head[:-1], ',"interactions":[']
        for key, findings in ((',"interactions":[', result.interactions), ('],"cumulative":[', result.cumulative)):
            if key[0] == "]":
                out.append(key)
            for i, f in enumerate(findings):
                text = cache.get(id(f))
                if text is None:
                    text = cache[id(f)] = _dumps(f.to_dict())
                if i:
                    out.append(",")
                out.append(text)
        out.append("]}")
        return "".join(out)

    # ------------------------------------------------------------ internals

    def _compute_pair(self, a: str, b: str) -> tuple[Finding, ...]:
        pa, pb = self.catalog.profile(a), self.catalog.profile(b)
        hits: list[Hit] = []
        # A product that barely reaches the blood (a cream, most eye drops) gets no systemic
        # rule findings; what its own label states and curated entries still apply.
        if pa.negligible_exposure is None and pb.negligible_exposure is None:
            for rule in self._rules_for(pa, pb):
                hits += rule(pa, pb)
        hits += duplication(pa, pb, self.catalog.duplication_classes)
        findings = [self._finding(h) for h in hits]
        # A label statement is shown when it is more severe than what the rules found: it
        # refines them (their mechanism stays visible), and does not repeat them.
        if (pa.label_interactions or pb.label_interactions) and self._label_may_apply(a, b):
            worst = _worst_rank(findings)
            for hit in label_interaction(pa, pb):
                if SEVERITY_RANK[hit.severity] < worst:
                    findings.append(self._finding(hit))
        if self._in_any_guideline(pa) and self._in_any_guideline(pb):  # most medicines are in none
            worst = _worst_rank(findings)
            for entry in self.catalog.guidelines:
                if SEVERITY_RANK[entry["severity"]] >= worst:
                    continue
                (a_first, a_second), (b_first, b_second) = self._membership(entry, pa), self._membership(entry, pb)
                if a_first and b_second:
                    findings.append(self._guideline(entry, ((pa, a_first), (pb, b_second))))
                elif b_first and a_second:
                    findings.append(self._guideline(entry, ((pb, b_first), (pa, a_second))))
        curated = self.catalog.pairs.get((a, b))
        if curated is not None:
            replaced = [f for f in findings if f.rule in curated["refines"]]
            findings = [f for f in findings if f.rule not in curated["refines"]]
            findings.append(self._curated(curated, (pa, pb), replaced))
        if len(findings) < 2:
            return tuple(findings)
        return tuple(sorted(findings, key=Finding.sort_key))

    def _rules_for(self, a: DrugProfile, b: DrugProfile) -> tuple[PairRule, ...]:
        """The pair rules that can fire for ``a`` and ``b``: those whose declared triggers
        (``triggered_by``) one of the two holds, and every rule that declares none."""
        mask = self._rule_mask(a) | self._rule_mask(b)
        rules = self._rules_by_mask.get(mask)
        if rules is None:
            rules = self._rules_by_mask[mask] = tuple(r for i, r in enumerate(PAIR_RULES) if mask >> i & 1)
        return rules

    def _rule_mask(self, drug: DrugProfile) -> int:
        mask = self._mask_cache.get(drug.id)
        if mask is None:
            keys = trigger_keys(drug)
            mask = self._mask_cache[drug.id] = sum(
                1 << i for i, rule in enumerate(PAIR_RULES)
                if getattr(rule, "triggers", None) is None or rule.triggers & keys)  # type: ignore[attr-defined]
        return mask

    def _missing(self, drug: DrugProfile, partner: DrugProfile) -> tuple[str, ...]:
        """``missing_for``, cached per ordered pair of medicines."""
        key = (drug.id, partner.id)
        cached = self._missing_cache.get(key)
        if cached is None:
            cached = self._missing_cache[key] = missing_for(drug, partner)
        return cached

    def _same_ingredient(self, mid: str, entries: tuple[str, ...]) -> Finding:
        """The same ingredient reached through several entries (a brand and its generic, two
        combination products): moderate, with the record's daily maximum when it states one."""
        profile = self.catalog.profile(mid)
        shown = [f"“{e}”" for e in entries]
        params = {"ingredient": profile.name, "entries": ", ".join(shown[:-1]) + " and " + shown[-1], "maximum": ""}
        basis_prop = profile.max_daily
        if basis_prop is not None:
            amount, unit = basis_prop.value
            params["maximum"] = f" ({amount:,.0f} {unit} a day for {profile.name})" if amount == int(amount) else f" ({amount} {unit} a day)"
        prop = basis_prop or any_prop(profile)
        basis = (Basis(mid, f"in entries: {', '.join(entries)}", prop),)
        if basis_prop is not None:
            basis += (Basis(mid, f"max_daily={params['maximum'].strip(' ()')}", basis_prop),)
        return self._finding(Hit("same-ingredient", "moderate", (profile,), params, basis))

    def _cumulative_finding(self, hit: Hit) -> Finding:
        key = (hit.rule, tuple(d.id for d in hit.drugs), tuple(sorted(hit.params.items())))
        finding = self._cumulative_cache.get(key)
        if finding is None:
            if len(self._cumulative_cache) > 100_000:
                self._cumulative_cache.clear()
                self._dict_cache.clear()
                self._json_cache.clear()
            finding = self._cumulative_cache[key] = self._finding(hit)
        return finding

    def _finding(self, hit: Hit) -> Finding:
        text = self.catalog.rules[hit.rule]
        names = [d.name for d in hit.drugs]
        params = _Params(hit.params)
        if len(hit.drugs) >= 2:
            params.update(a=names[0], b=names[1], perpetrator=names[0], victim=names[1])
        params.update(drugs=", ".join(names), count=str(len(names)))
        sources: list[SourceRef] = [intern_ref(s) for s in text["sources"]]
        for basis in hit.basis:
            sources += basis.prop.sources
        return Finding(
            drugs=tuple(d.id for d in hit.drugs),
            names=tuple(names),
            severity=hit.severity,
            **_worded(text, params),
            rule=hit.rule,
            sources=dedupe_sources(sources),
            basis=tuple(f"{b.drug}: {b.fact}" for b in hit.basis),
            params=tuple(sorted(hit.params.items())),
        )

    def _in_any_guideline(self, drug: DrugProfile) -> bool:
        """Whether ``drug`` is in any group of any guideline row (cached per medicine)."""
        cached = self._guideline_cache.get(drug.id)
        if cached is None:
            cached = self._guideline_cache[drug.id] = any(any(self._membership(e, drug)) for e in self.catalog.guidelines)
        return cached

    def _membership(self, entry: dict[str, Any], drug: DrugProfile) -> tuple[str | None, str | None]:
        """Why ``drug`` is in the first and in the second group of a guideline row (None when it is
        not), cached per row and medicine."""
        key = (entry["id"], drug.id)
        cached = self._group_cache.get(key)
        if cached is None:
            cached = self._group_cache[key] = (_in_group(entry["first"], drug), _in_group(entry["second"], drug))
        return cached

    def _guideline(self, entry: dict[str, Any], matched: tuple[tuple[DrugProfile, str], tuple[DrugProfile, str]]) -> Finding:
        """A guideline row about two groups, for the two medicines it matched (first group first),
        each with why it belongs to its group."""
        drugs = (matched[0][0], matched[1][0])
        params = _Params(a=drugs[0].name, b=drugs[1].name)
        return Finding(
            drugs=(drugs[0].id, drugs[1].id),
            names=(drugs[0].name, drugs[1].name),
            severity=entry["severity"],
            **_worded(entry, params),
            rule=f"guideline:{entry['id']}",
            sources=dedupe_sources([intern_ref(s) for s in entry["sources"]]),
            basis=(f"{drugs[0].id}: in the first group ({matched[0][1]})", f"{drugs[1].id}: in the second group ({matched[1][1]})",
                   f"guidelines/{entry['id']}.yaml"),
        )

    def _curated(self, entry: dict[str, Any], profiles: tuple[DrugProfile, DrugProfile], replaced: Iterable[Finding]) -> Finding:
        by_id = {p.id: p for p in profiles}
        drugs = tuple(entry["drugs"])
        replaced = list(replaced)
        sources = [intern_ref(s) for s in entry["sources"]]
        for f in replaced:
            sources += f.sources
        basis = [f"curated entry pairs/{entry['id']}.yaml"] + [f"refines {f.rule}: {'; '.join(f.basis)}" for f in replaced]
        return Finding(
            drugs=drugs,
            names=tuple(by_id[d].name for d in drugs),
            severity=entry["severity"],
            type=entry["type"],
            title=entry.get("title") or "Curated interaction",
            mechanism=entry["mechanism"],
            effect=entry["effect"],
            management=entry["management"],
            monitor=entry.get("monitor"),
            summary=entry["summary"],
            documentation=entry["documentation"],
            rule=f"pair:{entry['id']}",
            sources=dedupe_sources(sources),
            basis=tuple(basis),
            refines=tuple(f.rule for f in replaced),
        )


def _worst_rank(findings: Iterable[Finding]) -> int:
    """The rank of the most severe finding (0 = contraindicated); past the last rank when none."""
    return min((SEVERITY_RANK[f.severity] for f in findings), default=len(SEVERITY_RANK))


def _in_group(group: dict[str, Any], drug: DrugProfile) -> str | None:
    """Why ``drug`` belongs to a guideline group (named, a class, an enzyme inhibition), or None."""
    condition = group.get("inhibitors_of")
    wanted = ("inhibits", condition["enzyme"], condition["strength"]) if condition else ("", "", "")
    return partner_match(wanted, drug, group.get("ids", ()), group.get("classes", ()))


def _worded(text: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
    """The words of a finding from a rule text or a guideline row, placeholders filled in."""
    return {
        "type": text["type"],
        "title": text["title"],
        "mechanism": text["mechanism"].format_map(params),
        "effect": text["effect"].format_map(params),
        "management": text["management"].format_map(params),
        "monitor": text["monitor"].format_map(params) if text.get("monitor") else None,
        "summary": text["summary"].format_map(params),
        "documentation": text["documentation"],
    }
