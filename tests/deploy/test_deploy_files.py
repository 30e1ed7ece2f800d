"""The deploy/ files name only what linli has: settings, command-line flags, limits and
timeouts that agree with the server's own."""

from __future__ import annotations

import re
import secrets
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from chat.log_context import SANE_ID
from config.settings import SAMPLE_SECRET, Settings
from tests.support.envfile import ENV_FILE, read_env_file
from tests.support.fakes import FakeClock
from tests.support.server import ROOT
from web.app import make_sio
from web.cli import build_parser

pytestmark = pytest.mark.deploy
DEPLOY = ROOT / "deploy"
SITE = (DEPLOY / "nginx" / "linli.conf").read_text()
UNIT = (DEPLOY / "systemd" / "linli@.service").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def settings_from(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings as a process with exactly this environment builds them."""
    for name in Settings.model_fields:
        monkeypatch.delenv(f"LINLI_{name.upper()}", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return Settings()


def unknown_settings(names: object) -> set[str]:
    known = {f"LINLI_{name.upper()}" for name in Settings.model_fields}
    return {n for n in names if isinstance(n, str) and n.startswith("LINLI_")} - known


def location(name: str) -> str:
    found = re.search(r"\n    location " + re.escape(name) + r" \{\n(.*?)\n    \}", SITE, re.S)
    assert found, f"no location {name} in deploy/nginx/linli.conf"
    return found.group(1)


def size(directive: str, text: str) -> int:
    found = re.search(rf"^\s*{directive} (\d+)([km]?);", text, re.M)
    assert found, directive
    return int(found.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[found.group(2)]


def seconds(directive: str, text: str) -> float:
    found = re.search(rf"^\s*{directive} (\d+)s;", text, re.M)
    assert found, directive
    return float(found.group(1))


def sample_env() -> dict[str, str]:
    """The sample env file as an operator fills it in: with a secret of their own."""
    env = read_env_file(ENV_FILE)
    assert env["LINLI_SECRET_KEY"] == SAMPLE_SECRET
    return {**env, "LINLI_SECRET_KEY": secrets.token_urlsafe(48)}


def test_the_sample_secret_must_be_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="LINLI_SECRET_KEY"):
        settings_from(read_env_file(ENV_FILE), monkeypatch)


def test_the_sample_env_file_is_settings_linli_accepts(monkeypatch: pytest.MonkeyPatch) -> None:
    env = sample_env()
    assert not unknown_settings(env)
    settings = settings_from(env, monkeypatch)
    assert settings.host == "127.0.0.1"  # only nginx reaches the processes
    assert [str(n) for n in settings.trusted_proxies] == ["127.0.0.1/32", "::1/128"]
    assert settings.mongodb_url and settings.redis_url  # several processes need both


def test_nginx_limits_and_timeouts_follow_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_from(sample_env(), monkeypatch)
    engine = make_sio(settings.model_copy(update={"redis_url": None}), FakeClock()).eio
    socket_io = location("/socket.io/")
    # A polling GET is held up to ping_interval + ping_timeout; nginx must wait longer.
    held = engine.ping_interval + engine.ping_timeout
    assert seconds("proxy_read_timeout", socket_io) > held
    assert seconds("proxy_send_timeout", socket_io) > held
    assert size("client_max_body_size", SITE) == settings.max_payload_bytes
    assert size("client_max_body_size", socket_io) == engine.max_http_buffer_size


def test_the_systemd_unit_runs_a_real_command_on_the_instance_port() -> None:
    lines = dict(line.split("=", 1) for line in UNIT.splitlines()
                 if "=" in line and not line.startswith("#"))
    assert lines["EnvironmentFile"] == "/etc/linli/linli.env"
    assert lines["Restart"] == "on-failure"
    command = shlex.split(lines["ExecStart"].replace("%i", "8001"))
    assert Path(command[0]).name == "linli"
    args = build_parser().parse_args(command[1:])
    assert args.command == "serve" and args.port == 8001


def test_compose_runs_linli_with_real_settings() -> None:
    services = COMPOSE["services"]
    linli = [s for s in services.values() if s.get("build", {}).get("target") == "linli"]
    assert len(linli) >= 2
    for service in linli:
        assert not unknown_settings(service["environment"])
        assert "${LINLI_SECRET_KEY" in service["environment"]["LINLI_SECRET_KEY"]
    nginx_address = services["nginx"]["networks"]["default"]["ipv4_address"]
    assert linli[0]["environment"]["LINLI_TRUSTED_PROXIES"] == f'["{nginx_address}"]'
    assert "--replSet" in services["mongo"]["command"]
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert not unknown_settings(re.findall(r"LINLI_[A-Z_]+", dockerfile))
    for number, _service in enumerate(linli, 1):  # the nginx image points at each of them
        assert f"server linli{number}:8080 " in dockerfile


def test_nginx_keeps_the_request_ids_linli_keeps() -> None:
    assert f'"~^{SANE_ID.pattern}$" $http_x_request_id;' in SITE
