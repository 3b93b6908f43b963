"""Cold start of `rxcombo check a b` as a new process, side by side with `python -c pass`
(the interpreter's own start-up). Target: under 400 ms."""

from __future__ import annotations

import os
import subprocess
import sys

from _common import fresh_engine, median_seconds, row


def main() -> None:
    _, db = fresh_engine()
    env = {**os.environ, "RXCOMBO_DB": str(db)}

    def cli() -> None:
        subprocess.run([sys.executable, "-m", "rxcombo", "check", "paroxetine", "clonazepam", "--json"],
                       env=env, check=True, stdout=subprocess.DEVNULL)

    def bare() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True)

    cli()
    c = median_seconds(cli, 15)
    b = median_seconds(bare, 15)
    row("", "rxcombo check", "python -c pass", "ratio")
    row("cold start, median of 15", f"{c * 1e3:.0f} ms", f"{b * 1e3:.0f} ms", f"{c / b:.1f}x")


if __name__ == "__main__":
    main()
