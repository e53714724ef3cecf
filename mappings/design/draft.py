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

from mappings.design.table_design import (
    METADATA,
    AccessPattern,
    Entity,
    GlobalSecondaryIndex,
    KeyAttribute,
    TableDesign,
)
from mappings.document.templates import placeholders, template_problems
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


def templatable(column: str) -> bool:
    """Whether ``${column}`` is a placeholder DMS substitutes: no quotes, braces, ``$``, ``,`` or edge spaces."""
    template = f"${{{column}}}"
    return not template_problems(template) and placeholders(template) == (column,)


def _untemplatable(columns: Sequence[str]) -> str:
    named = ", ".join(repr(c) for c in columns)
    return (
        f"column {named} cannot be put in a ${{}} template (a placeholder takes no quotes, braces, '$', ',' or "
        "edge spaces: DynamoDB target page, object mapping)"
    )


def _unkeyable(table: Table) -> str | None:
    """Why ``table``'s items cannot have a key (no primary key, a key column no template can hold), or None."""
    if not table.primary_key:
        return _KEYLESS
    bad = [c for c in table.primary_key if not templatable(c)]
    if bad:
        return (
            f"its primary key's {_untemplatable(bad)}, so no item key can be made from it. Excluded by a rule; "
            "rename the column, or map the table by hand with an add-column transformation, to migrate it"
        )
    return None


def _labels(schema: SourceSchema) -> dict[str, str]:
    """``TABLE`` per table (``$``, braces and ``#`` as ``_``: a label sits in a template); tables whose names differ
    only in case keep their own spelling."""
    labels: dict[str, str] = {}
    for name in schema.tables:
        label = "".join("_" if c in "${}#" else c for c in name.upper())
        labels[name] = label if label not in labels.values() else "".join("_" if c in "${}#" else c for c in name)
    return labels


def _placeholders(columns: Sequence[str], style: str = "${}") -> str:
    start, end = style[:-1], style[-1]
    return "#".join(f"{start}{c}{end}" for c in columns)


def _position(link: str, parent: str) -> int:
    """Where the link table's name names the parent (``film_actor``: film at 0), singular forms too."""
    name = link.lower()
    found = [name.find(form) for form in {parent.lower(), parent.lower().removesuffix("s")} if form]
    return min((p for p in found if p >= 0), default=len(name) + 1)


