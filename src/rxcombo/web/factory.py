"""``rxcombo.web.factory:app`` for multi-worker uvicorn (each worker opens the database read-only)."""

from rxcombo.web.app import create_app

app = create_app()
