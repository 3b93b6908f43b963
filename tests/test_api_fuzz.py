"""Property-based fuzzing of the API with schemathesis, from the app's own OpenAPI schema: no 500s."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from rxcombo.knowledge.database import Catalog, build
from rxcombo.engine.checker import Engine
from rxcombo.web import create_app
from tests.conftest import KB_DIR


def _app():  # type: ignore[no-untyped-def]
    import tempfile
    from pathlib import Path

    db = Path(tempfile.mkdtemp(prefix="rxfuzz-")) / "rxcombo.sqlite"
    build(db, KB_DIR)
    return create_app(Engine(Catalog(db)))


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_with_a_server_error(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call()
    case.validate_response(response, checks=[checks.not_a_server_error])
    if response.status_code >= 400:
        content_type = response.headers["content-type"]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith(("application/problem+json", "application/json")), content_type
