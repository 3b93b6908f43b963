"""Flesch-Kincaid grade level with a self-contained syllable estimate.

(textstat now needs a dictionary downloaded at run time, which this project may not do;
the classic vowel-group heuristic is accurate enough to keep patient text plain.)
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    word = word.lower()
    count = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(count, 1)


def flesch_kincaid_grade(text: str) -> float | None:
    """US school grade needed to read ``text``; None for text without words."""
    words = _WORD.findall(text)
    if not words:
        return None
    sentences = max(len(_SENTENCE_END.findall(text)), 1)
    syllable_count = sum(syllables(w) for w in words)
    return round(0.39 * len(words) / sentences + 11.8 * syllable_count / len(words) - 15.59, 1)
