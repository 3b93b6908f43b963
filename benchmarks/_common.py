"""Shared helpers for the benchmark scripts: a fresh database and timing."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rxcombo.knowledge.database import Catalog, build
from rxcombo.engine.checker import Engine


def fresh_engine() -> tuple[Engine, Path]:
    db = Path(tempfile.mkdtemp(prefix="rxbench-")) / "rxcombo.sqlite"
    build(db)
    return Engine(Catalog(db)), db


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(label: str, value: str, baseline: str = "", ratio: str = "") -> None:
    print(f"{label:<44} {value:>14} {baseline:>16} {ratio:>10}")
