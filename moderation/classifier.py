"""The detector linli runs: the lexicon's analysis, then the trained model's decision.

The model decides whether a message is a report, its category and its urgency, with the
lexicon's signals among its features. The lexicon's safety rules can only raise urgency, and
its matched terms are the explanation workers see (the model's strongest words when the lexicon
matched nothing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from config.settings import Urgency
from moderation.categories import CATEGORY_NAMES, URGENCIES
from moderation.detector import Analysis, Detection, Detector
from moderation.features import Features, features
from moderation.model.weights import ModelFile, Thresholds

_CATEGORY = slice(2, 2 + len(CATEGORY_NAMES))
_URGENCY = slice(_CATEGORY.stop, _CATEGORY.stop + len(URGENCIES))
_EXPLAINED = 3


@dataclass(frozen=True)
class Scores:
    report: float     # P(report)
    urgent: float     # P(urgent report)
    category: str
    urgency: Urgency  # the most likely of low / normal / urgent


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0


class Model:
    """The weights of a `ModelFile`, indexed for lookups by feature family."""

    def __init__(self, file: ModelFile) -> None:
        self.file = file
        self._rows: dict[str, dict[str, int]] = {"c": {}, "w": {}, "s": {}}
        for row, name in enumerate(file.vocabulary):
            family, _, value = name.partition(":")
            self._rows[family][value] = row
        # One contiguous float64 matrix: a message's rows are read in one take, without the
        # cache misses of a Python float per weight.
        self._weights = np.ascontiguousarray(file.weights, dtype=np.float64)
        self._report: list[float] = file.weights[:, 0].tolist()
        self._bias: list[float] = file.bias.tolist()

    @property
    def version(self) -> str:
        return self.file.version

    def rows(self, feats: Features) -> list[int]:
        """The rows of the features present, each once."""
        found = set(map(self._rows["c"].get, feats.chars))
        found.update(map(self._rows["w"].get, feats.words))
        found.update(map(self._rows["s"].get, feats.signals))
        found.discard(None)
        return list(found)  # type: ignore[arg-type]

    def scores(self, feats: Features) -> Scores:
        rows = self.rows(feats)
        z = self._bias
        if rows:
            z = [a + b for a, b in zip(self._weights.take(rows, axis=0).sum(axis=0).tolist(), z,
                                       strict=True)]
        cats, urgs = z[_CATEGORY], z[_URGENCY]
        return Scores(_sigmoid(z[0]), _sigmoid(z[1]), CATEGORY_NAMES[cats.index(max(cats))],
                      URGENCIES[urgs.index(max(urgs))])

    def strongest_words(self, feats: Features) -> tuple[str, ...]:
        """The words that pushed hardest towards "report" (the explanation without lexicon
        matches): words of two or more characters, since 又, 被 or 栋 explain nothing."""
        words = self._rows["w"]
        weight = {w: self._report[r] for w in feats.words
                  if len(w) > 1 and w.isalnum() and (r := words.get(w)) is not None}
        ranked = sorted((w for w, v in weight.items() if v > 0), key=lambda w: -weight[w])
        return tuple(ranked[:_EXPLAINED])


class Classifier:
    """Build once (the lexicon's tokenizer loads jieba's dictionary); `detect` is pure."""

    def __init__(self, detector: Detector, model: Model) -> None:
        self.detector = detector
        self.model = model

    def detect(self, text: str) -> Detection:
        analysis = self.detector.analyse(text)
        feats = features(analysis)
        return decide(analysis, feats, self.model.scores(feats), self.model)


def decide(analysis: Analysis, feats: Features, scores: Scores, model: Model,
           limits: Thresholds | None = None) -> Detection:
    """The detection for scores (under `limits`, by default the model's own thresholds)."""
    limits = limits or model.file.thresholds
    urgent = scores.urgent >= limits.urgent
    if scores.report < limits.report and not urgent:
        return Detection(is_report=False, category=None, urgency="low",
                         score=round(scores.report, 3), matches=analysis.detection.matches)
    lexicon = analysis.detection
    if urgent or (lexicon.is_report and lexicon.urgency == "urgent"):
        urgency: Urgency = "urgent"
    else:
        urgency = "normal" if scores.urgency == "urgent" else scores.urgency
    matches = lexicon.matches or model.strongest_words(feats)
    return Detection(is_report=True, category=scores.category, urgency=urgency,
                     score=round(max(scores.report, scores.urgent), 3), matches=matches)
