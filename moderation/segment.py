"""jieba's exact segmentation without its HMM, twice as fast: one backward pass that looks up
each prefix once, over log-probabilities computed once per dictionary.

`Segmenter(tokenizer).cut(text)` equals `tokenizer.lcut(text, HMM=False)` word for word (a
test compares them on the whole corpus); it snapshots the dictionary, so words added to the
tokenizer afterwards are not seen.
"""

from __future__ import annotations

import math
import re

import jieba

# jieba's own block and whitespace patterns (jieba.re_han_default, jieba.re_skip_default).
_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = re.compile("(\r\n|\\s)")
_NONE = -math.inf
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class Segmenter:
    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        tokenizer.check_initialized()
        log_total = math.log(tokenizer.total)
        # A word's log-probability (always < 0); 0.0 for a prefix that is no word itself.
        self._logp: dict[str, float] = {
            word: (math.log(freq) - log_total if freq else 0.0)
            for word, freq in tokenizer.FREQ.items()}
        self._unknown = math.log(1) - log_total

    def cut(self, text: str) -> list[str]:
        out: list[str] = []
        # split() with one group alternates: text between matches at even indices, matches odd.
        for index, block in enumerate(_HAN.split(text)):
            if index % 2:
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
        get, unknown, none = self._logp.get, self._unknown, _NONE
        score = [0.0] * (n + 1)
        end = list(range(1, n + 2))  # a character no word starts with stands alone
        for start in range(n - 1, -1, -1):
            best = none
            stop, frag = start + 1, s[start]
            while (logp := get(frag)) is not None:
                if logp:
                    # jieba keeps the longest word among equal scores: >= as ends grow.
                    candidate = logp + score[stop]
                    if candidate >= best:
                        best, end[start] = candidate, stop
                if stop >= n:
                    break
                stop += 1
                frag = s[start:stop]
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
