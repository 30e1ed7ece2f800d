"""Quality figures for the detector against labelled messages (pure functions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from moderation.categories import Urgency
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


def _describe(is_report: bool, category: str | None, urgency: str) -> str:
    return f"report {category} {urgency}" if is_report else "not a report"


def evaluate(items: Iterable[Labelled], detect: Callable[[str], Detection]) -> Evaluation:
    """Run `detect` on every labelled message and count agreements."""
    tp = fp = fn = reports = correct = urgent = urgent_found = total = 0
    misses: list[Miss] = []
    for line, item in enumerate(items, start=1):
        total += 1
        got = detect(item.text)
        tp += item.is_report and got.is_report
        fp += got.is_report and not item.is_report
        fn += item.is_report and not got.is_report
        reports += item.is_report
        hit_category = item.is_report and got.category == item.category
        correct += hit_category
        is_urgent = item.is_report and item.urgency == "urgent"
        urgent += is_urgent
        urgent_found += is_urgent and got.is_report and got.urgency == "urgent"
        wrong_urgency = item.is_report and got.is_report and got.urgency != item.urgency
        if item.is_report != got.is_report or (item.is_report and not hit_category) \
                or wrong_urgency:
            misses.append(Miss(line, item.text,
                               _describe(item.is_report, item.category, item.urgency),
                               _describe(got.is_report, got.category, got.urgency)
                               + f" score={got.score} [{' '.join(got.matches)}]"))
    return Evaluation(total, tp, fp, fn, reports, correct, urgent, urgent_found, tuple(misses))


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
    ]
    if result.misses:
        shown = result.misses[:limit]
        lines.append(f"misclassified: {len(result.misses)} (showing {len(shown)})")
        lines += [f"  line {m.line}: {m.text}\n    expected {m.expected}; got {m.got}"
                  for m in shown]
    return "\n".join(lines)
