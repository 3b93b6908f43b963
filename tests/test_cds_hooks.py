"""CDS Hooks with realistic request JSON from tests/data/cds/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rxcombo.engine import Engine
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
    assert any(c["indicator"] == "warning" and "serotonergic" in c["summary"].lower() for c in cards)
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
