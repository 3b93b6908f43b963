"""Checks of evidence entries against the rest of the knowledge base (medicine and class ids)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rxcombo.errors import Problem
from rxcombo.evidence.model import medicine_ids

if TYPE_CHECKING:
    from rxcombo.knowledge.loader import KnowledgeBase


def check_evidence(kb: "KnowledgeBase") -> list[Problem]:
    """Unknown medicine or class ids in any evidence entry, with file and field."""
    problems: list[Problem] = []
    for eid, entry in sorted(kb.evidence.items()):
        rel = kb.files.get(f"evidence:{eid}", f"evidence/{eid}.yaml")
        for where, mid in medicine_ids(entry):
            if mid not in kb.medicines:
                problems.append(Problem(rel, where, f"unknown medicine id {mid!r}"))
        for i, cid in enumerate(entry.combination.with_one_of_classes):
            if cid not in kb.classes:
                problems.append(Problem(rel, f"combination.with_one_of_classes.{i}", f"unknown class id {cid!r}"))
    return problems
