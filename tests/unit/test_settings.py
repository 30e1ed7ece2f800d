from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chat.realtime.redis_names import RedisNames
from config.settings import SAMPLE_SECRET, SECRET_FILE, SettingsError, load_settings


def test_secret_is_generated_once_with_mode_0600(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINLI_SECRET_KEY", raising=False)
    first = load_settings(data_dir=tmp_path)
    mode = stat.S_IMODE((tmp_path / SECRET_FILE).stat().st_mode)
    assert mode == 0o600
    assert len(first.secret()) >= 48
    assert load_settings(data_dir=tmp_path).secret() == first.secret()
    assert load_settings(data_dir=tmp_path / "other").secret() != first.secret()


def test_toml_then_environment_then_overrides(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "linli.toml"
    config.write_text('[linli]\nport = 9000\nhost = "0.0.0.0"\nmax_text_chars = 500\n'
                      f'data_dir = "{tmp_path}"\n')
    monkeypatch.setenv("LINLI_PORT", "9100")
    settings = load_settings(config)
    assert (settings.host, settings.port, settings.max_text_chars) == ("0.0.0.0", 9100, 500)
    assert load_settings(config, port=9200).port == 9200


def test_unknown_setting_in_file_is_rejected(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[linli]\nprot = 1\n")
    with pytest.raises(SettingsError, match="LINLI_PROT: no such setting / 没有这个设置"):
        load_settings(config, data_dir=tmp_path)


def test_sla_hours_fill_in_and_must_be_positive(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, sla_hours={"urgent": 1.0})
    assert settings.sla_hours == {"urgent": 1.0, "normal": 24.0, "low": 72.0}
    with pytest.raises(SettingsError, match="LINLI_SLA_HOURS"):
        load_settings(data_dir=tmp_path, sla_hours={"low": 0})


def test_duplicate_window_defaults_to_three_days_and_cannot_be_negative(tmp_path: Path) -> None:
    assert load_settings(data_dir=tmp_path).duplicate_window_hours == 72.0
    assert load_settings(data_dir=tmp_path, duplicate_window_hours=0).duplicate_window_hours == 0
    with pytest.raises(SettingsError, match="LINLI_DUPLICATE_WINDOW_HOURS"):
        load_settings(data_dir=tmp_path, duplicate_window_hours=-1)


@pytest.mark.parametrize("key", ["", "short", "x" * 31, SAMPLE_SECRET])
def test_a_short_or_sample_secret_is_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(SettingsError, match="at least 32 characters") as caught:
        load_settings(data_dir=tmp_path, secret_key=key)
    assert not key or key not in str(caught.value)  # the value is never echoed
    assert not (tmp_path / SECRET_FILE).exists()


def _secret_in(data_dir: Path) -> bytes:
    return load_settings(data_dir=data_dir).secret()


def test_processes_starting_at_once_share_one_whole_secret(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINLI_SECRET_KEY", raising=False)
    for attempt in range(20):
        data_dir = tmp_path / str(attempt)
        with ThreadPoolExecutor(8) as pool:
            keys = set(pool.map(_secret_in, [data_dir] * 8))
        assert len(keys) == 1 and len(keys.pop()) >= 48
        assert [p.name for p in data_dir.iterdir()] == [SECRET_FILE]


def test_chat_and_audit_are_kept_unless_the_operator_says(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, secret_key="k" * 48)
    assert (settings.retention_chat_days, settings.retention_audit_days) == (0, 0)
    with pytest.raises(SettingsError, match="操作日志"):
        load_settings(data_dir=tmp_path, secret_key="k" * 48, retention_chat_days=365,
                      retention_audit_days=30)


@pytest.mark.parametrize("namespace", ["", "a", "staging", "district_2-test", "x" * 32])
def test_redis_namespace_accepts_plain_names(tmp_path: Path, namespace: str) -> None:
    settings = load_settings(data_dir=tmp_path, redis_namespace=namespace)
    assert settings.redis_namespace == namespace


@pytest.mark.parametrize("namespace", ["Staging", "a:b", "a b", "区一", "x" * 33, "a*", " a"])
def test_redis_namespace_rejects_anything_else_in_both_languages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, namespace: str) -> None:
    monkeypatch.setenv("LINLI_REDIS_NAMESPACE", namespace)
    with pytest.raises(SettingsError) as caught:
        load_settings(data_dir=tmp_path)
    message = str(caught.value)
    assert "LINLI_REDIS_NAMESPACE must be 1 to 32 characters" in message
    assert "须为 1 至 32 个小写字母" in message
    with pytest.raises(ValueError, match="须为 1 至 32 个"):
        RedisNames(namespace)


def test_redis_names_without_namespace_are_the_names_linli_always_used() -> None:
    names = RedisNames()
    assert (names.socketio_channel, names.follow_channel, names.lexicon_reload_channel) == (
        "socketio", "linli:follow:stored", "linli:lexicon-reload")
    assert (names.registry_prefix, names.rate_limit_prefix, names.lease("webhooks")) == (
        "linli:", "linli:rl:", "linli:lease:webhooks")


def test_redis_names_put_the_namespace_before_every_name() -> None:
    names = RedisNames("staging")
    assert [names.socketio_channel, names.follow_channel, names.lexicon_reload_channel,
            names.registry_prefix, names.rate_limit_prefix, names.lease("detection")] == [
        "staging:socketio", "staging:linli:follow:stored", "staging:linli:lexicon-reload",
        "staging:linli:", "staging:linli:rl:", "staging:linli:lease:detection"]
