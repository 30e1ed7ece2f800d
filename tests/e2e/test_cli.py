"""The `linli` console script: --help everywhere, and offline management commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import ROOT

COMMANDS = [[], ["serve"], ["seed-demo"], ["unit"], ["unit", "add"], ["unit", "list"],
            ["staff"], ["staff", "add"], ["join-code"], ["join-code", "add"],
            ["join-code", "revoke"]]


def linli(*args: str, data_dir: Path | None = None, **env_vars: str
          ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LINLI_DEMO_PASSWORD": "cli-demo-pass", **env_vars}
    extra = ["--data-dir", str(data_dir)] if data_dir else []
    return subprocess.run([sys.executable, "-m", "web.cli", *args, *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "linli")
def test_every_command_has_help(command: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "web.cli", *command, "--help"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: linli")


def test_offline_hierarchy_and_demo(tmp_path: Path) -> None:
    district = json.loads(linli("unit", "add", "district", "洪山区", data_dir=tmp_path).stdout)
    street = json.loads(linli("unit", "add", "street", "珞南街道", "--parent", district["id"],
                              data_dir=tmp_path).stdout)
    community = json.loads(linli("unit", "add", "community", "东湖", "--parent", street["id"],
                                 data_dir=tmp_path).stdout)
    grid = json.loads(linli("unit", "add", "grid", "一网格", "--parent", community["id"],
                            data_dir=tmp_path).stdout)
    worker = linli("staff", "add", "worker", "马丽", "13612345678", "--password", "good-pass-1",
                   "--unit", community["id"], "--grid", grid["id"], data_dir=tmp_path)
    assert json.loads(worker.stdout)["role"] == "worker"
    code = json.loads(linli("join-code", "add", grid["id"], data_dir=tmp_path).stdout)
    assert len(code["code"]) == 8
    listed = json.loads(linli("unit", "list", "grid", "--parent", community["id"],
                              data_dir=tmp_path).stdout)
    assert [g["name"] for g in listed] == ["一网格"]
    bad = linli("unit", "add", "grid", "孤儿", "--parent", "nope", data_dir=tmp_path)
    assert bad.returncode == 1 and "not_found" in bad.stderr
    seeded = linli("seed-demo", data_dir=tmp_path)
    assert seeded.returncode == 0 and "nothing seeded" in seeded.stderr


def test_seed_demo_writes_accounts(tmp_path: Path) -> None:
    result = linli("seed-demo", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    accounts = json.loads((tmp_path / "demo-accounts.json").read_text())
    roles = [a["role"] for a in accounts]
    assert roles.count("admin") == 1 and roles.count("worker") == 2
    assert roles.count("resident") == 6
    assert sum(a["party_member"] for a in accounts) == 1
    assert {a["password"] for a in accounts} == {"cli-demo-pass"}
    assert set(accounts[0]) >= {"role", "name", "phone", "password", "grid_id"}
    assert "13900000001" in result.stdout


def test_unusable_settings_are_named_without_a_traceback_or_their_value(tmp_path: Path) -> None:
    secret = "short-but-secret"
    result = linli("unit", "list", "grid", data_dir=tmp_path, LINLI_SWEEP_SECONDS="abc",
                   LINLI_SECRET_KEY=secret)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("linli: 设置有误 / invalid settings")
    assert "LINLI_SWEEP_SECONDS: Input should be a valid number" in result.stderr
    assert "LINLI_SECRET_KEY: " in result.stderr and "32 characters" in result.stderr
    assert "Traceback" not in result.stderr and secret not in result.stderr
    missing = linli("serve", "--config", str(tmp_path / "nowhere.toml"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "无法读取配置文件" in missing.stderr
