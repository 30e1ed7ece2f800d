"""Quality figures for the detector against labelled messages (pure functions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

from config.settings import Urgency
from moderation.categories import CATEGORY_NAMES
from moderation.detector import Detection


class Labelled(BaseModel):
    """One line of a labelled set: what a grid worker would say about the message."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    text: str
    is_report: bool
    category: str | None
    urgency: Urgency


@dataclass(frozen=True)
class Miss:
    line: int
    text: str
    expected: str
    got: str


@dataclass(frozen=True)
class Evaluation:
    total: int
    true_positives: int
    false_positives: int
    false_negatives: int
    reports: int
    category_correct: int
    urgent: int
    urgent_found: int
    misses: tuple[Miss, ...]
    urgent_flagged: int = 0
    # (labelled category, detected category) → messages; None is "not a report"
    confusion: dict[tuple[str | None, str | None], int] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.reports if self.reports else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def category_accuracy(self) -> float:
        return self.category_correct / self.reports if self.reports else 1.0

    @property
    def urgent_recall(self) -> float:
        return self.urgent_found / self.urgent if self.urgent else 1.0

    @property
    def urgent_precision(self) -> float:
        """Of the messages flagged urgent, how many are urgent reports."""
        return self.urgent_found / self.urgent_flagged if self.urgent_flagged else 1.0


def _describe(is_report: bool, category: str | None, urgency: str) -> str:
    return f"report {category} {urgency}" if is_report else "not a report"


def evaluate(items: Iterable[Labelled], detect: Callable[[str], Detection]) -> Evaluation:
    """Run `detect` on every labelled message and count agreements."""
    tp = fp = fn = reports = correct = urgent = urgent_found = flagged = total = 0
    misses: list[Miss] = []
    confusion: dict[tuple[str | None, str | None], int] = {}
    for line, item in enumerate(items, start=1):
        total += 1
        got = detect(item.text)
        cell = (item.category if item.is_report else None, got.category if got.is_report else None)
        confusion[cell] = confusion.get(cell, 0) + 1
        tp += item.is_report and got.is_report
        fp += got.is_report and not item.is_report
        fn += item.is_report and not got.is_report
        reports += item.is_report
        hit_category = item.is_report and got.category == item.category
        correct += hit_category
        is_urgent = item.is_report and item.urgency == "urgent"
        urgent += is_urgent
        flagged_urgent = got.is_report and got.urgency == "urgent"
        flagged += flagged_urgent
        urgent_found += is_urgent and flagged_urgent
        wrong_urgency = item.is_report and got.is_report and got.urgency != item.urgency
        if item.is_report != got.is_report or (item.is_report and not hit_category) \
                or wrong_urgency:
            misses.append(Miss(line, item.text,
                               _describe(item.is_report, item.category, item.urgency),
                               _describe(got.is_report, got.category, got.urgency)
                               + f" score={got.score} [{' '.join(got.matches)}]"))
    return Evaluation(total, tp, fp, fn, reports, correct, urgent, urgent_found, tuple(misses),
                      flagged, confusion)


def format_evaluation(result: Evaluation, limit: int = 20) -> str:
    """A short report for people: the figures, then up to `limit` misclassified lines."""
    lines = [
        f"messages          {result.total} ({result.reports} labelled reports)",
        f"precision         {result.precision:.3f}  ({result.true_positives} true, "
        f"{result.false_positives} false positives)",
        f"recall            {result.recall:.3f}  ({result.false_negatives} missed)",
        f"F1                {result.f1:.3f}",
        f"category accuracy {result.category_accuracy:.3f}  "
        f"({result.category_correct}/{result.reports} labelled reports)",
        f"urgent recall     {result.urgent_recall:.3f}  ({result.urgent_found}/{result.urgent})",
        f"urgent precision  {result.urgent_precision:.3f}  ({result.urgent_found}/"
        f"{result.urgent_flagged} flagged urgent)",
    ]
    if result.misses:
        shown = result.misses[:limit]
        lines.append(f"misclassified: {len(result.misses)} (showing {len(shown)})")
        lines += [f"  line {m.line}: {m.text}\n    expected {m.expected}; got {m.got}"
                  for m in shown]
    return "\n".join(lines)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def format_categories(result: Evaluation) -> str:
    """Precision, recall and F1 per category, then the confusion matrix (rows: labelled,
    columns: detected; — is "not a report")."""
    names: list[str | None] = [*CATEGORY_NAMES, None]
    cell = result.confusion
    lines = ["category        precision  recall  F1     messages"]
    for name in CATEGORY_NAMES:
        right = cell.get((name, name), 0)
        found = sum(cell.get((other, name), 0) for other in names)
        labelled = sum(cell.get((name, other), 0) for other in names)
        p, r = _ratio(right, found), _ratio(right, labelled)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        lines.append(f"{name}        {p:.3f}      {r:.3f}   {f1:.3f}  {labelled}")
    short = [n[:2] if n else "—" for n in names]
    lines.append("confusion (rows labelled, columns detected): " + " ".join(
        f"{s:>3}" for s in short))
    for labelled_as, label in zip(names, short, strict=True):
        row = " ".join(f"{cell.get((labelled_as, other), 0):>4}" for other in names)
        lines.append(f"  {label:>2} {row}")
    return "\n".join(lines)
