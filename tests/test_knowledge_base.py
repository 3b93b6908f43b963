"""Validation of the YAML: the real knowledge base is valid; broken ones report every problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rxcombo.errors import KnowledgeBaseError
from rxcombo.knowledge.loader import load_knowledge_base
from tests.conftest import KB_DIR

CORE_MEDICINES = """paroxetine fluoxetine sertraline citalopram escitalopram fluvoxamine venlafaxine desvenlafaxine
duloxetine mirtazapine bupropion trazodone vortioxetine amitriptyline nortriptyline imipramine clomipramine phenelzine
tranylcypromine moclobemide selegiline clonazepam diazepam alprazolam lorazepam chlordiazepoxide etizolam midazolam
triazolam zolpidem buspirone hydroxyzine pregabalin quetiapine olanzapine risperidone aripiprazole haloperidol clozapine
lithium valproate carbamazepine lamotrigine tramadol methadone oxycodone codeine linezolid sumatriptan dextromethorphan
st-johns-wort ketoconazole clarithromycin rifampicin warfarin ibuprofen aspirin ondansetron tamoxifen metoprolol
hydrochlorothiazide alcohol""".split()


def test_real_knowledge_base_is_valid_and_has_the_core_set() -> None:
    kb = load_knowledge_base(KB_DIR)
    missing = sorted(set(CORE_MEDICINES) - set(kb.medicines))
    assert not missing, f"core medicines missing: {missing}"


# Gaps we know of and could not fill from a source we are sure of. The test fails when a gap
# is filled (remove it here) and when a new gap appears.
KNOWN_GAPS = {"dextromethorphan": {"adverse_effects"}}


def test_core_records_are_complete_enough() -> None:
    """Each core medicine states indications, adult dosing and adverse effects, with sources."""
    kb = load_knowledge_base(KB_DIR)
    for mid in CORE_MEDICINES:
        med = kb.medicines[mid]
        if med.kind != "medicine":
            assert med.risks.model_dump(exclude_none=True), f"{mid}: a substance needs its risks"
            continue
        gaps = set()
        if not med.indications:
            gaps.add("indications")
        if not (med.adverse_effects.common or med.adverse_effects.serious):
            gaps.add("adverse_effects")
        if not med.dosing.adult:
            gaps.add("dosing")
        if not med.sources:
            gaps.add("sources")
        assert gaps == KNOWN_GAPS.get(mid, set()), f"{mid}: gaps {gaps}"


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(KB_DIR, target)
    return target


def test_every_problem_is_reported_with_file_and_field(kb_copy: Path) -> None:
    med = kb_copy / "medicines" / "sertraline.yaml"
    text = med.read_text()
    text = text.replace("classes: [ssri]", "classes: [ssri, not-a-class]", 1)
    med.write_text(text + "\nunknown_field: 1\n")
    (kb_copy / "medicines" / "broken.yaml").write_text("id: broken\nname: [unclosed\n")
    (kb_copy / "medicines" / "wrongid.yaml").write_text("id: other-id\nname: X\nclasses: [ssri]\n")
    para = kb_copy / "medicines" / "paroxetine.yaml"
    para.write_text(para.read_text().replace("sources: [\"paxil-label#Clinical Pharmacology\"]", "sources: [\"no-such-source\"]", 1))
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(kb_copy)
    problems = {(p.file, p.field.split(".")[0]) for p in info.value.problems}
    message = str(info.value)
    assert ("medicines/sertraline.yaml", "unknown_field") in problems
    assert any(p.file == "medicines/broken.yaml" and "YAML" in p.message for p in info.value.problems)
    assert any(p.file == "medicines/wrongid.yaml" and p.field == "id" for p in info.value.problems)
    assert any(p.file == "medicines/paroxetine.yaml" and "no-such-source" in p.message for p in info.value.problems)
    assert len(info.value.problems) >= 4
    assert "medicines/sertraline.yaml" in message


def test_a_misspelt_key_gets_the_closest_field_name(kb_copy: Path) -> None:
    """A typo is not read as a missing feature: the error names the field that was meant."""
    med = kb_copy / "medicines" / "sertraline.yaml"
    med.write_text(med.read_text() + "\nsynonym: [Lustral]\n")
    pair = kb_copy / "pairs" / "warfarin--ciprofloxacin.yaml"
    pair.write_text(pair.read_text() + "\nsources_defs: {}\n")
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(kb_copy)
    text = str(info.value)
    assert "medicines/sertraline.yaml: synonym: Extra inputs are not permitted; did you mean synonyms?" in text
    assert "pairs/warfarin--ciprofloxacin.yaml: sources_defs: Extra inputs are not permitted; did you mean source_defs?" in text


def test_class_properties_names_and_references_are_checked(kb_copy: Path) -> None:
    sert = kb_copy / "medicines" / "sertraline.yaml"
    import yaml

    data = yaml.safe_load(sert.read_text())
    data["risks"].pop("serotonergic")
    data["brands"] = {"US": ["Paxil"]}
    sert.write_text(yaml.safe_dump(data))
    (kb_copy / "pairs" / "ghost--paroxetine.yaml").write_text(
        "drugs: [ghost, paroxetine]\nseverity: minor\ntype: pharmacodynamic\nmechanism: m\neffect: e\n"
        "management: x\nsummary: s\ndocumentation: theoretical\nrefines: [no-rule]\nsources: [beers-2023]\n"
    )
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(kb_copy)
    text = str(info.value)
    assert "medicines/sertraline.yaml: risks.serotonergic: missing" in text
    assert "'Paxil' is also claimed by medicines/paroxetine.yaml" in text or "'Paxil' is also claimed by medicines/sertraline.yaml" in text
    assert "pairs/ghost--paroxetine.yaml: drugs.0: unknown medicine 'ghost'" in text
    assert "refines.0: unknown rule 'no-rule'" in text


def test_a_paper_needs_an_identifier(kb_copy: Path) -> None:
    src = kb_copy / "sources.yaml"
    src.write_text(src.read_text() + "\nmade-up:\n  kind: paper\n  title: A paper without identifiers\n")
    with pytest.raises(KnowledgeBaseError, match="sources.yaml: made-up: Value error, a paper needs a pmid or a doi"):
        load_knowledge_base(kb_copy)


def test_aliases_are_checked(kb_copy: Path) -> None:
    (kb_copy / "aliases.yaml").write_text("Paxil:\n  id: paroxetine\n  reason: r\nFoo:\n  id: ghost\n  reason: r\n")
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(kb_copy)
    text = str(info.value)
    assert "aliases.yaml: Paxil: already a name of medicines/paroxetine.yaml" in text
    assert "aliases.yaml: Foo.id: unknown medicine 'ghost'" in text