class _Drafter:
    def __init__(self, schema: SourceSchema, tables: list[Table]) -> None:
        self.schema = schema
        self.labels = _labels(schema)
        self.excluded = [Excluded(t.name, reason) for t in tables if (reason := _unkeyable(t))]
        self.tables = [t for t in tables if not _unkeyable(t)]
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

    # ------------------------------------------------------------------ schema facts

    def _relations(self, table: Table) -> tuple[list[Relation], list[str]]:
        relations, skipped = [], []
        for key in table.foreign_keys:
            what = f"foreign key {', '.join(key.columns)} -> {key.referenced_table}"
            parent = self.schema.tables.get(key.referenced_table)
            columns = [table.column(c) for c in key.columns]
            if bad := [c for c in key.columns if not templatable(c)]:
                skipped.append(f"{what}: {_untemplatable(bad)}, so neither a collection nor a GSI key")
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
        ranked = sorted(inside, key=lambda r: (_position(table.name, r.parent), inside.index(r)))
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
        return f"{self.labels[table]}#{_placeholders(columns)}"

    def example(self, table: str, columns: Sequence[str]) -> str:
        return f"{self.labels[table]}#{_placeholders(columns, '<>')}"

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
        else:
            entity, notes, serves = self._own(table, relations)
            placement, first_gsi = (Placement.HEAD if self.children.get(table.name) else Placement.OWN), 1
        index_keys = dict(entity.index_keys)
        own = self.identity(table.name, table.primary_key)
        for number, relation in enumerate(relations, start=first_gsi):
            if number > MAX_GSIS:
                notes.append(f"foreign key {relation.describe()}: not indexed, the table's {MAX_GSIS} GSIs are used.")
                continue
            index_keys[f"gsi{number}pk"] = self.identity(relation.parent, relation.columns)
            index_keys[f"gsi{number}sk"] = own
            columns = ", ".join(relation.columns)
            if relation.parent == table.name:
                name, by = f"{table.name} by {columns}", columns
            elif sum(r.parent == relation.parent for r in relations) > 1:
                name, by = f"{table.name} by {relation.parent} ({columns})", f"{relation.parent} ({columns})"
            else:
                name, by = f"{table.name} by {relation.parent}", relation.parent
            notes.append(f"GSI{number}: the NOT NULL foreign key {relation.describe()} finds {table.name} by {by}.")
            serves.append(self._index_pattern(name, number, relation, self.labels[table.name]))
        notes += [f"{s}." for s in self.skipped[table.name]]
        notes += [
            f"unique key ({', '.join(u)}): not indexed; add a GSI if {table.name} is looked up by it."
            for u in table.unique_keys
        ]
        entity = Entity(
            table=table.name, partition_key=entity.partition_key, sort_key=entity.sort_key, index_keys=index_keys
        )
        return DraftEntity(entity, placement, tuple(notes), tuple(serves))

    def _adjacency(self, table: Table, owner: Relation, other: Relation) -> tuple[Entity, list[str], list[str]]:
        partition = self.identity(owner.parent, owner.columns)
        label = self.labels[other.parent]
        sort = self.identity(other.parent, other.columns)
        if (owner.parent, label) in self.taken:
            label, sort = self.labels[table.name], self.identity(table.name, other.columns)
        self.taken.add((owner.parent, label))
        why = (
            f"{table.name!r} names {owner.parent} first"
            if _position(table.name, owner.parent) <= len(table.name)
            else f"{table.name!r} names neither: the first declared"
        )
        notes = [
            f"{table.name}: its primary key is two foreign keys ({owner.describe()}; {other.describe()}): an "
            f"adjacency list in the collection of {owner.parent} ({why}), sort key {label}#{_placeholders(other.columns, '<>')}; "
            f"GSI1 the other way round."
        ]
        serves = (
            [self._head_pattern(owner.parent)]
            if self._heads_collection(owner.parent)
            else [self._collection_pattern(table.name, owner, label)]
        )
        serves.append(self._index_pattern(f"{table.name} by {other.parent}", 1, other, self.labels[owner.parent]))
        index_keys = {"gsi1pk": self.identity(other.parent, other.columns), "gsi1sk": partition}
        return Entity(table=table.name, partition_key=partition, sort_key=sort, index_keys=index_keys), notes, serves

    def _child(self, table: Table, parent: Relation) -> tuple[Entity, list[str], list[str]]:
        rest = [c for c in table.primary_key if c not in parent.columns] or list(table.primary_key)
        notes = [
            f"{table.name}: in the item collection of {parent.parent} (its first NOT NULL foreign key, {parent.describe()}), "
            f"sort key {self.labels[table.name]}#{_placeholders(rest, '<>')}."
        ]
        moving = [c for c in parent.columns if c not in table.primary_key]
        if moving:
            notes.append(
                f"{', '.join(moving)} is not part of {table.name}'s primary key: an UPDATE of it changes the item's key, "
                f"which DMS cannot apply to DynamoDB; if it can change, give {table.name} its own partition."
            )
        label = self.labels[table.name]
        serves = (
            [self._head_pattern(parent.parent)]
            if self._heads_collection(parent.parent)
            else [self._collection_pattern(table.name, parent, label)]
        )
        entity = Entity(
            table=table.name,
            partition_key=self.identity(parent.parent, parent.columns),
            sort_key=self.identity(table.name, rest),
        )
        return entity, notes, serves

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

    def _index_pattern(self, name: str, number: int, relation: Relation, sort_label: str) -> str:
        self.gsis = max(self.gsis, number)
        self.patterns.append(
            AccessPattern(
                name=name,
                index=f"GSI{number}",
                partition_key=self.example(relation.parent, relation.columns),
                sort_key_condition=f"begins_with(gsi{number}sk, '{sort_label}#')",
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


_KEYLESS = (
    "no primary key: DMS's CDC needs one to apply updates and deletes to DynamoDB, and nothing makes its items "
    "distinct. Excluded by a rule (an exclude wins over any include); give the table a primary key to migrate it"
)
