"""Pure keyword detector (docs/architecture.md#detection): chat text in, `Detection` out.

A `Detector` owns a private jieba tokenizer loaded with the lexicon's words; after
construction `detect` only reads immutable tables, so one detector serves every thread.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import jieba
from pydantic import BaseModel, ConfigDict

from config.settings import Urgency
from moderation.lexicon import Lexicon
from moderation.segment import Segmenter

_RANK: dict[Urgency, int] = {"low": 0, "normal": 1, "urgent": 2}
_CLAUSE_BREAKS = frozenset("。!?;~…\n\r,、")
_OBJECT, _SYMPTOM, _STRONG = 0, 1, 2
_BOOST = 5
_PARTICLES = frozenset(("的", "了", "哒", "一样"))
# Chat clients render attachments as "[图片]"; the tag says nothing (视频 is not hearsay here).
_ATTACHMENT = re.compile(r"[\[【](?:图片|视频|语音|表情|动画表情|文件|链接|位置|小程序)[\]】]")
_LATIN = re.compile("[a-z]")


class Detection(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    is_report: bool
    category: str | None
    urgency: Urgency
    score: float
    matches: tuple[str, ...]


_NOTHING = Detection(is_report=False, category=None, urgency="low", score=0.0, matches=())


@dataclass(frozen=True)
class Analysis:
    normal: str                # the text as matched: NFKC, lower case, rewrites applied
    words: tuple[str, ...]     # its tokens, synonyms made canonical
    signals: tuple[str, ...]   # categories hit, urgent signals, markers that fired
    detection: Detection


@dataclass(frozen=True)
class _Marker:
    factor: float
    terms: frozenset[str]
    cancelled_by: frozenset[str]
    unless: frozenset[str]
    spares_urgent: bool


@dataclass
class _Candidate:
    """Hits of one category in one message (local to a `detect` call)."""

    hits: list[tuple[int, ...]] = field(default_factory=list)
    urgency: Urgency = "low"
    urgent_anywhere: bool = False


@dataclass(frozen=True)
class _HitLevels:
    """A category's urgency rules as sets: the level of a hit is that of its first rule."""

    urgent: frozenset[str]
    normal: frozenset[str]
    low: frozenset[str]
    default: Urgency

    def of(self, terms: tuple[str, ...]) -> Urgency:
        if not self.urgent.isdisjoint(terms):
            return "urgent"
        if not self.normal.isdisjoint(terms):
            return "normal"
        if not self.low.isdisjoint(terms):
            return "low"
        return self.default


@dataclass(frozen=True)
class _Tokens:
    normal: str
    words: tuple[str, ...]    # canonical (synonyms applied)
    surface: tuple[str, ...]  # as typed, for the explanation
    clause: tuple[int, ...]


def _clauses(words: tuple[str, ...]) -> tuple[int, ...]:
    """Each token's clause number (a break token starts the next clause)."""
    if _CLAUSE_BREAKS.isdisjoint(words):
        return (0,) * len(words)
    clause, clauses = 0, []
    for word in words:
        if word in _CLAUSE_BREAKS:
            clause += 1
        clauses.append(clause)
    return tuple(clauses)


