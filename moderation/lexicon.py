"""The detector's lexicon: a TOML file validated by pydantic (docs/architecture.md#detection)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from config.settings import Urgency
from moderation.categories import BY_NAME, CATEGORY_NAMES

DEFAULT_PATH = Path(__file__).parent / "lexicon" / "default.toml"
REQUIRED_MARKERS = ("resolved", "question", "notice", "advert")

Term = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^\S+$")]
Terms = tuple[Term, ...]


class LexiconError(ValueError):
    """A lexicon file that cannot be read or does not validate / 词库文件无效. `problem` is
    the message without the file's path, for answers that must not name server files."""

    def __init__(self, message: str, problem: str | None = None) -> None:
        super().__init__(message)
        self.problem = problem if problem is not None else message


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class UrgencyRules(_Strict):
    """`urgent` terms anywhere in the message (not negated) make the report urgent; so does
    an `urgent_near` pair "A B": A, then B within `window` tokens of one clause, neither
    negated (井盖 … 不见了 is an open hole, 井盖 … 松了 is not). `normal` and
    `low` terms set the urgency of the hit they take part in."""

    urgent: Terms = ()
    urgent_near: tuple[str, ...] = ()
    normal: Terms = ()
    low: Terms = ()

    @model_validator(mode="after")
    def _pairs(self) -> UrgencyRules:
        for pair in self.urgent_near:
            if len(pair.split()) != 2:
                raise ValueError(f"urgent_near {pair!r}: two words / 两个词")
        return self


class CategoryLexicon(_Strict):
    name: str
    objects: Terms = ()
    symptoms: Terms = ()
    strong: Terms = ()
    # "A B": A, then B within `window` tokens of one clause make a hit (neither negated), for words
    # too common to be an object or a symptom for every word of the category (狗 … 拉屎).
    pairs: tuple[str, ...] = ()
    urgency: Urgency | None = None
    rules: UrgencyRules = UrgencyRules()

    @model_validator(mode="after")
    def _known(self) -> CategoryLexicon:
        if self.name not in BY_NAME:
            raise ValueError(f"unknown category {self.name!r} / 未知类别; expected one of "
                             f"{', '.join(CATEGORY_NAMES)}")
        if not self.strong and not (self.objects and self.symptoms):
            raise ValueError(f"category {self.name}: needs strong terms or objects + symptoms")
        for pair in self.pairs:
            if len(pair.split()) != 2:
                raise ValueError(f"category {self.name}: pair {pair!r}: two words / 两个词")
        return self

    @property
    def default_urgency(self) -> Urgency:
        return self.urgency or BY_NAME[self.name].default_urgency


class Marker(_Strict):
    """Words that multiply the score by `factor` (resolved, question, notice, advert, ...).
    A marker term is ignored when one of `cancelled_by` comes shortly before it (还没修好), and
    the whole marker is ignored when any `unless` term is in the message."""

    factor: float = Field(ge=0.0, le=1.0)
    terms: Terms
    cancelled_by: Terms = ()
    unless: Terms = ()
    # The marker does not weigh on a danger (a gas smell in one's own home is still a report).
    spares_urgent: bool = False


class Lexicon(_Strict):
    threshold: float = Field(gt=0.0)
    window: int = Field(ge=1, le=20)
    negation_window: int = Field(default=2, ge=1, le=10)
    max_tokens: int = Field(default=400, ge=10)
    # The categories' ordered `pairs` (狗 … 拉屎, 消防通道 … 堵住了) are specific enough to reach
    # this far, at least `window`.
    pair_window: int = Field(default=5, ge=1, le=20)
    # Latin-letter words and pinyin initials rewritten before segmentation (elevator → 电梯,
    # power cut → 停电, dt → 电梯); matched as whole words, never inside a longer one.
    rewrites: dict[str, str] = Field(default_factory=dict)
    # Injury and danger to people (流血, 受伤, 骨折): any report with one of these, not negated and
    # not after one of `near_miss` (差点受伤), is urgent whatever its category.
    urgent_any: Terms = ()
    near_miss: Terms = ()
    words: Terms = ()
    split_words: Terms = ()
    negations: Terms = ()
    hedges: Terms = ()
    exclusions: tuple[str, ...] = ()
    # A term right before one of these (停电般的心情, 着火了似的) is a comparison, not a fact.
    similes: Terms = ()
    # Words that open a new topic in a rambling message (对了, 说个事): markers (joke,
    # hearsay, question, ...) written before the last of them do not weigh on what follows.
    topic_shifts: Terms = ()
    synonyms: dict[str, Terms] = Field(default_factory=dict)
    markers: dict[str, Marker]
    categories: tuple[CategoryLexicon, ...]

    @model_validator(mode="after")
    def _complete(self) -> Lexicon:
        names = [c.name for c in self.categories]
        if missing := [n for n in CATEGORY_NAMES if n not in names]:
            raise ValueError(f"categories missing / 缺少类别: {', '.join(missing)}")
        if len(set(names)) != len(names):
            raise ValueError("a category is listed twice / 类别重复")
        if missing := [m for m in REQUIRED_MARKERS if m not in self.markers]:
            raise ValueError(f"markers missing / 缺少标记: {', '.join(missing)}")
        for phrase, replacement in self.rewrites.items():
            if not phrase or not phrase.isascii() or phrase != phrase.lower() or not replacement:
                raise ValueError(f"rewrite {phrase!r}: lower-case Latin letters / 小写拉丁字母")
        for exclusion in self.exclusions:
            if not 1 <= len(exclusion.split()) <= 2:
                raise ValueError(f"exclusion {exclusion!r}: one or two words / 一个或两个词")
        return self


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Read and validate a lexicon file; None means the packaged default."""
    path = path or DEFAULT_PATH
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
    except OSError as exc:
        problem = f"cannot read lexicon / 无法读取词库: {exc.strerror}"
        raise LexiconError(f"{path}: {problem}", problem) from exc
    except tomllib.TOMLDecodeError as exc:
        problem = f"not valid TOML / TOML 格式错误: {exc}"
        raise LexiconError(f"{path}: {problem}", problem) from exc
    try:
        # JSON mode: strict models still take TOML arrays as tuples.
        return Lexicon.model_validate_json(json.dumps(data, default=str))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}"
                             for e in exc.errors())
        problem = f"invalid lexicon / 词库无效: {problems}"
        raise LexiconError(f"{path}: {problem}", problem) from exc
