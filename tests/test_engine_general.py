"""The general engine: stated absence versus unknown, what could not be assessed, the same
ingredient twice, combination products, and the completeness report; on the real database."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from rxcombo.engine.assessment import not_assessed
from rxcombo.knowledge.compile import write_database
from rxcombo.knowledge.completeness import completeness_report, record_completeness
from rxcombo.knowledge.database import Catalog
from rxcombo.engine.checker import Engine
from rxcombo.errors import KnowledgeBaseError
from rxcombo.knowledge.loader import load_knowledge_base
from rxcombo.web import create_app
from tests.conftest import KB_DIR

CDS = Path(__file__).parent / "data" / "cds"


def test_same_ingredient_names_each_entry_and_the_daily_maximum(engine: Engine) -> None:
    result = engine.check(["Tylenol", "Tylenol with codeine", "Panadol"])
    assert result.complete
    (dup,) = result.same_ingredient
    assert dup.rule == "same-ingredient" and dup.drugs == ("paracetamol",)
    for entry in ("Tylenol", "Tylenol with codeine", "Panadol"):
        assert f"“{entry}”" in dup.summary
    if engine.catalog.profile("paracetamol").max_daily is not None:
        assert "a day" in dup.summary and dup.sources
    data = result.to_dict()
    assert data["same_ingredient"][0]["rule"] == "same-ingredient"
    assert result.highest_severity is not None


def test_combination_products_expand_to_every_ingredient(engine: Engine) -> None:
    result = engine.check(["Percocet"])
    assert set(result.resolution.ids) == {"oxycodone", "paracetamol"}
    assert all(r.via == "product" and r.matched == "Percocet" for r in result.resolution.resolved)
    both = engine.check(["Suboxone", "Norco", "Tylenol"])
    assert {"buprenorphine", "naloxone", "hydrocodone", "paracetamol"} <= set(both.resolution.ids)
    assert [f.drugs for f in both.same_ingredient] == [("paracetamol",)]


def test_a_single_entry_is_not_a_duplicate(engine: Engine) -> None:
    assert not engine.check(["Percocet", "ibuprofen"]).same_ingredient
    assert not engine.check(["paracetamol", "codeine"]).same_ingredient


def test_not_assessed_names_the_missing_property_and_the_partner(engine: Engine) -> None:
    result = engine.check(["paracetamol", "codeine"])
    lines = {n.id: n for n in result.not_assessed}
    assert "paracetamol" in lines
    text = lines["paracetamol"].text
    assert text.startswith("Paracetamol: not recorded") and "with Codeine" in text
    # one line per medicine, not one per pair
    assert len(result.not_assessed) == len({n.id for n in result.not_assessed})
    out = result.to_dict()["not_assessed"]
    assert out and {"id", "name", "text", "properties"} <= set(out[0])


def test_a_stated_absence_is_assessed_and_never_fires(engine: Engine, tmp_path: Path) -> None:
    """Stating `none` with a source removes the medicine from not_assessed and fires nothing."""
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    before = Engine(Catalog(write_database(load_knowledge_base(kb), tmp_path / "before.sqlite")))
    gaps = {n.id: dict(n.properties) for n in before.check(["citalopram", "paracetamol"]).not_assessed}
    assert "qt" in gaps.get("paracetamol", {}), gaps
    record = yaml.safe_load((kb / "medicines" / "paracetamol.yaml").read_text(encoding="utf-8"))
    first_source = next(iter(record["sources"]))
    record.setdefault("risks", {})["qt"] = {"category": "none", "sources": [first_source]}
    (kb / "medicines" / "paracetamol.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    after = Engine(Catalog(write_database(load_knowledge_base(kb), tmp_path / "after.sqlite")))
    result = after.check(["citalopram", "paracetamol"])
    gaps = {n.id: dict(n.properties) for n in result.not_assessed}
    assert "qt" not in gaps.get("paracetamol", {})
    assert not any(f.rule == "qt-prolongation" for f in result.interactions)
    assert "qt" in after.catalog.profile("paracetamol").absent


def test_a_label_can_name_the_substrates_of_an_enzyme(tmp_path: Path) -> None:
    """`substrates_of` matches partners whose record states the enzyme as a major pathway;
    `sensitive: true` only the sensitive ones; the finding names the partner's pathway."""
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    path = kb / "medicines" / "paracetamol.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    first_source = next(iter(record["sources"]))
    record["label_interactions"] = [
        {"substrates_of": {"enzyme": "CYP3A4", "sensitive": True}, "severity": "contraindicated",
         "effect": "test effect", "management": "test management", "sources": [first_source]},
        {"substrates_of": {"enzyme": "CYP2D6"}, "severity": "major",
         "effect": "test effect", "management": "test management", "sources": [first_source]},
    ]
    record.pop("no_label_interactions", None)
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    engine = Engine(Catalog(write_database(load_knowledge_base(kb), tmp_path / "db.sqlite")))
    midazolam = engine.catalog.profile("midazolam").substrates["CYP3A4"].value
    assert tuple(midazolam) == ("major", True)
    found = [f for f in engine.pair("paracetamol", "midazolam") if f.rule == "label-interaction"]
    assert [f.severity for f in found] == ["contraindicated"]
    assert any("substrate of CYP3A4 (sensitive)" in b for f in found for b in f.basis), found
    other = next(m["id"] for m in engine.catalog.medicines()
                 if (s := engine.catalog.profile(m["id"]).substrates.get("CYP3A4")) is not None
                 and tuple(s.value) == ("major", False) and "CYP2D6" not in engine.catalog.profile(m["id"]).substrates)
    assert not [f for f in engine.pair("paracetamol", other) if f.rule == "label-interaction"]
    assert [f.severity for f in engine.pair("paracetamol", "metoprolol") if f.rule == "label-interaction"] == ["major"]
    record["label_interactions"][0]["inducers_of"] = {"enzyme": "CYP3A4", "strength": "strong"}
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"medicines/paracetamol.yaml: label_interactions.0.*at most one of"):
        load_knowledge_base(kb)


