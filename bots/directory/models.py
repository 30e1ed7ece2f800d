"""Records of the service directory (办事指南): one entry per place or service of a community."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from chat.models import Record

Category = Literal["政务服务", "生活服务", "文体服务", "法律服务", "关爱服务", "党员服务"]
CATEGORIES: tuple[Category, ...] = ("政务服务", "生活服务", "文体服务", "法律服务", "关爱服务",
                                    "党员服务")


class DirectoryEntry(Record):
    """Unique by (community_id, name): an import updates the entry of the same name."""

    id: str
    community_id: str
    category: Category
    name: str
    description: str = ""
    address: str = ""
    hours: str = ""
    phone: str = ""
    keywords: tuple[str, ...] = ()
    created_at: datetime
    updated_at: datetime
    updated_by: str
