"""In-process check of 2, 10 and 30 medicines: median time, first check (cold pair cache)
against repeated checks (warm). Target: a 10-medicine check under 1 ms."""

from __future__ import annotations

import random

from _common import fresh_engine, median_seconds, row


def main() -> None:
    engine, _ = fresh_engine()
    ids = sorted(engine.catalog.medicine_names)
    rng = random.Random(7)
    print(f"knowledge base: {len(ids)} medicines")
    row("check", "warm median", "cold median", "cold/warm")
    for size in (2, 10, 30):
        lists = [rng.sample(ids, min(size, len(ids))) for _ in range(200)]
        names = [[engine.catalog.medicine_names[i] for i in lst] for lst in lists]

        def cold() -> None:
            engine._pair_cache.clear()
            engine.check(names[0])

        warm_runs = iter(range(10**9))
        for lst in names:  # warm the pair cache
            engine.check(lst)

        def warm() -> None:
            engine.check(names[next(warm_runs) % len(names)])

        w = median_seconds(warm, 2000)
        c = median_seconds(cold, 200)
        row(f"{size} medicines", f"{w * 1e3:.3f} ms", f"{c * 1e3:.3f} ms", f"{c / w:.1f}x")


if __name__ == "__main__":
    main()
