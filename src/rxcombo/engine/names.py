"""Normalising and splitting medicine names as people and catalogues write them."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_LENGTH = 200

# Salt and form words that never change which medicine is meant. Order matters:
# longer phrases first so that "hydrochloride monohydrate" goes before "hydrochloride".
SALT_WORDS = (
    "hydrochloride monohydrate", "hydrobromide monohydrate", "sodium sesquihydrate",
    "hydrochloride", "dihydrochloride", "hydrobromide", "hcl", "hbr", "oxalate", "maleate",
    "hemifumarate", "fumarate", "succinate", "tartrate", "bitartrate", "mesylate", "mesilate",
    "besylate", "besilate", "citrate", "phosphate", "sulfate", "sulphate", "acetate",
    "carbonate", "potassium", "sodium", "calcium", "magnesium", "dipotassium", "bromide",
    "monohydrate", "dihydrate", "trihydrate", "hemihydrate", "anhydrous", "decanoate",
    "enanthate", "palmitate", "pamoate", "lauroxil", "embonate", "napadisilate",
    "hydrogen", "usp", "bp", "ip", "polistirex", "micronized", "micronised", "liposome", "liposomal",
)
FORM_WORDS = (
    "tablets", "tablet", "tab", "tabs", "capsules", "capsule", "cap", "caps", "oral",
    "solution", "suspension", "syrup", "injection", "extended release", "extended-release",
    "er", "xr", "sr", "cr", "xl", "odt", "mg", "ml",
)
_SALT_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in SALT_WORDS) + r")\b")
_FORM_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in FORM_WORDS) + r")\b")
_PAREN_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_DOSE_RE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|g|ml|iu|%)?(?=\s|$|/)")
_STRAY_DOT_RE = re.compile(r"(?<!\d)\.|\.(?!\d)")
_SPLIT_RE = re.compile(r"\s*(?:\+|/|;|,|&|\band\b|\bwith\b)\s*", re.IGNORECASE)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# What people paste along with a name: trademark signs, zero-width characters, soft hyphens.
_PASTED_RE = re.compile("[\u2122\u00ae\u00a9\u200b-\u200f\u2060\ufeff\u00ad]")


def clean_pasted(name: str) -> str:
    """``"Klonopin\u2122"`` -> ``"Klonopin"``; zero-width spaces and soft hyphens removed."""
    return _PASTED_RE.sub("", name)


def normalize(name: str) -> str:
    """Case-fold, strip accents and punctuation, collapse spaces: the key for exact lookup."""
    text = unicodedata.normalize("NFKD", clean_pasted(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("’", "'").replace("'s", "s")
    text = re.sub(r"[^a-z0-9%µ.+/ -]+", " ", text)
    text = _STRAY_DOT_RE.sub(" ", text.replace("-", " "))  # keep decimal points: "0.5 mg"
    return " ".join(text.split())


def strip_salts_and_forms(key: str) -> str:
    """``"escitalopram oxalate 10 mg tablets (oral)"`` -> ``"escitalopram"``;
    ``"percocet 5 mg/325 mg tablet"`` -> ``"percocet"`` (a slash left between doses goes too)."""
    text = _PAREN_RE.sub(" ", key)
    text = _DOSE_RE.sub(" ", text)
    text = _SALT_RE.sub(" ", text)
    text = _FORM_RE.sub(" ", text)
    return " ".join(word for word in text.split() if word.strip("/"))


def remove_brackets(text: str) -> str:
    """``"Acetaminophen [paracetamol]"`` -> ``"Acetaminophen"``; ``"Sumatriptan (Nasal)"`` -> ``"Sumatriptan"``."""
    return _PAREN_RE.sub(" ", text)


def split_combination(text: str) -> list[str]:
    """Split a fixed-dose combination title into its ingredient strings."""
    without_parens = _PAREN_RE.sub(" ", text)
    parts = [p.strip(" .") for p in _SPLIT_RE.split(without_parens)]
    return [p for p in parts if p]


def check_input(name: str) -> str:
    """Reject input that cannot be a medicine name, saying why; return it trimmed."""
    if not isinstance(name, str):
        raise TypeError(f"a medicine name must be text, got {type(name).__name__}")
    name = clean_pasted(name)
    if _CONTROL_RE.search(name):
        return _raise(f"medicine name {name[:40]!r} contains control characters")
    stripped = " ".join(name.split())
    if not stripped:
        return _raise("a medicine name is empty")
    if len(stripped) > MAX_NAME_LENGTH:
        return _raise(
            f"a medicine name is {len(stripped):,} characters long; at most {MAX_NAME_LENGTH} are allowed"
        )
    if not normalize(stripped):
        return _raise(f"medicine name {stripped!r} has no letters or digits")
    return stripped


def _raise(message: str) -> str:
    from rxcombo.errors import InputError

    raise InputError(message)
