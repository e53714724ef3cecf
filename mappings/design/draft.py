"""A first single-table design drafted from a source schema's keys: the article's method as rules (pure).

The article: "the primary keys use the form ENTITY_TYPE#<id>. Querying for a film returns the film's
metadata and its associated actors and categories". So, for each table, the first rule that applies:

1. a view is not migrated; a table without a primary key is excluded (DMS's CDC needs one to apply
   updates and deletes, and nothing makes its items distinct);
2. a primary key that is exactly two foreign keys is an **adjacency list**: in the collection of the
   parent the table's name names first (``film_actor`` -> film), sort key the other parent's key,
   and GSI1 the other way round (the first declared foreign key decides when the name names neither);
3. a table that holds a collection (a **head**: a child or a link table lives in it) keeps its own
   partition, so one query reads it with its children (``FILM#1``: the film's ``#METADATA`` and its actors);
4. a table whose first declared NOT NULL foreign key names a parent's primary key is a **child**: in
   that parent's collection, pk the parent's key, sk ``TABLE#`` and the rest of its own primary key.
   Decided children first: in country <- city <- address, address is city's child, so city is a head;
5. any other table is its own partition ``TABLE#${pk}`` with the item ``#METADATA``.

Keys join a composite primary key's columns in key order with ``#`` (``ORDER_LINE#${order_id}#${line_no}``);
``TABLE`` is the table's name in upper case. Every further NOT NULL foreign key of an entity becomes a
GSI: its first in GSI1 (``gsi1pk`` the parent's key, ``gsi1sk`` the entity's own), its second in GSI2,
and so on, the indexes shared by all entities as the article's GSI1 is, at most 20 (DynamoDB's limit).
Every choice comes with the reason for it (``DraftEntity.notes``) and the access patterns it serves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from mappings.design.draft_columns import is_secret, series_split, templatable, time_column, untemplatable
from mappings.design.draft_keys import labels, placeholders_of, position, templates, unkeyable
from mappings.design.table_design import (
    METADATA,
    AccessPattern,
    Entity,
    GlobalSecondaryIndex,
    KeyAttribute,
    TableDesign,
)
from mappings.dynamodb_limits import MAX_GSIS
from mappings.schema import SourceSchema, Table


class DraftError(ValueError):
    """The draft cannot be made as asked (an unknown table, a view asked for): the message says why."""


class Placement(StrEnum):
    """Where an entity's items live."""

    OWN = "own partition"
    HEAD = "own partition, head of a collection"
    CHILD = "in its parent's collection"
    ADJACENCY = "adjacency list"
    SERIES = "own partition per parent key, sorted by time"


@dataclass(frozen=True, slots=True)
class Relation:
    """A NOT NULL foreign key to a parent's primary key; ``columns`` in the order of the parent's key."""

    parent: str
    columns: tuple[str, ...]

    def describe(self) -> str:
        return f"{', '.join(self.columns)} -> {self.parent}"


@dataclass(frozen=True, slots=True)
class DraftEntity:
    """One table's entity, how it is placed, and why (the generated code's comments)."""

    entity: Entity
    placement: Placement
    notes: tuple[str, ...]
    serves: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Excluded:
    table: str
    reason: str


@dataclass(frozen=True, slots=True)
class DesignDraft:
    """Everything ``init`` writes about the design: entities, GSIs, patterns, and what is left out."""

    schema: str
    table_name: str
    entities: tuple[DraftEntity, ...]
    indexes: tuple[GlobalSecondaryIndex, ...]
    access_patterns: tuple[AccessPattern, ...]
    excluded: tuple[Excluded, ...]
    views: tuple[str, ...]
    not_selected: tuple[str, ...]

    @property
    def design(self) -> TableDesign:
        return TableDesign(
            table_name=self.table_name,
            indexes=self.indexes,
            entities=tuple(e.entity for e in self.entities),
            access_patterns=self.access_patterns,
        )


def index(number: int) -> GlobalSecondaryIndex:
    """GSI ``number`` in the Sakila design's style: ``GSI1`` keyed ``gsi1pk``/``gsi1sk``."""
    return GlobalSecondaryIndex(
        name=f"GSI{number}",
        partition_key=KeyAttribute(f"gsi{number}pk"),
        sort_key=KeyAttribute(f"gsi{number}sk"),
    )


def draft_design(schema: SourceSchema, *, table_name: str, tables: Sequence[str] | None = None) -> DesignDraft:
    """The draft for ``tables`` of ``schema`` (default: every base table), into DynamoDB table ``table_name``."""
    return _Drafter(schema, _chosen(schema, tables)).draft(table_name)


