"""Monographs: the seed pages come out right, every citation resolves, nothing is invented or unescaped."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from rxcombo.knowledge.database import Catalog, build
from rxcombo.engine.checker import Engine
from rxcombo.pages.monograph import Citations, MonographBuilder, slugify
from rxcombo.pages.render import render_html, render_json, render_markdown
from tests.conftest import KB_DIR

SECTION_IDS = ["generic-name", "note", "how-they-interact", "usage", "dosage", "side-effects", "how-it-works",
               "precautions", "other-medicines", "evidence", "faqs"]
PLACEHOLDERS = re.compile(r"\b(TODO|TBD|lorem ipsum|None|nan|undefined|null)\b|\{[a-z_]+\}|\[citation needed\]", re.IGNORECASE)


@pytest.fixture(scope="module")
def builder(engine: Engine) -> MonographBuilder:
    return MonographBuilder(engine)


def interact(page) -> list[dict]:
    return next(s for s in page.sections if s["id"] == "how-they-interact")["blocks"]


def test_seed_paroxetine_clonazepam(builder: MonographBuilder) -> None:
    page = builder.build(["paroxetine", "clonazepam"])
    assert [s["id"] for s in page.sections] == SECTION_IDS
    findings = [b for b in interact(page) if b["type"] == "finding"]
    assert [(f["title"], f["severity"]) for f in findings] == [("Additive CNS depression", "moderate")]
    assert "psychomotor" in findings[0]["effect"]


def test_seed_diazepam_mirtazapine(builder: MonographBuilder) -> None:
    findings = [b for b in interact(builder.build(["diazepam", "mirtazapine"])) if b["type"] == "finding"]
    assert ("Additive CNS depression", "moderate") in [(f["title"], f["severity"]) for f in findings]
    assert all(f["severity"] in ("moderate", "minor") for f in findings)


def test_seed_paroxetine_buspirone(builder: MonographBuilder) -> None:
    findings = [b for b in interact(builder.build(["paroxetine", "buspirone"], audience="professional")) if b["type"] == "finding"]
    sero = [f for f in findings if f["rule"] == "serotonin-additive"]
    assert sero and "serotonin" in sero[0]["mechanism"].lower()
    assert not [f for f in findings if f["rule"].startswith("enzyme-")]


def _cited_numbers(page) -> set[int]:
    numbers: set[int] = set()

    def walk(obj):  # type: ignore[no-untyped-def]
        if isinstance(obj, dict):
            numbers.update(obj.get("cites", []))
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    walk(page.sections)
    return numbers


@pytest.mark.parametrize("ids", [["paroxetine", "clonazepam"], ["diazepam", "mirtazapine"], ["paroxetine", "buspirone"],
                                 ["lithium"], ["fluoxetine", "tramadol", "warfarin"]])
@pytest.mark.parametrize("audience", ["patient", "professional"])
def test_references_resolve_and_no_placeholders(builder: MonographBuilder, ids: list[str], audience: str) -> None:
    page = builder.build(ids, audience=audience)  # type: ignore[arg-type]
    cited = _cited_numbers(page)
    numbers = {r.number for r in page.references}
    assert cited == numbers, "every reference is cited and every citation has a reference"
    assert numbers == set(range(1, len(numbers) + 1))
    for text in page.plain_text().splitlines():
        assert not PLACEHOLDERS.search(text), text
    md = render_markdown(page)
    for n in re.findall(r"\[\[(\d+)\]\]\(#ref-(\d+)\)", md):
        assert n[0] == n[1] and int(n[0]) in numbers
    html = render_html(page)
    for n in re.findall(r'href="#ref-(\d+)"', html):
        assert f'id="ref-{n}"' in html


def test_markdown_front_matter_and_json(builder: MonographBuilder) -> None:
    page = builder.build(["paroxetine", "clonazepam"])
    md = render_markdown(page)
    assert md.startswith('---\nlayout: minimal-medicine\ntitle: "Paroxetine + Clonazepam"\n')
    assert "## How they interact" in md and "## References" in md and "## Disclaimer" in md
    data = json.loads(render_json(page))
    assert data["readability"]["flesch_kincaid_grade"] > 0
    assert data["references"][0]["number"] == 1


def test_patient_and_professional_differ(builder: MonographBuilder) -> None:
    patient = render_html(builder.build(["fluoxetine", "tramadol"], audience="patient"))
    pro = render_html(builder.build(["fluoxetine", "tramadol"], audience="professional"))
    assert "<dt>Mechanism</dt>" in pro and "<dt>Mechanism</dt>" not in patient
    assert "pharmacokinetics" in pro and "pharmacokinetics" not in patient


def _other_medicines_rows(page: Any) -> dict[str, Any]:
    table = next(b for s in page.sections if s["id"] == "other-medicines" for b in s["blocks"] if b["type"] == "table")
    return {row[0]["text"].split(" (e.g.")[0]: row for row in table["rows"]}


def test_other_medicines_table_is_derived(builder: MonographBuilder) -> None:
    rows = _other_medicines_rows(builder.build(["paroxetine"], audience="professional"))
    assert rows["Monoamine oxidase inhibitors (MAOIs)"][2]["text"] == "contraindicated"
    assert "Serotonin toxicity with an MAO inhibitor" in rows["Monoamine oxidase inhibitors (MAOIs)"][1]["text"]
    assert "Tamoxifen" in next(k + v[0]["text"] for k, v in rows.items() if "estrogen" in k)


def test_patient_table_uses_everyday_words(builder: MonographBuilder) -> None:
    """Patients read the same findings in plain words: class descriptions and rule plain titles."""
    rows = _other_medicines_rows(builder.build(["clonazepam"], audience="patient"))
    text = " ".join(cell["text"] for row in rows.values() for cell in row)
    assert "Additive CNS depression" not in text and "More drowsiness and slower reactions" in text
    rows = _other_medicines_rows(builder.build(["paroxetine", "clonazepam"], audience="patient"))
    maoi = rows["MAO inhibitor antidepressant"]
    assert maoi[2]["text"] == "contraindicated" and "serotonin syndrome" in maoi[1]["text"]


def test_combination_pages_list_the_serious_rows_and_point_to_each_medicine(builder: MonographBuilder) -> None:
    """A pair page with every moderate and minor row of both medicines ran to 200 rows; it lists
    the major and contraindicated ones and says where the rest are."""
    page = builder.build(["paroxetine", "clonazepam"], audience="patient")
    severities = {row[2]["text"] for row in _other_medicines_rows(page).values()}
    assert severities and severities <= {"major", "contraindicated"}
    section = next(s for s in page.sections if s["id"] == "other-medicines")
    assert "page of each medicine (Paroxetine, Clonazepam)" in section["blocks"][0]["text"]
    single = {row[2]["text"] for row in _other_medicines_rows(builder.build(["paroxetine"], audience="patient")).values()}
    assert {"moderate", "minor"} <= single


@pytest.mark.parametrize("ids", [["paroxetine", "clonazepam"], ["diazepam", "mirtazapine"], ["paroxetine", "buspirone"]])
def test_patient_pages_read_more_easily_than_professional(builder: MonographBuilder, ids: list[str]) -> None:
    patient = builder.build(ids, audience="patient").readability["flesch_kincaid_grade"]
    pro = builder.build(ids, audience="professional").readability["flesch_kincaid_grade"]
    assert patient < pro and patient <= 12, (patient, pro)


def test_list_items_count_as_sentences() -> None:
    """A list of side effects is not one endless sentence when the grade is measured."""
    from rxcombo.pages.monograph import Monograph
    from rxcombo.pages.readability import flesch_kincaid_grade

    items = [{"text": w} for w in ("nausea", "headache", "dry mouth", "sleepiness", "dizziness", "sweating")]
    page = Monograph("t", "t", "patient", [], [{"id": "s", "title": "s", "blocks": [{"type": "list", "title": None, "items": items}]}], [])
    assert flesch_kincaid_grade(page.plain_text()) == flesch_kincaid_grade(". ".join(i["text"] for i in items) + ".")


def test_hostile_names_are_escaped(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    record = yaml.safe_load((kb / "medicines" / "buspirone.yaml").read_text())
    record["name"] = "<script>alert(1)</script> Buspirone"
    (kb / "medicines" / "buspirone.yaml").write_text(yaml.safe_dump(record))
    db = tmp_path / "x.sqlite"
    build(db, kb)
    page = MonographBuilder(Engine(Catalog(db))).build(["paroxetine", "buspirone"])
    html = render_html(page)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Buspirone" in html
    md = render_markdown(page)
    assert "<script>alert" not in md
    assert slugify(page.title) == "paroxetine-script-alert-1-script-buspirone"
    assert slugify("../../etc/passwd") == "etc-passwd" and slugify("???").startswith("item-")


def test_monograph_cli(run_cli, tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    proc = run_cli("monograph", "Paroxetine + Clonazepam", "--format", "html", "--audience", "professional", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "readability grade" in proc.stderr
    assert "<h2 id=\"h-how-they-interact\">How they interact</h2>" in out.read_text()
    proc = run_cli("monograph", "lithium")
    assert proc.returncode == 0 and proc.stdout.startswith("---\nlayout: minimal-medicine")
    proc = run_cli("monograph", "paroxetine", "foobarzine")
    assert proc.returncode == 1 and "NOT CHECKED" in proc.stderr and not proc.stdout


def test_class_rows_speak_for_a_class_only_when_every_member_does(builder: MonographBuilder) -> None:
    """"Antibiotic (e.g. Linezolid): contraindicated" would tell a reader that every antibiotic is
    contraindicated; a medicine that differs from its class is named instead."""
    table = next(b for s in builder.build(["paroxetine"], audience="professional").sections
                 if s["id"] == "other-medicines" for b in s["blocks"] if b["type"] == "table")
    labels = {row[0]["text"]: row[2]["text"] for row in table["rows"]}
    assert not any(label.startswith(("Antibiotics", "Antidepressants (e.g.")) for label in labels), labels
    assert labels["Dapoxetine (Antidepressants)"] == "contraindicated"
    assert any("Linezolid" in label and severity == "contraindicated" for label, severity in labels.items())


def test_interactions_come_first_with_a_table_of_contents(builder: MonographBuilder) -> None:
    page = builder.build(["paroxetine", "clonazepam", "buspirone"], audience="patient")
    assert [s["id"] for s in page.sections][:3] == ["generic-name", "note", "how-they-interact"]
    html = render_html(page)
    assert '<nav class="toc"' in html and html.index('href="#how-they-interact"') < html.index('id="h-how-they-interact"')
    assert html.count('class="collapse-small" open') == 2  # class table and references fold on small screens


def test_citations_resolved_once_stay_apart_and_number_per_page() -> None:
    """Pages share the resolution of citations to sources, not their numbers: a second page
    numbers from 1 again, and two records citing the same key get their own sources."""
    shared: dict[Any, Any] = {}
    drug = {"id": "x", "sources": {"lab": {"title": "X label", "url": "https://example.org/x"}}}
    entry = {"id": "evidence:x", "sources": {"lab": {"title": "A trial of X", "pmid": "1"}}}
    first = Citations({}, shared)
    assert first.record(drug, ["lab#4.5"]) == [1] and first.record(entry, ["lab"]) == [2]
    assert [r.source["title"] for r in first.references()] == ["X label", "A trial of X"]
    assert first.references()[0].sections == ["4.5"]
    second = Citations({}, shared)
    assert second.record(entry, ["lab"]) == [1] and second.record(drug, ["lab#4.3"]) == [2]
    assert second.references()[1].sections == ["4.3"], "sections are per page"
    assert first.references()[0].sections == ["4.5"]