def test_a_label_read_with_no_partners_is_a_stated_absence(tmp_path: Path) -> None:
    """`no_label_interactions` turns "label not read" into "read, names no partner" in the
    completeness report; a record cannot also list label interactions."""
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    path = kb / "medicines" / "permethrin.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record.pop("label_interactions", None)
    record.pop("no_label_interactions", None)
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    catalog = Catalog(write_database(load_knowledge_base(kb), tmp_path / "a.sqlite"))
    before = {r.id: r for r in record_completeness(catalog)}
    assert "label_interactions" in before["permethrin"].unknown and before["permethrin"].own_label
    assert "permethrin" in completeness_report(catalog)["label_interactions_not_recorded"]
    first_source = next(iter(record["sources"]))
    record["no_label_interactions"] = {"text": "No interaction statements.", "sources": [first_source]}
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    catalog = Catalog(write_database(load_knowledge_base(kb), tmp_path / "b.sqlite"))
    after = {r.id: r for r in record_completeness(catalog)}
    assert "label_interactions" in after["permethrin"].none
    report = completeness_report(catalog)
    assert "permethrin" not in report["label_interactions_not_recorded"]
    assert not after["grapefruit-juice"].own_label, "a food cites its partners' labels, not its own"
    record["label_interactions"] = [{"with": ["warfarin"], "severity": "minor", "effect": "x", "management": "y",
                                     "sources": [first_source]}]
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"medicines/permethrin.yaml.*no_label_interactions contradicts"):
        load_knowledge_base(kb)


def test_page_facts_count_what_records_state(tmp_path: Path) -> None:
    """A record that loses its missed-dose and storage answers leaves the count of records
    stating them one lower; the record's own entry says which facts it states."""
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    before_catalog = Catalog(write_database(load_knowledge_base(kb), tmp_path / "a.sqlite"))
    before = completeness_report(before_catalog)["page_facts"]
    apixaban = {r.id: r for r in record_completeness(before_catalog)}["apixaban"]
    assert {"missed_dose", "storage"} <= set(apixaban.facts)
    path = kb / "medicines" / "apixaban.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    del record["missed_dose"], record["storage"]
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    after = completeness_report(Catalog(write_database(load_knowledge_base(kb), tmp_path / "b.sqlite")))["page_facts"]
    assert after["missed_dose"] == before["missed_dose"] - 1 and after["storage"] == before["storage"] - 1
    assert after["pregnancy"] == before["pregnancy"]


def test_not_assessed_is_empty_for_a_single_medicine(engine: Engine) -> None:
    assert not_assessed([engine.catalog.profile("warfarin")]) == ()


