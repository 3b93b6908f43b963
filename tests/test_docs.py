"""Documentation keeps up with the code: every command is in the README, the public API is sorted."""

from __future__ import annotations

from pathlib import Path

import click

import rxcombo
from rxcombo.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _commands(group: click.Group, prefix: str = "rxcombo") -> list[str]:
    out = []
    for name, command in group.commands.items():
        full = f"{prefix} {name}"
        if isinstance(command, click.Group):
            out += _commands(command, full)
        else:
            out.append(full)
    return out


def test_every_command_is_documented() -> None:
    missing = [c for c in _commands(main) if c not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_public_api_is_sorted_and_importable() -> None:
    assert rxcombo.__all__ == sorted(rxcombo.__all__)
    for name in rxcombo.__all__:
        assert getattr(rxcombo, name)


def test_readme_has_exactly_the_two_commands() -> None:
    block = README.split("## Two commands", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == ["scripts/run", "scripts/test"]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "scripts/test" in ci
