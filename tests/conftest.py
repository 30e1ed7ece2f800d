from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import ServerProcess

pytest_plugins = ["tests.support.stores", "tests.support.redis_server"]

TESTS = Path(__file__).parent
# Each folder is one level of the suite and its marker (`pytest -m unit`); tests/README.md
# says what belongs where.
LEVELS = ("unit", "project", "store", "services", "app", "e2e", "fuzz", "browser", "deploy",
          "ops")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if TESTS not in item.path.parents:
            continue
        parts = item.path.relative_to(TESTS).parts
        if parts[0] not in LEVELS:
            raise pytest.UsageError(f"{item.nodeid}: tests live in one of the level folders "
                                    f"tests/{{{','.join(LEVELS)}}} (tests/README.md)")
        item.add_marker(parts[0])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One demo server shared by tests that only add data to it."""
    proc = ServerProcess(tmp_path_factory.mktemp("linli-shared")).start()
    yield proc
    proc.stop()


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A demo server of the test's own, for tests that restart or kill it."""
    proc = ServerProcess(tmp_path / "data")
    yield proc
    proc.stop()
