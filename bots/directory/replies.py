"""What directory intents answer with beside the entries themselves: small frozen results the
edge turns into wire form (`bots/directory/wire.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from bots.directory.csv_rows import Rejection
from bots.directory.models import DirectoryEntry
from bots.directory.search import Match


@dataclass(frozen=True, slots=True)
class Listing:
    """A community's entries: all of them by category, or the best answers to a question
    (each with its score), best first."""

    community_id: str
    entries: tuple[DirectoryEntry | Match, ...]


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Entries created and updated by name from a CSV file, and the rows it rejected."""

    community_id: str
    created: int
    updated: int
    rejected: tuple[Rejection, ...]
