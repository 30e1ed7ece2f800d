"""Every Redis key prefix and channel name of one deployment, in one place.

Deployments sharing a Redis server are kept apart by a namespace put before each name:
database numbers cannot do it, as Pub/Sub channels are global across them. The empty
namespace gives the names linli has always used, unchanged."""

from __future__ import annotations

from dataclasses import dataclass

from config.settings import check_redis_namespace


@dataclass(frozen=True)
class RedisNames:
    namespace: str = ""

    def __post_init__(self) -> None:
        check_redis_namespace(self.namespace)

    def _named(self, name: str) -> str:
        return f"{self.namespace}:{name}" if self.namespace else name

    @property
    def socketio_channel(self) -> str:
        """python-socketio's manager channel, which the external emitter publishes on too."""
        return self._named("socketio")

    @property
    def follow_channel(self) -> str:
        return self._named("linli:follow:stored")

    @property
    def lexicon_reload_channel(self) -> str:
        return self._named("linli:lexicon-reload")

    @property
    def registry_prefix(self) -> str:
        """Sockets per user and process heartbeats."""
        return self._named("linli:")

    @property
    def rate_limit_prefix(self) -> str:
        return self._named("linli:rl:")

    def lease(self, consumer: str) -> str:
        return self._named(f"linli:lease:{consumer}")
