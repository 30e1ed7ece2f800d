"""`Services` as one server process holds them, built straight on a store for tests that call
actions directly: in-memory rate limits and socket registry, and a clock and fan-out the test
owns (`FakeClock`, `RecordingFanout`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chat.actions import hierarchy
from chat.auth import Secrets
from chat.models import Unit
from chat.realtime.ratelimit import MemoryRateLimiter
from chat.realtime.registry import MemoryRegistry
from chat.services import Services
from config.settings import load_settings
from tests.support.fakes import FakeClock, RecordingFanout
from web.stores import Store


def services_on(store: Store, data_dir: Path, clock: FakeClock | None = None,
                fanout: RecordingFanout | None = None, **settings: Any) -> Services:
    return Services(settings=load_settings(data_dir=data_dir, **settings), store=store,
                    secrets=Secrets(b"k" * 32), clock=clock or FakeClock(),
                    fanout=fanout or RecordingFanout(), limiter=MemoryRateLimiter(),
                    registry=MemoryRegistry())


async def one_grid(services: Services) -> tuple[Unit, Unit]:
    """A district, street and community with one grid (一网格): the community and the grid."""
    district = await hierarchy.create_unit(services, None, "district", "区", None)
    street = await hierarchy.create_unit(services, None, "street", "街", district.id)
    community = await hierarchy.create_unit(services, None, "community", "社区", street.id)
    grid = await hierarchy.create_unit(services, None, "grid", "一网格", community.id)
    return community, grid
