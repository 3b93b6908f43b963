"""The interaction engine: names to medicines, medicine profiles, pure rules, findings.

``Engine`` (in :mod:`rxcombo.engine.checker`) is the entry point."""

from rxcombo.engine.checker import Engine

__all__ = ["Engine"]
