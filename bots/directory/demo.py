"""The demo community's service directory (幸福社区办事指南)."""

from __future__ import annotations

from bots.directory import actions
from bots.directory.payloads import EntryForm
from chat.services import Services

HOURS = "周一至周五 8:30-12:00，14:00-17:30"
ENTRIES = (
    EntryForm(category="党员服务", name="社区党群服务中心", address="幸福社区综合楼一楼",
              hours=HOURS + "，周六上午值班", phone="027-8261 0001",
              description="党员组织关系转接、党费缴纳、党员志愿服务报名、“双报到”登记",
              keywords=["党建", "组织关系", "志愿者", "双报到"]),
    EntryForm(category="政务服务", name="社区政务服务窗口", address="幸福社区综合楼一楼2号窗口",
              hours=HOURS, phone="027-8261 0002",
              description="办理老年证、居住证明、低保和残疾证申请材料受理、生育登记",
              keywords=["老年证", "居住证明", "低保", "残疾证", "开证明"]),
    EntryForm(category="政务服务", name="社保医保代办点", address="幸福社区综合楼一楼3号窗口",
              hours=HOURS, phone="027-8261 0003",
              description="城乡居民养老保险、医保参保登记和缴费，医保报销材料收取，退休资格认证",
              keywords=["社保", "医保", "养老保险", "社保卡"]),
    EntryForm(category="法律服务", name="法律援助工作站", address="幸福社区综合楼二楼201室",
              hours="每周三 9:00-12:00 律师坐班", phone="027-8261 0004",
              description="免费法律咨询、矛盾纠纷调解、法律援助申请指导",
              keywords=["律师", "调解", "纠纷", "打官司"]),
    EntryForm(category="生活服务", name="幸福老年食堂", address="幸福路18号（3栋旁）",
              hours="每天 11:00-13:00，17:00-18:30", phone="027-8261 0005",
              description="60岁以上老人助餐，午餐每餐10元，行动不便可预约送餐",
              keywords=["助餐", "吃饭", "送餐"]),
    EntryForm(category="关爱服务", name="社区卫生服务站", address="幸福路20号",
              hours="每天 8:00-20:00", phone="027-8261 0006",
              description="常见病诊疗、慢病随访、65岁以上老人免费体检、疫苗接种",
              keywords=["看病", "体检", "疫苗"]),
    EntryForm(category="文体服务", name="文体活动室", address="幸福社区综合楼三楼",
              hours="每天 9:00-21:00", phone="027-8261 0007",
              description="乒乓球、棋牌、书画、阅览室，广场舞队每晚7点在社区广场排练",
              keywords=["健身", "跳舞", "广场舞", "图书"]),
)


async def seed_directory(services: Services, community_id: str) -> None:
    for form in ENTRIES:
        await actions.create_entry(services, None, community_id, form)
