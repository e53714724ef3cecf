"""A fluent builder that reads like the table mappings it writes.

    mappings = (
        TableMappingsBuilder(schema="yourdb")
        .include("%", rule_name="include-all")
        .exclude("film_text")
        .next_rule_id(10)
        .to_dynamodb("migration-target-table")
        .map_table("language", pk="LANGUAGE#${language_id}")
        .map_table("film_actor", pk="FILM#${film_id}", sk="ACTOR#${actor_id}",
                   gsi1pk="ACTOR#${actor_id}", gsi1sk="FILM#${film_id}")
        .build()
    )

Default rule names follow the article's style: ``exclude-film-text``, ``map-film-actor``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mappings.document.dynamodb_mapping import object_mapping
from mappings.document.enums import SelectionAction
from mappings.document.rules import Filter, ObjectLocator, Rule, SelectionRule
from mappings.document.table_mappings import TableMappings

#: The sort key the article gives an entity's own item.
METADATA_SORT_KEY = "#METADATA"


def _slug(table: str) -> str:
    return table.replace("_", "-").replace("%", "all").lower()


@dataclass
class TableMappingsBuilder:
    """Accumulates rules, then builds an immutable, validated :class:`TableMappings`."""

    schema: str
    _rules: list[Rule] = field(default_factory=list)
    _next_id: int = 1
    _target_table: str | None = None
    _partition_key: str = "pk"
    _sort_key: str | None = "sk"

    def next_rule_id(self, rule_id: int) -> TableMappingsBuilder:
        """Number the following rules from ``rule_id`` (the article starts mappings at 10)."""
        self._next_id = rule_id
        return self

    def _take_id(self, rule_id: int | None) -> str:
        chosen = self._next_id if rule_id is None else rule_id
        self._next_id = chosen + 1
        return str(chosen)

    def _select(
        self,
        action: SelectionAction,
        table: str,
        rule_name: str | None,
        rule_id: int | None,
        filters: tuple[Filter, ...] | None = None,
    ) -> TableMappingsBuilder:
        default_name = (
            "include-all" if table == "%" and action is SelectionAction.INCLUDE else f"{action.value}-{_slug(table)}"
        )
        self._rules.append(
            SelectionRule(
                rule_id=self._take_id(rule_id),
                rule_name=rule_name or default_name,
                rule_action=action,
                object_locator=ObjectLocator(schema_name=self.schema, table_name=table),
                filters=filters,
            )
        )
        return self

    def include(
        self,
        table: str = "%",
        *,
        rule_name: str | None = None,
        rule_id: int | None = None,
        filters: tuple[Filter, ...] | None = None,
    ) -> TableMappingsBuilder:
        """Select tables matching ``table`` (``%`` and ``_`` are wildcards)."""
        return self._select(SelectionAction.INCLUDE, table, rule_name, rule_id, filters)

    def exclude(self, table: str, *, rule_name: str | None = None, rule_id: int | None = None) -> TableMappingsBuilder:
        """Leave out tables matching ``table``; an exclusion wins over any inclusion."""
        return self._select(SelectionAction.EXCLUDE, table, rule_name, rule_id)

    def explicit(self, table: str, *, rule_name: str | None = None, rule_id: int | None = None) -> TableMappingsBuilder:
        """Select exactly one table or view by its exact name."""
        return self._select(SelectionAction.EXPLICIT, table, rule_name, rule_id)

    def to_dynamodb(
        self, table_name: str, *, partition_key: str = "pk", sort_key: str | None = "sk"
    ) -> TableMappingsBuilder:
        """Send the following :meth:`map_table` calls to one DynamoDB table with these key names."""
        self._target_table, self._partition_key, self._sort_key = table_name, partition_key, sort_key
        return self

    def map_table(
        self,
        table: str,
        *,
        pk: str,
        sk: str | None = METADATA_SORT_KEY,
        rule_name: str | None = None,
        rule_id: int | None = None,
        exclude_columns: tuple[str, ...] | None = None,
        to_document: bool = False,
        **attributes: str,
    ) -> TableMappingsBuilder:
        """Map each row of ``table`` to an item: keys and extra attributes are ``${column}`` templates."""
        if self._target_table is None:
            raise ValueError("map_table: call to_dynamodb(table_name) first to name the target table")
        self._rules.append(
            object_mapping(
                self.schema,
                table,
                target_table=self._target_table,
                partition_key=self._partition_key,
                sort_key=self._sort_key,
                pk=pk,
                sk=sk,
                attributes=attributes,
                exclude_columns=exclude_columns or (),
                to_document=to_document,
                rule_name=rule_name or f"map-{_slug(table)}",
                rule_id=self._take_id(rule_id),
            )
        )
        return self

    def add(self, rule: Rule) -> TableMappingsBuilder:
        """Append any hand-made rule (its id is kept, or assigned when None)."""
        self._rules.append(rule)
        return self

    def build(self) -> TableMappings:
        return TableMappings(tuple(self._rules))
