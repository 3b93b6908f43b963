"""CDS Hooks with realistic request JSON from tests/data/cds/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rxcombo.engine.checker import Engine
from rxcombo.web import create_app

DATA = Path(__file__).parent / "data" / "cds"


@pytest.fixture(scope="module")
def client(engine: Engine) -> TestClient:
    return TestClient(create_app(engine))


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def test_discovery(client: TestClient) -> None:
    services = client.get("/cds-services").json()["services"]
    assert {s["hook"] for s in services} == {"order-select", "order-sign"}
    assert all(s["prefetch"]["medications"].startswith("MedicationRequest?patient={{context.patientId}}") for s in services)


def test_order_sign_cards(client: TestClient) -> None:
    r = client.post("/cds-services/rxcombo-order-sign", json=load("order-sign-tramadol.json"))
    assert r.status_code == 200, r.text
    cards = r.json()["cards"]
    for card in cards:
        assert len(card["summary"]) < 140 and card["indicator"] in ("info", "warning", "critical")
        assert card["source"]["label"]
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert any("respiratory depression" in c["summary"].lower() for c in critical)
    removal = critical[0]["suggestions"][0]["actions"][0]
    assert removal == {"type": "delete", "description": "Remove this draft order", "resourceId": ["MedicationRequest/draft-tramadol"]}
    # one card per pair of medicines: the serotonergic finding is on the sertraline + tramadol card
    pair_cards = [c for c in cards if "(Tramadol + Sertraline)" in c["summary"] or "(Sertraline + Tramadol)" in c["summary"]]
    assert len(pair_cards) == 1 and "serotonin" in (pair_cards[0]["summary"] + pair_cards[0]["detail"]).lower()
    assert len({c["uuid"] for c in cards}) == len(cards)
    order = [{"critical": 0, "warning": 1, "info": 2}[c["indicator"]] for c in cards]
    assert order == sorted(order), "critical cards first, info cards last"
    info = [c for c in cards if c["indicator"] == "info" and c["summary"].startswith("Not checked")]
    assert info and "Foobarzine" in info[0]["summary"]
    assert all(c.get("overrideReasons") for c in cards if c["indicator"] != "info")


def test_order_select_contraindicated(client: TestClient) -> None:
    cards = client.post("/cds-services/rxcombo-order-select", json=load("order-select-phenelzine.json")).json()["cards"]
    top = cards[0]
    assert top["indicator"] == "critical" and top["summary"].startswith("Contraindicated")
    assert "serotonin syndrome" in top["detail"] and "**Produced by:** `serotonin-maoi`" in top["detail"]


def test_missing_prefetch_is_412(client: TestClient) -> None:
    r = client.post("/cds-services/rxcombo-order-select", json=load("order-select-missing-prefetch.json"))
    assert r.status_code == 412 and "prefetch" in r.json()["detail"]


def test_invalid_fhir_and_wrong_hook(client: TestClient) -> None:
    bad = load("order-sign-tramadol.json")
    bad["context"]["draftOrders"]["entry"][0]["resource"]["subject"] = 42  # a Reference must be an object
    r = client.post("/cds-services/rxcombo-order-sign", json=bad)
    assert r.status_code == 400 and r.json()["detail"].startswith("invalid FHIR")
    wrong = load("order-select-phenelzine.json")
    r = client.post("/cds-services/rxcombo-order-sign", json=wrong)
    assert r.status_code == 400 and "order-sign" in r.json()["detail"]


def test_feedback(client: TestClient) -> None:
    assert client.post("/cds-services/rxcombo-order-sign/feedback", json=load("feedback.json")).status_code == 200
    assert client.post("/cds-services/nope/feedback", json=load("feedback.json")).status_code == 404


def _with(body: dict, **changes: object) -> dict:
    out = json.loads(json.dumps(body))
    for path, value in changes.items():
        target = out
        *parents, last = path.split("__")
        for part in parents:
            target = target[part]
        target[last] = value
    return out


def test_null_medications_prefetch_is_412(client: TestClient) -> None:
    """The clinician must not be told 'no interactions' when current medicines were not sent."""
    body = _with(load("order-sign-tramadol.json"), prefetch__medications=None)
    r = client.post("/cds-services/rxcombo-order-sign", json=body)
    assert r.status_code == 412 and r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("selections", [5, [[1]], "MedicationRequest/x", [1, 2]])
def test_bad_selections_are_400(client: TestClient, selections: object) -> None:
    body = _with(load("order-select-phenelzine.json"), context__selections=selections)
    r = client.post("/cds-services/rxcombo-order-select", json=body)
    assert r.status_code == 400 and "selections" in r.json()["detail"]


def test_a_code_without_a_name_is_explained(client: TestClient) -> None:
    body = load("order-sign-tramadol.json")
    order = body["context"]["draftOrders"]["entry"][0]["resource"]
    order["medicationCodeableConcept"] = {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "312941"}]}
    cards = client.post("/cds-services/rxcombo-order-sign", json=body).json()["cards"]
    info = [c for c in cards if c["indicator"] == "info" and c["summary"].startswith("Not checked")]
    text = " ".join(c["detail"] for c in info)
    assert "draft-tramadol" in text and "312941" in text and "without a name" in text
    assert "rxnorm|312941" not in " ".join(c["summary"] for c in info).lower()


def test_order_without_id_and_repeated_prefetch(client: TestClient) -> None:
    body = load("order-sign-tramadol.json")
    del body["context"]["draftOrders"]["entry"][0]["resource"]["id"]
    body["prefetch"]["medications"]["entry"] *= 2
    cards = client.post("/cds-services/rxcombo-order-sign", json=body).json()["cards"]
    actions = [a for c in cards for sug in c.get("suggestions", []) for a in sug["actions"]]
    assert all(rid != "MedicationRequest/" for a in actions for rid in a["resourceId"])
    assert len({c["uuid"] for c in cards}) == len(cards)


def test_cards_are_capped_with_a_final_summary(client: TestClient) -> None:
    body = load("order-sign-tramadol.json")
    names = ["fluoxetine", "paroxetine", "citalopram", "venlafaxine", "duloxetine", "linezolid", "methadone",
             "oxycodone", "alprazolam", "diazepam", "lorazepam", "zolpidem", "quetiapine", "olanzapine"]
    body["prefetch"]["medications"]["entry"] = [
        {"resource": {"resourceType": "MedicationRequest", "id": f"active-{n}", "status": "active", "intent": "order",
                      "subject": {"reference": "Patient/example-1"}, "medicationCodeableConcept": {"text": n}}}
        for n in names]
    cards = client.post("/cds-services/rxcombo-order-sign", json=body).json()["cards"]
    interaction_cards = [c for c in cards if not c["summary"].startswith("Not checked") and "not be assessed" not in c["summary"]]
    assert len(interaction_cards) <= 10
    assert interaction_cards[-1]["summary"].startswith("...and ") and "more" in interaction_cards[-1]["summary"]
