"""Turning text into search terms with jieba. A `Segmenter` owns a private jieba tokenizer with
the directory's words added; building one loads jieba's dictionary (about half a second), so
the running server builds one at start-up, in a thread (`SegmenterLoader`). It remembers the
terms of the entries it has cut (`entry_terms`), so a question only cuts itself."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import Future
from datetime import datetime

import jieba

from bots.directory.models import CATEGORIES, DirectoryEntry
from bots.directory.vocabulary import PART_FACTOR, STOP_WORDS, SYNONYMS

WORDLESS = re.compile(r"^[\W_]+$")
CACHED_ENTRIES = 5000
FIELDS = ("name", "keywords", "category", "description")
FieldTerms = tuple[tuple[str, ...], ...]
"""An entry's terms per field, in the order of FIELDS."""


def field_texts(entry: DirectoryEntry) -> tuple[str, ...]:
    """The entry's searched texts, in the order of FIELDS."""
    return entry.name, " ".join(entry.keywords), entry.category, entry.description


class TermCache:
    """The terms of the latest `size` entries cut, by (entry id, updated_at); the texts are
    kept too, so an entry changed within the same millisecond is cut again. Thread-safe:
    searches rank in worker threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, datetime], tuple[tuple[str, ...], FieldTerms]] = \
            OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: tuple[str, datetime], texts: tuple[str, ...]) -> FieldTerms | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] != texts:
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: tuple[str, datetime], texts: tuple[str, ...], terms: FieldTerms
            ) -> None:
        with self._lock:
            self._items[key] = (texts, terms)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


class Segmenter:
    def __init__(self, cached_entries: int = CACHED_ENTRIES) -> None:
        self.cache = TermCache(cached_entries)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        for word in {w for words in SYNONYMS.values() for w in words} | set(CATEGORIES):
            if len(word) > 1:
                self._tokenizer.add_word(word)

    def terms(self, text: str) -> tuple[str, ...]:
        """Search-mode tokens (a long word and the dictionary words inside it), lower-cased,
        without stop words, punctuation or repeats, in order of appearance."""
        return _kept(self._tokenizer.cut_for_search(_normal(text), HMM=False))

    def entry_terms(self, entry: DirectoryEntry) -> FieldTerms:
        """The entry's terms per field (FIELDS), cut once per version of the entry."""
        key, texts = (entry.id, entry.updated_at), field_texts(entry)
        terms = self.cache.get(key, texts)
        if terms is None:
            terms = tuple(self.terms(text) for text in texts)
            self.cache.put(key, texts, terms)
        return terms

    def query_terms(self, text: str) -> dict[str, float]:
        """A question's terms with their weight: 1 for the words it is cut into, PART_FACTOR
        for the shorter words search mode finds inside them (老年 in 老年证)."""
        whole = set(_kept(self._tokenizer.cut(_normal(text), HMM=False)))
        return {t: 1.0 if t in whole else PART_FACTOR for t in self.terms(text)}


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _kept(tokens: Iterable[str]) -> tuple[str, ...]:
    stripped = (t.strip() for t in tokens)
    return tuple(dict.fromkeys(t for t in stripped
                               if t and t not in STOP_WORDS and not WORDLESS.match(t)))


class SegmenterLoader:
    """`start()` (at the app's start-up) builds a Segmenter in a thread; `get()` waits for it
    without blocking the event loop (after start-up it is ready at once)."""

    def __init__(self) -> None:
        self._future: Future[Segmenter] = Future()
        self._started = False

    def start(self) -> None:
        if not self._started:
            self._started = True
            threading.Thread(target=self._load, name="linli-directory-jieba",
                             daemon=True).start()

    def _load(self) -> None:
        try:
            self._future.set_result(Segmenter())
        except BaseException as exc:  # the waiter re-raises it
            self._future.set_exception(exc)

    async def get(self) -> Segmenter:
        self.start()
        return await asyncio.wrap_future(self._future)

