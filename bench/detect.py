"""Keyword detector speed: `python -m bench.detect` (one thread, one core)."""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
from pathlib import Path

from moderation.detector import Detector
from moderation.lexicon import load_lexicon

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def _messages() -> list[str]:
    texts: list[str] = []
    for name in ("detect-dev.jsonl", "detect-holdout.jsonl"):
        with (DATA / name).open(encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in fh if line.strip()]
    return texts


def _variants(texts: list[str], count: int) -> list[str]:
    """`count` distinct short messages (a numbered suffix defeats any caching)."""
    return [f"{texts[i % len(texts)]} {i}" for i in range(count)]


def _long_texts(texts: list[str], count: int, chars: int = 2000) -> list[str]:
    joined = " ".join(texts)
    step = max(1, (len(joined) - chars) // max(count, 1))
    return [(joined[i * step:] + joined)[:chars] for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.detect", description=__doc__)
    parser.add_argument("--messages", type=int, default=50_000, help="short messages to time")
    parser.add_argument("--long", type=int, default=200, help="2,000-char texts to time")
    args = parser.parse_args()
    logging.getLogger("jieba").setLevel(logging.WARNING)

    lexicon = load_lexicon()
    start = time.perf_counter()
    detector = Detector(lexicon)
    build = time.perf_counter() - start

    texts = _messages()
    short = _variants(texts, args.messages)
    latencies: list[float] = []
    clock = time.perf_counter_ns
    start = time.perf_counter()
    for text in short:
        t0 = clock()
        detector.detect(text)
        latencies.append((clock() - t0) / 1000)
    elapsed = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100)

    long = _long_texts(texts, args.long)
    start = time.perf_counter()
    for text in long:
        detector.detect(text)
    long_elapsed = time.perf_counter() - start

    mean_chars = statistics.mean(len(t) for t in short)
    print(f"detector construction (dictionary load + lexicon words): {build * 1000:.0f} ms")
    print(f"short messages: {len(short)} (mean {mean_chars:.1f} chars), "
          f"{len(short) / elapsed:,.0f} messages/s on one thread")
    print(f"latency per message: p50 {q[49]:.0f} µs, p99 {q[98]:.0f} µs, "
          f"max {max(latencies):.0f} µs")
    print(f"2,000-char texts: {len(long)}, {len(long) / long_elapsed:,.0f} texts/s, "
          f"{long_elapsed / len(long) * 1000:.2f} ms each")


if __name__ == "__main__":
    main()
