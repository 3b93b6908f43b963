"""rxcombo: a sourced knowledge base of medicines and a transparent interaction engine.

    >>> from rxcombo import Engine
    >>> engine = Engine.open()
    >>> result = engine.check(["Paxil", "Klonopin"])
    >>> result.interactions[0].severity
    'moderate'
"""

from rxcombo.engine.checker import CheckResult, Engine
from rxcombo.errors import DatabaseError, InputError, KnowledgeBaseError, Problem, RxcomboError
from rxcombo.engine.findings import Finding

__all__ = [
    "CheckResult",
    "DatabaseError",
    "Engine",
    "Finding",
    "InputError",
    "KnowledgeBaseError",
    "Problem",
    "RxcomboError",
]
