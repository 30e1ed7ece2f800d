"""jieba's exact segmentation without its HMM, fast.

`Segmenter(tokenizer).cut(text)` equals `tokenizer.lcut(text, HMM=False)` word for word (tests
compare them on the whole corpus and on generated text); it snapshots the dictionary, so words
added to the tokenizer afterwards are not seen.

jieba splits text into blocks of Han characters, Latin letters and digits, and finds the most
probable route of dictionary words through each block. With rjieba installed (jieba-rs, the Rust
port of the same algorithm) each block goes to a jieba-rs instance loaded with this tokenizer's
words and frequencies — five times faster; without it, one backward pass in Python that looks
up each prefix once. Blocks are cut out here either way, so both see exactly jieba's blocks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import jieba

try:
    import rjieba
except ImportError:  # pragma: no cover - the Python route below is tested on its own
    RJIEBA = False
else:
    RJIEBA = True

Cut = Callable[[str, bool], list[str]]

# jieba's own block and whitespace patterns (jieba.re_han_default, jieba.re_skip_default).
_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = re.compile("(\r\n|\\s)")
_NONE = -math.inf
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


# Private use characters are never in a block: a word of them can never be cut out.
_TOTAL_PADDING = "\ue000"


def _rust_cutter(tokenizer: jieba.Tokenizer) -> Cut:
    """A jieba-rs instance with the tokenizer's words. jieba's total frequency also counts
    frequencies since overwritten or deleted (add_word adds, never subtracts); a word that can
    never be matched carries that difference, so log-probabilities come out the same."""
    if _TOTAL_PADDING in tokenizer.FREQ:
        raise ValueError(f"the dictionary holds {_TOTAL_PADDING!r}, kept for the total")
    cutter: rjieba.Jieba = rjieba.Jieba.empty()  # type: ignore[no-untyped-call]
    counted = 0
    for word, freq in tokenizer.FREQ.items():
        if freq:
            cutter.add_word(word, freq, None)
            counted += freq
    if tokenizer.total > counted:
        cutter.add_word(_TOTAL_PADDING, tokenizer.total - counted, None)
    return cutter.cut


class Segmenter:
    def __init__(self, tokenizer: jieba.Tokenizer, *, rust: bool = True) -> None:
        tokenizer.check_initialized()
        self._rust = _rust_cutter(tokenizer) if rust and RJIEBA else None
        self.backend = "jieba-rs" if self._rust else "python"
        log_total = math.log(tokenizer.total)
        self._unknown = math.log(1) - log_total
        # A word's log-probability (always < 0); 0.0 for a prefix that is no word itself.
        self._logp: dict[str, float] = {} if self._rust else {
            word: (math.log(freq) - log_total if freq else 0.0)
            for word, freq in tokenizer.FREQ.items()}
        # Every position looks up its own character first: a small table stays in the cache.
        self._single = {w: p for w, p in self._logp.items() if len(w) == 1}

    def cut(self, text: str) -> list[str]:
        out: list[str] = []
        # split() with one group alternates: text between matches at even indices, matches odd.
        rust = self._rust
        for index, block in enumerate(_HAN.split(text)):
            if index % 2:
                if rust is not None:
                    out += rust(block, False)
                else:
                    self._cut_block(block, out)
            elif block:
                for i, piece in enumerate(_SKIP.split(block)):
                    if i % 2:
                        out.append(piece)
                    else:
                        out.extend(piece)
        return out

    def _cut_block(self, s: str, out: list[str]) -> None:
        n = len(s)
        get, single, unknown, none = self._logp.get, self._single.get, self._unknown, _NONE
        score = [0.0] * (n + 1)
        end = list(range(1, n + 2))  # a character no word starts with stands alone
        for start in range(n - 1, -1, -1):
            logp = single(s[start])
            if logp is None:  # no word starts with this character
                score[start] = unknown + score[start + 1]
                continue
            best = logp + score[start + 1] if logp else none
            stop = start + 2
            while stop <= n and (logp := get(s[start:stop])) is not None:
                if logp:
                    # jieba keeps the longest word among equal scores: >= as ends grow.
                    candidate = logp + score[stop]
                    if candidate >= best:
                        best, end[start] = candidate, stop
                stop += 1
            score[start] = best if best != none else unknown + score[start + 1]
        self._emit(s, end, out)

    @staticmethod
    def _emit(s: str, end: list[int], out: list[str]) -> None:
        """Words along the best route; runs of single Latin letters and digits join up."""
        x, n, run = 0, len(s), ""
        while x < n:
            y = end[x]
            if y - x == 1 and s[x] in _ALNUM:
                run += s[x]
            else:
                if run:
                    out.append(run)
                    run = ""
                out.append(s[x:y])
            x = y
        if run:
            out.append(run)
