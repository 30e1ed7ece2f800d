"""The fast segmenter gives jieba's own words (HMM off), on the whole corpus and odd input."""

from __future__ import annotations

import logging

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation import corpus
from moderation.detector import Detector
from moderation.lexicon import load_lexicon
from moderation.segment import Segmenter

logging.getLogger("jieba").setLevel(logging.WARNING)


@pytest.fixture(scope="module")
def tokenizer() -> jieba.Tokenizer:
    # The detector's tokenizer, with the lexicon's words added and split words removed.
    return Detector(load_lexicon())._tokenizer


BACKENDS = pytest.mark.parametrize("rust", [True, False], ids=["jieba-rs", "python"])


def test_jieba_rs_is_what_runs(tokenizer: jieba.Tokenizer) -> None:
    # rjieba is a dependency: the fast route must be the one the server and the bench use.
    assert Segmenter(tokenizer).backend == "jieba-rs"
    assert Segmenter(tokenizer, rust=False).backend == "python"


@BACKENDS
def test_same_words_as_jieba_on_the_corpus(tokenizer: jieba.Tokenizer, rust: bool) -> None:
    segmenter = Segmenter(tokenizer, rust=rust)
    texts = [i.text.lower() for items in corpus.by_writer().values() for i in items]
    assert len(texts) >= 3000
    differ = [t for t in texts if segmenter.cut(t) != tokenizer.lcut(t, HMM=False)]
    assert differ == []


@pytest.mark.parametrize("text", [
    "", " ", "\r\n", "abc123 def", "电梯dt坏了!!!", "a", "３栋", "😀😀电梯", "\x00停电",
    "B2-086车位被占", "12.5度 %&#", "停" * 500, "电梯 " * 300])
@BACKENDS
def test_odd_input(tokenizer: jieba.Tokenizer, text: str, rust: bool) -> None:
    assert Segmenter(tokenizer, rust=rust).cut(text) == tokenizer.lcut(text, HMM=False)


# Chat-like text: common and rare Han characters (some outside jieba's Han range), Latin letters,
# digits, jieba's joiners, punctuation, whitespace and emoji.
_CHARS = st.sampled_from(list(
    "电梯坏了停水燃气味道楼下车位占用噪音天冷有人摔倒流血小区物业井盖不见快来"
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "abcxyzDTWY0123456789+#&._%-，。！？、 \n\t😀👍【】[]㐀鿖鿿豈"))


@pytest.fixture(scope="module")
def segmenters(tokenizer: jieba.Tokenizer) -> tuple[Segmenter, Segmenter]:
    return Segmenter(tokenizer), Segmenter(tokenizer, rust=False)


@settings(max_examples=300, deadline=None)
@given(text=st.text(_CHARS, max_size=60))
def test_same_words_as_jieba_on_generated_text(
        tokenizer: jieba.Tokenizer, segmenters: tuple[Segmenter, Segmenter], text: str) -> None:
    expected = tokenizer.lcut(text, HMM=False)
    assert [s.cut(text) for s in segmenters] == [expected, expected]
