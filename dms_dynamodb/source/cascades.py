"""Foreign keys whose referential action changes child rows behind the binlog's back.

MySQL's row binlog holds the statement's own row changes only: rows an ``ON DELETE CASCADE``,
``ON UPDATE CASCADE`` or ``SET NULL`` action changes in a child table are not in it (the MySQL
manual, "FOREIGN KEY Constraints": "Cascaded foreign key actions do not activate triggers" and are
not binlogged as rows; the DMS guide, "Limitations on using a MySQL database as a source":
"changes resulting from cascade constraints ... are not captured"). The follower, ``verify --since``
and ``preflight`` read them here to say so instead of passing over the missing changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: The referential actions that change child rows (RESTRICT / NO ACTION only refuse the parent's change).
CHANGING = ("CASCADE", "SET NULL", "SET DEFAULT")


@dataclass(frozen=True)
class Cascade:
    """One constraint: ``child``'s ``columns`` refer to ``parent``'s ``referenced``; its actions."""

    name: str
    child: tuple[str, str]
    columns: tuple[str, ...]
    parent: tuple[str, str]
    referenced: tuple[str, ...]
    on_delete: str
    on_update: str

    def acts_on(self, kind: str) -> bool:
        """Whether a parent ``delete`` or ``update`` makes this constraint change child rows."""
        return (self.on_delete if kind == "delete" else self.on_update) in CHANGING

    def describe(self, kind: str) -> str:
        action = self.on_delete if kind == "delete" else self.on_update
        return (
            f"constraint {self.name} (ON {kind.upper()} {action}) of child table {'.'.join(self.child)} "
            f"({', '.join(self.columns)} -> {'.'.join(self.parent)}.{', '.join(self.referenced)})"
        )


def read_cascades(connection: Any, schemas: Sequence[str]) -> list[Cascade]:
    """Every foreign key of ``schemas``' tables with a CASCADE / SET NULL / SET DEFAULT action."""
    if not schemas:
        return []
    marks = ", ".join(["%s"] * len(schemas))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.CONSTRAINT_SCHEMA, r.CONSTRAINT_NAME, r.TABLE_NAME, r.DELETE_RULE, r.UPDATE_RULE, "
            "k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME "
            "FROM information_schema.REFERENTIAL_CONSTRAINTS r JOIN information_schema.KEY_COLUMN_USAGE k "
            "ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME "
            "AND k.TABLE_NAME = r.TABLE_NAME "
            f"WHERE r.CONSTRAINT_SCHEMA IN ({marks}) ORDER BY r.CONSTRAINT_SCHEMA, r.CONSTRAINT_NAME, "
            "k.ORDINAL_POSITION",
            tuple(schemas),
        )
        rows = cursor.fetchall()
    grouped: dict[tuple[str, str, str], list[Any]] = {}
    for row in rows:
        grouped.setdefault((str(row[0]), str(row[1]), str(row[2])), []).append(row)
    found = []
    for (schema, name, table), parts in grouped.items():
        first = parts[0]
        cascade = Cascade(
            name,
            (schema, table),
            tuple(str(p[5]) for p in parts),
            (str(first[6]), str(first[7])),
            tuple(str(p[8]) for p in parts),
            str(first[3]).upper(),
            str(first[4]).upper(),
        )
        if cascade.acts_on("delete") or cascade.acts_on("update"):
            found.append(cascade)
    return found


@dataclass(frozen=True)
class Chain:
    """Constraints through which one table's change reaches a migrated table, any number of hops down.

    A child row a cascade deletes deletes its own children in turn; one it updates (CASCADE of a key,
    SET NULL, SET DEFAULT) is an update of the next constraint's referenced columns. None of it is binlogged.
    """

    links: tuple[Cascade, ...]
    #: The kind of change each link acts on ("delete" or "update"), the first being the binlogged one.
    kinds: tuple[str, ...]

    @property
    def child(self) -> tuple[str, str]:
        return self.links[-1].child

    @property
    def parent(self) -> tuple[str, str]:
        return self.links[0].parent

    @property
    def referenced(self) -> tuple[str, ...]:
        return self.links[0].referenced

    @property
    def columns(self) -> tuple[str, ...]:
        return self.links[-1].columns

    @property
    def name(self) -> str:
        return " -> ".join(link.name for link in self.links)

    @property
    def on_update(self) -> str:
        """The action of a one-hop chain; a longer one is never found by key (its rows are not named)."""
        return self.links[0].on_update if len(self.links) == 1 else "CHAIN"

    def describe(self, kind: str) -> str:
        if len(self.links) == 1:
            return self.links[0].describe(kind)
        hops = " then ".join(link.describe(k) for link, k in zip(self.links, self.kinds, strict=True))
        return f"the cascade chain of {len(self.links)} constraints {hops}"


def chains(
    cascades: Iterable[Cascade], migrated: Iterable[tuple[str, str]]
) -> dict[tuple[tuple[str, str], str], tuple[Chain, ...]]:
    """For each (table, "delete" / "update"): the chains through which such a change reaches a migrated table."""
    wanted = set(migrated)
    by_parent: dict[tuple[str, str], list[Cascade]] = {}
    for cascade in cascades:
        by_parent.setdefault(cascade.parent, []).append(cascade)
    found: dict[tuple[tuple[str, str], str], tuple[Chain, ...]] = {}
    for parent in by_parent:
        for kind in ("delete", "update"):
            reached: list[Chain] = []
            _walk(by_parent, wanted, parent, kind, None, (), (), {parent}, reached)
            if reached:
                found[(parent, kind)] = tuple(reached)
    return found


def _walk(
    by_parent: dict[tuple[str, str], list[Cascade]],
    wanted: set[tuple[str, str]],
    table: tuple[str, str],
    kind: str,
    changed: tuple[str, ...] | None,
    links: tuple[Cascade, ...],
    kinds: tuple[str, ...],
    seen: set[tuple[str, str]],
    reached: list[Chain],
) -> None:
    """Depth first from ``table``; ``changed`` names the columns an update changed (None: any)."""
    for cascade in by_parent.get(table, ()):
        if not cascade.acts_on(kind):
            continue
        if changed is not None and not {c.lower() for c in cascade.referenced} & {c.lower() for c in changed}:
            continue
        path, path_kinds = (*links, cascade), (*kinds, kind)
        if cascade.child in wanted:
            reached.append(Chain(path, path_kinds))
        if cascade.child in seen:
            continue
        action = cascade.on_delete if kind == "delete" else cascade.on_update
        if kind == "delete" and action == "CASCADE":
            nxt, cols = "delete", None
        else:
            nxt, cols = "update", cascade.columns
        _walk(by_parent, wanted, cascade.child, nxt, cols, path, path_kinds, seen | {cascade.child}, reached)


def into(cascades: Iterable[Cascade], children: Iterable[tuple[str, str]]) -> list[Cascade]:
    """The constraints whose child is one of ``children`` (the migrated tables)."""
    wanted = set(children)
    return [c for c in cascades if c.child in wanted]
