"""The keyword detector on single messages: pure, no IO beyond building it once."""

from __future__ import annotations

from pathlib import Path

import pytest

from moderation.categories import CATEGORY_NAMES
from moderation.detector import Detection, Detector
from moderation.lexicon import DEFAULT_PATH, LexiconError, load_lexicon


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(load_lexicon())


def report(detector: Detector, text: str) -> tuple[str | None, str]:
    found = detector.detect(text)
    assert found.is_report, (text, found)
    return found.category, found.urgency


def not_report(detector: Detector, text: str) -> None:
    found = detector.detect(text)
    assert not found.is_report, (text, found)
    assert found.category is None and found.urgency == "low"


def test_detection_fields(detector: Detector) -> None:
    found = detector.detect("2栋电梯拐哒 爬楼爬死了")
    assert isinstance(found, Detection)
    assert found.is_report and found.category == "电梯设施" and found.urgency == "normal"
    assert found.score >= detector.lexicon.threshold
    assert found.matches == ("电梯", "拐哒")
    with pytest.raises(ValueError):
        found.model_copy(update={"score": 2.0}).__setattr__("score", 3.0)
    assert detector.detect("") == Detection(is_report=False, category=None, urgency="low",
                                            score=0.0, matches=())


def test_same_text_same_answer(detector: Detector) -> None:
    text = "楼道里好大一股煤气味 是哪家漏气了"
    assert detector.detect(text) == detector.detect(text) == Detector(detector.lexicon).detect(text)


def test_tokens_not_substrings(detector: Detector) -> None:
    for text in ("晚上克吃火锅撒", "这家店生意火爆", "最近有点上火", "他脾气火气大",
                 "楼下火锅店开业了"):
        not_report(detector, text)
    assert report(detector, "楼下火锅店着火了 好大的烟")[0] == "消防安全"


def test_object_and_symptom_within_window(detector: Detector) -> None:
    assert report(detector, "电梯好像又卡住了")[0] == "电梯设施"
    not_report(detector, "电梯旁边那家店的老板说今天生意不好 有点卡")
    not_report(detector, "电梯")
    not_report(detector, "卡住了")


def test_negation(detector: Detector) -> None:
    not_report(detector, "没有漏水了")
    not_report(detector, "电梯没坏 是停电检修")
    not_report(detector, "万一起火么样办")
    assert report(detector, "电梯坏了三天还没修好")[0] == "电梯设施"


def test_resolved_questions_notices(detector: Detector) -> None:
    not_report(detector, "电梯修好了 大家可以坐了")
    not_report(detector, "已经来水了")
    not_report(detector, "请问明天几点停水")
    not_report(detector, "物业通知：明天9点至12点停水，请提前储水")
    not_report(detector, "专业疏通下水道 加微信")
    assert report(detector, "停水一上午了 什么时候来水啊") == ("供水排水", "normal")


def test_exclusions_veto(detector: Detector) -> None:
    for text in ("手机没电了", "我手机又没电了", "轮胎漏气了", "嗓子冒烟", "心里着火了",
                 "电脑卡了", "电动车没电了 推回来的"):
        not_report(detector, text)
    assert report(detector, "手机没电了 整栋楼也停电了")[0] == "供电照明"


@pytest.mark.parametrize(("text", "category", "urgency"), [
    ("3栋楼道着火了 快打119", "消防安全", "urgent"),
    ("车库冒浓烟", "消防安全", "urgent"),
    ("消防通道被堵死了", "消防安全", "normal"),
    ("有人在楼道给电瓶车飞线充电", "消防安全", "normal"),
    ("楼道里一股煤气味", "燃气安全", "urgent"),
    ("燃气管道漏气了", "燃气安全", "urgent"),
    ("我们这栋停气了", "燃气安全", "normal"),
    ("冇得水 洗不成澡", "供水排水", "normal"),
    ("东门渍水好深", "供水排水", "normal"),
    ("整栋楼停电了", "供电照明", "normal"),
    ("电线掉在地上 还在冒火花", "供电照明", "urgent"),
    ("楼道灯不亮了", "供电照明", "low"),
    ("电梯关人了 快来", "电梯设施", "urgent"),
    ("电梯又停运了", "电梯设施", "normal"),
    ("垃圾桶满了冇人收 臭死了", "环境卫生", "low"),
    ("隔壁装修吵死了", "噪音扰民", "low"),
    ("有人乱停车 堵住了出口", "停车秩序", "low"),
    ("单元门门禁坏了", "房屋设施", "normal"),
    ("井盖冇得了", "房屋设施", "urgent"),
    ("车棚的电动车被偷了", "治安秩序", "normal"),
    ("有人拿刀在楼下闹事", "治安秩序", "urgent"),
])
def test_categories_and_urgency(detector: Detector, text: str, category: str,
                                urgency: str) -> None:
    assert report(detector, text) == (category, urgency)


