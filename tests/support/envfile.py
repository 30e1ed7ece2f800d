"""Read deploy/systemd/linli.env as systemd's EnvironmentFile= does (the subset it uses)."""

from __future__ import annotations

from pathlib import Path

from tests.support.server import ROOT

ENV_FILE = ROOT / "deploy" / "systemd" / "linli.env"


def read_env_file(path: Path = ENV_FILE) -> dict[str, str]:
    """KEY=VALUE lines; `#` lines and blank lines skipped; one pair of surrounding single or
    double quotes removed from a value."""
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep and key.isidentifier(), f"{path.name}:{number}: not KEY=VALUE"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values
