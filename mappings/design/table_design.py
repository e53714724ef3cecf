"""One declaration of a single-table design: the table's keys and GSIs, and the entities in it.

Both the DMS object-mapping rules (``TableDesign.table_mappings``) and the DynamoDB table's props
(``constructs_lib.table_props.SingleTableProps.from_design``) come from it, so the key schema and
the mappings that fill it cannot drift apart.

    design = TableDesign(
        table_name="migration-target-table",
        indexes=(GlobalSecondaryIndex(name="GSI1", partition_key=KeyAttribute("gsi1pk"),
                                      sort_key=KeyAttribute("gsi1sk")),),
        entities=(
            Entity(table="film", partition_key="FILM#${film_id}"),
            Entity(table="film_actor", partition_key="FILM#${film_id}", sort_key="ACTOR#${actor_id}",
                   index_keys={"gsi1pk": "ACTOR#${actor_id}", "gsi1sk": "FILM#${film_id}"}),
        ),
    )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from mappings.document.dynamodb_mapping import object_mapping as object_mapping  # re-exported: it was here
from mappings.document.enums import SelectionAction
from mappings.document.rules import (
    ObjectLocator,
    ObjectMappingRule,
    Rule,
    SelectionRule,
)
from mappings.document.table_mappings import TableMappings
from mappings.dynamodb_limits import MAX_GSIS
from mappings.errors import Issue, MappingError, Severity

METADATA = "#METADATA"


class KeyType(StrEnum):
    """DynamoDB key attribute types."""

    STRING = "S"
    NUMBER = "N"
    BINARY = "B"


class ProjectionType(StrEnum):
    ALL = "ALL"
    KEYS_ONLY = "KEYS_ONLY"
    INCLUDE = "INCLUDE"


@dataclass(frozen=True)
class KeyAttribute:
    """A key attribute: its name and type (default string)."""

    name: str
    type: KeyType = KeyType.STRING


@dataclass(frozen=True, kw_only=True)
class GlobalSecondaryIndex:
    """A GSI. Default: projection ALL, like the article's GSI1 and GSI2."""

    name: str
    partition_key: KeyAttribute
    sort_key: KeyAttribute | None = None
    projection: ProjectionType = ProjectionType.ALL
    non_key_attributes: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[KeyAttribute, ...]:
        return (self.partition_key, *([self.sort_key] if self.sort_key else []))


@dataclass(frozen=True, kw_only=True)
class AccessPattern:
    """A query the application runs: which index, which key values (for the design chart)."""

    name: str
    partition_key: str
    sort_key_condition: str = ""
    #: Default: - the base table.
    index: str | None = None


@dataclass(frozen=True, kw_only=True)
class Entity:
    """One source table's rows as items: key templates, GSI key templates, renames, exclusions."""

    table: str
    partition_key: str
    sort_key: str | None = METADATA
    #: GSI key attribute name -> template, e.g. ``{"gsi1pk": "ACTOR#${actor_id}"}``.
    index_keys: Mapping[str, str] = field(default_factory=dict)
    #: Source column -> attribute name: the column is written under the new name only.
    renames: Mapping[str, str] = field(default_factory=dict)
    exclude_columns: tuple[str, ...] = ()
    #: Put the columns in one ``_doc`` map (map-record-to-document) instead of one attribute each.
    as_document: bool = False
    #: Default: - ``map-<table>`` with ``_`` as ``-``.
    rule_name: str | None = None

    @property
    def templates(self) -> dict[str, str]:
        """Every attribute this entity builds from a template, by attribute name (keys first)."""
        return dict(self.index_keys) | {new: "${" + old + "}" for old, new in self.renames.items()}


