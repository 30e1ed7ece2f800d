from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import ServerProcess

pytest_plugins = ["tests.support.stores"]


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
