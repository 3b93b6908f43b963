"""From what people type to knowledge-base ids, never dropping a name silently.

Order of attempts for one input: a combination brand (``products.yaml``: "Percocet" is
oxycodone and paracetamol); the exact name (generic, synonym, salt or brand, any
case); the name without salt, dose and form words; a fixed-dose combination split into
its parts ("Paroxetine + Clonazepam", "paroxetine/clonazepam"). Whatever is left is
reported as unresolved, with up to three suggestions from fuzzy matching.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from rxcombo.engine.names import check_input, normalize, remove_brackets, split_combination, strip_salts_and_forms

MAX_SUGGESTIONS = 3
# Which names a suggestion or autocomplete prefers: the generic name, brands and combination
# products before salts, synonyms and names imported from the UNII list ("unii:...", ranked last).
_KIND_RANK = {"generic": 0, "brand": 1, "synonym": 2, "salt": 2, "alias": 3, "product": 1, "unii": 4}


def name_rank(kind: str) -> int:
    """How strongly a name of this kind ("brand:US", "unii:synonym"...) is preferred: lower first."""
    return _KIND_RANK.get(kind.split(":")[0], 3)


@dataclass(frozen=True, slots=True)
class Resolved:
    input: str
    id: str
    name: str
    via: str  # generic, synonym, salt, brand:US, ... ; "+combination" when split from a combination
    matched: str

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.input, "id": self.id, "name": self.name, "via": self.via, "matched": self.matched}


@dataclass(frozen=True, slots=True)
class Unresolved:
    input: str
    suggestions: tuple[tuple[str, str], ...] = ()  # (id, display name); id "" when not in the knowledge base
    within: str | None = None  # the combination string this part came from
    ambiguous: str | None = None  # why the name cannot be resolved without guessing
    reason: str | None = None  # why the entry cannot be a medicine name (empty, control characters...)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "input": self.input,
            "suggestions": [name for _, name in self.suggestions],
            "candidates": [{"id": mid or None, "name": name} for mid, name in self.suggestions],
        }
        if self.within is not None:
            out["within"] = self.within
        if self.ambiguous is not None:
            out["ambiguous"] = self.ambiguous
        if self.reason is not None:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True, slots=True)
class Resolution:
    resolved: tuple[Resolved, ...] = ()
    unresolved: tuple[Unresolved, ...] = ()
    ids: tuple[str, ...] = field(default=())  # unique recognised ids in input order
    entries: tuple[tuple[str, tuple[str, ...]], ...] = ()  # each input with the ids it resolved to

    def within_one_product(self) -> frozenset[tuple[str, str]]:
        """Pairs of ingredients (sorted ids) that come only from one combination product together:
        the product combines them on purpose, and its own label covers them."""
        products = {r.input for r in self.resolved if r.via == "product"}
        pairs: set[tuple[str, str]] = set()
        for raw, ids in self.entries:
            if raw in products:
                pairs |= {(a, b) if a < b else (b, a) for i, a in enumerate(ids) for b in ids[i + 1:]}
        if not pairs:
            return frozenset()
        elsewhere: dict[str, int] = {}
        for _raw, ids in self.entries:
            for mid in ids:
                elsewhere[mid] = elsewhere.get(mid, 0) + 1
        # a pair stays checked when either ingredient is also listed on its own
        return frozenset(p for p in pairs if elsewhere[p[0]] == 1 and elsewhere[p[1]] == 1)

    def repeated_ingredients(self) -> dict[str, tuple[str, ...]]:
        """Ingredient id -> the entries it came from, for ingredients that more than one entry holds."""
        sources: dict[str, list[str]] = {}
        for raw, ids in self.entries:
            for mid in ids:
                sources.setdefault(mid, []).append(raw)
        return {mid: tuple(raws) for mid, raws in sources.items() if len(raws) > 1}


class Resolver:
    def __init__(self, names: dict[str, tuple[str, str, str]], medicine_names: dict[str, str],
                 ambiguous: dict[str, tuple[str, dict[str, Any]]] | None = None,
                 products: dict[str, tuple[str, tuple[str, ...]]] | None = None):
        self._names = names
        self._products = products or {}
        self._medicine_names = medicine_names
        self._ambiguous = ambiguous or {}
        self._choices: list[str] | None = None
        self._cache: dict[str, tuple[tuple[Resolved, ...], tuple[Unresolved, ...]]] = {}
        self._plain_cache: dict[str, tuple[tuple[Resolved, ...], tuple[Unresolved, ...]]] = {}

    def _keys(self, text: str) -> list[str]:
        """Lookup keys for a name, most literal first: as written, without brackets, without salt/form words."""
        keys = [normalize(text)]
        bare = normalize(remove_brackets(text))
        if bare and bare != keys[0]:
            keys.append(bare)
        for key in list(keys):
            stripped = strip_salts_and_forms(key)
            if stripped and stripped not in keys:
                keys.append(stripped)
        return keys

    def _exact(self, text: str) -> tuple[str, str] | None:
        for key in self._keys(text):
            hit = self._names.get(key)
            if hit is not None:
                return hit[0], hit[2]
        return None

    def _product(self, text: str) -> tuple[str, tuple[str, ...]] | None:
        for key in self._keys(text):
            hit = self._products.get(key)
            if hit is not None:
                return hit
        return None

    def _ambiguity(self, text: str) -> Unresolved | None:
        for key in self._keys(text):
            entry = self._ambiguous.get(key)
            if entry is not None:
                _name, data = entry
                candidates = tuple(("", c) for c in data.get("candidates", []))
                return Unresolved(text, candidates, ambiguous=data["reason"])
        return None

    def suggest(self, text: str) -> tuple[tuple[str, str], ...]:
        """Up to three distinct medicines whose names are close to ``text``: names that start
        with it (three letters or more), or that are a small number of edits away (one for a
        name of up to five letters, two up to nine, three beyond). Generic names and brands
        come before other synonyms. Nothing when nothing is close: a far-fetched suggestion
        misleads more than none."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        key = strip_salts_and_forms(normalize(text)) or normalize(text)
        if len(key) < 3:
            return ()
        if self._choices is None:
            self._choices = sorted(self._names)
        choices = self._choices
        ranked: list[tuple[int, int, int, str]] = []
        start = bisect_left(choices, key)
        for choice in choices[start:start + 200]:
            if not choice.startswith(key):
                break
            ranked.append((0, name_rank(self._names[choice][2]), len(choice), choice))
        limit = 1 if len(key) <= 5 else 2 if len(key) <= 9 else 3
        for choice, distance, _ in process.extract(key, choices, scorer=Levenshtein.distance, score_cutoff=limit, limit=20):
            ranked.append((1 + distance, name_rank(self._names[choice][2]), len(choice), choice))
        out: list[tuple[str, str]] = []
        for *_, choice in sorted(ranked):
            mid = self._names[choice][0]
            if all(mid != seen for seen, _ in out):
                out.append((mid, self._medicine_names[mid]))
            if len(out) == MAX_SUGGESTIONS:
                break
        return tuple(out)

    def resolve_one(self, raw: str, suggestions: bool = True) -> tuple[tuple[Resolved, ...], tuple[Unresolved, ...]]:
        """Resolve one input; raises InputError for empty, overlong or control-character input.
        ``suggestions=False`` skips fuzzy matching (bulk classification of catalogues)."""
        cache = self._cache if suggestions else self._plain_cache
        cached = cache.get(raw)
        if cached is not None:
            return cached
        text = check_input(raw)
        result = self._resolve_text(text, suggestions)
        if len(cache) < 50_000:
            cache[raw] = result
        return result

    def _resolve_text(self, text: str, suggestions: bool = True) -> tuple[tuple[Resolved, ...], tuple[Unresolved, ...]]:
        suggest = self.suggest if suggestions else (lambda _text: ())
        product = self._product(text)
        if product is not None:
            name, ingredients = product
            return tuple(Resolved(text, mid, self._medicine_names[mid], "product", name) for mid in ingredients), ()
        hit = self._exact(text)
        if hit is not None:
            mid, kind = hit
            return (Resolved(text, mid, self._medicine_names[mid], kind, text),), ()
        ambiguity = self._ambiguity(text)
        if ambiguity is not None:
            return (), (ambiguity,)
        parts = split_combination(text)
        if len(parts) > 1:
            resolved: list[Resolved] = []
            unresolved: list[Unresolved] = []
            for part in parts:
                part_hit = self._exact(part)
                if part_hit is None:
                    ambiguity = self._ambiguity(part)
                    unresolved.append(Unresolved(part, ambiguity.suggestions, text, ambiguity.ambiguous) if ambiguity
                                      else Unresolved(part, suggest(part), within=text))
                elif all(r.id != part_hit[0] for r in resolved):
                    mid, kind = part_hit
                    resolved.append(Resolved(text, mid, self._medicine_names[mid], f"{kind}+combination", part))
            return tuple(resolved), tuple(unresolved)
        return (), (Unresolved(text, suggest(text)),)

    def resolve(self, inputs: list[str]) -> Resolution:
        resolved: list[Resolved] = []
        unresolved: list[Unresolved] = []
        entries: list[tuple[str, tuple[str, ...]]] = []
        from rxcombo.errors import InputError

        for raw in inputs:
            try:
                r, u = self.resolve_one(raw)
            except InputError as exc:  # one unusable entry is reported; the others are still checked
                r, u = (), (Unresolved(_shown(raw), reason=str(exc)),)
            resolved += r
            unresolved += u
            entries.append((raw, tuple(dict.fromkeys(x.id for x in r))))
        ids = tuple(dict.fromkeys(r.id for r in resolved))
        return Resolution(tuple(resolved), tuple(unresolved), ids, tuple(entries))


def _shown(raw: object) -> str:
    """An unusable entry as it can be shown back: text, trimmed to 60 characters."""
    text = raw if isinstance(raw, str) else repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."
