"""Load test on loopback only: 5-medicine POST /api/v1/check at a fixed request rate, side by side
with a trivial FastAPI endpoint served the same way (baseline). Open loop: each request's latency
is measured from the moment it was scheduled, so a slow server cannot hide queueing.
Bounded: RATE requests/s for SECONDS seconds per target. Target: p99 under 25 ms at 200 requests/s."""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time

from _common import fresh_engine

RATE = int(os.environ.get("RXBENCH_RATE", "200"))
SECONDS = int(os.environ.get("RXBENCH_SECONDS", "15"))
CONNECTIONS = 32
BASELINE_APP = """
import sys, uvicorn
from fastapi import FastAPI
app = FastAPI()
@app.post("/api/v1/check")
def check(body: dict) -> dict:
    return {"ok": True}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}")


async def fetch(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def run_load(port: int, bodies: list[bytes]) -> tuple[list[float], int, float]:
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(CONNECTIONS):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    errors = 0
    total = RATE * SECONDS

    async def one(i: int, due: float) -> None:
        nonlocal errors
        conn = await pool.get()
        body = bodies[i % len(bodies)]
        request = (f"POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        try:
            status = await fetch(*conn, request)
            if status != 200:
                errors += 1
        except (OSError, asyncio.IncompleteReadError):
            errors += 1
        latencies.append(time.perf_counter() - due)
        pool.put_nowait(conn)

    start_time = time.perf_counter()
    tasks = []
    for i in range(total):
        due = start_time + i / RATE
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start_time
    while not pool.empty():
        _, writer = pool.get_nowait()
        writer.close()
    return latencies, errors, elapsed


def report(label: str, latencies: list[float], errors: int, elapsed: float) -> None:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1e3
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1e3
    print(f"{label:<38} {len(ordered) / elapsed:8.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  max {ordered[-1] * 1e3:6.1f} ms  errors {errors}")


def main() -> None:
    engine, db = fresh_engine()
    names = sorted({name for _, name, _ in engine.catalog.names.values()})
    rng = random.Random(5)
    bodies = [json.dumps({"drugs": rng.sample(names, 5)}).encode() for _ in range(500)]
    env = {**os.environ, "RXCOMBO_DB": str(db)}
    print(f"open-loop load: {RATE} requests/s for {SECONDS} s, {CONNECTIONS} keep-alive connections, loopback only")
    for label, cmd in (
        ("rxcombo serve: POST /api/v1/check (5)", [sys.executable, "-m", "rxcombo", "serve", "--port", "{port}"]),
        ("baseline: trivial FastAPI endpoint", [sys.executable, "-c", BASELINE_APP, "{port}"]),
    ):
        port = free_port()
        proc = start([c.replace("{port}", str(port)) for c in cmd], port, env)
        try:
            asyncio.run(run_load(port, bodies[:50]))  # warm-up pass is not reported
        except Exception:
            pass
        try:
            report(label, *asyncio.run(run_load(port, bodies)))
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    os.environ.setdefault("RXBENCH_SECONDS", "15")
    main()
