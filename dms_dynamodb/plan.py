"""What one stack task does to one source: the tables it migrates, into which target tables, how.

Everything comes from the stack file (the task's mappings and settings, the tables the stack
defines) and the live source (its schemas' tables and columns); nothing is known by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dms_dynamodb.source.rows import schemas_on_server
from dms_dynamodb.source.schema_reader import read_schema
from dms_dynamodb.stack import Stack, StackTask
from mappings.design import TableDesign
from mappings.document.enums import MigrationType
from mappings.document.rules import SelectionRule
from mappings.items import ItemBuilder, LobPolicy
from mappings.items.filters import FilterError
from mappings.resolver import schemas_named


class NothingToDo(Exception):
    """The task selects no table of the source: nothing would be migrated (exit 2, nothing created)."""


class PlanError(Exception):
    """The task cannot be rehearsed against this source (e.g. a filter on a column that does not exist)."""


@dataclass
class Plan:
    task: StackTask
    builder: ItemBuilder
    #: (schema, table) of every table the task migrates into DynamoDB, in load order.
    tables: list[tuple[str, str]]
    #: Selected tables without an object mapping: DMS would create a table for each (not rehearsed).
    unmapped: list[tuple[str, str]]
    #: The target tables the migrated tables write to, by name.
    targets: dict[str, TableDesign]
    #: Target tables the stack does not define (DMS would create them; the rehearsal creates them too).
    undefined: tuple[str, ...]

    @property
    def views(self) -> list[tuple[str, str]]:
        """The migrated tables that are views (selected with table-type view or all)."""
        return [(s, t) for s, t in self.tables if (found := self.builder.table(s, t)) is not None and found.is_view]

    @property
    def schemas(self) -> list[str]:
        return sorted({schema for schema, _ in self.tables})

    def target_of(self, schema: str, table: str) -> TableDesign:
        rule = self.builder.rule_for(schema, table)
        assert rule is not None
        return self.builder.target(rule, schema, table)

    def notes(self) -> list[str]:
        """What the user must know before trusting the result (printed first by every command)."""
        lines = [f"{miss.kind.value}: {miss.message}" for miss in self.builder.resolution.near_misses]
        lines += [f"not modeled: {note}" for note in self.builder.not_modeled()]
        if self.task.migration_type is not MigrationType.FULL_LOAD:
            lines += [
                f"view {schema}.{table}: loaded by the full load only; CDC does not apply changes to it (DMS "
                "loads views in full-load tasks only): re-run the full load for it, or migrate its base tables"
                for schema, table in self.views
            ]
        lines += [
            f"not rehearsed: {schema}.{table} is selected but has no object mapping; DMS would create a "
            "DynamoDB table for it (needs dynamodb:CreateTable; open question 19)"
            for schema, table in self.unmapped
        ]
        lines += [
            f"target table {name!r} is not defined by the stack: DMS would create it; the rehearsal creates it "
            f"from the object mapping's keys ({', '.join(k.name + ':' + k.type.value for k in self.targets[name].key_attributes)})"
            for name in self.undefined
        ]
        return lines


def _locators(task: StackTask) -> list[str]:
    return [
        f"{r.rule_action.value} {r.object_locator.schema_name}.{r.object_locator.table_name}"
        for r in task.table_mappings.rules
        if isinstance(r, SelectionRule)
    ]


def make_plan(stack: Stack, task: StackTask, connection: Any) -> Plan:
    """Read the schemas the task's selection rules name and work out what it migrates where."""
    return plan_for(task, stack.tables, connection)


def plan_for(task: StackTask, tables: Mapping[str, TableDesign], connection: Any) -> Plan:
    """:func:`make_plan` with the stack's tables given: CDC re-resolves with it when a table appears."""
    available = schemas_on_server(connection)
    sources = [read_schema(connection, s) for s in schemas_named(task.table_mappings.rules, available)]
    builder = ItemBuilder(
        task.table_mappings,
        targets=tables,
        schemas=sources,
        lobs=LobPolicy.from_settings(task.settings),
    )
    # Views are selected only by a rule with table-type view or all (the resolver); DMS loads them in the
    # full load only (CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.Selections).
    mapped = [r.key for r in builder.resolution.mapped]
    unmapped = [r.key for r in builder.resolution.unmapped]
    if not mapped:
        found = "; ".join(f"{s.name}: {', '.join(sorted(s.tables)) or 'no tables'}" for s in sources)
        misses = "".join(f" {miss.kind.value}: {miss.message}." for miss in builder.resolution.near_misses)
        raise NothingToDo(
            f"task {task.task_id!r} migrates no table of this source. Its selection rules: "
            f"{'; '.join(_locators(task))}. Schemas they name: {', '.join(task.schema_names) or 'none'}; "
            f"found on the server: {found or 'none of them (databases: ' + ', '.join(available) + ')'}. "
            f"Nothing was created on the target.{misses}"
        )
    targets: dict[str, TableDesign] = {}
    for schema, table in mapped:
        try:
            builder.filter_for(schema, table)
        except FilterError as exc:
            raise PlanError(f"task {task.task_id!r}, table {schema}.{table}: {exc}") from None
        rule = builder.rule_for(schema, table)
        assert rule is not None  # mapped
        design = builder.target(rule, schema, table)
        targets.setdefault(design.table_name, design)
    undefined = tuple(name for name in targets if name not in tables)
    return Plan(task, builder, mapped, unmapped, targets, undefined)