@pytest.mark.parametrize("field,value,message", [
    ("risks.qt", {"category": "sometimes", "sources": ["x"]}, "category"),
    ("pharmacokinetics.inhibits", [{"enzyme": "P-glycoprotein", "strength": "strong", "sources": ["x"]}], "enzyme"),
    ("risks.chelation", {"level": "high", "ions": ["kryptonite"], "sources": ["x"]}, "ions"),
    ("kind", "snack", "kind"),
])
def test_wrong_values_are_reported_with_file_and_field(tmp_path: Path, field: str, value: object, message: str) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    path = kb / "medicines" / "warfarin.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    target = record
    *parents, last = field.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(kb)
    text = str(caught.value)
    assert "medicines/warfarin.yaml" in text and message in text


def test_a_stated_and_absent_enzyme_is_a_contradiction(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    path = kb / "medicines" / "fluconazole.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["pharmacokinetics"]["not_inhibits"] = [{"enzymes": ["CYP2C19"], "sources": ["fda-ddi-table"]}]
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"not_inhibits\.0\.enzymes\.0.*CYP2C19 is also listed"):
        load_knowledge_base(kb)


def test_a_product_with_an_unknown_ingredient_is_reported(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    (kb / "products.yaml").write_text('"Fakecet": {ingredients: [paracetamol, notamedicine], sources: ["percocet-label"]}\n')
    with pytest.raises(KnowledgeBaseError, match=r"products.yaml: Fakecet.ingredients.1: unknown medicine 'notamedicine'"):
        load_knowledge_base(kb)


def test_completeness_cli_reports_properties_records_and_summary_last(run_cli) -> None:
    proc = run_cli("kb", "completeness", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    rows = {r["property"]: r for r in report["properties"]}
    assert {"qt", "bradycardia", "substrate:CYP3A4", "inhibits:P-gp", "max_daily"} <= set(rows)
    total = report["summary"]["records"]
    assert all(r["stated"] + r["none"] + r["unknown"] == total for r in rows.values())
    assert rows["qt"]["stated"] > 50
    text = run_cli("kb", "completeness")
    assert text.returncode == 0
    last = text.stdout.strip().splitlines()[-1]
    summary = " ".join(text.stdout.split("Summary:")[-1].split())
    tail = text.stdout.strip().rsplit("Summary:", 1)[-1]
    assert "\n\n" not in tail and last in tail and "reviewed" in summary, "the summary comes last"
    s = report["summary"]
    assert f"{s['label_interactions_recorded']} of {s['with_label']} records citing their label" in summary
    assert len(report["label_interactions_not_recorded"]) == s["with_label"] - s["label_interactions_recorded"]
    # a label cited by a search page names no document: counted, per record, and said in the summary
    by_search = report["labels_cited_by_search_url"]
    assert s["records_citing_a_label_by_search_url"] == len(by_search)
    assert s["label_sources_by_search_url"] == sum(len(keys) for keys in by_search.values())
    assert f"{len(by_search)} records cite a label by a search page" in summary
    # the label facts pages answer their questions from (pregnancy, missed dose, storage...)
    facts = report["page_facts"]
    assert set(facts) == {"pregnancy", "lactation", "missed_dose", "storage", "dosing.renal", "dosing.hepatic"}
    assert all(0 < count <= total for count in facts.values())
    assert f"missed dose {facts['missed_dose']}, storage {facts['storage']}" in " ".join(text.stdout.split())
    catalog_sources = {mid: run_cli("kb", "show", mid, "--json") for mid in list(by_search)[:2]}
    for mid, shown in catalog_sources.items():
        sources = json.loads(shown.stdout)["sources"]
        assert all("search" in str(sources[key].get("url")) or "query=" in str(sources[key].get("url"))
                   for key in by_search[mid]), mid


def test_check_cli_shows_duplicate_first_and_not_assessed(run_cli) -> None:
    proc = run_cli("check", "Tylenol", "Percocet")
    assert proc.returncode == 0, proc.stderr
    out = " ".join(proc.stdout.split())
    assert out.index("Same ingredient twice") < out.index("Not assessed") if "Not assessed" in out else "Same ingredient twice" in out


def test_cds_duplicate_of_an_active_medicine_gets_its_own_card_first(engine: Engine) -> None:
    client = TestClient(create_app(engine))
    body = json.loads((CDS / "order-sign-duplicate-paracetamol.json").read_text())
    cards = client.post("/cds-services/rxcombo-order-sign", json=body).json()["cards"]
    assert cards, "expected a same-ingredient card"
    first = cards[0]
    assert "same ingredient" in first["summary"].lower() and "Paracetamol" in first["summary"]
    assert "Percocet" in first["detail"] and "Tylenol" in first["detail"]


def test_web_check_page_shows_duplicate_and_not_assessed(engine: Engine) -> None:
    client = TestClient(create_app(engine))
    html = client.get("/check", params={"drugs": "Tylenol,Panadol,codeine"}).text
    assert 'data-rule="same-ingredient"' in html and "Not assessed" in html
    data = client.get("/check.json", params={"drugs": "Tylenol,Panadol,codeine"}).json()
    assert data["same_ingredient"] and data["not_assessed"]


def test_negligible_systemic_exposure_skips_systemic_rules_and_says_why(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    before = Engine(Catalog(write_database(load_knowledge_base(kb), tmp_path / "before.sqlite")))
    assert any(f.rule == "bleeding" for f in before.check(["ibuprofen", "warfarin"]).interactions)
    path = kb / "medicines" / "ibuprofen.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    record["systemic_exposure"] = {"level": "negligible", "note": "a test gel", "sources": [next(iter(record["sources"]))]}
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    after = Engine(Catalog(write_database(load_knowledge_base(kb), tmp_path / "after.sqlite")))
    result = after.check(["ibuprofen", "warfarin"])
    assert not any(f.rule == "bleeding" for f in result.interactions)
    (entry,) = result.to_dict()["negligible_exposure"]
    assert entry["id"] == "ibuprofen" and "not checked for interactions through the blood" in entry["text"]


def test_a_guideline_row_about_two_groups_applies_to_each_member(engine: Engine) -> None:
    result = engine.check(["doxazosin", "furosemide"])
    rules = {f.rule: f for f in result.interactions}
    finding = rules.get("guideline:beers-2023-alpha1-blocker--loop-diuretic")
    assert finding is not None and finding.severity == "moderate"
    assert finding.drugs == ("doxazosin", "furosemide") and any("beers" in s.key for s in finding.sources)
    assert not any(f.rule.startswith("guideline:") for f in engine.check(["tamsulosin", "furosemide"]).interactions)


def test_a_guideline_naming_an_unknown_class_is_reported(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB_DIR, kb)
    path = kb / "guidelines" / "beers-2023-alpha1-blocker--loop-diuretic.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("classes: [loop-diuretic]", "classes: [loop-diuretix]"), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"guidelines/beers-2023-alpha1-blocker--loop-diuretic.yaml: second.classes.0: unknown class 'loop-diuretix'"):
        load_knowledge_base(kb)


def _sample_of_pairs(engine: Engine, size: int, seed: int) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Every medicine's profile and a reproducible random sample of pairs of medicines."""
    import random
    from itertools import combinations

    ids = sorted(engine.catalog.medicine_names)
    return {m: engine.catalog.profile(m) for m in ids}, random.Random(seed).sample(list(combinations(ids, 2)), size)


def test_skipping_rules_a_pair_cannot_trigger_changes_no_result(engine: Engine) -> None:
    """The engine runs only the rules whose declared triggers one of the two medicines holds (the
    site build checks every pair); on the real knowledge base every rule, run on every pair of a
    large sample, gives exactly the hits of the rules the engine chose."""
    from rxcombo.engine.rules import PAIR_RULES

    profiles, pairs = _sample_of_pairs(engine, 40_000, seed=7)
    fired = 0
    for a, b in pairs:
        pa, pb = profiles[a], profiles[b]
        every = [h for rule in PAIR_RULES for h in rule(pa, pb)]
        chosen = [h for rule in engine._rules_for(pa, pb) for h in rule(pa, pb)]
        assert every == chosen, (a, b)
        fired += bool(every)
    assert fired > 1_000  # the sample exercises the rules, not only empty pairs


def test_the_label_rule_skips_only_partners_no_entry_can_name(engine: Engine) -> None:
    """The label rule first asks whether any entry of a label could name the partner (by id,
    class or enzyme role); on every pair of medicines with a label interaction and a large
    sample of the others, each entry matched one by one gives exactly the rule's hits."""
    from rxcombo.engine.rule_base import partner_match
    from rxcombo.engine.rules import label_interaction

    profiles, pairs = _sample_of_pairs(engine, 60_000, seed=11)
    matched = 0
    for a, b in pairs:
        pa, pb = profiles[a], profiles[b]
        expected = sum(partner_match(p.value[2], other, p.value[0], p.value[1]) is not None
                       for owner, other in ((pa, pb), (pb, pa)) for p in owner.label_interactions)
        assert len(label_interaction(pa, pb)) == expected, (a, b)
        matched += expected
    assert matched > 500  # the sample reaches pairs that labels name
