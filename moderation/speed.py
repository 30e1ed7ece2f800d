"""Detector throughput against plain `jieba.lcut` on the same messages, on one thread: the
ratio is the figure (absolute rates vary between machines)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import jieba


@dataclass(frozen=True)
class Speed:
    messages: int
    detector_per_second: float
    jieba_per_second: float

    @property
    def ratio(self) -> float:
        return self.detector_per_second / self.jieba_per_second

    def __str__(self) -> str:
        return (f"speed             {self.detector_per_second:,.0f} messages/s vs jieba.lcut "
                f"{self.jieba_per_second:,.0f} on {self.messages:,} messages (ratio "
                f"{self.ratio:.2f})")


def variants(texts: Sequence[str], count: int) -> list[str]:
    """`count` distinct messages (a running number defeats any caching)."""
    return [f"{texts[i % len(texts)]} {i}" for i in range(count)]


def _rate(fn: Callable[[str], Any], texts: Sequence[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fn(text)
    return len(texts) / (time.perf_counter() - start)


def measure(detect: Callable[[str], Any], texts: Sequence[str], rounds: int = 3) -> Speed:
    """Best of `rounds` alternating runs of each, so both see the same machine."""
    jieba.initialize()
    jieba.lcut(texts[0])
    detect(texts[0])
    ours, theirs = 0.0, 0.0
    for _ in range(rounds):
        theirs = max(theirs, _rate(jieba.lcut, texts))
        ours = max(ours, _rate(detect, texts))
    return Speed(len(texts), ours, theirs)