@dataclass(frozen=True, kw_only=True)
class TableDesign:
    """The target table (keys, GSIs) and the entities mapped into it."""

    table_name: str
    partition_key: KeyAttribute = KeyAttribute("pk")
    sort_key: KeyAttribute | None = KeyAttribute("sk")
    indexes: tuple[GlobalSecondaryIndex, ...] = ()
    entities: tuple[Entity, ...] = ()
    access_patterns: tuple[AccessPattern, ...] = ()

    def __post_init__(self) -> None:
        issues = list(self._problems())
        if issues:
            raise MappingError(issues, subject="table design")

    def _problems(self) -> list[Issue]:
        problems: list[Issue] = []

        def error(path: str, code: str, message: str) -> None:
            problems.append(Issue(Severity.ERROR, code, path, message))

        if len(self.indexes) > MAX_GSIS:
            error("indexes", "too-many-gsis", f"{len(self.indexes)} indexes; DynamoDB allows at most {MAX_GSIS}")
        names = [i.name for i in self.indexes]
        for name in sorted({n for n in names if names.count(n) > 1}):
            error("indexes", "duplicate-index", f"index name {name!r} is used twice")
        for index in self.indexes:
            if index.non_key_attributes and index.projection is not ProjectionType.INCLUDE:
                error(
                    f"indexes ({index.name})",
                    "non-key-attributes-without-include",
                    "non_key_attributes are only valid with projection INCLUDE",
                )
        types: dict[str, KeyType] = {}
        for key in self.key_attributes:
            if types.setdefault(key.name, key.type) is not key.type:
                error(
                    "indexes",
                    "key-type-conflict",
                    f"attribute {key.name!r} is declared both as {types[key.name].name} and {key.type.name}",
                )
        index_keys = self.index_key_names
        tables = [e.table for e in self.entities]
        for position, entity in enumerate(self.entities):
            path = f"entities[{position}] ({entity.table})"
            if tables.count(entity.table) > 1:
                error(
                    path,
                    "duplicate-entity",
                    f"table {entity.table!r} has more than one entity; DMS takes one object mapping per source table",
                )
            if (entity.sort_key is None) != (self.sort_key is None):
                expected = "a sort_key template" if self.sort_key else "no sort_key (the table has none)"
                error(path, "sort-key-mismatch", f"entity needs {expected}")
            for attribute in entity.index_keys:
                if attribute not in index_keys:
                    declared = ", ".join(sorted(index_keys)) or "none"
                    error(
                        path,
                        "unknown-index-key",
                        f"index_keys names {attribute!r}, which is not a key of any "
                        f"index (index key attributes: {declared})",
                    )
            key_names = {self.partition_key.name, *([self.sort_key.name] if self.sort_key else [])}
            for old, new in entity.renames.items():
                if new in key_names or new in index_keys:
                    error(path, "rename-onto-key", f"renames {old!r} to key attribute {new!r}; use the key templates")
        return problems

    @property
    def key_attributes(self) -> tuple[KeyAttribute, ...]:
        keys = [self.partition_key, *([self.sort_key] if self.sort_key else [])]
        return tuple(keys + [k for index in self.indexes for k in index.keys])

    @property
    def index_key_names(self) -> set[str]:
        return {k.name for index in self.indexes for k in index.keys}

    def entity(self, table: str) -> Entity | None:
        return next((e for e in self.entities if e.table == table), None)

    # ------------------------------------------------------------------ mappings

    def object_mapping_rules(self, schema: str, *, first_rule_id: int | None = None) -> list[ObjectMappingRule]:
        """One object-mapping rule per entity, in declaration order."""
        return [
            object_mapping(
                schema,
                entity.table,
                target_table=self.table_name,
                partition_key=self.partition_key.name,
                sort_key=self.sort_key.name if self.sort_key else None,
                pk=entity.partition_key,
                sk=entity.sort_key,
                attributes=entity.templates,
                exclude_columns=tuple(dict.fromkeys([*entity.exclude_columns, *entity.renames])),
                to_document=entity.as_document,
                rule_name=entity.rule_name,
                rule_id=None if first_rule_id is None else str(first_rule_id + offset),
            )
            for offset, entity in enumerate(self.entities)
        ]

    def table_mappings(
        self,
        schema: str,
        *,
        selection: Sequence[SelectionRule] | None = None,
        first_rule_id: int | None = None,
        extra_rules: Sequence[Rule] = (),
    ) -> TableMappings:
        """The DMS document: ``selection`` (default: one ``explicit`` rule per entity), then the mappings."""
        if selection is None:
            selection = [
                SelectionRule(
                    rule_name=f"select-{e.table.replace('_', '-')}",
                    rule_action=SelectionAction.EXPLICIT,
                    object_locator=ObjectLocator(schema_name=schema, table_name=e.table),
                )
                for e in self.entities
            ]
        rules: list[Rule] = [*selection, *self.object_mapping_rules(schema, first_rule_id=first_rule_id), *extra_rules]
        return TableMappings(tuple(rules))


def include(
    schema: str, table: str = "%", *, rule_id: int | None = None, rule_name: str | None = None
) -> SelectionRule:
    """An include selection rule (``%`` and ``_`` are wildcards)."""
    return SelectionRule(
        rule_id=None if rule_id is None else str(rule_id),
        rule_name=rule_name or ("include-all" if table == "%" else f"include-{table.replace('_', '-')}"),
        rule_action=SelectionAction.INCLUDE,
        object_locator=ObjectLocator(schema_name=schema, table_name=table),
    )


def exclude(schema: str, table: str, *, rule_id: int | None = None, rule_name: str | None = None) -> SelectionRule:
    """An exclude selection rule: wins over any include."""
    return SelectionRule(
        rule_id=None if rule_id is None else str(rule_id),
        rule_name=rule_name or f"exclude-{table.replace('_', '-')}",
        rule_action=SelectionAction.EXCLUDE,
        object_locator=ObjectLocator(schema_name=schema, table_name=table),
    )
