"""Transaction structure as the follower needs it: savepoints, and XA transactions held until they commit.

An XA transaction's rows come before its ``XA PREPARE``; whether they happened is known only at
``XA COMMIT`` (apply them) or ``XA ROLLBACK`` (discard them), maybe much later in the binlog, with
other transactions in between. So they are held here, and the checkpoint never moves past the
start of a prepared transaction not yet resolved: a follower that stops re-reads it. A savepoint is
not a boundary. A ``ROLLBACK TO SAVEPOINT`` (or ``ROLLBACK``) is in the binlog only when the
transaction also changed a non-transactional table, whose rows the server could not take back; if
the follower applied rows of a migrated table since that savepoint it cannot tell which of them
happened, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dms_dynamodb.cdc.checkpoint import Checkpoint

#: One row change: kind (insert / update / delete), schema, table, before-image, after-image.
Change = tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]
Xid = tuple[bytes, bytes, int]


def xid_text(xid: Xid) -> str:
    gtrid, bqual, form = xid
    return f"X'{gtrid.hex()}',X'{bqual.hex()}',{form}"


@dataclass
class Prepared:
    changes: list[Change]
    #: The boundary before the transaction started: the checkpoint never moves past it until it is resolved.
    held_at: Checkpoint


class RolledBackRows(Exception):
    """Rows the follower applied were rolled back by a savepoint or a rollback it cannot undo."""


class UnknownXa(Exception):
    """An ``XA COMMIT`` of a transaction whose rows came before the follower's start position."""


@dataclass
class OpenTransactions:
    """The open transaction's applied-change count and savepoints; the open XA's changes; prepared XAs."""

    applied: int = 0
    savepoints: dict[str, int] = field(default_factory=dict)
    xa: list[Change] | None = None
    prepared: dict[Xid, Prepared] = field(default_factory=dict)

    @property
    def holding(self) -> bool:
        """Whether row changes are held (inside an XA transaction) rather than applied as read."""
        return self.xa is not None

    def start_xa(self) -> None:
        self.xa = []

    def hold(self, change: Change) -> None:
        assert self.xa is not None
        self.xa.append(change)

    def counted(self) -> None:
        self.applied += 1

    def savepoint(self, name: str) -> None:
        self.savepoints[name.lower()] = len(self.xa) if self.xa is not None else self.applied

    def rollback_to(self, name: str) -> None:
        """Discard held changes since the savepoint; applied ones cannot be: :class:`RolledBackRows`."""
        mark = self.savepoints.get(name.lower())
        if mark is None:
            raise RolledBackRows(f"ROLLBACK TO SAVEPOINT {name} names a savepoint the follower did not read")
        if self.xa is not None:
            del self.xa[mark:]
        elif self.applied > mark:
            raise RolledBackRows(
                f"{self.applied - mark} row changes of migrated tables since SAVEPOINT {name} were applied; the "
                "source rolled back those of transactional tables"
            )

    def rollback(self) -> None:
        if self.xa is None and self.applied:
            raise RolledBackRows(
                f"{self.applied} row changes of migrated tables in the rolled-back transaction were applied"
            )
        self.end()

    def end(self) -> list[Change]:
        """The transaction ends (committed): what it held, to apply now."""
        held = self.xa or []
        self.applied, self.savepoints, self.xa = 0, {}, None
        return held

    def prepare(self, xid: Xid, held_at: Checkpoint) -> None:
        self.prepared[xid] = Prepared(self.xa or [], held_at)
        self.applied, self.savepoints, self.xa = 0, {}, None

    def commit_prepared(self, xid: Xid) -> list[Change]:
        found = self.prepared.pop(xid, None)
        if found is None:
            raise UnknownXa(f"XA COMMIT {xid_text(xid)}: its XA PREPARE (and its rows) came before the start position")
        return found.changes

    def rollback_prepared(self, xid: Xid) -> None:
        self.prepared.pop(xid, None)  # one prepared before the start position: nothing of it was applied

    def held_at(self) -> Checkpoint | None:
        """The earliest start of a prepared transaction not resolved yet (the checkpoint stays at or before it)."""
        starts = [p.held_at for p in self.prepared.values()]
        return min(starts, key=lambda c: c.order) if starts else None
