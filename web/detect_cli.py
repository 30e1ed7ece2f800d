"""`linli detect`: run the detector over JSON Lines, measure it on a labelled set, or train its
model (`linli detect train`)."""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from config.settings import load_settings
from moderation.classifier import Classifier, Model
from moderation.detection import packaged_model
from moderation.detector import Detection, Detector
from moderation.evaluate import Labelled, evaluate, format_categories, format_evaluation
from moderation.lexicon import LexiconError, load_lexicon
from moderation.model.weights import ModelFile, ModelFileError

# `detect` needs no server secret; a placeholder stops load_settings writing one to disk.
_NO_SECRET = "linli-detect-needs-no-secret-key-at-all"

DESCRIPTION = """\
Run the detector (the lexicon's analysis, then the trained model's decision) over chat
messages. `linli detect train --help` tells how to rebuild the model.

Input is JSON Lines: one object with a "text" string per line, from FILE or stdin. For each
line one JSON object is written to stdout with text, is_report, category (one of the ten
category names or null), urgency (low/normal/urgent), score and matches (the matched terms).
Blank lines are skipped. A line that is not a JSON object with a "text" string is reported on
stderr with its line number and skipped; the command then exits with status 1 after the
whole input was processed.

With --evaluate, FILE holds labelled lines {"text", "is_report", "category", "urgency"} and
the command prints precision, recall and F1 (on is_report), category accuracy over labelled
reports, urgent recall and precision, per-category figures with the confusion matrix, and the
misclassified lines.
"""


def add_detect_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("detect", help="detect reports in messages (JSON Lines); train the model",
                       description=DESCRIPTION,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", nargs="?", type=Path, metavar="FILE",
                   help="JSON Lines input (default: stdin)")
    p.add_argument("--model", type=Path, metavar="NPZ",
                   help="model file (default: the packaged moderation/model/detection.npz)")
    p.add_argument("--lexicon-only", action="store_true",
                   help="decide with the lexicon alone, without the model (the old detector)")
    p.add_argument("--evaluate", action="store_true",
                   help="FILE is a labelled set: print quality figures instead of detections")
    p.add_argument("--lexicon", type=Path, metavar="PATH",
                   help="lexicon TOML file (default: settings' lexicon_path, else the "
                   "packaged moderation/lexicon/default.toml)")
    p.add_argument("--config", type=Path, help="TOML settings file (or LINLI_CONFIG)")
    p.add_argument("--show", type=int, default=20, metavar="N",
                   help="with --evaluate: list at most N misclassified lines (default 20)")
    p.set_defaults(func=cmd_detect)


def cmd_detect(args: argparse.Namespace) -> int:
    logging.getLogger("jieba").setLevel(logging.WARNING)
    try:
        lexicon_detector = Detector(load_lexicon(_lexicon_path(args)))
        model = ModelFile.from_bytes(args.model.read_bytes()) if args.model \
            else packaged_model()
    except (LexiconError, ModelFileError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot read the model file / 无法读取模型文件: {exc.strerror}",
              file=sys.stderr)
        return 2
    detector: Detector | Classifier = lexicon_detector if args.lexicon_only \
        else Classifier(lexicon_detector, Model(model))
    if args.evaluate:
        if args.file is None:
            print("error: --evaluate needs a FILE", file=sys.stderr)
            return 2
        return _evaluate(detector, args.file, args.show)
    if args.file is None:
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8")
        return _detect(detector, stdin)
    with args.file.open(encoding="utf-8") as fh:
        return _detect(detector, fh)


def _lexicon_path(args: argparse.Namespace) -> Path | None:
    if args.lexicon is not None:
        return Path(args.lexicon)
    settings = load_settings(args.config, secret_key=_NO_SECRET)
    path = getattr(settings, "lexicon_path", None)
    return Path(path) if path is not None else None


def _lines(stream: IO[str]) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON) for non-blank lines; bad JSON is reported and skipped."""
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"line {number}: not valid JSON: {exc.msg}", file=sys.stderr)
            yield number, None


def _detect(detector: Detector | Classifier, stream: IO[str]) -> int:
    status = 0
    out = sys.stdout
    for number, data in _lines(stream):
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            if data is not None:
                print(f'line {number}: expected an object with a "text" string',
                      file=sys.stderr)
            status = 1
            continue
        found = detector.detect(data["text"])
        out.write(json.dumps({"text": data["text"], **found.model_dump(mode="json")},
                             ensure_ascii=False) + "\n")
    out.flush()
    return status


def _evaluate(detector: Detector | Classifier, path: Path, show: int) -> int:
    items: list[Labelled] = []
    status = 0
    with path.open(encoding="utf-8") as fh:
        for number, data in _lines(fh):
            try:
                items.append(Labelled.model_validate(data))
            except ValidationError as exc:
                if data is not None:
                    print(f"line {number}: not a labelled message: "
                          f"{exc.errors()[0]['msg']}", file=sys.stderr)
                status = 1
    detect: Callable[[str], Detection] = detector.detect
    result = evaluate(items, detect)
    print(format_evaluation(result, limit=show))
    print(format_categories(result))
    return status
