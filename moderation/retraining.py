"""Training a candidate from the corpus plus the workers' decisions, and judging it against the
model in use (CPU work, run in a process of its own so the server keeps answering).

From HELD_BACK_FROM examples on, the store's examples are split by their id: every fifth (by a
stable hash) is held back to judge with; the rest train, counted STORE_WEIGHT times (they are
this deployment's own chat and its workers' own judgement). Both
models are then evaluated on the frozen evaluation sets plus the held-back examples; the
candidate is "not worse" when it misses no more urgent reports than the current model and its
F1 is at most TOLERANCE below the current one's.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation import corpus, training
from moderation.classifier import Classifier, Model
from moderation.detector import Detector
from moderation.evaluate import Evaluation, Labelled, evaluate
from moderation.lexicon import load_lexicon
from moderation.model.weights import ModelFile

STORE_WEIGHT = 10.0
HELD_BACK_EVERY = 5
HELD_BACK_FROM = 20  # fewer examples than this all train; only the frozen sets judge
TOLERANCE = 0.01


@dataclass(frozen=True)
class Request:
    examples: list[tuple[str, Labelled]]   # (example id, labelled masked text)
    current: bytes                         # the model in use
    version: str
    lexicon_path: Path | None


@dataclass(frozen=True)
class Outcome:
    candidate: bytes
    sha256: str   # the candidate's checksum, as its header carries it
    figures: dict[str, Any]
    not_worse: bool


def held_back(example_id: str) -> bool:
    digest = hashlib.sha256(example_id.encode()).digest()
    return digest[0] % HELD_BACK_EVERY == 0


def figures(result: Evaluation) -> dict[str, Any]:
    return {"messages": result.total, "reports": result.reports,
            "precision": round(result.precision, 4), "recall": round(result.recall, 4),
            "f1": round(result.f1, 4), "category_accuracy": round(result.category_accuracy, 4),
            "urgent": result.urgent, "urgent_found": result.urgent_found,
            "urgent_recall": round(result.urgent_recall, 4),
            "urgent_precision": round(result.urgent_precision, 4)}


def not_worse(candidate: Evaluation, current: Evaluation) -> bool:
    return (candidate.urgent_found >= current.urgent_found
            and candidate.f1 >= current.f1 - TOLERANCE)


def run(request: Request) -> Outcome:
    """Train, evaluate both models on the same messages, and say whether to switch."""
    logging.getLogger("jieba").setLevel(logging.WARNING)
    detector = Detector(load_lexicon(request.lexicon_path))
    split = len(request.examples) >= HELD_BACK_FROM
    train_part = [item for key, item in request.examples if not (split and held_back(key))]
    judge = [item for key, item in request.examples if split and held_back(key)]
    groups: dict[str, list[Labelled]] = dict(corpus.by_writer())
    if train_part:
        groups["store"] = train_part
    trained = training.train(detector, groups, request.version,
                             info={"store_examples": len(train_part)},
                             weights={"store": STORE_WEIGHT})
    frozen = [item for items in corpus.evaluation_sets().values() for item in items]
    current = Classifier(detector, Model(ModelFile.from_bytes(request.current)))
    candidate = Classifier(detector, Model(trained.model))
    results: dict[str, Any] = {}
    verdict = {}
    for name, model in (("candidate", candidate), ("current", current)):
        on_frozen = evaluate(frozen, model.detect)
        on_held = evaluate(judge, model.detect)
        together = evaluate(frozen + judge, model.detect)
        verdict[name] = together
        results[name] = {"frozen": figures(on_frozen), "held_back": figures(on_held),
                         "together": figures(together)}
    results["training"] = {"messages": trained.pooled.total, "store_examples": len(train_part),
                           "held_back_examples": len(judge),
                           "leave_one_writer_out": figures(trained.pooled)}
    return Outcome(trained.model.to_bytes(), trained.model.checksum, results,
                   not_worse(verdict["candidate"], verdict["current"]))
