"""Where it happened: places read from chat messages, and when two places overlap."""

from __future__ import annotations

import random
import timeit

import jieba
import pytest

from moderation.location import (
    MAX_CHARS,
    MAX_PHRASES,
    extract_place,
    normalise,
    places_overlap,
    sites,
)

# What residents write in the grid chats, and the place a worker should read from it.
MESSAGES: list[tuple[str, str]] = [
    ("3栋2单元电梯坏了 困了人", "3栋2单元电梯"),
    ("3栋电梯又拐哒，卡在7楼不动", "3栋电梯 7楼"),
    ("3栋电梯又停了 里面有人", "3栋电梯"),
    ("3号楼2单元701楼上漏水，天花板都湿了", "3号楼2单元701楼上"),
    ("我住8栋2单元1102，楼上天天半夜装修", "8栋2单元1102"),
    ("十二楼的楼道灯一直不亮", "12楼楼道"),
    ("卡在7楼了 按铃没人应", "7楼"),
    ("东门道闸坏了 车进不来", "东门"),
    ("南门口堆了好多建筑垃圾没人管", "南门口"),
    ("北门那个栏杆断了 小心点", "北门"),
    ("西门的路灯黑了一个礼拜", "西门"),
    ("后门又被电动车堵死了", "后门"),
    ("正门的岗亭一直没人值班", "正门 岗亭"),
    ("大门口有人乱停车 救护车都进不来", "大门口"),
    ("小区门口有人摆摊卖菜 占道", "小区门口"),
    ("小区东门外面有人烧垃圾", "东门外面"),
    ("地下车库B区的灯全坏了 黑漆漆的", "地下车库B区"),
    ("地库b区漏水好严重", "地库B区"),
    ("地下停车场A区有车漏油", "地下停车场A区"),
    ("停车场出口的道闸一直不抬杆", "停车场"),
    ("我的车位B2-086又被人占了", "B2-086"),
    ("B2—086车位上有人堆杂物", "B2-086"),
    ("花坛边有好多狗屎 没人清理", "花坛边"),
    ("12栋外墙的瓷砖掉下来了 差点砸到人", "12栋外墙"),
    ("3栋楼道堆满了杂物 消防通道堵了", "3栋楼道 消防通道"),
    ("2单元电梯又停了 里面好像有人", "2单元电梯"),
    ("垃圾站旁边臭得很 好几天没清了", "垃圾站旁边"),
    ("5号门面在装修 每天电钻响到晚上", "5号门面"),
    ("二期今天停水了 什么时候来水", "2期"),
    ("车棚里有人私拉电线给电瓶车充电", "车棚里"),
    ("儿童乐园的滑梯坏了 小孩差点摔到", "儿童乐园"),
    ("健身器材旁有一摊积水 好滑", "健身器材旁"),
    ("菜场旁边污水横流 臭死了", "菜场旁边"),
    ("快递柜旁边堆了一地纸箱", "快递柜旁边"),
    ("物业办公室门口排好长的队", "物业办公室门口"),
    ("老年活动中心的空调漏水", "老年活动中心"),
    ("党群服务中心二楼的厕所堵了", "党群服务中心 2楼"),
    ("绿化带里有人种菜", "绿化带里"),
    ("A栋大堂的玻璃门碎了", "A栋大堂"),
    ("负一楼好多积水", "负1楼"),
    ("一楼大厅的门禁坏了 进不去", "1楼大厅"),
    ("二十三栋楼顶有人在烧东西", "23栋楼顶"),
    ("6栋和9栋中间那条路的路灯坏了", "6栋 9栋"),
    ("12栋旁边的花坛里有蛇", "12栋旁边 花坛里"),
    ("5栋楼下的窨井盖翻了", "5栋楼下"),
    ("8栋1单元门口有个大坑", "8栋1单元门口"),
    ("二期3栋的水管爆了", "2期3栋"),
    ("3栋的电梯困人了 快来", "3栋电梯"),
    ("3栋电梯坏了 3栋电梯又坏了 烦死", "3栋电梯"),  # each place once
    # dialect spacing, full-width characters, typed-by-ear and traditional characters
    ("三栋二单元的电梯又坏了", "3栋2单元电梯"),
    ("3 栋 2 单元 电梯  关人了", "3栋2单元电梯"),
    ("３栋２单元门口的井盖松了", "3栋2单元门口"),
    ("3#楼2单元楼道灯不亮", "3栋2单元楼道"),
    ("3洞2单元电梯又停了 快来人", "3栋2单元电梯"),
    ("3棟2單元電梯壞了", "3栋2单元"),
    ("3栋楼电梯又停了", "3栋电梯"),
    ("一百零一栋", "101栋"),
    ("三零一的水管", ""),  # a room without a building says nothing about where
]
NO_PLACE = [
    "今天天气真好 大家出来晒太阳",
    "有三栋楼都停电了",  # 三 counts buildings here
    "这一层都停电了 怎么回事",
    "第二期活动什么时候报名",
    "分3期付款的事谁知道",
    "西门子冰箱坏了找谁修",
    "走后门的事莫提了",
    "我家大门锁坏了",
    "电梯坏了",
    "",
]


@pytest.mark.parametrize(("text", "place"), MESSAGES)
def test_places_in_chat_messages(text: str, place: str) -> None:
    assert extract_place(text) == place


@pytest.mark.parametrize("text", NO_PLACE)
def test_messages_without_a_place(text: str) -> None:
    assert extract_place(text) == ""


