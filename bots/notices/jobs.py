"""(being written)"""

from __future__ import annotations

from chat.services import Services


async def run_due(services: Services) -> None:
    return None
