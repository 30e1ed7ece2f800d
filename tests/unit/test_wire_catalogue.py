"""The web client and the catalogue of server events (chat.wire_events) name the same events:
every event the client subscribes to (`on("…", …)` in web/static/js) is in the catalogue, and
every event of the catalogue has a listener in the client."""

from __future__ import annotations

import re
from pathlib import Path

from chat.wire_events import CATALOGUE, ServerEvent

JS = Path(__file__).resolve().parents[2] / "web" / "static" / "js"
LISTENER = re.compile(r"""\bon\(\s*["']([^"']+)["']""")
# Socket.IO's own connection events (and the socket module's re-dispatch of "connect").
CONNECTION_EVENTS = {"connect", "connect_error", "disconnect"}


def client_listens_to() -> dict[str, str]:
    """event → the first file that subscribes to it."""
    found: dict[str, str] = {}
    for path in sorted(JS.rglob("*.js")):
        for event in LISTENER.findall(path.read_text(encoding="utf-8")):
            found.setdefault(event, str(path.relative_to(JS)))
    return found


def test_the_client_listens_to_the_catalogue_and_nothing_else() -> None:
    listened = client_listens_to()
    assert "message:new" in listened and "ticket:updated" in listened  # the scan found them
    unknown = {e: f for e, f in listened.items() if e not in CATALOGUE | dict.fromkeys(
        CONNECTION_EVENTS)}
    assert not unknown, f"the web client listens to events the server never sends: {unknown}"
    unheard = sorted(set(CATALOGUE) - set(listened))
    assert not unheard, f"events of chat.wire_events no client code listens to: {unheard}"


def test_each_event_name_is_one_model() -> None:
    assert all(issubclass(model, ServerEvent) and model.name == name
               for name, model in CATALOGUE.items())
    assert len({model.name for model in CATALOGUE.values()}) == len(CATALOGUE)
