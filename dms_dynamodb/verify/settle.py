"""``verify --settle SECONDS``: tell a change in flight from a real difference on a live source.

DMS's own validation (which does not cover DynamoDB targets, CHAP_Validating) re-validates a failed
record after a delay (``RecordFailureDelayInMinutes``: at least the CDC latency) and reports records
it could not compare because they keep changing (``ValidationSuspended``). The same here: every
difference is read again on both sides (the source row and the target item, not the first snapshot)
until it has stayed the same for ``SECONDS``:
- a difference that resolves was a change in flight: counted and listed apart (``IN_FLIGHT``);
- one that stays the same for ``SECONDS`` is a finding, with the values of its last read;
- one still changing when the window ends (three times ``SECONDS``) is ``NOT_COMPARABLE``: a
  finding that says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dms_dynamodb.verify.recheck import KeyReader, SourceRef, finding
from mappings.items import Item, canonical

IN_FLIGHT, NOT_COMPARABLE = "IN_FLIGHT", "NOT_COMPARABLE"
#: The window: a key still changing after this many times SECONDS is not comparable.
WINDOW_FACTOR = 3


@dataclass
class Unsettled:
    """A difference being re-read: the record first found, the rows that can produce its key."""

    record: dict[str, Any]
    key: str
    refs: list[SourceRef]
    state: tuple[str | None, str | None] | None = None
    stable_since: float = 0.0
    changes: int = 0
    last: dict[str, Any] | None = field(default=None)
    #: Why no source row can be named for the key, when ``refs`` is empty and the reader knows more.
    unnamed: str = ""


def unsettled(
    reader: KeyReader, record: dict[str, Any], key: str, refs: list[SourceRef], item: Item | None
) -> Unsettled:
    """A finding to re-read: an item no source row maps to (``item``, MISSING_SOURCE) names its rows from its own
    attributes and key templates, and says why when it names none; any other finding keeps the rows it came from.

    One place for every engine, so the live, export and Spark verifies settle a finding the same way.
    """
    if item is None:
        return Unsettled(record, key, refs)
    named = reader.refs_from_item(record["table"], item)
    if named:
        return Unsettled(record, key, named)
    return Unsettled(record, key, named, unnamed=reader.why_unnamed(record["table"], item))


def _state(expected: Item | None, actual: Item | None) -> tuple[str | None, str | None]:
    return (None if expected is None else canonical(expected), None if actual is None else canonical(actual))


def settle(
    reader: KeyReader,
    differences: list[Unsettled],
    seconds: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> list[dict[str, Any]]:
    """Re-read every difference until it resolves, persists ``seconds``, or the window ends; the records."""
    started = clock()
    deadline = started + WINDOW_FACTOR * seconds
    interval = min(1.0, max(0.05, seconds / 10))
    settled: list[dict[str, Any]] = []
    pending = list(differences)
    while pending:
        now = clock()
        by_table: dict[str, list[Unsettled]] = {}
        for entry in pending:
            by_table.setdefault(entry.record["table"], []).append(entry)
        still: list[Unsettled] = []
        for table, entries in by_table.items():
            actual = reader.actual(table, [_key_of(e) for e in entries])
            names = reader.key_names[table]
            for entry in entries:
                expected = reader.expected(entry.key, entry.refs)
                held = actual.get(entry.key)
                state = _state(expected, held)
                current = finding(table, names, expected, held)
                if not entry.refs:  # no source row to read again (no primary key): a change in flight cannot be told
                    settled.append(
                        {
                            "type": NOT_COMPARABLE,
                            "table": table,
                            "key": entry.record["key"],
                            "was": entry.record["type"],
                            "why": "no source row can be read again for this key ("
                            + (entry.unnamed or "its table has no primary key, or the item does not name one")
                            + "): whether it is a change in flight cannot be told",
                        }
                    )
                    continue
                if current is None:
                    settled.append(
                        {
                            "type": IN_FLIGHT,
                            "table": table,
                            "key": entry.record["key"],
                            "was": entry.record["type"],
                            "resolved_after_seconds": round(now - started, 1),
                        }
                    )
                    continue
                if state != entry.state:
                    entry.changes += 0 if entry.state is None else 1
                    entry.state, entry.stable_since = state, now
                entry.last = {**current, **{k: v for k, v in entry.record.items() if k == "source_table"}}
                if now - entry.stable_since >= seconds:
                    settled.append({**entry.last, "settled_seconds": seconds})
                elif now >= deadline:
                    settled.append(
                        {
                            "type": NOT_COMPARABLE,
                            "table": table,
                            "key": entry.record["key"],
                            "was": current["type"],
                            "why": f"the key changed {entry.changes} times in {now - started:.0f} s and never stayed "
                            f"the same for {seconds:g} s: it cannot be compared while it keeps changing (DMS "
                            "validation would suspend it: ValidationSuspended)",
                        }
                    )
                else:
                    still.append(entry)
        pending = still
        if pending:
            sleep(interval)
    return settled


def _key_of(entry: Unsettled) -> dict[str, Any]:
    return dict(entry.record["key"])
