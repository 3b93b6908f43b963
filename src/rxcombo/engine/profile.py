"""What the engine needs to know about a medicine, flattened for speed.

A :class:`DrugProfile` is built once from a validated record when the database is
compiled, stored as JSON, and read back without pydantic so that a check starts fast.
Each property keeps the citations that support it, so that every finding can say
which facts produced it and where they come from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LEVELS = {"low": 1, "moderate": 2, "high": 3}
STRENGTHS = {"weak": 1, "moderate": 2, "unrated": 2, "strong": 3}  # unrated counts as moderate
ROLE_KINDS = ("inhibits", "induces", "substrate")  # the kinds of enzyme role a record states


_REF_DICTS: dict["SourceRef", dict[str, Any]] = {}
_INTERNED: dict[tuple[Any, ...], "SourceRef"] = {}


@dataclass(frozen=True, slots=True, eq=False)
class SourceRef:
    """A citation resolved to its source: enough to print a reference.

    Compared and hashed by identity (fast: pages cite tens of thousands of them); identical
    references are interned when profiles are read, so equal ones are the same object."""

    key: str
    kind: str
    title: str
    section: str | None = None
    publisher: str | None = None
    year: int | None = None
    url: str | None = None
    pmid: str | None = None
    doi: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The reference as JSON-ready data (cached: the same reference recurs in many findings)."""
        cached = _REF_DICTS.get(self)
        if cached is None:
            cached = _REF_DICTS[self] = self._as_dict()
        return cached

    def _as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in (
            ("key", self.key), ("section", self.section), ("kind", self.kind), ("title", self.title),
            ("publisher", self.publisher), ("year", self.year), ("url", self.url),
            ("pmid", self.pmid), ("doi", self.doi),
        ) if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SourceRef":
        return cls(**data)

    def __reduce__(self) -> tuple[Any, ...]:
        # References come back from worker processes (the site build): intern them again, so
        # that equal references stay one object and identity comparison keeps working.
        return (intern_ref, (self._as_dict(),))

    def label(self) -> str:
        bits = [self.title]
        if self.publisher:
            bits.append(self.publisher)
        if self.year:
            bits.append(str(self.year))
        text = ". ".join(bits)
        if self.section:
            text += f" (section: {self.section})"
        return text


def intern_ref(data: dict[str, Any]) -> SourceRef:
    """The one SourceRef for this citation (identical citations share an object)."""
    key = tuple(sorted(data.items()))
    ref = _INTERNED.get(key)
    if ref is None:
        ref = _INTERNED[key] = SourceRef.from_dict(data)
    return ref


@dataclass(frozen=True, slots=True)
class Prop:
    """One engine-relevant property of a medicine with the sources that support it."""

    value: Any
    sources: tuple[SourceRef, ...]
    note: str | None = None


def _freeze(value: Any) -> Any:
    return tuple(_freeze(v) for v in value) if isinstance(value, list) else value