def test_enough_real_sentences() -> None:
    assert len(MESSAGES) + len(NO_PLACE) >= 40


@pytest.mark.parametrize(("text", "plain"), [
    ("３栋　２单元", "3栋2单元"),
    ("十二楼", "12楼"),
    ("二十楼", "20楼"),
    ("十栋", "10栋"),
    ("二十三栋", "23栋"),
    ("一百零一栋", "101栋"),
    ("三零一号", "301号"),
    ("二期", "2期"),
    ("地下二层", "地下2层"),
    ("b区", "B区"),
    ("有三栋楼", "有三栋楼"),
    ("十十栋", "十十栋"),  # not a number: left alone
])
def test_normalise(text: str, plain: str) -> None:
    assert normalise(text) == plain


ODD = ["", "\x00", "\x00" * 50, "😀" * 30, "👨‍👩‍👧‍👦3栋🏠", "\ud800\udfff", "\u202e3栋",
       "3" * 2000, "栋" * 2000, "3栋" * 1000, "-" * 2000, "十" * 2000, "B" + "-0" * 999,
       "\n\t\r 3 \u3000 栋 \u00a0", "٣栋", "①栋", "\u0301\u0301", "零" * 7 + "栋"]


@pytest.mark.parametrize("text", ODD)
def test_never_raises_and_stays_short(text: str) -> None:
    place = extract_place(text)
    assert isinstance(place, str) and len(place) <= MAX_CHARS
    assert places_overlap(text, text) in (True, False)


def named(place: str) -> set[tuple[str | None, ...]]:
    return {(s.building, s.unit, s.spot, s.sub) for s in sites(place) if s.building or s.spot}


def test_random_text_never_raises() -> None:
    rng = random.Random(20260501)
    alphabet = "0123456789AB-#栋号楼单元层期区门口东南西北花坛车库地下负一二三十百零的 \x00😀"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        place = extract_place(text)
        assert len(place) <= MAX_CHARS
        assert named(extract_place(place)) == named(place), text  # it reads back as itself


def test_many_places_are_capped() -> None:
    text = "，".join(f"{n}栋{n}单元电梯" for n in range(1, 40))
    place = extract_place(text)
    assert len(place.split(" ")) == MAX_PHRASES and len(place) <= MAX_CHARS
    assert place.startswith("1栋1单元电梯 2栋2单元电梯")


def test_fast_enough() -> None:
    """A small fraction of segmenting the same text (absolute times vary between machines)."""
    text = "3栋2单元电梯又坏了 困了人 快来人啊 里面有小孩子在哭"
    assert 25 <= len(text) <= 30
    jieba.lcut(text)
    ours = min(timeit.repeat(lambda: extract_place(text), number=500, repeat=5))
    theirs = min(timeit.repeat(lambda: jieba.lcut(text), number=500, repeat=5))
    assert ours < theirs / 3, f"{ours / 500 * 1e6:.1f} µs vs jieba.lcut {theirs / 500 * 1e6:.1f}"


OVERLAP: list[tuple[str, str]] = [
    ("3栋", "3栋2单元"),  # a building and a unit in it
    ("3栋2单元电梯", "3号楼2单元701"),
    ("3栋电梯 7楼", "3栋2单元电梯"),
    ("3#楼", "3栋"),
    ("12栋外墙", "12栋楼道"),
    ("3栋7楼", "3栋12楼"),  # floors of one building: one lift
    ("东门", "东门口"),
    ("东大门", "东门外面"),
    ("正门", "大门口"),
    ("小区门口", "大门"),
    ("花坛", "花坛边"),
    ("垃圾站旁边", "垃圾房"),
    ("菜市场", "菜场旁边"),
    ("地下车库", "地下车库B区"),
    ("地库B区", "地下车库B区"),
    ("B2-086", "B2-086"),
    ("5号门面", "5号门面"),
    ("2期", "2期3栋"),
    ("2期", "2期"),
    ("车棚里", "电动车棚"),
    ("6栋 9栋", "9栋楼下"),
    ("儿童乐园", "儿童游乐场"),
]
APART: list[tuple[str, str]] = [
    ("", ""),  # an empty place overlaps nothing, not even another empty one
    ("3栋", ""),
    ("3栋", "8栋"),
    ("3栋1单元", "3栋2单元"),
    ("1期3栋", "2期3栋"),
    ("东门", "西门"),
    ("东门", "3栋"),
    ("地下车库A区", "地下车库B区"),
    ("地下车库", "停车场"),
    ("B2-086", "B2-087"),
    ("7楼", "7楼"),  # which building?
    ("2单元电梯", "2单元电梯"),
    ("5号门面", "6号门面"),
    ("2期", "3期"),
    ("2期", "3栋"),
    ("花坛", "草坪"),
    ("3栋门口", "东门"),
]


@pytest.mark.parametrize(("a", "b"), OVERLAP)
def test_places_that_overlap(a: str, b: str) -> None:
    assert places_overlap(a, b) and places_overlap(b, a)


@pytest.mark.parametrize(("a", "b"), APART)
def test_places_that_do_not(a: str, b: str) -> None:
    assert not places_overlap(a, b) and not places_overlap(b, a)


def test_overlap_reads_messages_and_form_input_alike() -> None:
    assert places_overlap(extract_place("三栋二单元的电梯又坏了"), "3号楼 2单元")
    assert places_overlap(extract_place("小区东门外面有人烧垃圾"), "东门")
    assert not places_overlap(extract_place("3栋电梯又停了 里面有人"),
                              extract_place("8栋电梯又停了 里面有人"))
