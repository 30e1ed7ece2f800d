"""`linli detect` as a real command: JSON Lines on stdin, and --evaluate on the dev set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.server import ROOT


def linli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "web.cli", "detect", *args], cwd=ROOT,
                          input=stdin, capture_output=True, text=True, timeout=60,
                          check=False, encoding="utf-8")


def test_detect_stdin() -> None:
    lines = ["电梯关人了 快来人", "", "晚上克吃火锅撒", "请问明天几点停水"]
    result = linli(stdin="\n".join(json.dumps({"text": t}, ensure_ascii=False) if t else "  "
                                   for t in lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["text"] for o in out] == [lines[0], lines[2], lines[3]]
    assert out[0] == {"text": lines[0], "is_report": True, "category": "电梯设施",
                      "urgency": "urgent", "score": out[0]["score"], "matches": ["关人"]}
    assert [o["is_report"] for o in out] == [True, False, False]
    assert "电梯设施" in result.stdout  # ensure_ascii=False


def test_bad_lines_are_reported_and_skipped() -> None:
    result = linli(stdin='{"text": "整栋楼停电了"}\nnot json\n{"msg": "x"}\n{"text": "好"}\n')
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 2
    assert "line 2" in result.stderr and "line 3" in result.stderr


def test_evaluate_dev_set() -> None:
    dev = ROOT / "moderation" / "corpus" / "train" / "project.dev.jsonl"
    result = linli("--evaluate", str(dev))
    assert result.returncode == 0, result.stderr
    figures = dict(line.split(maxsplit=1) for line in result.stdout.splitlines()[1:4])
    assert float(figures["precision"].split()[0]) >= 0.9
    assert float(figures["F1"].split()[0]) >= 0.9
    assert "category accuracy" in result.stdout and "urgent recall" in result.stdout


def test_other_lexicon_and_bad_lexicon(tmp_path: Path) -> None:
    default = (ROOT / "moderation" / "lexicon" / "default.toml").read_text(encoding="utf-8")
    custom = tmp_path / "custom.toml"
    custom.write_text(default.replace('strong = ["扰民",', 'strong = ["广场舞", "扰民",'),
                      encoding="utf-8")
    result = linli("--lexicon", str(custom), stdin='{"text": "广场舞"}\n')
    assert json.loads(result.stdout)["category"] == "噪音扰民"
    bad = tmp_path / "bad.toml"
    bad.write_text("threshold = [", encoding="utf-8")
    result = linli("--lexicon", str(bad), stdin='{"text": "广场舞"}\n')
    assert result.returncode == 2 and "bad.toml" in result.stderr and result.stdout == ""


def test_help() -> None:
    result = subprocess.run([sys.executable, "-m", "web.cli", "detect", "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and result.stdout.startswith("usage: linli detect")
    assert "--evaluate" in result.stdout and "--lexicon" in result.stdout
