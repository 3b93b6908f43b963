"""What every rule returns, and the helpers the rule modules share.

A :class:`Hit` names its rule, severity, the medicines in the order the rule's text uses
them, and the record facts (:class:`Basis`) it relied on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rxcombo.engine.profile import STRENGTHS, DrugProfile, Prop


@dataclass(frozen=True, slots=True)
class Basis:
    drug: str
    fact: str
    prop: Prop


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str
    severity: str
    drugs: tuple[DrugProfile, ...]
    params: dict[str, str] = field(default_factory=dict)
    basis: tuple[Basis, ...] = ()


def triggered_by(*keys: str) -> Callable[[Callable[..., list[Hit]]], Callable[..., list[Hit]]]:
    """Declare the record facts without which a pair rule cannot fire: at least one of the two
    medicines must hold one of ``keys`` (a risk name, or "inhibits", "induces", "prodrug").
    The engine skips the rule for pairs where neither does. A speed-up only (the site build
    checks every pair of medicines); a test compares results with and without it."""

    def mark(rule: Callable[..., list[Hit]]) -> Callable[..., list[Hit]]:
        rule.triggers = frozenset(keys)  # type: ignore[attr-defined]
        return rule

    return mark


def trigger_keys(drug: DrugProfile) -> frozenset[str]:
    """The facts of ``drug`` that rules declare with :func:`triggered_by`."""
    keys = set(drug.risks)
    for key, present in (("inhibits", drug.inhibits), ("induces", drug.induces), ("prodrug", drug.prodrug)):
        if present:
            keys.add(key)
    return frozenset(keys)


def risk_basis(drug: DrugProfile, name: str, shown: str | None = None) -> Basis:
    prop = drug.risks[name]
    return Basis(drug.id, f"{name}={shown if shown is not None else prop.value}", prop)


def ordered(a: DrugProfile, b: DrugProfile, key: Callable[[DrugProfile], int]) -> tuple[DrugProfile, DrugProfile]:
    """The drug with the larger key first, ties by id, so that results never depend on input order."""
    return (a, b) if (key(a), b.id) >= (key(b), a.id) else (b, a)


def level_pair(rule: str, risk: str, table: Callable[[int, int], str | None]) -> Callable[[DrugProfile, DrugProfile], list[Hit]]:
    """A rule over one level risk that both drugs carry; ``table(high, low)`` gives the severity."""

    def check(a: DrugProfile, b: DrugProfile) -> list[Hit]:
        if risk not in a.risks or risk not in b.risks:  # the common case, checked first for speed
            return []
        la, lb = a.level(risk), b.level(risk)
        if not la or not lb:
            return []
        severity = table(max(la, lb), min(la, lb))
        if severity is None:
            return []
        first, second = ordered(a, b, lambda d: d.level(risk))
        return [Hit(rule, severity, (first, second), basis=(risk_basis(first, risk), risk_basis(second, risk)))]

    check.__name__ = rule.replace("-", "_")
    check.__doc__ = f"Both drugs carry {risk} (levels low=1, moderate=2, high=3); by (higher, lower) level: {table.__doc__}"
    return triggered_by(risk)(check)




def any_prop(drug: DrugProfile) -> Prop:
    """A citation for the medicine itself (for class-based findings): its first sourced risk or
    pharmacokinetic property, else what the record cites for what the medicine is (mechanism,
    indications)."""
    for group in (drug.risks, drug.substrates, drug.inhibits, drug.induces, drug.absent):
        for prop in group.values():
            return prop
    return drug.identity or Prop(None, ())


def partner_match(condition: tuple, other: DrugProfile, ids: Sequence[str], classes: Sequence[str]) -> str | None:
    """What makes ``other`` a partner that a statement names (a label interaction, a guideline
    group): its id, one of its classes, its inhibition/induction of an enzyme at least as strong
    as ``condition`` = (kind "inhibits"|"induces"|"", enzyme, strength), or, for kind
    "substrate" (strength "sensitive"|"major"), its dependence on the enzyme; None if nothing."""
    if other.id in ids:
        return f"named: {other.id}"
    for cls in classes:
        if cls in other.classes:
            return f"class {cls}"
    kind, enzyme, strength = condition
    if kind == "substrate":
        sub = other.substrates.get(enzyme)
        if sub is not None and sub.value[0] == "major" and (strength != "sensitive" or sub.value[1]):
            return f"substrate of {enzyme} ({'sensitive' if sub.value[1] else 'major pathway'})"
        return None
    if kind:
        prop = (other.inhibits if kind == "inhibits" else other.induces).get(enzyme)
        if prop is not None and STRENGTHS[prop.value] >= STRENGTHS[strength]:
            return f"{kind} {enzyme} ({prop.value})"
    return None
