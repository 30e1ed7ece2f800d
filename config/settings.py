"""One Settings object, built once by the entry point and handed to the app factory."""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    IPvAnyNetwork,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE = "secret.key"
MIN_SECRET_CHARS = 32
SAMPLE_SECRET = "replace-with-the-output-of-token_urlsafe-48"  # deploy/systemd/linli.env
REDIS_NAMESPACE = re.compile(r"[a-z0-9_-]{1,32}")
# How soon a report needs handling; the ticket machine and the detector use this one type.
Urgency = Literal["low", "normal", "urgent"]
DEFAULT_SLA_HOURS: dict[Urgency, float] = {"urgent": 2.0, "normal": 24.0, "low": 72.0}


class Settings(BaseSettings):
    """Every knob linli has. Environment variables use the `LINLI_` prefix."""

    model_config = SettingsConfigDict(env_prefix="LINLI_", extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    data_dir: Path = Path("./data")
    mongodb_url: str | None = None
    mongodb_database: str = "linli"
    redis_url: str | None = None
    redis_namespace: str = Field(default="", description="prefix of every Redis key and "
                                 "channel of this deployment, so deployments sharing one Redis "
                                 "server stay apart; empty: no prefix")
    secret_key: SecretStr | None = None
    cors_origins: list[str] = Field(default_factory=list)
    public_url: str | None = None
    trusted_proxies: list[IPvAnyNetwork] = Field(default_factory=list, description="addresses "
                                                 "or networks of the reverse proxies in front; "
                                                 "only a request from one of them has its "
                                                 "client read from X-Forwarded-For (for log-in "
                                                 "and registration limits). Empty: the peer "
                                                 "address is the client")

    max_text_chars: int = Field(default=2000, ge=1)
    max_payload_bytes: int = Field(default=64 * 1024, ge=1024)
    history_page_max: int = Field(default=100, ge=1)
    sync_page_max: int = Field(default=500, ge=1)
    edit_window_seconds: int = Field(default=15 * 60, ge=0)
    session_ttl_days: int = Field(default=30, ge=1)

    send_rate_per_second: float = Field(default=1.0, gt=0)
    send_burst: int = Field(default=20, ge=1)
    typing_rate_per_second: float = Field(default=0.5, gt=0)
    typing_burst: int = Field(default=3, ge=1)
    presence_flush_seconds: float = Field(default=1.0, gt=0)
    login_failures_per_phone: int = Field(default=5, ge=1, description="failed log-ins one "
                                          "phone number may have from one address, forgiven "
                                          "at this many per minute")
    login_failures_per_address: int = Field(default=20, ge=1, description="failed log-ins "
                                            "from one address (IPv6: its /64) across phone "
                                            "numbers, forgiven at this many per 10 minutes")
    registrations_per_address: int = Field(default=10, ge=1, description="registrations "
                                           "from one address (IPv6: its /64) per hour")
    registrations_per_join_code: int = Field(default=30, ge=1, description="registrations "
                                             "with one join code per hour")

    blocked_words: list[str] = Field(default_factory=list)
    lexicon_path: Path | None = Field(default=None, description="detection lexicon (TOML); "
                                      "None = the packaged default")
    detection_enabled: bool = True
    sla_hours: dict[Urgency, float] = Field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))
    auto_close_days: float = Field(default=7.0, gt=0)
    duplicate_window_hours: float = Field(default=72.0, ge=0, description="a detected draft is "
                                          "marked a likely duplicate of a ticket this recent "
                                          "(same grid, category and place); 0 turns it off")
    sweep_seconds: float = Field(default=30.0, gt=0)
    # Chat and audit are kept until the operator says otherwise: an upgrade deletes nothing.
    retention_chat_days: int = Field(default=0, ge=0, description="delete chat messages "
                                     "older than this (a room's newest is kept); 0 keeps them")
    retention_drafts_days: int = Field(default=90, ge=0, description="delete detection drafts "
                                       "nobody confirmed, and dismissed ones, older than this; "
                                       "0 keeps them")
    retention_audit_days: int = Field(default=0, ge=0, description="delete audit entries "
                                      "older than this; 0 keeps them. Never shorter than chat")
    retention_webhook_log_days: int = Field(default=30, ge=0, description="delete webhook "
                                            "delivery records older than this; 0 keeps them")
    retention_sweep_seconds: float = Field(default=3600.0, gt=0, description="how often the "
                                           "retention deletes run")
    bots: dict[str, list[str]] = Field(default_factory=dict, description="community id (or "
                                       "'*') → third-party bots enabled there")
    hook_timeout_seconds: float = Field(default=10.0, gt=0)
    follow_lease_seconds: float = Field(default=15.0, gt=0, description="how long one process "
                                        "keeps running a message consumer (detection, bots, "
                                        "webhooks) without renewing its lease")
    follow_sweep_seconds: float = Field(default=30.0, gt=0, description="how often the process "
                                        "running a consumer looks for messages no live event "
                                        "brought it")
    follow_delay_seconds: float = Field(default=0.0, ge=0, description="TEST-ONLY: wait this "
                                        "long before live events start follow-on work, so a "
                                        "test can kill the server first; keep 0 in production")

    sqlite_synchronous: str = Field(default="FULL", pattern="^(FULL|NORMAL)$")
    demo_password: SecretStr | None = None
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = Field(default="text", description="json: one JSON "
                                                "object per log line (time, level, logger, "
                                                "message, request_id, user_id, room, event)")
    metrics_token: SecretStr | None = Field(default=None, description="serve Prometheus "
                                            "metrics at /metrics to requests with "
                                            "`Authorization: Bearer <token>`; unset: /metrics "
                                            "is off (404)")
    webhook_private_targets: bool = Field(default=False, description="allow webhooks to "
                                          "loopback and private addresses")
    bot_rate_per_second: float = Field(default=1.0, gt=0, description="bot API calls per second "
                                       "and bot, sustained")
    bot_burst: int = Field(default=20, ge=1, description="bot API calls a bot may make at once")

    @field_validator("sla_hours")
    @classmethod
    def _every_urgency_has_hours(cls, value: dict[Urgency, float]) -> dict[Urgency, float]:
        merged = {**DEFAULT_SLA_HOURS, **value}
        if any(hours <= 0 for hours in merged.values()):
            raise ValueError("SLA hours must be positive")
        return merged

    @field_validator("secret_key")
    @classmethod
    def _long_secret(cls, key: SecretStr | None) -> SecretStr | None:
        value = key.get_secret_value().strip() if key is not None else None
        if value is not None and (len(value) < MIN_SECRET_CHARS or value == SAMPLE_SECRET):
            raise ValueError(
                f"LINLI_SECRET_KEY must be a random string of at least {MIN_SECRET_CHARS} "
                "characters, the same in every process (python3 -c 'import secrets; "
                "print(secrets.token_urlsafe(48))') / LINLI_SECRET_KEY 须为至少 "
                f"{MIN_SECRET_CHARS} 个字符的随机串，各进程相同")
        return key

    @field_validator("redis_namespace")
    @classmethod
    def _plain_namespace(cls, namespace: str) -> str:
        return check_redis_namespace(namespace)

    @model_validator(mode="after")
    def _audit_outlives_chat(self) -> Settings:
        chat, audit = self.retention_chat_days, self.retention_audit_days
        if audit and (chat == 0 or audit < chat):
            raise ValueError("retention_audit_days must be 0 or at least retention_chat_days: "
                             "the audit of a message outlives the message / "
                             "操作日志的保留天数须为 0（永久）或不少于聊天记录的保留天数")
        return self

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "linli.sqlite3"

    def secret(self) -> bytes:
        """The server secret; `load_settings` guarantees it is set."""
        if self.secret_key is None:
            raise RuntimeError("secret key not loaded; build Settings with load_settings()")
        return self.secret_key.get_secret_value().encode()


