"""Server-rendered pages, each with a JSON twin (same path + ".json")."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from urllib.parse import urlencode

from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from rxcombo.engine.checker import MAX_MEDICINES
from rxcombo.errors import InputError
from rxcombo.engine.findings import SEVERITIES
from rxcombo.pages.monograph import MonographBuilder
from rxcombo.pages.render import environment, render_html
from rxcombo.web.api import engine_of
from rxcombo.web.problems import problem

router = APIRouter(include_in_schema=True, tags=["pages"])
NAV = [("/", "Check medicines"), ("/api/v1/health", "Service status"), ("/docs", "API")]
Audience = Literal["patient", "professional"]


def builder_of(request: Request) -> MonographBuilder:
    state = request.app.state
    if getattr(state, "builder", None) is None:
        state.builder = MonographBuilder(engine_of(request))
    return state.builder  # type: ignore[no-any-return]


def split_drugs(drugs: str | None) -> list[str]:
    return [d.strip() for d in (drugs or "").split(",") if d.strip()]


def _check(request: Request, drugs: str | None) -> tuple[list[str], Any, str | None]:
    names = split_drugs(drugs)
    if not names:
        return names, None, None
    if len(names) > MAX_MEDICINES:
        return names, None, f"{len(names)} medicines given; at most {MAX_MEDICINES} can be checked at once"
    try:
        return names, engine_of(request).check(names), None
    except InputError as exc:
        return names, None, str(exc)


def _check_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    """The checker page; ``context`` overrides the empty defaults (names, result, error, query...)."""
    catalog = engine_of(request).catalog
    values = {"base": "", "nav": NAV, "names": [], "result": None, "error": None, "audience": "patient", "query": "",
              "severities": SEVERITIES, "known": len(catalog.medicine_names), "plain_titles": catalog.plain_titles, **context}
    return HTMLResponse(environment().get_template("web_check.html").render(**values), status_code=status)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request) -> HTMLResponse:
    return _check_page(request)


@router.get("/check", response_class=HTMLResponse, include_in_schema=False)
def check_page(request: Request, drugs: Annotated[str | None, Query(max_length=10_000)] = None,
               audience: Audience = "patient", add: Annotated[str | None, Query(max_length=200)] = None,
               focus: Annotated[str | None, Query(max_length=10)] = None) -> Any:
    """Shareable results page: /check?drugs=paroxetine,clonazepam (``add`` appends one name, then redirects)."""
    names = split_drugs(drugs) + ([add.strip()] if add and add.strip() else [])
    if len(names) > MAX_MEDICINES:  # refused before anything is built (a page of chips for each name)
        return _check_page(request, 422, audience=audience,
                           error=f"{len(names):,} medicines given; at most {MAX_MEDICINES} can be checked at once")
    if add is not None:
        return RedirectResponse(f"/check?{urlencode({'drugs': ','.join(names), 'audience': audience, 'focus': 'add'})}",
                                status_code=303)
    names, result, error = _check(request, drugs)
    return _check_page(request, 422 if error else 200, names=names, result=result, error=error, audience=audience,
                       query=",".join(names))


@router.get("/check.json", response_model=None, tags=["pages"])
def check_json(request: Request, drugs: Annotated[str, Query(min_length=1, max_length=10_000, description="Comma-separated names")]) -> Response:
    """JSON twin of /check (the same object as POST /api/v1/check)."""
    names, result, error = _check(request, drugs)
    if error or result is None:
        return problem(422, error or "name at least one medicine", request.url.path)
    return Response(engine_of(request).result_json(result), media_type="application/json")


def slug_ids(request: Request, slug: str) -> list[str]:
    """Medicine ids joined by '+'; a 404 naming the unknown ids otherwise (problem+json for API
    clients and JSON twins, an HTML error page for browsers: see app.py)."""
    engine = engine_of(request)
    ids = [part for part in slug.split("+") if part]
    unknown = [i for i in ids if i not in engine.catalog.medicine_names]
    if not ids or unknown or len(ids) > 10:
        detail = f"unknown medicine ids: {', '.join(unknown)}" if unknown else "give 1 to 10 medicine ids joined by '+'"
        raise HTTPException(404, detail + " (find ids with /api/v1/drugs?q=)")
    return ids


def build_monograph(request: Request, slug: str, audience: Audience) -> Any:
    """The monograph for ids joined by '+' (404 for unknown ids)."""
    return builder_of(request).build(slug_ids(request, slug), audience=audience)


def build_evidence(request: Request, slug: str) -> dict[str, Any]:
    """The evidence report for ids joined by '+' (404 for unknown ids)."""
    from rxcombo.evidence.library import evidence_report

    return evidence_report(engine_of(request), slug_ids(request, slug))


def _page(request: Request, slug: str, audience: Audience) -> Any:
    return HTMLResponse(render_html(build_monograph(request, slug, audience), base_url="", nav=NAV))


def _page_json(request: Request, slug: str, audience: Audience) -> Any:
    return build_monograph(request, slug, audience).to_dict(readability=True)


@router.get("/medicines/{drug_id}.json", response_model=None)
def medicine_json(request: Request, drug_id: Annotated[str, Path(max_length=80)], audience: Audience = "patient") -> Any:
    """JSON twin of a medicine page."""
    return _page_json(request, drug_id, audience)


@router.get("/medicines/{drug_id}", response_class=HTMLResponse, include_in_schema=False)
def medicine_page(request: Request, drug_id: str, audience: Audience = "patient") -> Any:
    return _page(request, drug_id, audience)


@router.get("/monographs/{slug}.json", response_model=None)
def monograph_json(request: Request, slug: Annotated[str, Path(max_length=400)], audience: Audience = "patient") -> Any:
    """JSON twin of a combination page (ids joined by '+')."""
    return _page_json(request, slug, audience)


@router.get("/monographs/{slug}", response_class=HTMLResponse, include_in_schema=False)
def monograph_page(request: Request, slug: str, audience: Audience = "patient") -> Any:
    return _page(request, slug, audience)


@router.get("/evidence/{slug}.json", response_model=None)
def evidence_json(request: Request, slug: Annotated[str, Path(max_length=400)]) -> Any:
    """JSON twin of an evidence page (ids joined by '+'): the same object as GET /api/v1/evidence/{slug}."""
    return build_evidence(request, slug)


@router.get("/evidence/{slug}", response_class=HTMLResponse, include_in_schema=False)
def evidence_page(request: Request, slug: str) -> Any:
    """Evidence of benefit for a combination, with the harm side and forest plots."""
    report = build_evidence(request, slug)
    return HTMLResponse(environment().get_template("evidence.html").render(r=report, base="", nav=NAV))
