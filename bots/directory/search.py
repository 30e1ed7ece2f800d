"""Which directory entries answer a question: pure matching on jieba search-mode terms.

A question term found in an entry's name counts most, then keywords, category, description
(FIELD_WEIGHTS); a synonym (医保 for 社保) counts SYNONYM_FACTOR of the word; a shorter word
that search mode finds inside a question word counts PART_FACTOR; a term found in many entries
counts less (inverse document frequency over the entries searched), a lone character less
still. Entries scoring under MIN_SCORE, or under RELATIVE_CUTOFF of the best, are no answer."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bots.directory.models import CATEGORIES, DirectoryEntry
from bots.directory.tokens import FIELDS, Segmenter
from bots.directory.vocabulary import (
    FIELD_WEIGHTS,
    GROUP_OF,
    MIN_SCORE,
    RELATIVE_CUTOFF,
    SINGLE_CHAR_FACTOR,
    SYNONYM_FACTOR,
)


@dataclass(frozen=True)
class Match:
    entry: DirectoryEntry
    score: float


@dataclass(frozen=True)
class _Field:
    weight: float
    terms: frozenset[str]
    groups: frozenset[str]

    def strength(self, term: str) -> float:
        if term in self.terms:
            return 1.0
        return SYNONYM_FACTOR if GROUP_OF.get(term) in self.groups else 0.0


def _fields(entry: DirectoryEntry, segmenter: Segmenter) -> list[_Field]:
    fields = []
    for name, cut in zip(FIELDS, segmenter.entry_terms(entry), strict=True):
        terms = frozenset(cut)
        groups = frozenset(GROUP_OF[t] for t in terms if t in GROUP_OF)
        fields.append(_Field(FIELD_WEIGHTS[name], terms, groups))
    return fields


def _best(fields: list[_Field], term: str) -> float:
    return max(f.weight * f.strength(term) for f in fields)


def rank(entries: Sequence[DirectoryEntry], query: str, segmenter: Segmenter,
         limit: int) -> list[Match]:
    """The best `limit` entries for the question, best first (ties: category order, name)."""
    terms = segmenter.query_terms(query)
    if not terms or not entries:
        return []
    indexed = [(entry, _fields(entry, segmenter)) for entry in entries]
    found = {t: sum(_best(fields, t) > 0 for _, fields in indexed) for t in terms}
    weight = {t: part * (1 + math.log((len(entries) + 1) / (found[t] + 1)))
              * (SINGLE_CHAR_FACTOR if len(t) == 1 else 1.0) for t, part in terms.items()}
    matches = [Match(entry, round(sum(_best(fields, t) * weight[t] for t in terms), 3))
               for entry, fields in indexed]
    floor = max(MIN_SCORE, RELATIVE_CUTOFF * max(m.score for m in matches))
    good = [m for m in matches if m.score >= floor]
    good.sort(key=lambda m: (-m.score, CATEGORIES.index(m.entry.category), m.entry.name))
    return good[:limit]
