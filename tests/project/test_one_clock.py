"""Time is injected (docs/architecture.md, "Pure cores with an injected clock"): chat/clock.py is
the one module that reads the wall clock; everything else asks a `chat.clock.Clock`. Read from
the syntax tree, so comments and docstrings do not count and `from datetime import datetime as
dt; dt.now()` does. Durations (`time.monotonic`, the loop's time) are not wall time."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("chat", "moderation", "bots", "web", "config")
THE_CLOCK = ROOT / "chat" / "clock.py"
WALL_CLOCK = frozenset({
    "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
    "datetime.date.today", "time.time", "time.time_ns",
})


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name → what it was imported as, dotted: `dt` → `datetime.datetime`."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr, names: dict[str, str]) -> str | None:
    """`a.b.c` with `a` replaced by what it was imported as; None for anything else."""
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, names)
        return None if base is None else f"{base}.{node.attr}"
    return None


def wall_clock_reads(path: Path) -> list[str]:
    """`path:line name` for each use of a wall-clock reader in the module (a call or passing
    the function itself, as `default=time.time` would)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = _aliases(tree)
    uses = sorted((node for node in ast.walk(tree) if isinstance(node, ast.Name | ast.Attribute)),
                  key=lambda node: (node.lineno, node.col_offset))
    return [f"{path.relative_to(ROOT)}:{node.lineno} {dotted}" for node in uses
            if (dotted := _dotted(node, names)) in WALL_CLOCK]


def _modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py")
                  if p != THE_CLOCK)


def test_the_packages_are_read() -> None:
    modules = _modules()
    assert THE_CLOCK.is_file() and len(modules) > 100, len(modules)
    assert wall_clock_reads(THE_CLOCK) == ["chat/clock.py:16 datetime.datetime.now"], \
        "the clock itself must still be seen reading the wall clock"


def test_only_the_clock_reads_the_wall_clock() -> None:
    found = [hit for path in _modules() for hit in wall_clock_reads(path)]
    assert not found, ("ask the injected clock (services.clock, or a Clock passed in) "
                       "instead:\n" + "\n".join(found))


def test_the_check_sees_every_spelling(tmp_path: Path) -> None:
    module = tmp_path / "spellings.py"
    module.write_text(
        '"""datetime.now() in a docstring is no read."""\n'
        "import datetime\n"
        "import time as _time\n"
        "from datetime import date, datetime as dt\n"
        "from time import monotonic, time_ns\n"
        "a = datetime.datetime.now()  # time.time() in a comment is none either\n"
        "b = dt.utcnow(), date.today(), _time.time(), time_ns()\n"
        "c = monotonic(), _time.monotonic(), dt.fromisoformat('2026-01-01')\n"
        "def f(read=_time.time): ...\n", encoding="utf-8")
    global ROOT
    root, ROOT = ROOT, tmp_path
    try:
        assert wall_clock_reads(module) == [
            "spellings.py:6 datetime.datetime.now", "spellings.py:7 datetime.datetime.utcnow",
            "spellings.py:7 datetime.date.today", "spellings.py:7 time.time",
            "spellings.py:7 time.time_ns", "spellings.py:9 time.time"]
    finally:
        ROOT = root
