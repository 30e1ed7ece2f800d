"""Matching questions to directory entries (pure, on jieba terms; one segmenter per module)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bots.directory.models import DirectoryEntry
from bots.directory.search import rank
from bots.directory.tokens import Segmenter, TermCache

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def entry(name: str, category: str, description: str, *keywords: str) -> DirectoryEntry:
    return DirectoryEntry(id=name, community_id="c1", category=category,  # type: ignore[arg-type]
                          name=name, description=description, keywords=keywords,
                          created_at=T0, updated_at=T0, updated_by="admin")


ENTRIES = [
    entry("社区党群服务中心", "党员服务", "党员组织关系转接、党费缴纳、志愿服务报名", "党建"),
    entry("社区政务服务窗口", "政务服务", "办理老年证、居住证明、低保申请、残疾证申领", "老年证"),
    entry("社保医保代办点", "政务服务", "社保参保登记、医保报销材料收取、退休资格认证"),
    entry("法律援助工作站", "法律服务", "免费法律咨询、矛盾纠纷调解、法律援助申请", "律师"),
    entry("幸福老年食堂", "生活服务", "60岁以上老人午餐助餐，每餐10元", "助餐"),
    entry("社区卫生服务站", "关爱服务", "常见病诊疗、慢病随访、老年人免费体检、疫苗接种"),
    entry("文体活动室", "文体服务", "乒乓球、棋牌、书画、阅览，广场舞队每晚排练", "健身"),
]


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


def best(segmenter: Segmenter, query: str, limit: int = 3) -> list[str]:
    return [m.entry.name for m in rank(ENTRIES, query, segmenter, limit)]


def test_terms_drop_stop_words_and_punctuation(segmenter: Segmenter) -> None:
    assert segmenter.terms("请问，哪里可以办老年证？") == ("老年", "老年证")
    assert segmenter.terms("？！…  ,") == ()
    assert segmenter.terms("ＡＢＣ社保") == ("abc", "社保")  # full width folded, lower-cased


def test_query_terms_weigh_words_inside_words_less(segmenter: Segmenter) -> None:
    assert segmenter.query_terms("办老年证") == {"老年": 0.5, "老年证": 1.0}


@pytest.mark.parametrize(("query", "expected"), [
    ("社保", "社保医保代办点"),
    ("我想办医保卡", "社保医保代办点"),  # synonym of 社保, not in the entry
    ("养老保险在哪交", "社保医保代办点"),
    ("哪里可以办老年证", "社区政务服务窗口"),  # not the 老年食堂 of the name
    ("开个居住证明", "社区政务服务窗口"),
    ("打官司找谁", "法律援助工作站"),
    ("吃饭", "幸福老年食堂"),
    ("老人体检", "社区卫生服务站"),
    ("跳广场舞", "文体活动室"),
    ("转党组织关系", "社区党群服务中心"),
    ("法律服务", "法律援助工作站"),  # the category name
])
def test_best_answer(segmenter: Segmenter, query: str, expected: str) -> None:
    assert best(segmenter, query)[0] == expected


def test_name_outweighs_keywords_outweighs_description(segmenter: Segmenter) -> None:
    alone = [rank([e], "快递", segmenter, 1)[0].score for e in (
        entry("快递驿站", "生活服务", "便民"), entry("乙", "生活服务", "便民", "快递"),
        entry("甲", "生活服务", "代收快递"))]
    assert alone == sorted(alone, reverse=True) and len(set(alone)) == 3


def test_category_counts_more_than_description(segmenter: Segmenter) -> None:
    entries = [entry("甲", "生活服务", "文体服务"), entry("乙", "文体服务", "便民")]
    assert [m.entry.name for m in rank(entries, "文体服务", segmenter, 3)] == ["乙", "甲"]


def test_no_match_and_limits(segmenter: Segmenter) -> None:
    assert best(segmenter, "火锅") == []
    assert best(segmenter, "？？") == []
    assert best(segmenter, "") == []
    assert rank([], "社保", segmenter, 3) == []
    assert len(best(segmenter, "社区", limit=2)) == 2


def test_weak_answers_are_cut_and_scores_are_ordered(segmenter: Segmenter) -> None:
    matches = rank(ENTRIES, "法律服务", segmenter, 5)
    assert [m.entry.name for m in matches] == ["法律援助工作站"]  # 服务 alone is noise
    scored = rank(ENTRIES, "老人体检", segmenter, 5)
    assert [m.score for m in scored] == sorted((m.score for m in scored), reverse=True)
    assert all(m.score >= 1.0 for m in scored)


def test_entries_are_cut_once_per_version(segmenter: Segmenter,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    entries = [e.model_copy(update={"id": f"cut-{e.id}"}) for e in ENTRIES[:3]]
    cuts: list[str] = []
    cut = segmenter.terms
    monkeypatch.setattr(segmenter, "terms", lambda text: cuts.append(text) or cut(text))
    first = rank(entries, "老年证", segmenter, 3)
    assert len(cuts) == 4 * len(entries) + 1  # four fields each, and the question

    cuts.clear()
    assert rank(entries, "老年证", segmenter, 3) == first
    rank(entries, "医保", segmenter, 3)
    assert cuts == ["老年证", "医保"]  # only the questions

    cuts.clear()
    edited = entries[2].model_copy(update={"description": "老年证代办",
                                           "updated_at": T0.replace(hour=1)})
    same_moment = entries[1].model_copy(update={"description": "只办居住证明",
                                                "keywords": ()})
    found = rank([entries[0], same_moment, edited], "老年证", segmenter, 3)
    assert cuts.count("老年证代办") == 1 and cuts.count("只办居住证明") == 1
    assert len(cuts) == 4 + 4 + 1  # the two changed entries and the question
    assert edited.name in [m.entry.name for m in found]
    assert same_moment.name not in [m.entry.name for m in found]


def test_term_cache_keeps_the_latest_entries() -> None:
    cache = TermCache(2)
    texts = ("名", "", "政务服务", "")
    for name in ("a", "b", "c"):
        cache.put((name, T0), texts, ((name,), (), (), ()))
    assert len(cache) == 2 and cache.get(("a", T0), texts) is None
    assert cache.get(("b", T0), texts) == (("b",), (), (), ())  # b is now the latest used
    cache.put(("d", T0), texts, ((), (), (), ()))
    assert cache.get(("c", T0), texts) is None and cache.get(("b", T0), texts) is not None
    assert cache.get(("b", T0), ("别的名", "", "政务服务", "")) is None
