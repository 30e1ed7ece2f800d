"""Hypothesis profiles for the fuzz tests: "ci" (the default, in `make test`: few examples,
fixed seed) and "fuzz" (`make fuzz`: many). HYPOTHESIS_PROFILE picks one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

from tests.fuzz.world import World, start_world

UNHEALTHY = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
             HealthCheck.filter_too_much]
# No "explain" phase: it replays a failure dozens of times against a server, for little.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
settings.register_profile("ci", max_examples=15, deadline=None, derandomize=True,
                          database=None, suppress_health_check=UNHEALTHY, phases=PHASES)
# FUZZ_EXAMPLES sets how many examples per route and event in the "fuzz" profile.
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),
                          deadline=None, database=None, suppress_health_check=UNHEALTHY,
                          phases=PHASES)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz") / "data"
    yield from start_world(data_dir)