@pytest.mark.parametrize(("text", "category", "urgency"), [
    # someone inside the lift: 卡/关/困 在电梯里, 关了N个人, 在电梯里面 + a fault
    ("我被卡在电梯里了 快帮忙", "电梯设施", "urgent"),
    ("电梯里关了两个人 门打不开", "电梯设施", "urgent"),
    ("我妈关在电梯里头出不来", "电梯设施", "urgent"),
    ("我在电梯里面 电梯不动了", "电梯设施", "urgent"),
    ("电梯门有点关不上", "电梯设施", "normal"),
    ("3栋电梯又拐哒，卡在7楼不动", "电梯设施", "normal"),
    # voice-input homophones and dialect
    ("点梯又挂了", "电梯设施", "normal"),
    ("电悌按钮冇得反应", "电梯设施", "normal"),
    ("单元里一股燃汽味", "燃气安全", "urgent"),
    ("我们这边听电了", "供电照明", "normal"),
    ("楼梯间的灯冇得亮了", "供电照明", "low"),
    ("后面的垃圾堆燃起来哒", "消防安全", "urgent"),
    ("烟子好大 不晓得哪里着了", "消防安全", "urgent"),
    ("地下室沤了一层水", "供水排水", "normal"),
    # objects + symptoms the first lexicon lacked
    ("楼顶水箱溢出来了", "供水排水", "normal"),
    ("燃气管道被货车撞歪了", "燃气安全", "urgent"),
    ("路边铁门带电 莫摸", "供电照明", "urgent"),
    ("一根电线从杆子上垂下来了", "供电照明", "urgent"),
    ("有人往下扔花盆 砸到人了", "治安秩序", "urgent"),
    ("楼上往下丢东西 差点砸到人", "治安秩序", "normal"),
    ("快递柜里的包裹被人拿走了", "治安秩序", "normal"),
    ("隔壁一早就敲敲打打", "噪音扰民", "low"),
    # a rambling message: the joke before 对了 does not discount the problem after it
    ("哈哈哈笑死我了 对了 5栋的电梯又不动了", "电梯设施", "normal"),
])
def test_dialect_typos_and_urgent_triggers(detector: Detector, text: str, category: str,
                                           urgency: str) -> None:
    assert report(detector, text) == (category, urgency)


def test_similes_and_reassurance(detector: Detector) -> None:
    for text in ("今天停电般的心情", "急得跟着火了似的", "热得冒烟", "钱包又漏气了",
                 "刚才冒烟的是烧烤摊 大家莫慌", "被困的人已经救出来了", "井盖已经盖上了",
                 "伢把水打翻了 地上全是水", "东西丢了 谁捡到一个钱包"):
        not_report(detector, text)


def test_every_category_in_lexicon() -> None:
    assert sorted(c.name for c in load_lexicon().categories) == sorted(CATEGORY_NAMES)


def test_long_text_is_capped(detector: Detector) -> None:
    found = detector.detect("今天天气不错 " * 300 + "电梯关人了")
    assert not found.is_report
    assert detector.detect("电梯关人了 " + "今天天气不错 " * 300).urgency == "urgent"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lexicon.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_invalid_lexicons(tmp_path: Path) -> None:
    default = DEFAULT_PATH.read_text(encoding="utf-8")
    cases = {
        "not valid TOML": "threshold = = 1",
        "unknown category": default.replace('name = "治安秩序"', 'name = "治安"'),
        "urgency": default.replace('name = "停车秩序"', 'name = "停车秩序"\nurgency = "high"'),
        "categories missing": default.split("[[categories]]")[0],
        "threshold": default.replace("threshold = 0.6", "threshold = -1.0"),
        "extra": default.replace("threshold = 0.6", "threshold = 0.6\nthreshhold = 1.0"),
        "markers missing": default.replace("[markers.advert]", "[markers.adverts]"),
    }
    for problem, text in cases.items():
        with pytest.raises(LexiconError) as err:
            load_lexicon(_write(tmp_path, text))
        assert str(tmp_path) in str(err.value) and problem.split()[0] in str(err.value).lower(), (
            problem, str(err.value))
    with pytest.raises(LexiconError, match="cannot read"):
        load_lexicon(tmp_path / "missing.toml")
    assert isinstance(LexiconError("x"), ValueError)


def test_a_custom_lexicon_is_a_new_detector(tmp_path: Path) -> None:
    default = DEFAULT_PATH.read_text(encoding="utf-8")
    path = _write(tmp_path, default.replace('strong = ["扰民",', 'strong = ["广场舞", "扰民",'))
    assert Detector(load_lexicon(path)).detect("广场舞").category == "噪音扰民"
    assert not Detector(load_lexicon()).detect("广场舞").is_report
