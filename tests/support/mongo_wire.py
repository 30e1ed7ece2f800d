"""Where the MongoDB backend tests find a server.

`LINLI_TEST_MONGODB_URL` names a real MongoDB. Without it, the mongoeco wire server runs as a
separate process from the Python 3.13 venv `.venv-mongo` (mongoeco needs Python >= 3.13;
`make test` creates that venv). Without either, the MongoDB tests are skipped, loudly.
"""

from __future__ import annotations

import os
import select
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
MONGOECO_PYTHON = ROOT / ".venv-mongo" / "bin" / "python"
SERVER_SCRIPT = Path(__file__).with_name("mongo_wire_server.py")
URL_ENV = "LINLI_TEST_MONGODB_URL"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def mongo_skip_reason() -> str | None:
    """Why the MongoDB tests cannot run here, or None when they can."""
    if os.environ.get(URL_ENV) or MONGOECO_PYTHON.exists():
        return None
    return (
        f"MongoDB backend NOT tested: {URL_ENV} is unset and {MONGOECO_PYTHON} is missing. "
        "The mongoeco wire server needs Python 3.13 in .venv-mongo; `make test` creates it "
        "(python3.13 -m venv .venv-mongo && .venv-mongo/bin/pip install 'mongoeco[wire]')."
    )


@contextmanager
def mongo_server() -> Iterator[str]:
    """Yield a mongodb:// URL: the real MongoDB if configured, else a fresh mongoeco server."""
    url = os.environ.get(URL_ENV)
    if url:
        yield url
        return
    with mongoeco_server() as url:
        yield url


@contextmanager
def mongoeco_server(python: Path = MONGOECO_PYTHON) -> Iterator[str]:
    """Run the mongoeco wire server on a free loopback port until the block ends."""
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            [str(python), str(SERVER_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            yield _read_url(process, stderr)
        finally:
            _stop(process)


def _read_url(process: subprocess.Popen[str], stderr: IO[bytes]) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
    line = process.stdout.readline().strip() if ready else ""
    if line.startswith("mongodb://"):
        return line
    stderr.seek(0)
    output = stderr.read().decode(errors="replace")[-4000:]
    raise RuntimeError(f"the mongoeco wire server did not start ({line!r}):\n{output}")


def _stop(process: subprocess.Popen[str]) -> None:
    """Close stdin (the server exits on EOF); terminate, then kill, if it lingers."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()