def check_redis_namespace(namespace: str) -> str:
    """`namespace` if it is empty or a plain name; also used by bots/emitter.py."""
    if namespace and not REDIS_NAMESPACE.fullmatch(namespace):
        raise ValueError("LINLI_REDIS_NAMESPACE must be 1 to 32 characters of a-z, 0-9, _ and "
                         "-, or empty for none / LINLI_REDIS_NAMESPACE 须为 1 至 32 个小写字母、"
                         "数字、_ 或 -，不设则留空")
    return namespace


class SettingsError(ValueError):
    """Settings linli cannot run with, told the operator: which setting and why, never its
    value (it may be the secret key)."""


def _problems(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        name = "LINLI_" + "_".join(str(p) for p in error["loc"]).upper() if error["loc"] \
            else "settings"
        why = "no such setting / 没有这个设置" if error["type"] == "extra_forbidden" \
            else error["msg"].removeprefix("Value error, ")
        lines.append(f"  {name}: {why}")
    return "\n".join(lines)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SettingsError(f"cannot read the config file {path}: {reason} / "
                            f"无法读取配置文件，请检查路径和 TOML 格式") from None
    section = data.get("linli", data)
    if not isinstance(section, dict):
        raise SettingsError(f"{path}: expected a [linli] table / 配置文件须有 [linli] 表")
    return section


def _ensure_secret(data_dir: Path) -> str:
    """Read the secret from the data dir, creating it (mode 0600; the dir 0700) on first run."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    if not path.exists():
        # Written whole under another name, then linked: a process starting at the same
        # moment sees either no file or the whole key, never an empty one.
        fd, draft = tempfile.mkstemp(dir=data_dir, prefix=".secret-")
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48) + "\n")
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: theirs is the key
        finally:
            os.unlink(draft)
    return path.read_text().strip()


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Environment wins over the TOML file; explicit overrides win over both. SettingsError
    names every setting that cannot be used."""
    file_values: dict[str, Any] = {}
    path = config_file or (Path(p) if (p := os.environ.get("LINLI_CONFIG")) else None)
    if path is not None:
        file_values = _read_toml(path)
    try:
        env_values = Settings().model_dump(exclude_unset=True)
        settings = Settings.model_validate({**file_values, **env_values, **overrides})
    except ValidationError as exc:
        raise SettingsError("设置有误 / invalid settings (environment variables, or the same "
                            "names in lower case in the config file):\n"
                            + _problems(exc)) from None
    if settings.secret_key is None:
        key = _ensure_secret(settings.data_dir)
        settings = settings.model_copy(update={"secret_key": SecretStr(key)})
    return settings
