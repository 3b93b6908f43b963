"""Shared fixtures: the real knowledge base compiled into a real SQLite database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rxcombo.knowledge.database import Catalog, build
from rxcombo.engine.checker import Engine

ROOT = Path(__file__).resolve().parents[1]
# RXCOMBO_TEST_KB lets a developer run the suite against a snapshot while records are being edited.
KB_DIR = Path(os.environ.get("RXCOMBO_TEST_KB") or ROOT / "src" / "rxcombo" / "kb")
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "rxcombo.sqlite"
    build(path, KB_DIR)
    return path


@pytest.fixture(scope="session")
def engine(db_path: Path) -> Engine:
    return Engine(Catalog(db_path))


@pytest.fixture(scope="session")
def run_cli(db_path: Path):
    """Run the real command in a subprocess against the session database."""

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "RXCOMBO_DB": str(db_path), "RXCOMBO_KB": str(KB_DIR), "COLUMNS": "120", **(env or {})}
        return subprocess.run([sys.executable, "-m", "rxcombo", *args], capture_output=True, text=True,
                              input=input, env=full_env, timeout=60)

    return run
