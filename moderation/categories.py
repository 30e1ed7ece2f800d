"""The ten report categories (docs/architecture.md#detection), shared by the detector, tickets
and Open311."""

from __future__ import annotations

from dataclasses import dataclass

from config.settings import Urgency

URGENCIES: tuple[Urgency, ...] = ("low", "normal", "urgent")


@dataclass(frozen=True)
class Category:
    name: str
    code: str
    scope: str
    default_urgency: Urgency


CATEGORIES: tuple[Category, ...] = (
    Category("消防安全", "fire_safety",
             "fire, smoke, blocked fire lanes, e-bikes charging in corridors", "normal"),
    Category("燃气安全", "gas_safety", "gas smell, gas leak, gas outage", "urgent"),
    Category("供水排水", "water_drainage",
             "water outage, leaks, seepage, burst pipes, blocked drains, waterlogging", "normal"),
    Category("供电照明", "power_lighting",
             "power outage, sparking boxes, live wires, broken lights", "normal"),
    Category("电梯设施", "elevator", "broken or stuck lifts, someone trapped", "normal"),
    Category("环境卫生", "sanitation", "garbage, rats, dog mess, flyers", "low"),
    Category("噪音扰民", "noise", "noise, barking, late-night renovation", "low"),
    Category("停车秩序", "parking", "illegal or blocking parking", "low"),
    Category("房屋设施", "building_facilities",
             "doors, gates, manholes, tiles, roads, illegal structures", "normal"),
    Category("治安秩序", "public_order",
             "theft, objects thrown from height, dog bites, fraud, disputes", "normal"),
)
BY_NAME: dict[str, Category] = {c.name: c for c in CATEGORIES}
BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}
UNCATEGORISED = "uncategorized"
"""The Open311 service code of tickets nobody has given a category yet."""
CATEGORY_NAMES: tuple[str, ...] = tuple(BY_NAME)
