"""Intents answer with records; only the edge turns them into JSON (docs/architecture.md,
"Records in, wire form at the edge"). Read from the source, so a new intent that builds its
own view fails here before anyone relies on the shape."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every module whose public functions are intents people, bots or jobs call.
INTENT_MODULES = sorted({
    *ROOT.glob("chat/actions/*.py"),
    *ROOT.glob("bots/*/actions.py"),
    ROOT / "bots/accounts/admin.py",
    ROOT / "bots/accounts/api.py",
    *(ROOT / "moderation" / name for name in (
        "actions.py", "tickets.py", "filing.py", "sharing.py", "learning.py", "detection.py",
        "stats_query.py", "open311.py")),
})
WIRE_SHAPES = ("dict[str, Any]", "list[dict[str, Any]]", "dict[str, object]")


def _views_answered(path: Path) -> list[str]:
    """`module.function -> annotation` for each public function answering with a JSON dict."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and \
                not node.name.startswith("_") and node.returns is not None:
            annotation = ast.unparse(node.returns)
            if any(shape in annotation for shape in WIRE_SHAPES):
                found.append(f"{path.relative_to(ROOT)}:{node.name} -> {annotation}")
    return found


def test_the_intent_modules_exist() -> None:
    missing = [str(p.relative_to(ROOT)) for p in INTENT_MODULES if not p.is_file()]
    assert not missing, f"renamed or moved? update INTENT_MODULES: {missing}"
    assert len(INTENT_MODULES) >= 20


def test_no_intent_answers_with_a_view() -> None:
    found = [entry for path in INTENT_MODULES for entry in _views_answered(path)]
    assert not found, "answer with a record and serialise at the edge:\n" + "\n".join(found)


def test_the_check_sees_a_view(tmp_path: Path) -> None:
    module = tmp_path / "intent.py"
    module.write_text("async def show(x: int) -> dict[str, Any]:\n    return {}\n"
                      "async def _inner() -> dict[str, Any]:\n    return {}\n")
    global ROOT
    root, ROOT = ROOT, tmp_path
    try:
        assert _views_answered(module) == ["intent.py:show -> dict[str, Any]"]
    finally:
        ROOT = root
