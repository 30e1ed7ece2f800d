"""Training the detection model (scikit-learn): four logistic regressions over the same
features — report or not, urgent report or not, category, urgency — and the two decision
thresholds, chosen on leave-one-writer-out predictions so that they hold for a writer the model
never saw. Deterministic: the same corpus and lexicon give the same weights."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from moderation.categories import CATEGORY_NAMES, URGENCIES
from moderation.classifier import Model, Scores, decide
from moderation.detector import Analysis, Detection, Detector
from moderation.evaluate import Evaluation, Labelled, evaluate
from moderation.features import Features, features
from moderation.model.weights import OUTPUTS, ModelFile, Thresholds

log = logging.getLogger(__name__)
MIN_COUNT = 2          # a feature must occur in this many training messages
C = 4.0                # inverse L2 strength, the same for the four heads
URGENT_RECALL = 0.97   # aim above the 0.95 target: a missed emergency costs most,
URGENT_PRECISION = 0.82  # as long as at least 0.8 of urgent flags are real emergencies
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Sample:
    item: Labelled
    group: str
    analysis: Analysis
    feats: Features
    weight: float = 1.0


@dataclass(frozen=True)
class Trained:
    model: ModelFile
    held_out: dict[str, Evaluation]   # per writer, by a model trained on the others
    pooled: Evaluation                # all held-out predictions together


def prepare(detector: Detector, groups: Mapping[str, Sequence[Labelled]],
            weights: Mapping[str, float] | None = None) -> list[Sample]:
    """Analyse every message once; `weights` counts some groups more (workers' decisions)."""
    samples = []
    for group, items in groups.items():
        weight = (weights or {}).get(group, 1.0)
        for item in items:
            analysis = detector.analyse(item.text)
            samples.append(Sample(item, group, analysis, features(analysis), weight))
    return samples


def vocabulary(samples: Sequence[Sample]) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for sample in samples:
        for name in set(sample.feats.named()):
            counts[name] = counts.get(name, 0) + 1
    return tuple(sorted(n for n, c in counts.items() if c >= MIN_COUNT))


def _matrix(samples: Sequence[Sample], vocab: Sequence[str]) -> csr_matrix:
    index = {name: i for i, name in enumerate(vocab)}
    rows, cols = [], []
    for r, sample in enumerate(samples):
        found = sorted({index[n] for n in sample.feats.named() if n in index})
        rows += [r] * len(found)
        cols += found
    data = np.ones(len(rows), dtype=np.float64)
    return csr_matrix((data, (rows, cols)), shape=(len(samples), len(vocab)))


def _binary(x: csr_matrix, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    if y.min() == y.max():  # one class only (a tiny training set): a constant answer
        return np.zeros(x.shape[1]), 8.0 if y[0] else -8.0
    fit = LogisticRegression(C=C, solver="liblinear", random_state=0, max_iter=1000)
    fit.fit(x, y, sample_weight=w)
    return fit.coef_[0], float(fit.intercept_[0])


def _multi(x: csr_matrix, y: list[str], w: np.ndarray, classes: Sequence[str]
           ) -> tuple[np.ndarray, np.ndarray]:
    """One column per class of `classes`; classes missing from `y` never win."""
    weights = np.zeros((x.shape[1], len(classes)))
    bias = np.full(len(classes), -20.0)
    present = sorted(set(y))
    if len(present) == 1:
        bias[classes.index(present[0])] = 0.0
        return weights, bias
    fit = LogisticRegression(C=C, max_iter=3000).fit(x, y, sample_weight=w)
    for k, label in enumerate(fit.classes_):
        weights[:, classes.index(label)] = fit.coef_[k]
        bias[classes.index(label)] = fit.intercept_[k]
    return weights, bias


def fit(samples: Sequence[Sample], thresholds: Thresholds, version: str,
        info: dict[str, Any] | None = None) -> ModelFile:
    vocab = vocabulary(samples)
    x = _matrix(samples, vocab)
    items = [s.item for s in samples]
    w = np.array([s.weight for s in samples])
    report = np.array([i.is_report for i in items], dtype=int)
    urgent = np.array([i.is_report and i.urgency == "urgent" for i in items], dtype=int)
    weights = np.zeros((len(vocab), len(OUTPUTS)))
    bias = np.zeros(len(OUTPUTS))
    weights[:, 0], bias[0] = _binary(x, report, w)
    weights[:, 1], bias[1] = _binary(x, urgent, w)
    reports = np.flatnonzero(report)
    x_reports = x[reports]
    cat = slice(2, 2 + len(CATEGORY_NAMES))
    urg = slice(cat.stop, cat.stop + len(URGENCIES))
    weights[:, cat], bias[cat] = _multi(
        x_reports, [str(items[i].category) for i in reports], w[reports], CATEGORY_NAMES)
    weights[:, urg], bias[urg] = _multi(
        x_reports, [items[i].urgency for i in reports], w[reports], URGENCIES)
    return ModelFile(version, vocab, weights.astype(np.float32), bias.astype(np.float32),
                     thresholds, info or {})


def _detections(samples: Sequence[Sample], scores: Sequence[Scores], model: Model,
                limits: Thresholds) -> list[Detection]:
    return [decide(s.analysis, s.feats, sc, model, limits)
            for s, sc in zip(samples, scores, strict=True)]


def _evaluate(samples: Sequence[Sample], found: Sequence[Detection]) -> Evaluation:
    answers = dict(zip((id(s.item) for s in samples), found, strict=True))
    by_text = {s.item.text: answers[id(s.item)] for s in samples}
    return evaluate([s.item for s in samples], by_text.__getitem__)


def choose_thresholds(samples: Sequence[Sample], scores: Sequence[Scores],
                      model: Model) -> Thresholds:
    """On held-out predictions: the urgent threshold with the best urgent recall while the
    urgent flag's precision stays at URGENT_PRECISION (the highest such threshold once recall
    reaches URGENT_RECALL), then the report threshold with the best F1."""
    grid = [round(float(t), 2) for t in np.arange(0.05, 0.96, 0.01)]
    urgent, best_recall = 0.5, -1.0
    for t in grid:
        result = _evaluate(samples, _detections(samples, scores, model, Thresholds(0.5, t)))
        if result.urgent_precision < URGENT_PRECISION:
            continue
        recall = min(result.urgent_recall, URGENT_RECALL)
        if recall >= best_recall:
            urgent, best_recall = t, recall
    best, report = -1.0, 0.5
    for t in grid:
        result = _evaluate(samples, _detections(samples, scores, model, Thresholds(t, urgent)))
        if result.f1 > best:
            best, report = result.f1, t
    return Thresholds(report, urgent)


def held_out_scores(samples: Sequence[Sample], progress: Progress | None = None
                    ) -> tuple[list[Scores], Model]:
    """Each sample scored by a model trained without its group (leave one writer out)."""
    groups = sorted({s.group for s in samples})
    scores: dict[int, Scores] = {}
    model: Model | None = None
    for n, group in enumerate(groups, start=1):
        train = [s for s in samples if s.group != group]
        model = Model(fit(train, Thresholds(0.5, 0.5), "held-out"))
        for i, s in enumerate(samples):
            if s.group == group:
                scores[i] = model.scores(s.feats)
        if progress:
            progress(f"held out {n}/{len(groups)}: {group}")
    assert model is not None
    return [scores[i] for i in range(len(samples))], model


def train(detector: Detector, groups: Mapping[str, Sequence[Labelled]], version: str,
          progress: Progress | None = None, info: dict[str, Any] | None = None,
          weights: Mapping[str, float] | None = None) -> Trained:
    started = time.perf_counter()
    samples = prepare(detector, groups, weights)
    scores, model = held_out_scores(samples, progress)
    limits = choose_thresholds(samples, scores, model)
    found = _detections(samples, scores, model, limits)
    held_out = {g: _evaluate([s for s in samples if s.group == g],
                             [d for s, d in zip(samples, found, strict=True) if s.group == g])
                for g in sorted(groups)}
    pooled = _evaluate(samples, found)
    details = {"messages": len(samples), "writers": {g: len(v) for g, v in groups.items()},
               **(info or {})}
    final = fit(samples, limits, version, details)
    log.info("model %s trained on %d messages in %.1f s", version, len(samples),
             time.perf_counter() - started)
    return Trained(final, held_out, pooled)


def versioned(model: ModelFile, prefix: str = "m") -> ModelFile:
    """The model named after its own content: the same training, the same version."""
    return replace(model, version=f"{prefix}-{replace(model, version='').checksum[:12]}")
