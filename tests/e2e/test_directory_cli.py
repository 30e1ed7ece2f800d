"""`linli directory import|list` as a real subprocess against a temporary data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import ROOT

HEADER = "name,category,description,address,hours,phone,keywords"


def linli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LINLI_DEMO_PASSWORD": "cli-demo-pass"}
    return subprocess.run([sys.executable, "-m", "web.cli", *args, "--data-dir", str(data_dir)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data_dir = tmp_path_factory.mktemp("linli-directory-cli")
    assert linli("seed-demo", data_dir=data_dir).returncode == 0
    communities = json.loads(linli("unit", "list", "community", data_dir=data_dir).stdout)
    return data_dir, communities[0]["id"]


@pytest.mark.parametrize("command", [["directory"], ["directory", "import"],
                                     ["directory", "list"]])
def test_help(command: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "web.cli", *command, "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and result.stdout.startswith("usage: linli directory")


def test_large_import_shows_progress_and_rejected_rows(seeded: tuple[Path, str],
                                                       tmp_path: Path) -> None:
    data_dir, community = seeded
    rows = [f"服务点{n},生活服务,便民服务第{n}号,幸福路{n}号,9:00-17:00,027-{n:04d},便民"
            for n in range(450)]
    rows[10] = "坏行,美食服务,,,,,"
    rows[20] = "电话错,生活服务,,,,call me,"
    path = tmp_path / "big.csv"
    path.write_bytes(("\ufeff" + "\n".join([HEADER, *rows]) + "\n").encode())

    first = linli("directory", "import", str(path), "--community", community, data_dir=data_dir)
    assert first.returncode == 1
    assert json.loads(first.stdout) == {"created": 448, "updated": 0, "rejected": 2}
    draws = first.stderr.split("\r")
    assert any("200/448" in d for d in draws) and "448/448 100%" in first.stderr
    assert "line 12: category:" in first.stderr and "line 22: phone:" in first.stderr

    path.write_text("\n".join([HEADER, *rows[:5]]))
    again = linli("directory", "import", str(path), "--community", community, data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == {"created": 0, "updated": 5, "rejected": 0}

    listed = json.loads(linli("directory", "list", "--community", community,
                              "--category", "生活服务", data_dir=data_dir).stdout)
    assert len(listed) == 448 + 1  # and the demo's 幸福老年食堂
    assert all(e["category"] == "生活服务" for e in listed)


def test_errors(seeded: tuple[Path, str], tmp_path: Path) -> None:
    data_dir, community = seeded
    missing = linli("directory", "import", str(tmp_path / "none.csv"), "--community", community,
                    data_dir=data_dir)
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    path = tmp_path / "ok.csv"
    path.write_text(HEADER + "\n新点,生活服务,,,,,\n")
    nowhere = linli("directory", "import", str(path), "--community", "nope", data_dir=data_dir)
    assert nowhere.returncode == 1 and "not_found" in nowhere.stderr
    path.write_text("名称,类别\n新点,生活服务\n")
    header = linli("directory", "import", str(path), "--community", community,
                   data_dir=data_dir)
    assert header.returncode == 1 and "header" in header.stderr
    listed = linli("directory", "list", "--community", community, "--category", "美食",
                   data_dir=data_dir)
    assert listed.returncode == 1 and "invalid" in listed.stderr
