"""`linli detect train`: rebuild the detection model from the corpus (deterministically), or
retrain it from the workers' decisions in the store."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from moderation import corpus, training
from moderation.classifier import Classifier, Model
from moderation.detector import Detector
from moderation.evaluate import evaluate, format_categories, format_evaluation
from moderation.lexicon import LexiconError, load_lexicon
from moderation.model import PACKAGED
from moderation.speed import measure, variants

DESCRIPTION = """\
Train the detection model: four logistic regressions (report or not, urgent report or not,
category, urgency) over character pairs, words and the lexicon's signals.

Without --from-store it trains on moderation/corpus/train (one file per writer), chooses the
decision thresholds on leave-one-writer-out predictions, writes the model to --out, and prints:
figures per writer for a model trained on the other writers, the pooled held-out figures with
per-category precision/recall/F1 and the confusion matrix, the final model on every frozen set
in moderation/corpus/eval, and its speed against jieba.lcut. The same corpus and lexicon give
the same file, byte for byte.

With --from-store it trains a candidate on the corpus plus the workers' decisions kept in the
configured store, compares it with the model in use on the frozen sets and a held-back fifth of
those decisions, and switches every process to it only when it is not worse (audited).
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="linli detect train", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=PACKAGED, metavar="NPZ",
                   help="where to write the model (default: the packaged "
                   "moderation/model/detection.npz)")
    p.add_argument("--from-store", action="store_true",
                   help="retrain with the workers' decisions in the configured store")
    p.add_argument("--lexicon", type=Path, metavar="PATH", help="lexicon TOML file")
    p.add_argument("--config", type=Path, help="TOML settings file (or LINLI_CONFIG)")
    p.add_argument("--speed-messages", type=int, default=20_000, metavar="N",
                   help="messages to time against jieba.lcut (0 skips; default 20000)")
    return p


def _bar(step: str) -> None:
    print(f"  … {step}", file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    if args.from_store:
        from web.retrain_cli import from_store

        return asyncio.run(from_store(args.config))
    try:
        detector = Detector(load_lexicon(args.lexicon))
        groups = corpus.by_writer()
    except (LexiconError, corpus.CorpusError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    total = sum(len(v) for v in groups.values())
    print(f"training on {total} messages by {len(groups)} writers "
          f"(leave-one-writer-out, {len(groups)} rounds)", file=sys.stderr)
    trained = training.train(detector, groups, "corpus", progress=_bar)
    model = training.versioned(trained.model)
    args.out.write_bytes(model.to_bytes())
    print(f"model {model.version}: {len(model.vocabulary):,} features, thresholds report "
          f"{model.thresholds.report:.2f} / urgent {model.thresholds.urgent:.2f}, "
          f"{args.out.stat().st_size / 1024:.0f} KiB → {args.out}")
    print("\nleave one writer out (each writer judged by a model trained on the others):")
    print("writer              messages  precision  recall  F1     category  urgent recall")
    for name, result in trained.held_out.items():
        print(f"{name:<20}{result.total:>8}  {result.precision:>9.3f}  {result.recall:>6.3f}  "
              f"{result.f1:.3f}  {result.category_accuracy:>8.3f}  {result.urgent_recall:.3f} "
              f"({result.urgent_found}/{result.urgent})")
    print("\nall held-out predictions together:")
    print(format_evaluation(trained.pooled, limit=0))
    print(format_categories(trained.pooled))
    classifier = Classifier(detector, Model(model))
    for name, items in corpus.evaluation_sets().items():
        print(f"\nfrozen set {name} (never trained on):")
        print(format_evaluation(evaluate(items, classifier.detect), limit=0))
    if args.speed_messages > 0:
        texts = [i.text for items in groups.values() for i in items]
        print("\n" + str(measure(classifier.detect, variants(texts, args.speed_messages))))
    print(json.dumps({"version": model.version, "sha256": model.checksum}))
    return 0
