"""Where it happened: the place a chat message names (3栋2单元, 东门, 地下车库B区, 花坛边),
and whether two places overlap. Pure and fast: the patterns are compiled once.

`extract_place` works on a normalised copy of the text: NFKC (full-width digits and letters),
a few traditional and typed-by-ear characters (棟, 樓, 3洞2单元), ASCII letters upper-cased,
whitespace removed unless between two numbers (「3 栋 2 单元」), and Chinese numerals before
a place word written in digits (三栋 → 3栋, 十二楼 → 12楼, 二期 → 2期) — unless a word before
them says they count something (有三栋楼, 这一层). The phrases found are returned in order, each
once, joined with a space, at most MAX_PHRASES and MAX_CHARS; "" when there is none.

`places_overlap` compares what two place strings (extracted or typed into a form) name:
they overlap when they share a building (3栋 and 3号楼 are the same; a building overlaps its
units, floors and parts, but 3栋1单元 and 3栋2单元 do not, nor 1期3栋 and 2期3栋), or the same
named spot (东门 and 东门口, 花坛 and 花坛边, 地下车库 and 地下车库B区 but not its A区), or the
same 期 when one of them is only that 期. Floors, units and rooms without a building are too
vague to say, and an empty place overlaps nothing — not even another empty one. Only the
first MAX_PHRASES places of each string count, as only those are extracted."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import islice, product

from moderation.place_words import (
    GARAGES,
    GATE_AND_FLOOR_STARTS,
    GATES,
    LOOK_ALIKES,
    PARTS,
    POSITIONS,
    SPOTS,
)

MAX_CHARS = 100  # as a form's location (moderation.payloads.FileTicket)
MAX_PHRASES = 6

_TRANSLATE = str.maketrans(LOOK_ALIKES)
_ODD = re.compile("[" + re.escape("".join(LOOK_ALIKES)) + "]")
# spaces go (「3 栋 2 单元」), except between two numbers or letters
_SPACE = re.compile(r"(?<![0-9A-Za-z])\s+|\s+(?![0-9A-Za-z])")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
# Chinese numerals before a place word; not after a word that makes them a count (有三栋楼)
_CN_NUMBER = re.compile(r"(?<![0-9这那整每哪同某几有半两多第])([零一二三四五六七八九十百]{1,6})"
                        r"(?=号|栋|幢|座|单元|楼|层|期|区)")
_CN_POSITIONAL = re.compile(r"(?:([一二三四五六七八九])百)?零?(?:([一二三四五六七八九])?(十))?"
                            r"([一二三四五六七八九])?")
_NOT_FLOOR = r"(?![道梯顶房盘])"


def _alternation(words: dict[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# every branch below starts with one of these: a cheap test before trying them all
_FIRST = "".join(sorted({w[0] for w in (*SPOTS, *GARAGES)} | set(GATE_AND_FLOOR_STARTS)))
_PLACE = re.compile(rf"""(?=[0-9A-Z{_FIRST}])(?:
  (?P<bldg>(?<![0-9A-Z.\-])(?:(?P<b_phase>\d{{1,2}})期)?
    (?P<b_no>\d{{1,3}}|[A-Z])
    (?P<b_suf>号楼|号栋|栋(?:楼(?![道下上顶梯前后]))?|幢|座|\#(?:楼(?![道下上顶梯前后]))?
      |[洞动](?=\d{{1,2}}单元|楼道|电梯|门口|外墙|楼下))
    (?:(?P<b_unit>\d{{1,2}})单元)?
    (?:(?P<b_floor>\d{{1,2}})[楼层]{_NOT_FLOOR})?
    (?:(?P<b_room>\d{{3,4}})(?![栋幢座\#期]|单元|号[楼栋门])[室房号]?)?
    (?:的?(?P<b_part>{PARTS}))?)
 |(?P<shop>(?<![0-9])\d{{1,3}}号(?:门面|商铺|铺面|店铺|店面|门店))
 |(?P<code>(?<![0-9A-Z])[A-Z]\d{{0,2}}-\d{{2,4}}(?![0-9]))
 |(?P<unit>(?<![0-9])\d{{1,2}}单元(?:\d{{1,2}}[楼层]{_NOT_FLOOR})?(?:\d{{3,4}}[室房号]?)?
    (?:的?(?:{PARTS}))?)
 |(?P<floor>(?:负|地下|(?<![0-9\#A-Z]))\d{{1,2}}[楼层]{_NOT_FLOOR}(?:的?(?:{PARTS}))?)
 |(?P<phase>(?<![第分0-9])(?P<ph_no>\d{{1,2}})期(?![间限末中货刊]))
 |(?P<garage>(?P<g_name>{_alternation(GARAGES)})(?P<g_zone>[A-Z]\d?区|\d{{1,2}}号?区)?
    (?:的?(?:{POSITIONS}))?)
 |(?P<gate>(?<![开走家户])(?P<gt_name>小区大门|小区门|[东南西北]大?门(?!子)|后门|正门|侧门
      |(?<!元)大门
      |\d{{1,2}}号门(?![面店牌]))口?(?:的?(?:{POSITIONS}))?)
 |(?P<zone>(?<![0-9A-Z])(?:[A-Z]|\d{{1,2}})区|[东南西北]区)
 |(?P<spot>(?P<s_name>{_alternation(SPOTS)})(?:的?(?:{POSITIONS}))?))
""", re.VERBOSE | re.ASCII)


@dataclass(frozen=True, slots=True)
class Site:
    """One place phrase: a building with its qualifiers, or a named spot with its part."""

    text: str
    building: str | None = None
    phase: str | None = None
    unit: str | None = None
    spot: str | None = None
    sub: str | None = None


def _cn_number(numeral: str) -> str:
    """二 → 2, 十二 → 12, 二十三 → 23, 一百零一 → 101, 三零一 → 301; odd ones unchanged."""
    if "十" not in numeral and "百" not in numeral:
        return "".join(str(_CN_DIGITS[c]) for c in numeral)
    match = _CN_POSITIONAL.fullmatch(numeral)
    if match is None or not any(match.groups()):
        return numeral
    hundreds, tens, ten, units = match.groups()
    value = (_CN_DIGITS[hundreds] * 100 if hundreds else 0) \
        + ((_CN_DIGITS[tens] if tens else 1) * 10 if ten else 0) \
        + (_CN_DIGITS[units] if units else 0)
    return str(value)


def normalise(text: str) -> str:
    """The copy of a text that place patterns run on (see the module's docstring)."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if _ODD.search(text):
        text = text.translate(_TRANSLATE)
    plain = _SPACE.sub("", text).upper()
    return _CN_NUMBER.sub(lambda m: _cn_number(m.group(1)), plain)


def _number(digits: str | None) -> str | None:
    return str(int(digits)) if digits and digits.isdigit() else digits


def _site(m: re.Match[str]) -> Site:
    kind, text = m.lastgroup, m.group().replace("的", "")
    if kind == "bldg":
        suffix = m["b_suf"]
        if suffix not in ("号楼", "号栋", "栋", "幢", "座"):  # 3#楼, 3洞2单元, 3栋楼 → 3栋
            text = text.replace(suffix, "栋", 1)
        return Site(text, building=_number(m["b_no"]),
                    phase=_number(m["b_phase"]), unit=_number(m["b_unit"]))
    if kind == "garage":
        return Site(text, spot=GARAGES[m["g_name"]], sub=m["g_zone"])
    if kind == "gate":
        name = m["gt_name"]
        return Site(text, spot=GATES.get(name, name))
    if kind == "spot":
        return Site(text, spot=SPOTS[m["s_name"]])
    if kind == "shop":
        return Site(text, spot="门面", sub=_number(text.split("号")[0]))
    if kind in ("code", "zone"):
        return Site(text, spot=kind, sub=text)
    if kind == "phase":
        return Site(text, phase=_number(m["ph_no"]))
    return Site(text)  # a unit or a floor alone: which building is not said


def sites(text: str, limit: int | None = None) -> list[Site]:
    """The place phrases of `text` in order, all or the first `limit`."""
    return [_site(m) for m in islice(_PLACE.finditer(normalise(text)), limit)]


def extract_place(text: str) -> str:
    """The place phrases of a message, normalised, each once, joined with a space; "" if none."""
    phrases: list[str] = []
    size = 0
    for site in sites(text):
        if site.text in phrases:
            continue
        if len(phrases) == MAX_PHRASES or size + len(site.text) > MAX_CHARS:
            break
        phrases.append(site.text)
        size += len(site.text) + 1
    return " ".join(phrases)


def _agree(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b


def _same_site(a: Site, b: Site) -> bool:
    if a.building is not None and b.building is not None:
        return a.building == b.building and _agree(a.phase, b.phase) and _agree(a.unit, b.unit)
    if a.spot is not None and b.spot is not None:
        return a.spot == b.spot and _agree(a.sub, b.sub) and _agree(a.phase, b.phase)
    whole, part = (a, b) if a.building is None and a.spot is None else (b, a)
    return whole.phase is not None and whole.building is None and whole.spot is None \
        and whole.phase == part.phase


def places_overlap(a: str, b: str) -> bool:
    """Whether two places name a common building or spot; empty places overlap nothing."""
    return any(_same_site(x, y) for x, y in product(sites(a, MAX_PHRASES),
                                                    sites(b, MAX_PHRASES)))