def _pair_table(pairs: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """"A B" pairs (A, then B) as a lookup: first word → the words that may follow it."""
    table: dict[str, set[str]] = {}
    for pair in pairs:
        first, second = pair.split()
        table.setdefault(first, set()).add(second)
    return {k: frozenset(v) for k, v in table.items()}


class Detector:
    """Build once per lexicon (loads jieba's dictionary, ~1 s); `detect` is pure."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        self._canon = {v: canon for canon, variants in lexicon.synonyms.items()
                       for v in variants}
        self._categories = lexicon.categories
        self._urgent_near = [_pair_table(cat.rules.urgent_near) for cat in lexicon.categories]
        self._urgent_terms = [frozenset(cat.rules.urgent) for cat in lexicon.categories]
        self._hit_levels = [_HitLevels(frozenset(cat.rules.urgent), frozenset(cat.rules.normal),
                                       frozenset(cat.rules.low), cat.default_urgency)
                            for cat in lexicon.categories]
        self._window, self._negation_window = lexicon.window, lexicon.negation_window
        pair_firsts: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for index, cat in enumerate(lexicon.categories):
            for first, seconds in _pair_table(cat.pairs).items():
                pair_firsts.setdefault(first, []).append((index, seconds))
        self._pair_firsts = {k: tuple(v) for k, v in pair_firsts.items()}
        roles: dict[str, list[tuple[int, int]]] = {}
        for index, cat in enumerate(lexicon.categories):
            for kind, terms in ((_STRONG, cat.strong), (_SYMPTOM, cat.symptoms),
                                (_OBJECT, cat.objects)):
                for term in terms:
                    roles.setdefault(term, []).append((index, kind))
        self._roles = {t: tuple(r) for t, r in roles.items()}
        self._blockers = frozenset(lexicon.negations) | frozenset(lexicon.hedges)
        self._markers = {name: _Marker(m.factor, frozenset(m.terms), frozenset(m.cancelled_by),
                                       frozenset(m.unless), m.spares_urgent)
                         for name, m in lexicon.markers.items()}
        marker_of: dict[str, list[str]] = {}
        for name, m in lexicon.markers.items():
            for term in m.terms:
                marker_of.setdefault(term, []).append(name)
        self._marker_of = {t: tuple(names) for t, names in marker_of.items()}
        self._similes = frozenset(lexicon.similes)
        self._urgent_any = frozenset(lexicon.urgent_any)
        self._near_miss = self._blockers | frozenset(lexicon.near_miss)
        self._rewrites = lexicon.rewrites
        self._rewrite = (re.compile("(?<![a-z])(?:" + "|".join(
            re.escape(k) for k in sorted(lexicon.rewrites, key=len, reverse=True))
            + ")(?![a-z])") if lexicon.rewrites else None)
        self._shifts = frozenset(lexicon.topic_shifts)
        self._single_exclusions = frozenset(e for e in lexicon.exclusions if len(e.split()) == 1)
        pairs: dict[str, set[str]] = {}
        for exclusion in lexicon.exclusions:
            if len(parts := exclusion.split()) == 2:
                pairs.setdefault(parts[0], set()).add(parts[1])
        self._pair_exclusions = {k: frozenset(v) for k, v in pairs.items()}
        # Most chat touches none of the lexicon: one set test skips each pass over the words.
        self._lexicon_words = frozenset(self._roles) | frozenset(self._pair_firsts)
        self._live_words = (self._single_exclusions | self._similes
                            | frozenset(self._pair_exclusions))
        self._marker_words = frozenset(self._marker_of)
        # Frequencies come from the pristine dictionary, so the result does not depend on the
        # order words are added; category terms and vetoes outweigh marker words.
        vocabulary = self._vocabulary()
        boosted = set(self._roles) | {w for e in lexicon.exclusions for w in e.split()}
        freqs = {w: self._tokenizer.suggest_freq(w) * (_BOOST if w in boosted else 1)
                 for w in sorted(vocabulary)}
        for word, freq in freqs.items():
            self._tokenizer.add_word(word, freq)
        for word in lexicon.split_words:
            self._tokenizer.del_word(word)
        self._segmenter = Segmenter(self._tokenizer)

    @property
    def segmenter_backend(self) -> str:
        return self._segmenter.backend

    def _vocabulary(self) -> set[str]:
        lex = self.lexicon
        words = set(lex.words) | set(lex.negations) | set(lex.hedges) | set(self._roles)
        words |= set(self._canon) | set(lex.synonyms)
        words |= {w for e in lex.exclusions for w in e.split()}
        words |= set(lex.similes) | set(lex.topic_shifts) | set(lex.urgent_any)
        words |= set(lex.near_miss) | set(lex.rewrites.values())
        for marker in lex.markers.values():
            words |= set(marker.terms) | set(marker.cancelled_by) | set(marker.unless)
        for cat in lex.categories:
            words |= set(cat.rules.urgent) | set(cat.rules.normal) | set(cat.rules.low)
            words |= {w for pair in cat.rules.urgent_near + cat.pairs for w in pair.split()}
        return {w for w in words if len(w) > 1}

    def detect(self, text: str) -> Detection:
        return self.analyse(text).detection

    def analyse(self, text: str) -> Analysis:
        """The detection and what led to it, as features for the trained model."""
        tokens = self._tokenize(text)
        present = frozenset(tokens.words)
        if present.isdisjoint(self._lexicon_words):
            live: list[bool] = []
            candidates: dict[int, _Candidate] = {}
        else:
            live = self._live(tokens, present)
            candidates = self._candidates(tokens, live)
        fired = self._fired(tokens) if not present.isdisjoint(self._marker_words) else ()
        signals = [f"marker:{name}" for name in fired]
        for index, cand in candidates.items():
            name = self._categories[index].name
            signals.append(f"cat:{name}")
            if cand.urgent_anywhere:
                signals.append(f"urgent:{name}")
        injury = bool(candidates) and self._injury(tokens, live)
        if injury:
            signals.append("injury")
        detection = self._decide(tokens, candidates, fired, injury)
        if detection.is_report:
            signals += ["report", f"report:{detection.urgency}"]
        return Analysis(tokens.normal, tokens.words, tuple(signals), detection)

    def _decide(self, tokens: _Tokens, candidates: dict[int, _Candidate],
                fired: tuple[str, ...], injury: bool) -> Detection:
        if not candidates:
            return _NOTHING
        # Danger first: a category with an urgent signal wins over a busier one.
        index, cand = max(candidates.items(), key=lambda item: (
            item[1].urgent_anywhere, len(item[1].hits), -item[0]))
        raw = min(2.0, 1.0 + 0.25 * (len(cand.hits) - 1))
        factor = 1.0
        for name in fired:
            marker = self._markers[name]
            if not (marker.spares_urgent and (cand.urgent_anywhere or injury)):
                factor *= marker.factor
        score = round(raw * factor, 3)
        matches = tuple(dict.fromkeys(tokens.surface[i] for hit in cand.hits for i in hit))
        if score < self.lexicon.threshold:
            return Detection(is_report=False, category=None, urgency="low", score=score,
                             matches=matches)
        urgency: Urgency = "urgent" if cand.urgent_anywhere or injury else cand.urgency
        return Detection(is_report=True, category=self._categories[index].name,
                         urgency=urgency, score=score, matches=matches)

    def _tokenize(self, text: str) -> _Tokens:
        normal = unicodedata.normalize("NFKC", text).lower()
        if "[" in normal or "【" in normal:
            normal = _ATTACHMENT.sub("", normal).strip()
        if self._rewrite is not None and _LATIN.search(normal):
            normal = self._rewrite.sub(lambda m: self._rewrites[m.group(0)], normal)
        surface = tuple(self._segmenter.cut(normal)[:self.lexicon.max_tokens])
        return _Tokens(normal, tuple(map(self._canon.get, surface, surface)), surface,
                       _clauses(surface))

    def _injury(self, tokens: _Tokens, live: list[bool]) -> bool:
        """Someone hurt (流血, 受伤), not negated and not a near miss: urgent in any category."""
        if self._urgent_any.isdisjoint(tokens.words):
            return False
        return any(live[i] and w in self._urgent_any
                   and not self._blocked(tokens, i, self._near_miss)
                   for i, w in enumerate(tokens.words))

    def _live(self, tokens: _Tokens, present: frozenset[str]) -> list[bool]:
        """False for tokens covered by an exclusion (手机 … 没电, 火锅)."""
        words, window = tokens.words, self._window
        if present.isdisjoint(self._live_words):
            return [True] * len(words)
        live = [w not in self._single_exclusions for w in words]
        for i, word in enumerate(words):
            if word in self._similes:
                k = i - 1
                while k >= 0 and words[k] in _PARTICLES:
                    k -= 1
                if k >= 0:
                    live[k] = False
        for i, word in enumerate(words):
            seconds = self._pair_exclusions.get(word)
            if seconds is None:
                continue
            for j in range(i + 1, min(len(words), i + window + 1)):
                if tokens.clause[j] != tokens.clause[i]:
                    break
                if words[j] in seconds:
                    live[i:j + 1] = [False] * (j + 1 - i)
                    break
        return live

    def _blocked(self, tokens: _Tokens, i: int, blockers: frozenset[str]) -> bool:
        """A negation or hedge (or `blockers`) shortly before token i in the same clause."""
        words, clause = tokens.words, tokens.clause
        here = clause[i]
        for k in range(max(0, i - self._negation_window), i):
            if words[k] in blockers and clause[k] == here:
                return True
        return False

    def _candidates(self, tokens: _Tokens, live: list[bool]) -> dict[int, _Candidate]:
        objects: dict[int, list[int]] = {}
        found: list[tuple[int, int, int]] = []
        for i, word in enumerate(tokens.words):
            roles = self._roles.get(word)
            if roles is None or not live[i]:
                continue
            negated = self._blocked(tokens, i, self._blockers)
            for cat, kind in roles:
                if kind == _OBJECT:
                    objects.setdefault(cat, []).append(i)
                elif not negated:
                    found.append((i, cat, kind))
        candidates: dict[int, _Candidate] = {}
        for cat, pair in self._category_pairs(tokens, live):
            cand = candidates.setdefault(cat, _Candidate())
            cand.hits.append(pair)
            level = self._hit_levels[cat].of(tuple(tokens.words[k] for k in pair))
            cand.urgency = max(cand.urgency, level, key=_RANK.__getitem__)
        used: set[tuple[int, int]] = set()
        for i, cat, kind in found:
            if (i, cat) in used:
                continue
            hit = (i,) if kind == _STRONG else self._pair(tokens, i, objects.get(cat, []))
            if hit is None:
                continue
            used.add((i, cat))
            cand = candidates.setdefault(cat, _Candidate())
            cand.hits.append(hit)
            level = self._hit_levels[cat].of(tuple(tokens.words[k] for k in hit))
            cand.urgency = max(cand.urgency, level, key=_RANK.__getitem__)
        for cat, cand in candidates.items():
            cand.urgent_anywhere = (self._urgent_anywhere(tokens, live, self._urgent_terms[cat])
                                    or self._urgent_pair(tokens, live, self._urgent_near[cat]))
        return candidates

    def _pair(self, tokens: _Tokens, i: int, objects: list[int]) -> tuple[int, ...] | None:
        near = [o for o in objects if o != i and abs(o - i) <= self._window
                and tokens.clause[o] == tokens.clause[i]]
        if not near:
            return None
        o = min(near, key=lambda o: abs(o - i))
        return (o, i) if o < i else (i, o)

    def _urgent_anywhere(self, tokens: _Tokens, live: list[bool], urgent: frozenset[str]) -> bool:
        if urgent.isdisjoint(tokens.words):
            return False
        return any(live[i] and w in urgent and not self._blocked(tokens, i, self._blockers)
                   for i, w in enumerate(tokens.words))

    def _category_pairs(self, tokens: _Tokens,
                        live: list[bool]) -> list[tuple[int, tuple[int, int]]]:
        """(category, hit) for the categories' `pairs`: A, then B within `pair_window` tokens of
        one clause, neither negated."""
        words, found = tokens.words, []
        window = max(self._window, self.lexicon.pair_window)
        for i, word in enumerate(words):
            entries = self._pair_firsts.get(word)
            if entries is None or not live[i] or self._blocked(tokens, i, self._blockers):
                continue
            end = min(len(words), i + window + 1)
            for cat, seconds in entries:
                for j in range(i + 1, end):
                    if tokens.clause[j] != tokens.clause[i]:
                        break
                    if words[j] in seconds and live[j] \
                            and not self._blocked(tokens, j, self._blockers):
                        found.append((cat, (i, j)))
                        break
        return found

    def _pair_hits(self, tokens: _Tokens, live: list[bool],
                   table: dict[str, frozenset[str]]) -> list[tuple[int, int]]:
        """Pairs of `table` within `window` tokens of one clause, neither negated."""
        words, window = tokens.words, self._window
        hits: list[tuple[int, int]] = []
        for i, word in enumerate(words):
            partners = table.get(word)
            if partners is None or not live[i] or self._blocked(tokens, i, self._blockers):
                continue
            for j in range(i + 1, min(len(words), i + window + 1)):
                if tokens.clause[j] != tokens.clause[i]:
                    break
                if words[j] in partners and live[j] \
                        and not self._blocked(tokens, j, self._blockers):
                    hits.append((i, j))
                    break
        return hits

    def _urgent_pair(self, tokens: _Tokens, live: list[bool],
                     near: dict[str, frozenset[str]]) -> bool:
        """An `urgent_near` pair within `window` tokens of one clause, neither negated."""
        return (bool(near) and not near.keys().isdisjoint(tokens.words)
                and bool(self._pair_hits(tokens, live, near)))

    def _fired(self, tokens: _Tokens) -> tuple[str, ...]:
        """Markers present after the last topic shift and not cancelled where they appear."""
        words = tokens.words
        start = max((i for i, w in enumerate(words) if w in self._shifts), default=0)
        seen: dict[str, list[int]] = {}
        for i in range(start, len(words)):
            for name in self._marker_of.get(words[i], ()):
                seen.setdefault(name, []).append(i)
        if not seen:
            return ()
        present = set(words[start:])
        fired = []
        for name, marker in self._markers.items():
            where = seen.get(name)
            if where is None or marker.unless & present:
                continue
            if any(not self._blocked(tokens, i, marker.cancelled_by) for i in where):
                fired.append(name)
        return tuple(fired)
