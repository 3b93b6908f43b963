"""The web app and JSON API against the real app and the session database."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from rxcombo.engine import Engine
from rxcombo.web import create_app


@pytest.fixture(scope="module")
def client(engine: Engine) -> TestClient:
    return TestClient(create_app(engine))


def is_problem(response, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and "Traceback" not in body["detail"]
    return body


def test_api_check_matches_cli_contract(client: TestClient, run_cli) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/check", json={"drugs": ["Paxil", "Klonopin", "tramadol"]})
    assert r.status_code == 200
    data = r.json()
    cli = json.loads(run_cli("check", "Paxil", "Klonopin", "tramadol", "--json").stdout)
    assert data == cli
    assert data["highest_severity"] == "major"


def test_api_unresolved_is_reported(client: TestClient) -> None:
    data = client.post("/api/v1/check", json={"drugs": ["paroxetine", "foobarzine"]}).json()
    assert data["complete"] is False and data["unresolved"][0]["input"] == "foobarzine"


def test_api_errors_have_one_shape(client: TestClient) -> None:
    is_problem(client.post("/api/v1/check", json={"drugs": []}), 422)
    body = is_problem(client.post("/api/v1/check", json={"drugs": ["x"] * 51}), 422)
    assert "at most 50" in body["detail"]
    is_problem(client.post("/api/v1/check", json={"drugs": ["", "paroxetine"]}), 422)
    is_problem(client.post("/api/v1/check", content=b"{not json", headers={"content-type": "application/json"}), 422)
    is_problem(client.post("/api/v1/check", content=b"[" * 70_000, headers={"content-type": "application/json"}), 413)
    is_problem(client.get("/api/v1/drugs/not-a-drug"), 404)
    is_problem(client.get("/api/v1/nothing-here"), 404)
    is_problem(client.get("/api/v1/monographs/paroxetine+ghost"), 404)
    is_problem(client.get("/api/v1/drugs"), 422)


def test_autocomplete(client: TestClient) -> None:
    hits = client.get("/api/v1/drugs", params={"q": "paxil"}).json()
    assert hits[0] == {"id": "paroxetine", "name": "Paroxetine", "match": "Paxil", "kind": "brand:US"}
    hits = client.get("/api/v1/drugs", params={"q": "klon", "limit": 3}).json()
    assert hits and hits[0]["id"] == "clonazepam" and len(hits) <= 3


def test_drug_monograph_health(client: TestClient) -> None:
    record = client.get("/api/v1/drugs/mirtazapine").json()
    assert record["id"] == "mirtazapine" and record["sources"]
    page = client.get("/api/v1/monographs/paroxetine+clonazepam", params={"audience": "professional"}).json()
    assert page["title"] == "Paroxetine + Clonazepam" and page["audience"] == "professional"
    health = client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["medicines"] >= 62


def test_html_pages_have_json_twins(client: TestClient) -> None:
    html = client.get("/check", params={"drugs": "Paxil,Klonopin,foobarzine"})
    assert html.status_code == 200
    assert "Additive CNS depression" in html.text and "is not recognised and was NOT checked" in html.text
    twin = client.get("/check.json", params={"drugs": "Paxil,Klonopin,foobarzine"}).json()
    assert twin["unresolved"][0]["input"] == "foobarzine"
    page = client.get("/medicines/paroxetine")
    assert page.status_code == 200 and "<h1>Paroxetine</h1>" in page.text
    assert client.get("/medicines/paroxetine.json").json()["title"] == "Paroxetine"
    combo = client.get("/monographs/paroxetine+clonazepam")
    assert "How they interact" in combo.text
    assert client.get("/monographs/paroxetine+clonazepam.json").json()["components"][1]["id"] == "clonazepam"


def test_combination_input_is_expanded_and_said(client: TestClient) -> None:
    html = client.get("/check", params={"drugs": "Paroxetine + Clonazepam"}).text
    assert "a combination, each ingredient is checked" in html


def test_form_without_javascript_redirects_to_shareable_url(client: TestClient) -> None:
    r = client.get("/check", params={"drugs": "Paxil", "add": "Klonopin"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/check?drugs=Paxil%2CKlonopin&audience=patient"


def test_names_are_escaped(client: TestClient) -> None:
    html = client.get("/check", params={"drugs": "<script>alert(1)</script>,paroxetine"}).text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_audience_toggle(client: TestClient) -> None:
    patient = client.get("/check", params={"drugs": "fluoxetine,tramadol"}).text
    pro = client.get("/check", params={"drugs": "fluoxetine,tramadol", "audience": "professional"}).text
    assert "<dt>Mechanism</dt>" in pro and "<dt>How it happens</dt>" in patient
    assert "<dt>Documentation</dt>" in pro and "<dt>Documentation</dt>" not in patient


def test_detected_issues(client: TestClient) -> None:
    bundle = client.post("/api/v1/detected-issues", json={"drugs": ["phenelzine", "sertraline"]}).json()
    assert bundle["resourceType"] == "Bundle"
    issue = bundle["entry"][0]["resource"]
    assert issue["resourceType"] == "DetectedIssue" and issue["severity"] == "high"
