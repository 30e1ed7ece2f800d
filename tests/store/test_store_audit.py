"""The Store contract for the audit log and community configuration, on every backend."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chat.models import AuditEntry, CommunityConfig
from tests.support.records import T0, at
from web.stores import Store


async def test_audit_log_filters_newest_first(store: Store) -> None:
    def entry(n: int, **fields: Any) -> AuditEntry:
        values: dict[str, Any] = {"id": f"a{n}", "community_id": "c1", "actor_id": "w1",
                                  "action": "message.delete", "target_type": "message",
                                  "target_id": f"m{n}", "reason": "广告",
                                  "details": {"room_id": "r1"}, "at": at(n)}
        return AuditEntry(**(values | fields))

    for e in (entry(1), entry(2, action="member.mute", target_type="user", target_id="u9"),
              entry(3, community_id="c2"), entry(4, actor_id="w2")):
        await store.add_audit(e)
    assert [e.id for e in await store.list_audit(community_id="c1")] == ["a4", "a2", "a1"]
    assert [e.id for e in await store.list_audit(community_id=None, limit=2)] == ["a4", "a3"]
    assert [e.id for e in await store.list_audit(community_id="c1", action="member.mute")] \
        == ["a2"]
    assert [e.id for e in await store.list_audit(community_id="c1", actor_id="w2")] == ["a4"]
    assert [e.id for e in await store.list_audit(community_id="c1", target_id="m1")] == ["a1"]
    assert [e.id for e in await store.list_audit(community_id="c1", before=at(2))] == ["a1"]
    assert (await store.list_audit(community_id="c1", target_id="m1"))[0].details == \
        {"room_id": "r1"}


async def test_audit_log_pages_through_entries_of_the_same_millisecond(store: Store) -> None:
    """A sweep records many entries at one moment; a (before, before_id) cursor must neither
    skip nor repeat them at a page boundary."""
    def entry(entry_id: str, moment: datetime, community_id: str = "c1") -> AuditEntry:
        return AuditEntry(id=entry_id, community_id=community_id, actor_id="system",
                          action="ticket.escalate", target_type="ticket",
                          target_id=f"t-{entry_id}", at=moment)

    burst = at(5) + timedelta(microseconds=250)  # sub-millisecond part: stored to the ms
    recorded = [entry(f"s{n}", burst) for n in (4, 1, 7, 3, 6, 2, 5)]
    recorded += [entry("e1", at(4)), entry("e2", at(6)), entry("e0", at(5) - timedelta(
        milliseconds=1)), entry("s35", burst, community_id="c2")]
    for e in recorded:
        await store.add_audit(e)
    mine = [e for e in recorded if e.community_id == "c1"]
    expected = [e.id for e in sorted(mine, key=lambda e: (ms_of(e.at), e.id), reverse=True)]
    assert expected[:3] == ["e2", "s7", "s6"] and expected[-2:] == ["e0", "e1"]

    seen: list[str] = []
    page = await store.list_audit(community_id="c1", limit=3)
    while True:
        seen += [e.id for e in page]
        if len(page) < 3:
            break
        last = page[-1]
        page = await store.list_audit(community_id="c1", before=last.at, before_id=last.id,
                                      limit=3)
    assert seen == expected
    # the cursor also works from a cut with microseconds (as a caller's clock may give)
    assert [e.id for e in await store.list_audit(
        community_id="c1", before=burst, before_id="s3", limit=4)] == ["s2", "s1", "e0", "e1"]
    # without before_id, `before` stays strict: nothing of that millisecond
    assert [e.id for e in await store.list_audit(community_id="c1", before=burst)] \
        == ["e0", "e1"]


def ms_of(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


async def test_community_config_round_trip(store: Store) -> None:
    assert await store.get_community_config("c1") is None
    config = CommunityConfig(community_id="c1", blocked_words=("赌博", "代开发票"),
                             updated_by="a1", updated_at=T0)
    await store.put_community_config(config)
    assert await store.get_community_config("c1") == config
    emptied = config.model_copy(update={"blocked_words": ()})
    await store.put_community_config(emptied)
    assert await store.get_community_config("c1") == emptied
