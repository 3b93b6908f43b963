"""Batch checking: JSON lines in, JSON lines out, one output line per input line, in order.

Exit status: 0 every line valid and every name recognised; 1 some names not recognised (they
are listed per line); 2 some lines could not be checked at all (not UTF-8, not JSON, no
"drugs" list): each gets an error object and the other lines still run."""

from __future__ import annotations

import json
from typing import IO, Any

from rxcombo.engine.checker import Engine
from rxcombo.errors import InputError


OK, UNRESOLVED, INVALID = 0, 1, 2


def check_line(engine: Engine, line: str | bytes, number: int) -> tuple[dict[str, Any] | str, int]:
    """One output (an error object, or the result's JSON text) for one input line, and its
    status: OK, UNRESOLVED (some names not recognised) or INVALID (the line could not be checked)."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            return {"id": None, "line": number, "error": {"type": "invalid-utf8",
                    "message": f"line {number}: not valid UTF-8 (byte {exc.start + 1})"}}, INVALID
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": number, "error": {"type": "invalid-json", "message": f"line {number}: not valid JSON ({exc.msg})"}}, INVALID
    if not isinstance(item, dict):
        return {"id": None, "line": number, "error": {"type": "invalid-line", "message": f'line {number}: expected an object {{"id": ..., "drugs": [...]}}'}}, INVALID
    ident = item.get("id")
    drugs = item.get("drugs")
    if not isinstance(drugs, list) or not all(isinstance(d, str) for d in drugs) or not drugs:
        return {"id": ident, "line": number, "error": {"type": "invalid-drugs", "message": f'line {number}: "drugs" must be a non-empty list of names'}}, INVALID
    try:
        result = engine.check(drugs)
    except InputError as exc:
        return {"id": ident, "line": number, "error": {"type": "invalid-input", "message": f"line {number}: {exc}"}}, INVALID
    return engine.result_json(result, id=ident), OK if result.complete else UNRESOLVED


def run_batch(engine: Engine, source: IO[bytes] | IO[str], out: IO[str]) -> int:
    """Process every line; return the worst status (see the module docstring)."""
    worst = OK
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        obj, status = check_line(engine, line, number)
        worst = max(worst, status)
        out.write(obj if isinstance(obj, str) else dumps(obj))
        out.write("\n")
        out.flush() if status == INVALID else None
    return worst
