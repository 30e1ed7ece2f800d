"""What the trained model sees of a message: its characters and character pairs, its words,
and the lexicon's signals (categories hit, urgent terms, markers such as resolved or
advert)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.detector import Analysis

_SPACE = re.compile(r"\s")
FAMILIES = ("c", "w", "s")  # characters and pairs, words, lexicon signals


@dataclass(frozen=True)
class Features:
    text: str              # the characters and adjacent pairs of this text
    words: list[str]
    signals: tuple[str, ...]

    @property
    def chars(self) -> list[str]:
        return char_grams(self.text)

    def named(self) -> list[str]:
        """Every feature as "<family>:<value>", the vocabulary's spelling."""
        return ([f"c:{g}" for g in self.chars] + [f"w:{w}" for w in self.words]
                + [f"s:{s}" for s in self.signals])


def char_grams(text: str) -> list[str]:
    """Single characters and adjacent pairs (a space next to a character is a pair too: it
    ends a clause)."""
    return [*text, *map(str.__add__, text, text[1:])]


def features(analysis: Analysis) -> Features:
    words = list(analysis.words)
    if _SPACE.search(analysis.normal):  # whitespace tokens are not words
        words = [w for w in words if not w.isspace()]
    return Features(analysis.normal, words, analysis.signals)
