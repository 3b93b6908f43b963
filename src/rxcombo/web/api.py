"""The JSON API (/api/v1). Responses reuse the engine's serialised findings (the CLI's JSON contract)."""

from __future__ import annotations

from itertools import chain
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from rxcombo.engine.checker import MAX_MEDICINES, Engine
from rxcombo.engine.names import normalize
from rxcombo.engine.resolver import name_rank
from rxcombo.web.problems import problem

router = APIRouter(prefix="/api/v1", tags=["api"])

# Longer or unusable names are reported one by one in `unresolved` (with the reason), not refused.
DrugName = Annotated[str, StringConstraints(max_length=1000)]


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"drugs": ["Paxil", "Klonopin", "tramadol"]}]})

    drugs: list[DrugName] = Field(min_length=1, max_length=MAX_MEDICINES, description="Names as people write them: generic, brand, salt or combination.")
    patient: dict[str, Any] | None = Field(default=None, description="Reserved for patient context (age, renal function...); ignored for now.")


class Source(BaseModel):
    key: str
    title: str
    kind: str
    section: str | None = None
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    pmid: str | None = None
    doi: str | None = None


class FindingModel(BaseModel):
    drugs: list[str]
    names: list[str]
    severity: Literal["contraindicated", "major", "moderate", "minor"]
    type: str
    title: str
    mechanism: str
    effect: str
    management: str
    monitor: str | None
    summary: str
    documentation: str
    rule: str
    basis: list[str]
    sources: list[Source]


class NotAssessedProperty(BaseModel):
    property: str
    label: str
    with_: list[str] = Field(alias="with")


class NotAssessedModel(BaseModel):
    id: str
    name: str
    text: str
    properties: list[NotAssessedProperty]


class CheckResponse(BaseModel):
    input: list[str]
    resolved: list[dict[str, Any]]
    unresolved: list[dict[str, Any]]
    checked: list[str]
    complete: bool
    highest_severity: str | None
    no_interaction_data: list[str] = Field(description="Recognised medicines whose records state nothing the rules can use")
    not_assessed: list[NotAssessedModel] = Field(description="Per medicine, the properties the list needed that its record does not state")
    same_ingredient: list[FindingModel] = Field(description="One ingredient in more than one entry of the list (shown first)")
    negligible_exposure: list[dict[str, str]] = Field(description="Products that barely reach the blood (creams, eye drops), not checked for systemic interactions")
    interactions: list[FindingModel]
    cumulative: list[FindingModel]


class DrugHit(BaseModel):
    id: str
    name: str
    match: str
    kind: str


def engine_of(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


@router.post("/check", response_model=None, responses={200: {"model": CheckResponse, "description": "Findings, most severe first"}})
def check(body: CheckRequest, request: Request) -> Response:
    """Check medicines taken together. Unrecognised names are listed in `unresolved`, never dropped."""
    engine = engine_of(request)
    result = engine.check(body.drugs)
    return Response(engine.result_json(result), media_type="application/json")


@router.get("/drugs", response_model=list[DrugHit])
def drugs(request: Request, q: Annotated[str, Query(min_length=1, max_length=100, description="What the user typed")],
          limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[dict[str, str]]:
    """Autocomplete over generic names, brands, salts and synonyms (prefix matches first)."""
    key = normalize(q)
    if not key:
        return []
    catalog = engine_of(request).catalog
    names = catalog.names
    products = ((k, ("+".join(ids), name, "product")) for k, (name, ids) in catalog.products.items())
    matching = [(k, v) for k, v in chain(names.items(), products) if key in k]
    starts = [(k, v) for k, v in matching if k.startswith(key)]
    contains = [(k, v) for k, v in matching if not k.startswith(key) and f" {key}" in f" {k}"]

    def rank(item: tuple[str, tuple[str, str, str]]) -> tuple[int, int, str]:
        k, (_mid, _name, kind) = item
        return (name_rank(kind), len(k), k)

    hits: list[dict[str, str]] = []
    seen: set[str] = set()
    for _k, (mid, name, kind) in sorted(starts, key=rank) + sorted(contains, key=rank):
        if mid in seen:  # one entry per medicine, under its best-ranked name
            continue
        seen.add(mid)
        shown = name if kind == "product" else catalog.medicine_names[mid]  # a product: its ingredient ids joined by "+"
        hits.append({"id": mid, "name": shown, "match": name, "kind": kind})
        if len(hits) == limit:
            break
    return hits


@router.get("/drugs/{drug_id}", response_model=None, responses={200: {"description": "The medicine's record as stored, with its sources"}})
def drug(request: Request, drug_id: Annotated[str, Path(max_length=80)]) -> Any:
    """One medicine's full record."""
    try:
        return engine_of(request).catalog.record(drug_id)
    except KeyError:
        return problem(404, f"no medicine with id {drug_id!r}; search names with /api/v1/drugs?q=", request.url.path)


@router.get("/monographs/{slug}", response_model=None, responses={200: {"description": "The monograph as structured JSON"}})
def monograph(request: Request, slug: Annotated[str, Path(max_length=400, description="Medicine ids joined by '+', e.g. paroxetine+clonazepam")],
              audience: Literal["patient", "professional"] = "patient") -> Any:
    """The page for a medicine or combination, as JSON."""
    from rxcombo.web.pages import build_monograph

    return build_monograph(request, slug, audience).to_dict(readability=True)


@router.get("/evidence/{slug}", response_model=None,
            responses={200: {"description": "Evidence entries for the combination, their computed meta-analyses and the harm side"}})
def evidence(request: Request, slug: Annotated[str, Path(max_length=400, description="Medicine ids joined by '+', e.g. paroxetine+buspirone")]) -> Any:
    """Evidence of benefit for a combination: why it is combined, guideline positions, per outcome the
    pooled numbers (computed from the trials), certainty, forest plot (SVG) and references; `found` is
    false (with a one-line `message`) when the knowledge base holds no entry."""
    from rxcombo.web.pages import build_evidence

    return build_evidence(request, slug)


@router.post("/detected-issues", response_model=None, responses={200: {"description": "A FHIR R4 Bundle of DetectedIssue resources"}})
def detected_issues(body: CheckRequest, request: Request) -> Any:
    """The findings as FHIR DetectedIssue resources (severity high, moderate or low)."""
    from rxcombo.web.cds import detected_issue_bundle

    result = engine_of(request).check(body.drugs)
    return detected_issue_bundle(result)


@router.get("/health")
def health(request: Request) -> dict[str, Any]:
    """Liveness and what the service knows."""
    catalog = engine_of(request).catalog
    return {"status": "ok", "medicines": len(catalog.medicine_names), "schema_version": catalog.meta["schema_version"],
            "kb_digest": catalog.meta["kb_digest"]}
