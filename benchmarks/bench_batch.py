"""Batch throughput on one core: 20,000 JSON lines of 2-6 medicines (names, brands,
combinations, some unknown), side by side with a bare json.loads + json.dumps of the same
lines (the I/O floor). Target: 20,000 lists/s."""

from __future__ import annotations

import io
import json
import os
import random
import time

from _common import fresh_engine, row

from rxcombo.batch import run_batch


def make_lines(engine, count: int, seed: int = 11) -> list[str]:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    names = sorted({name for _, name, _ in engine.catalog.names.values()}) + ["foobarzine", "Paroxetine + Clonazepam"]
    return [json.dumps({"id": i, "drugs": rng.sample(names, rng.randint(2, 6))}) for i in range(count)]


def main() -> None:
    engine, _ = fresh_engine()
    lines = make_lines(engine, 20_000)
    text = "\n".join(lines) + "\n"
    with open(os.devnull, "w", encoding="utf-8") as sink:
        start = time.perf_counter()
        run_batch(engine, io.StringIO(text), sink)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        run_batch(engine, io.StringIO(text), sink)  # the same lists again: every cache warm
        warm = time.perf_counter() - start
        start = time.perf_counter()
        for line in text.splitlines():
            sink.write(json.dumps(json.loads(line)) + "\n")
        floor = time.perf_counter() - start
    out = io.StringIO()
    run_batch(engine, io.StringIO(text[: text.index("\n") + 1]), out)
    print(f"output per list: about {len(out.getvalue()):,} bytes (findings carry full mechanism, management and sources)")
    row("", "lists/s", "baseline lists/s", "ratio")
    row("batch of 20,000, first run (cold caches)", f"{len(lines) / cold:,.0f}", f"{len(lines) / floor:,.0f}", f"{floor / cold:.2f}")
    row("batch of 20,000, second run (warm caches)", f"{len(lines) / warm:,.0f}", f"{len(lines) / floor:,.0f}", f"{floor / warm:.2f}")


if __name__ == "__main__":
    main()
