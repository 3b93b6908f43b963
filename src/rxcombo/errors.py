"""Domain errors, turned into plain messages only at the edges (CLI, web).

    RxcomboError
    ├── KnowledgeBaseError   one or more problems in the YAML knowledge base
    ├── InputError           a medicine list or name that cannot be checked
    └── DatabaseError        the compiled SQLite database is missing or unusable
"""

from __future__ import annotations

from dataclasses import dataclass


class RxcomboError(Exception):
    """Base of every error rxcombo raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One knowledge-base problem: which file, which field, what is wrong."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class KnowledgeBaseError(RxcomboError):
    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.field, p.message))
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the knowledge base:\n{lines}")


class InputError(RxcomboError):
    """Bad input from a user: says what was given and what is allowed."""


class DatabaseError(RxcomboError):
    """The compiled database cannot be read or written."""
