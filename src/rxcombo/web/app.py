"""Application factory: one Engine over the embedded SQLite database, shared by every route.

Errors: every 4xx/5xx leaves as problem+json (see problems.py); a bug becomes a plain 500
with no stack trace for the client, and the trace goes to the server log.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rxcombo.engine.checker import Engine
from rxcombo.errors import InputError, KnowledgeBaseError, RxcomboError
from rxcombo.web.problems import problem

log = logging.getLogger("rxcombo.web")
MAX_BODY_BYTES = 64 * 1024


class BodyLimit:
    """Reject request bodies over ``limit`` bytes with 413, whether or not Content-Length is sent."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await problem(413, f"the request body is {int(declared):,} bytes; at most {self.limit:,} are accepted")(scope, receive, send)
            return
        seen = 0
        too_large = False

        async def limited() -> Message:
            nonlocal seen, too_large
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                too_large = True
                raise _TooLarge()
            return message

        replaced = False

        async def guarded_send(message: Message) -> None:
            # The framework turns a failed body read into its own 400; a body that was too big
            # (sent without Content-Length, e.g. chunked) gets the same 413 as a declared one.
            nonlocal replaced
            if too_large:
                if not replaced:
                    replaced = True
                    await problem(413, f"the request body is over {self.limit:,} bytes")(scope, receive, send)
                return
            await send(message)

        try:
            await self.app(scope, limited, guarded_send)
        except _TooLarge:
            if not replaced:
                await problem(413, f"the request body is over {self.limit:,} bytes")(scope, receive, send)


class _TooLarge(Exception):
    pass


def _wants_html(request: Request) -> bool:
    """A browser asking for a page (not an API client, not the JSON twins)."""
    path = request.url.path
    if path.startswith(("/api/", "/cds-services")) or path.endswith(".json"):
        return False
    return "text/html" in request.headers.get("accept", "")


def _html_error(status: int, detail: str) -> Any:
    from fastapi.responses import HTMLResponse

    from rxcombo.pages.render import environment
    from rxcombo.web.pages import NAV

    html = environment().get_template("web_error.html").render(base="", nav=NAV, status=status, detail=detail)
    return HTMLResponse(html, status_code=status)


def create_app(engine: Engine | None = None, db_path: Path | None = None, kb_dir: Path | None = None) -> FastAPI:
    from rxcombo.web.api import router as api_router
    from rxcombo.web.cds import router as cds_router
    from rxcombo.web.pages import router as pages_router

    engine = engine or Engine.open(db_path, kb_dir)
    app = FastAPI(
        title="rxcombo",
        version="0.1.0",
        summary="What happens when medicines are taken together: a sourced knowledge base and a transparent engine.",
        description="Information only, not medical advice. Every finding names the rule or curated entry that produced it and its sources.",
    )
    app.state.engine = engine
    app.add_middleware(BodyLimit)
    app.mount("/static", StaticFiles(packages=[("rxcombo", "static")]), name="static")
    app.include_router(api_router)
    app.include_router(cds_router)
    app.include_router(pages_router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        detail = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"nothing at {request.url.path}"
        if _wants_html(request):
            return _html_error(exc.status_code, detail)
        return problem(exc.status_code, detail, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        errors = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "the request is not valid"
        return problem(422, detail, request.url.path, errors=errors)

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Any:
        return problem(422, str(exc), request.url.path)

    @app.exception_handler(KnowledgeBaseError)
    async def kb_error(request: Request, exc: KnowledgeBaseError) -> Any:
        log.error("knowledge base problem: %s", exc)
        return problem(503, "the knowledge base is being rebuilt or is invalid; try again later", request.url.path)

    @app.exception_handler(RxcomboError)
    async def domain_error(request: Request, exc: RxcomboError) -> Any:
        return problem(400, str(exc), request.url.path)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Any:
        log.exception("unhandled error on %s", request.url.path)
        return problem(500, "an internal error occurred; it has been logged", request.url.path)

    return app
