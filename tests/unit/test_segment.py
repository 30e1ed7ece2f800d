"""The fast segmenter gives jieba's own words (HMM off), on the whole corpus and odd input."""

from __future__ import annotations

import logging

import jieba
import pytest

from moderation import corpus
from moderation.detector import Detector
from moderation.lexicon import load_lexicon
from moderation.segment import Segmenter

logging.getLogger("jieba").setLevel(logging.WARNING)


@pytest.fixture(scope="module")
def tokenizer() -> jieba.Tokenizer:
    # The detector's tokenizer, with the lexicon's words added and split words removed.
    return Detector(load_lexicon())._tokenizer


def test_same_words_as_jieba_on_the_corpus(tokenizer: jieba.Tokenizer) -> None:
    segmenter = Segmenter(tokenizer)
    texts = [i.text.lower() for items in corpus.by_writer().values() for i in items]
    assert len(texts) >= 3000
    differ = [t for t in texts if segmenter.cut(t) != tokenizer.lcut(t, HMM=False)]
    assert differ == []


@pytest.mark.parametrize("text", [
    "", " ", "\r\n", "abc123 def", "电梯dt坏了!!!", "a", "３栋", "😀😀电梯", "\x00停电",
    "B2-086车位被占", "12.5度 %&#", "停" * 500, "电梯 " * 300])
def test_odd_input(tokenizer: jieba.Tokenizer, text: str) -> None:
    assert Segmenter(tokenizer).cut(text) == tokenizer.lcut(text, HMM=False)
