"""Batch checking: JSON lines in, JSON lines out, one output line per input line, in order."""

from __future__ import annotations

import json
from typing import IO, Any

from .engine import Engine
from .errors import InputError


def check_line(engine: Engine, line: str, number: int) -> tuple[dict[str, Any] | str, bool]:
    """One output (an error object, or the result's JSON text) for one input line, and whether
    it is fully resolved and valid."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": number, "error": {"type": "invalid-json", "message": f"line {number}: not valid JSON ({exc.msg})"}}, False
    if not isinstance(item, dict):
        return {"id": None, "line": number, "error": {"type": "invalid-line", "message": f'line {number}: expected an object {{"id": ..., "drugs": [...]}}'}}, False
    ident = item.get("id")
    drugs = item.get("drugs")
    if not isinstance(drugs, list) or not all(isinstance(d, str) for d in drugs) or not drugs:
        return {"id": ident, "line": number, "error": {"type": "invalid-drugs", "message": f'line {number}: "drugs" must be a non-empty list of names'}}, False
    try:
        result = engine.check(drugs)
    except InputError as exc:
        return {"id": ident, "line": number, "error": {"type": "invalid-input", "message": f"line {number}: {exc}"}}, False
    return engine.result_json(result, id=ident), result.complete


def run_batch(engine: Engine, source: IO[str], out: IO[str]) -> int:
    """Process every line; return 0 when every line was valid and fully recognised, else 1."""
    all_ok = True
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        obj, ok = check_line(engine, line, number)
        all_ok &= ok
        out.write(obj if isinstance(obj, str) else dumps(obj))
        out.write("\n")
    return 0 if all_ok else 1
