"""The labelled corpus (see README.md here): training sets by writer, frozen evaluation sets."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from moderation.evaluate import Labelled

ROOT = Path(__file__).parent
TRAIN = ROOT / "train"
EVAL = ROOT / "eval"


class CorpusError(ValueError):
    """A labelled file with a line that is not a labelled message / 标注文件有误."""


def load(path: Path) -> list[Labelled]:
    items: list[Labelled] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                items.append(Labelled.model_validate_json(line))
            except ValidationError as exc:
                raise CorpusError(f"{path.name} line {number}: {exc.errors()[0]['msg']}") \
                    from exc
    return items


def writer(path: Path) -> str:
    """`wuhan-elders.jsonl` and `project.dev.jsonl` are by writers wuhan-elders and project."""
    return path.name.split(".")[0]


def by_writer(folder: Path = TRAIN) -> dict[str, list[Labelled]]:
    sets: dict[str, list[Labelled]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        sets.setdefault(writer(path), []).extend(load(path))
    return sets


def evaluation_sets() -> dict[str, list[Labelled]]:
    """The frozen sets, each written after the model it first judged was trained."""
    return {path.stem: load(path) for path in sorted(EVAL.glob("*.jsonl"))}
