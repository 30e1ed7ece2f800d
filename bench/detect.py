"""Detector speed against plain `jieba.lcut`: `python -m bench.detect` (one thread, one core).

Both read the same messages (the corpus, each with a running number appended so that nothing
can be cached) in alternating rounds; the ratio is the figure, absolute rates vary between
machines."""

from __future__ import annotations

import argparse
import logging
import statistics
import time

from moderation import corpus
from moderation.classifier import Classifier, Model
from moderation.detection import packaged_model
from moderation.detector import Detector
from moderation.lexicon import load_lexicon
from moderation.speed import measure, variants


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

    start = time.perf_counter()
    detector = Detector(load_lexicon())
    classifier = Classifier(detector, Model(packaged_model()))
    build = time.perf_counter() - start

    texts = [i.text for items in corpus.by_writer().values() for i in items]
    short = variants(texts, args.messages)
    mean_chars = statistics.mean(len(t) for t in short)
    print(f"detector construction (dictionary, lexicon, model): {build * 1000:.0f} ms, "
          f"segmenter: {detector.segmenter_backend}")
    print(f"short messages: {len(short):,}, mean {mean_chars:.1f} chars")
    print(f"lexicon + model  {measure(classifier.detect, short)}".replace("speed", "", 1))
    print(f"lexicon alone    {measure(detector.detect, short)}".replace("speed", "", 1))

    long = _long_texts(texts, args.long)
    start = time.perf_counter()
    for text in long:
        classifier.detect(text)
    long_elapsed = time.perf_counter() - start
    print(f"2,000-char texts: {len(long)}, {len(long) / long_elapsed:,.0f} texts/s, "
          f"{long_elapsed / len(long) * 1000:.2f} ms each")


if __name__ == "__main__":
    main()
