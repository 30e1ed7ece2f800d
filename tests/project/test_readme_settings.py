"""Every setting is in the README's configuration table, so an operator reading it sees all
that can be set (LINLI_<NAME>, or the name in the config file)."""

from __future__ import annotations

import re
from pathlib import Path

from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def table_names(readme: str) -> set[str]:
    """The names in the first cell of the configuration table's rows (`a` / `b` rows too)."""
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`(\w+)`", row.split(" | ")[0])}


def test_every_setting_has_a_row() -> None:
    names = table_names((ROOT / "README.md").read_text(encoding="utf-8"))
    assert not set(Settings.model_fields) - names, "add a README row for each"
    assert not names - set(Settings.model_fields), "README rows for settings that do not exist"
