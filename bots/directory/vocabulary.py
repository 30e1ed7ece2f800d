"""Words for matching questions to directory entries: synonym groups (a question about 医保 finds
社保代办), words that say nothing about the service wanted, and field weights."""

from __future__ import annotations

SYNONYMS: dict[str, tuple[str, ...]] = {
    "社保": ("社保", "医保", "社会保险", "医疗保险", "养老保险", "养老金", "参保", "社保卡",
           "医保卡", "退休认证"),
    "证件": ("证件", "证明", "办证", "开证明", "证照", "居住证明", "居住证", "户籍", "户口",
           "老年证", "残疾证", "准生证"),
    "老年": ("老年", "老年人", "老人", "高龄", "高龄津贴", "长者", "敬老"),
    "法律": ("法律", "律师", "法律援助", "法援", "官司", "打官司", "纠纷", "调解", "维权",
           "法律咨询", "起诉"),
    "医疗": ("医疗", "看病", "就医", "医院", "卫生", "诊所", "体检", "义诊", "医生", "开药",
           "打针", "疫苗", "接种", "卫生服务站"),
    "就餐": ("就餐", "吃饭", "食堂", "助餐", "老年食堂", "用餐", "送餐", "午饭", "午餐"),
    "党员": ("党员", "党建", "党组织", "组织关系", "党费", "党群"),
    "文体": ("文体", "活动室", "健身", "跳舞", "广场舞", "乒乓球", "图书", "阅览室", "书画",
           "棋牌"),
    "残疾": ("残疾", "残疾人", "残联", "助残"),
    "救助": ("救助", "低保", "困难", "补助", "救济", "特困"),
    "就业": ("就业", "找工作", "招聘", "失业", "再就业", "失业登记"),
    "生育": ("生育", "生育登记", "计生"),
}

_STOP_WORDS = """
哪里 哪儿 哪 在哪 在哪里 哪个 哪家 可以 能 能不能 可不可以 怎么 怎么办 怎样 怎么样 如何 什么
谁 找 请问 问 问问 一下 我 我们 咱们 俺 想 要 想要 需要 去 在 的 了 吗 呢 吧 啊 呀 哦 嘛 有 有没有
没有 是 不是 和 与 及 或 给 到 办 办理 开 弄 搞 附近 这 那 这个 那个 知道 帮 帮忙 地方 您好 你好
大家 谢谢 一个 时候 现在
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

# Where a question word is found counts: an entry's name says most, its description least.
FIELD_WEIGHTS: dict[str, float] = {"name": 4.0, "keywords": 3.0, "category": 2.0,
                                   "description": 1.0}
SYNONYM_FACTOR = 0.7  # a synonym counts for less than the word itself
PART_FACTOR = 0.5  # 老年 inside the question's 老年证 counts for less than 老年证
SINGLE_CHAR_FACTOR = 0.3  # one character alone (证, 室) is weak evidence
MIN_SCORE = 1.0
RELATIVE_CUTOFF = 0.3  # an answer scoring under 30 % of the best one is noise


def synonym_groups() -> dict[str, str]:
    """Each word → the name of its group."""
    return {word: group for group, words in SYNONYMS.items() for word in words}


GROUP_OF: dict[str, str] = synonym_groups()