@dataclass(frozen=True, slots=True)
class DrugProfile:
    id: str
    name: str
    classes: tuple[str, ...]  # own classes followed by their ancestors
    class_names: dict[str, str] = field(default_factory=dict)
    risks: dict[str, Prop] = field(default_factory=dict)
    substrates: dict[str, Prop] = field(default_factory=dict)  # enzyme -> ("major"|"minor", sensitive)
    inhibits: dict[str, Prop] = field(default_factory=dict)  # enzyme -> strength
    induces: dict[str, Prop] = field(default_factory=dict)
    prodrug: Prop | None = None  # value: (enzyme, metabolite, loss_of_activation)
    narrow_therapeutic_index: Prop | None = None
    # value: (ids, classes, ("inhibits"|"induces"|"", enzyme, min strength), severity, effect, management)
    label_interactions: tuple[Prop, ...] = ()
    # Properties a source states as absent: "qt", "substrate:CYP3A4", "inhibits:P-gp"... Rules never
    # read them; they tell a stated absence from an unknown (see assessment.py).
    absent: dict[str, Prop] = field(default_factory=dict)
    max_daily: Prop | None = None  # value: (amount, unit)
    negligible_exposure: Prop | None = None  # a source says almost none reaches the blood (creams, eye drops...)
    identity: Prop | None = None  # what the record cites for what the medicine is (mechanism, indications)
    critical_loss_of_effect: Prop | None = None  # a fall in exposure is dangerous (antiretrovirals...)
    # Derived from label_interactions: the ids and classes they name, and the enzyme roles
    # ("inhibits"|"induces"|"substrate", enzyme) by which they name partners; lets the label rule
    # skip a partner that no entry can name.
    label_partners: tuple[frozenset[str], frozenset[str], frozenset[tuple[str, str]]] = field(
        default=(frozenset(), frozenset(), frozenset()), compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.label_interactions:
            values = [p.value for p in self.label_interactions]
            object.__setattr__(self, "label_partners", (
                frozenset(i for v in values for i in v[0]), frozenset(c for v in values for c in v[1]),
                frozenset((v[2][0], v[2][1]) for v in values if v[2][0])))

    def role_table(self, kind: str) -> dict[str, Prop]:
        """The record's enzymes for one kind of role (``ROLE_KINDS``): what it inhibits, induces
        or is a substrate of; KeyError for another kind."""
        if kind == "inhibits":
            return self.inhibits
        if kind == "induces":
            return self.induces
        if kind == "substrate":
            return self.substrates
        raise KeyError(kind)

    def has_role(self, kind: str, enzyme: str) -> bool:
        """Whether the record states that it inhibits, induces or is a substrate of ``enzyme``."""
        return enzyme in self.role_table(kind)

    def knows(self, key: str) -> bool:
        """True when the record states ``key`` (a risk name or "substrate:E", "inhibits:E",
        "induces:E"), as a value or as an absence."""
        if key in self.absent:
            return True
        kind, _, enzyme = key.partition(":")
        if not enzyme:
            return key in self.risks
        return self.has_role(kind, enzyme)

    @property
    def has_interaction_data(self) -> bool:
        """False for a record that states nothing the rules can use (identity only)."""
        return bool(self.risks or self.substrates or self.inhibits or self.induces or self.prodrug
                    or self.label_interactions or self.narrow_therapeutic_index)

    def level(self, risk: str) -> int:
        """0-3 for a level risk (0 when the record does not state it)."""
        prop = self.risks.get(risk)
        return LEVELS.get(prop.value, 0) if prop else 0

    def has_class(self, class_id: str) -> bool:
        return class_id in self.classes

    def to_dict(self) -> dict[str, Any]:
        def prop(p: Prop | None) -> Any:
            if p is None:
                return None
            return {"value": p.value, "note": p.note, "sources": [s.to_dict() for s in p.sources]}

        return {
            "id": self.id,
            "name": self.name,
            "classes": list(self.classes),
            "class_names": self.class_names,
            "risks": {k: prop(v) for k, v in sorted(self.risks.items())},
            "substrates": {k: prop(v) for k, v in sorted(self.substrates.items())},
            "inhibits": {k: prop(v) for k, v in sorted(self.inhibits.items())},
            "induces": {k: prop(v) for k, v in sorted(self.induces.items())},
            "prodrug": prop(self.prodrug),
            "narrow_therapeutic_index": prop(self.narrow_therapeutic_index),
            "label_interactions": [prop(p) for p in self.label_interactions],
            "absent": {k: prop(v) for k, v in sorted(self.absent.items())},
            "max_daily": prop(self.max_daily),
            "negligible_exposure": prop(self.negligible_exposure),
            "identity": prop(self.identity),
            "critical_loss_of_effect": prop(self.critical_loss_of_effect),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DrugProfile":
        ref = intern_ref

        def prop(d: dict[str, Any] | None) -> Prop | None:
            if d is None:
                return None
            return Prop(_freeze(d["value"]), tuple(ref(s) for s in d["sources"]), d.get("note"))

        def _label(d: dict[str, Any]) -> Prop:
            p = prop(d)
            assert p is not None
            return p

        def props(m: dict[str, Any]) -> dict[str, Prop]:
            return {k: p for k, v in m.items() if (p := prop(v)) is not None}

        return cls(
            id=data["id"],
            name=data["name"],
            classes=tuple(data["classes"]),
            class_names=dict(data["class_names"]),
            risks=props(data["risks"]),
            substrates=props(data["substrates"]),
            inhibits=props(data["inhibits"]),
            induces=props(data["induces"]),
            prodrug=prop(data["prodrug"]),
            narrow_therapeutic_index=prop(data["narrow_therapeutic_index"]),
            label_interactions=tuple(_label(p) for p in data.get("label_interactions", [])),
            absent=props(data.get("absent", {})),
            max_daily=prop(data.get("max_daily")),
            negligible_exposure=prop(data.get("negligible_exposure")),
            identity=prop(data.get("identity")),
            critical_loss_of_effect=prop(data.get("critical_loss_of_effect")),
        )
