"""The web app: HTML pages, the JSON API (/api/v1) and the CDS Hooks service."""

from rxcombo.web.app import create_app

__all__ = ["create_app"]