def _chosen(schema: SourceSchema, tables: Sequence[str] | None) -> list[Table]:
    base = [t for t in schema.tables.values() if not t.is_view]
    if tables is None:
        return base
    chosen: list[Table] = []
    for name in tables:
        table = schema.tables.get(name)
        if table is None:
            known = ", ".join(t.name for t in base) or "none"
            raise DraftError(f"schema {schema.name!r} has no table {name!r}; its tables: {known}")
        if table.is_view:
            raise DraftError(f"{name!r} is a view; views are not migrated (name its tables instead)")
        if table not in chosen:
            chosen.append(table)
    return chosen


class _Drafter:
    def __init__(self, schema: SourceSchema, tables: list[Table]) -> None:
        self.schema = schema
        self.labels = labels(schema)
        self.excluded = [Excluded(t.name, reason) for t in tables if (reason := unkeyable(t))]
        self.tables = [t for t in tables if not unkeyable(t)]
        self.names = {t.name for t in self.tables}
        self.relations: dict[str, list[Relation]] = {}
        self.skipped: dict[str, list[str]] = {}
        for table in self.tables:
            self.relations[table.name], self.skipped[table.name] = self._relations(table)
        self.links = {t.name: pair for t in self.tables if (pair := self._link(t))}
        self.collection = {t.name: parent for t in self.tables if (parent := self._collection_parent(t))}
        self.placed: dict[str, bool] = {}
        for table in self.tables:
            self._in_collection(table.name, set())
        self.children: dict[str, list[str]] = {}
        for table in self.tables:
            if self.placed.get(table.name, False):
                self.children.setdefault(self.collection[table.name].parent, []).append(table.name)
        self.patterns: list[AccessPattern] = []
        self.gsis = 0
        self.taken: set[tuple[str, str]] = set()
        #: (GSI number, partition-key label) -> the entity whose patterns own that prefix in that GSI.
        self.prefixes: dict[tuple[int, str], str] = {}

    # ------------------------------------------------------------------ schema facts

    def _relations(self, table: Table) -> tuple[list[Relation], list[str]]:
        relations, skipped = [], []
        for key in table.foreign_keys:
            what = f"foreign key {', '.join(key.columns)} -> {key.referenced_table}"
            parent = self.schema.tables.get(key.referenced_table)
            columns = [table.column(c) for c in key.columns]
            if bad := [c for c in key.columns if not templatable(c)]:
                skipped.append(f"{what}: {untemplatable(bad)}, so neither a collection nor a GSI key")
            elif any(c is None or c.nullable for c in columns):
                skipped.append(f"{what}: nullable, so neither a collection nor a GSI key (a NULL key fails the row)")
            elif parent is None or parent.is_view:
                skipped.append(f"{what}: {key.referenced_table} is not a table of this schema; not used")
            elif not parent.primary_key or set(key.referenced_columns) != set(parent.primary_key):
                skipped.append(f"{what}: refers to {', '.join(key.referenced_columns)}, not its primary key; not used")
            else:
                by_parent_key = dict(zip(key.referenced_columns, key.columns, strict=True))
                relations.append(Relation(parent.name, tuple(by_parent_key[c] for c in parent.primary_key)))
        return relations, skipped

    def _link(self, table: Table) -> tuple[Relation, Relation] | None:
        """The two foreign keys that make up the whole primary key, owner first; None for other tables."""
        inside = [r for r in self.relations[table.name] if set(r.columns) <= set(table.primary_key)]
        if len(inside) != 2 or table.name in (inside[0].parent, inside[1].parent):
            return None
        first, second = inside
        if set(first.columns) & set(second.columns) or set(first.columns) | set(second.columns) != set(
            table.primary_key
        ):
            return None
        ranked = sorted(inside, key=lambda r: (position(table.name, r.parent), inside.index(r)))
        return ranked[0], ranked[1]

    def _collection_parent(self, table: Table) -> Relation | None:
        if table.name in self.links:
            return self.links[table.name][0]
        return next((r for r in self.relations[table.name] if r.parent != table.name), None)

    def _in_collection(self, table: str, visiting: set[str]) -> bool:
        """Whether ``table`` lives in its parent's collection: it has a parent and holds no collection itself.

        Decided children first, so a chain country <- city <- address puts only address under its parent;
        a link table always sits in its owner's collection; a loop of parents keeps its tables on their own.
        """
        if table in self.placed:
            return self.placed[table]
        if table not in self.collection or table in visiting:
            return False
        visiting.add(table)
        under = [t for t, parent in self.collection.items() if parent.parent == table and t != table]
        holds = [t for t in under if self._in_collection(t, visiting)]
        self.placed[table] = table in self.links or not holds
        visiting.discard(table)
        return self.placed[table]

    # ------------------------------------------------------------------ keys

    def identity(self, table: str, columns: Sequence[str]) -> str:
        return f"{self.labels[table]}#{templates(columns)}"

    def example(self, table: str, columns: Sequence[str]) -> str:
        return f"{self.labels[table]}#{templates(columns, '<>')}"

    # ------------------------------------------------------------------ drafting

    def draft(self, table_name: str) -> DesignDraft:
        # Sort keys in one partition must differ: children keep their own label, and an adjacency list
        # whose other parent's label is taken there (a child of that name, another link) uses its own.
        self.taken = {(p, self.labels[c]) for p, cs in self.children.items() for c in cs if c not in self.links}
        entities = [self._entity(t) for t in self.tables]
        chosen = {t.name for t in self.tables} | {e.table for e in self.excluded}
        return DesignDraft(
            schema=self.schema.name,
            table_name=table_name,
            entities=tuple(entities),
            indexes=tuple(index(n) for n in range(1, self.gsis + 1)),
            access_patterns=tuple(self.patterns),
            excluded=tuple(self.excluded),
            views=tuple(t.name for t in self.schema.tables.values() if t.is_view),
            not_selected=tuple(n for n, t in self.schema.tables.items() if not t.is_view and n not in chosen),
        )

    def _heads_collection(self, table: str) -> bool:
        """Whether ``table`` is migrated at the head of a collection (its pattern reads its children)."""
        return table in self.names and table not in self.links and bool(self.children.get(table))

    def _head_pattern(self, table: str) -> str:
        return f"{table} with its {', '.join(self.children[table])} items"

    def _entity(self, table: Table) -> DraftEntity:
        relations = list(self.relations[table.name])
        if table.name in self.links:
            entity, notes, serves = self._adjacency(table, *self.links[table.name])
            placement, first_gsi = Placement.ADJACENCY, 2
            relations = [r for r in relations if r not in self.links[table.name]]
        elif (parent := self.collection.get(table.name)) is not None and self.placed.get(table.name, False):
            entity, notes, serves = self._child(table, parent)
            placement, first_gsi = Placement.CHILD, 1
            relations.remove(parent)
        elif not self.children.get(table.name) and (split := series_split(table)):
            entity, notes, serves = self._series(table, *split)
            placement, first_gsi = Placement.SERIES, 1
        else:
            entity, notes, serves = self._own(table, relations)
            placement, first_gsi = (Placement.HEAD if self.children.get(table.name) else Placement.OWN), 1
        index_keys = dict(entity.index_keys)
        own = self.identity(table.name, table.primary_key)
        number = first_gsi - 1
        for number, relation in enumerate(relations, start=first_gsi):
            if number > MAX_GSIS:
                notes.append(f"foreign key {relation.describe()}: not indexed, the table's {MAX_GSIS} GSIs are used.")
                continue
            label = self._prefix(number, self.labels[relation.parent], table.name, "_BY_")
            index_keys[f"gsi{number}pk"] = f"{label}#{templates(relation.columns)}"
            name, by = self._relation_name(table, relation)
            note = f"GSI{number}: the NOT NULL foreign key {relation.describe()} finds {table.name} by {by}"
            when = time_column(table, skip=relation.columns)
            if when:
                sort = [when, *(c for c in table.primary_key if c != when)]
                index_keys[f"gsi{number}sk"] = self.identity(table.name, sort)
                name, note = f"{name}, sorted by {when}", f"{note}, sorted by {when} (a date range is a between query)"
            else:
                index_keys[f"gsi{number}sk"] = own
            notes.append(f"{note}.")
            serves.append(self._index_pattern(name, number, relation.columns, label, self.labels[table.name]))
        notes.append(self._by_key(table, entity, index_keys, number + 1, serves))
        notes += [f"{s}." for s in self.skipped[table.name]]
        notes += [
            f"unique key ({', '.join(u)}): not indexed; add a GSI if {table.name} is looked up by it."
            for u in table.unique_keys
        ]
        keys = set(placeholders_of(entity.partition_key, entity.sort_key or "", *index_keys.values()))
        secrets = tuple(c.name for c in table.columns if is_secret(c.name) and c.name not in keys)
        if secrets:
            notes.append(
                f"{', '.join(secrets)}: the name says it holds a secret, so it is not copied (exclude-columns); "
                "remove it from exclude_columns only if the target may hold it."
            )
        entity = Entity(
            table=table.name,
            partition_key=entity.partition_key,
            sort_key=entity.sort_key,
            index_keys=index_keys,
            exclude_columns=secrets,
        )
        return DraftEntity(entity, placement, tuple(notes), tuple(serves))

    def _relation_name(self, table: Table, relation: Relation) -> tuple[str, str]:
        """The pattern's name, saying the direction: the foreign key's columns unless they are named as the
        parent's key (``flight by airport (from_code)``, ``city by country``)."""
        columns = ", ".join(relation.columns)
        if relation.parent == table.name:
            return f"{table.name} by {columns}", columns
        parent = self.schema.tables[relation.parent]
        if tuple(relation.columns) != tuple(parent.primary_key):
            return f"{table.name} by {relation.parent} ({columns})", f"{relation.parent} ({columns})"
        return f"{table.name} by {relation.parent}", relation.parent

    def _prefix(self, number: int, label: str, table: str, joint: str) -> str:
        """``label`` as GSI ``number``'s partition-key prefix unless another entity's patterns own it there: two
        entities under one prefix would share a partition, so the later one's is its own (``SCHEDULE_BY_AIRPORT``)."""
        owner = self.prefixes.setdefault((number, label), table)
        if owner == table:
            return label
        mine = f"{self.labels[table]}{joint}{label}" if joint else f"{self.labels[table]}_ITEM"
        self.prefixes[(number, mine)] = table
        return mine

    def _by_key(self, table: Table, entity: Entity, index_keys: dict[str, str], number: int, serves: list[str]) -> str:
        """How ``table`` is fetched by its primary key: the base table when its keys are made of exactly that key,
        else a GSI on it (its items sit under a parent's key or a time the key does not hold)."""
        key = ", ".join(table.primary_key)
        used = set(placeholders_of(entity.partition_key, entity.sort_key or ""))
        if used == set(table.primary_key):
            return f"Fetched by its primary key ({key}) on the table: pk and sk are made of exactly that key."
        if number > MAX_GSIS:
            return f"Not fetched by its primary key ({key}) without a Scan: the table's {MAX_GSIS} GSIs are used."
        label = self._prefix(number, self.labels[table.name], table.name, "")
        index_keys[f"gsi{number}pk"] = f"{label}#{templates(table.primary_key)}"
        index_keys[f"gsi{number}sk"] = METADATA
        name = f"{table.name} by {key}"
        serves.append(self._index_pattern(name, number, table.primary_key, label, None))
        return (
            f"GSI{number}: {table.name} by its primary key ({key}); its table keys also hold "
            f"{', '.join(sorted(used - set(table.primary_key)))}, so without it a fetch by key would be a Scan."
        )

    def _adjacency(self, table: Table, owner: Relation, other: Relation) -> tuple[Entity, list[str], list[str]]:
        partition = self.identity(owner.parent, owner.columns)
        label = self.labels[other.parent]
        sort = self.identity(other.parent, other.columns)
        if (owner.parent, label) in self.taken:
            label, sort = self.labels[table.name], self.identity(table.name, other.columns)
        self.taken.add((owner.parent, label))
        why = (
            f"{table.name!r} names {owner.parent} first"
            if position(table.name, owner.parent) <= len(table.name)
            else f"{table.name!r} names neither: the first declared"
        )
        notes = [
            f"{table.name}: its primary key is two foreign keys ({owner.describe()}; {other.describe()}): an "
            f"adjacency list in the collection of {owner.parent} ({why}), sort key {label}#{templates(other.columns, '<>')}; "
            f"GSI1 the other way round."
        ]
        serves = (
            [self._head_pattern(owner.parent)]
            if self._heads_collection(owner.parent)
            else [self._collection_pattern(table.name, owner, label)]
        )
        inverted = self._prefix(1, self.labels[other.parent], table.name, "_BY_")
        name = f"{table.name} by {other.parent}"
        serves.append(self._index_pattern(name, 1, other.columns, inverted, self.labels[owner.parent]))
        index_keys = {"gsi1pk": f"{inverted}#{templates(other.columns)}", "gsi1sk": partition}
        return Entity(table=table.name, partition_key=partition, sort_key=sort, index_keys=index_keys), notes, serves

    def _child(self, table: Table, parent: Relation) -> tuple[Entity, list[str], list[str]]:
        rest = [c for c in table.primary_key if c not in parent.columns] or list(table.primary_key)
        when = time_column(table, skip=parent.columns)
        sort = [when, *(c for c in rest if c != when)] if when else rest
        label = self.labels[table.name]
        notes = [
            f"{table.name}: in the item collection of {parent.parent} (its first NOT NULL foreign key, {parent.describe()}), "
            f"sort key {label}#{templates(sort, '<>')}."
        ]
        if when:
            notes.append(
                f"Sorted by {when} (then its key), so {table.name} of one {parent.parent} on a date range is one "
                f"query: between(sk, '{label}#<from>', '{label}#<to>') or begins_with(sk, '{label}#<year-month>')."
            )
        moving = [c for c in (*parent.columns, *([when] if when else [])) if c not in table.primary_key]
        if moving:
            notes.append(
                f"{', '.join(moving)} is not part of {table.name}'s primary key: an UPDATE of it changes the item's key, "
                f"which DMS cannot apply to DynamoDB; if it can change, give {table.name} its own partition."
            )
        # A parent not migrated here: its key still reads the collection, one query. Sorted by a time, the dated
        # pattern below is that query; else it gets its own name.
        if self._heads_collection(parent.parent):
            serves = [self._head_pattern(parent.parent)]
        else:
            serves = [] if when else [self._collection_pattern(table.name, parent, label)]
        if when:
            name = f"{table.name} of one {parent.parent} by {when}"
            self.patterns.append(
                AccessPattern(
                    name=name,
                    partition_key=self.example(parent.parent, parent.columns),
                    sort_key_condition=f"begins_with(sk, '{label}#')",
                )
            )
            serves.append(name)
        entity = Entity(
            table=table.name,
            partition_key=self.identity(parent.parent, parent.columns),
            sort_key=self.identity(table.name, sort),
        )
        return entity, notes, serves

    def _series(self, table: Table, parent: list[str], times: list[str]) -> tuple[Entity, list[str], list[str]]:
        """A primary key of a parent's key plus a time (readings, logs): one collection per parent, by time."""
        label, name = self.labels[table.name], f"{table.name} of one {', '.join(parent)} by {', '.join(times)}"
        notes = [
            f"{table.name}: its primary key is {', '.join(parent)} plus the time {', '.join(times)}, so its items are "
            f"one collection per {', '.join(parent)} ({self.example(table.name, parent)}), sorted by time "
            f"({label}#{templates(times, '<>')}): a time range is one between/begins_with query."
        ]
        self.patterns.append(
            AccessPattern(
                name=name,
                partition_key=self.example(table.name, parent),
                sort_key_condition=f"begins_with(sk, '{label}#')",
            )
        )
        entity = Entity(
            table=table.name,
            partition_key=self.identity(table.name, parent),
            sort_key=self.identity(table.name, times),
        )
        return entity, notes, [name]

    def _own(self, table: Table, relations: list[Relation]) -> tuple[Entity, list[str], list[str]]:
        name, key = table.name, table.primary_key
        if self.children.get(name):
            note = (
                f"{name}: heads an item collection ({', '.join(self.children[name])} in {self.example(name, key)}), "
                f"so it keeps its own partition and one query reads it with them"
            )
            pattern = self._head_pattern(name)
        else:
            note = f"{name}: its own partition, item {METADATA} (no NOT NULL foreign key names another table's key)"
            pattern = f"{name} by {', '.join(key)}"
        if relations:
            note += "; its foreign keys are GSIs instead"
        self.patterns.append(AccessPattern(name=pattern, partition_key=self.example(name, key)))
        return Entity(table=name, partition_key=self.identity(name, key)), [note + "."], [pattern]

    def _index_pattern(self, name: str, number: int, columns: Sequence[str], label: str, sort_label: str | None) -> str:
        self.gsis = max(self.gsis, number)
        self.patterns.append(
            AccessPattern(
                name=name,
                index=f"GSI{number}",
                partition_key=f"{label}#{templates(columns, '<>')}",
                sort_key_condition=f"begins_with(gsi{number}sk, '{sort_label}#')" if sort_label else "",
            )
        )
        return name

    def _collection_pattern(self, table: str, parent: Relation, label: str) -> str:
        """A collection whose parent this stack does not migrate: still read by the parent's key."""
        name = f"{table} items of one {parent.parent}"
        self.patterns.append(
            AccessPattern(
                name=name,
                partition_key=self.example(parent.parent, parent.columns),
                sort_key_condition=f"begins_with(sk, '{label}#')",
            )
        )
        return name
