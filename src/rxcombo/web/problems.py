"""One error shape for every error: RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

PROBLEM_TYPE = "https://rxcombo.invalid/problems/"


def problem(status: int, detail: str, instance: str = "", **extra: Any) -> JSONResponse:
    """A problem+json response; ``detail`` says what was wrong and what is allowed."""
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + title.lower().replace(" ", "-"),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type="application/problem+json")
