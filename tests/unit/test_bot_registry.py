"""Where bots are on, and how they are told apart (pure parts of bots.registry)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import pytest

from bots.base import Bot
from bots.registry import BotRegistry


class Alpha(Bot):
    name = "alpha"
    display_name = "甲"
    commands: ClassVar[Mapping[str, str]] = {"甲": "帮助甲"}


class Beta(Bot):
    name = "beta"
    display_name = "乙"
    commands: ClassVar[Mapping[str, str]] = {"乙": "帮助乙"}


class Gamma(Bot):
    name = "gamma"
    display_name = "丙"


def test_builtins_everywhere_third_party_where_enabled() -> None:
    registry = BotRegistry([Alpha()], [Beta(), Gamma()], {"c1": ["beta"], "*": ["gamma"]})
    alpha, beta, gamma = registry.bots
    assert registry.communities(alpha) is None and registry.communities(gamma) is None
    assert registry.communities(beta) == frozenset({"c1"})
    assert registry.is_enabled(beta, "c1") and not registry.is_enabled(beta, "c2")
    assert registry.commands("c1") == {"/甲": "帮助甲", "/乙": "帮助乙"}
    assert registry.commands("c2") == {"/甲": "帮助甲"}


def test_third_party_bots_are_off_unless_enabled() -> None:
    registry = BotRegistry([], [Beta()], {})
    assert not registry.is_enabled(registry.bots[0], "c1")


def test_names_are_unique() -> None:
    with pytest.raises(ValueError, match="share a name"):
        BotRegistry([Alpha()], [Alpha()], {})
