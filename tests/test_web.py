"""The web app and JSON API against the real app and the session database."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from rxcombo.engine.checker import Engine
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


@pytest.mark.parametrize("bad", ["", "—", "😀", "\u200b", "x" * 300])
def test_one_bad_entry_does_not_wipe_the_result(client: TestClient, bad: str) -> None:
    """An unusable entry is listed as not checked, with the reason; the rest is still checked."""
    r = client.post("/api/v1/check", json={"drugs": ["Paxil", "Klonopin", "tramadol", bad]})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["checked"] == ["paroxetine", "clonazepam", "tramadol"] and data["highest_severity"] == "major"
    assert data["unresolved"][0]["reason"] and data["complete"] is False
    page = client.get("/check", params={"drugs": f"Paxil,Klonopin,tramadol,{bad or '—'}"})
    assert page.status_code == 200 and "NOT checked" in page.text and 'data-severity="major"' in page.text


def test_pasted_characters_are_ignored(client: TestClient) -> None:
    data = client.post("/api/v1/check", json={"drugs": ["Klonopin\u2122", "Pax\u200bil", "tram\u00adadol"]}).json()
    assert data["checked"] == ["clonazepam", "paroxetine", "tramadol"] and data["complete"]


def test_results_are_grouped_by_pair_with_a_headline(client: TestClient) -> None:
    data = client.post("/api/v1/check", json={"drugs": ["Paxil", "Klonopin", "tramadol"]}).json()
    assert data["headline"].startswith("2 serious and 1 moderate interaction") and "among 3 medicines" in data["headline"]
    pairs = data["pairs"]
    assert len(pairs) == len({tuple(p["drugs"]) for p in pairs}) == 3
    assert [p["severity"] for p in pairs] == sorted((p["severity"] for p in pairs), key=["contraindicated", "major", "moderate", "minor"].index)
    for p in pairs:
        assert p["names"] == sorted(p["names"]) and p["action"]
        assert {tuple(sorted(data["interactions"][i]["drugs"])) for i in p["findings"]} == {tuple(sorted(p["drugs"]))}
    assert sum(len(p["findings"]) for p in pairs) == len(data["interactions"])  # nothing dropped


def test_too_many_names_are_refused_before_building_the_page(client: TestClient) -> None:
    r = client.get("/check", params={"drugs": ",".join(["a"] * 4999)})
    assert r.status_code == 422 and len(r.content) < 20_000 and "at most 50" in r.text


def test_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks():
        for _ in range(100):
            yield b'{"drugs": ["' + b"a" * 1000 + b'"]}'
    r = client.post("/api/v1/check", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem+json")


def test_browsers_get_html_error_pages_and_the_logo_links_home(client: TestClient) -> None:
    page = client.get("/medicines/not-a-medicine", headers={"accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html") and "Page not found" in page.text
    assert client.get("/medicines/not-a-medicine").headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/nothing", headers={"accept": "text/html"}).headers["content-type"].startswith("application/problem+json")
    home = client.get("/")
    assert 'class="brand" href="/"' in home.text and "rxcombo knows" in home.text


def test_api_unresolved_is_reported(client: TestClient) -> None:
    data = client.post("/api/v1/check", json={"drugs": ["paroxetine", "foobarzine"]}).json()
    assert data["complete"] is False and data["unresolved"][0]["input"] == "foobarzine"


def test_api_errors_have_one_shape(client: TestClient) -> None:
    is_problem(client.post("/api/v1/check", json={"drugs": []}), 422)
    body = is_problem(client.post("/api/v1/check", json={"drugs": ["x"] * 51}), 422)
    assert "at most 50" in body["detail"]
    is_problem(client.post("/api/v1/check", json={"drugs": ["x"] * 51, "extra": 1}), 422)
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
    assert "can both make you drowsy" in html.text and "is not recognised and was NOT checked" in html.text
    professional = client.get("/check", params={"drugs": "paroxetine,clonazepam", "audience": "professional"}).text
    assert "Additive CNS depression" in professional and "can both make you drowsy" not in professional
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
    assert r.status_code == 303 and r.headers["location"] == "/check?drugs=Paxil%2CKlonopin&audience=patient&focus=add"


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


def test_autocomplete_ranks_generic_names_and_brands_first_once_per_medicine(client: TestClient) -> None:
    hits = client.get("/api/v1/drugs", params={"q": "tram"}).json()
    assert hits[0]["match"] == "Tramadol" and hits[0]["kind"] == "generic"
    assert len({h["id"] for h in hits}) == len(hits)
    assert all(h["id"] != "paroxetine" for h in hits)  # no "Besitram (Paroxetine)"
    products = client.get("/api/v1/drugs", params={"q": "percoc"}).json()
    assert products[0] == {"id": "oxycodone+paracetamol", "name": "Percocet", "match": "Percocet", "kind": "product"}


def test_patients_get_an_everyday_explanation_and_no_internal_ids(client: TestClient) -> None:
    patient = client.get("/check", params={"drugs": "codeine,fluoxetine"}).text
    assert "<dt>In short</dt>" in patient and "Produced by" not in patient and "pair:" not in patient
    professional = client.get("/check", params={"drugs": "codeine,fluoxetine", "audience": "professional"}).text
    assert "Produced by" in professional and "<dt>In short</dt>" not in professional
