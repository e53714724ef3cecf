"""What one stack task does to one source: the tables it migrates, into which target tables, how.

Everything comes from the stack file (the task's mappings and settings, the tables the stack
defines) and the live source (its schemas' tables and columns); nothing is known by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mappings.design import TableDesign
from mappings.engine import ItemBuilder, LobPolicy
from mappings.filters import FilterError
from mappings.rules import SelectionRule
from mappings.schema import SourceSchema, Table
from rehearsal.source import matching_schemas, schemas_on_server
from rehearsal.stack import Stack, StackTask


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
    def schemas(self) -> list[str]:
        return sorted({schema for schema, _ in self.tables})

    def target_of(self, schema: str, table: str) -> TableDesign:
        rule = self.builder.rule_for(schema, table)
        assert rule is not None
        return self.builder.target(rule, table)

    def notes(self) -> list[str]:
        """What the user must know before trusting the result (printed first by every command)."""
        lines = [f"not modeled: {note}" for note in self.builder.not_modeled()]
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
    available = schemas_on_server(connection)
    wanted = matching_schemas(available, task.schema_names)
    sources: dict[str, Mapping[str, Table]] = {
        s: SourceSchema.from_information_schema(connection, s).tables for s in wanted
    }
    tables_by_name = {t: table for schema in sources.values() for t, table in schema.items()}
    builder = ItemBuilder(
        task.table_mappings,
        targets=stack.tables,
        tables=tables_by_name,
        lobs=LobPolicy.from_settings(task.settings),
    )
    mapped, unmapped = [], []
    for schema, tables in sources.items():
        for table in sorted(tables):
            if tables[table].is_view:
                continue
            if builder.rule_for(schema, table) is not None:
                mapped.append((schema, table))
            elif builder.selected_by(schema, table) is not None:
                unmapped.append((schema, table))
    if not mapped:
        found = "; ".join(f"{s}: {', '.join(sorted(t)) or 'no tables'}" for s, t in sources.items())
        raise NothingToDo(
            f"task {task.task_id!r} migrates no table of this source. Its selection rules: "
            f"{'; '.join(_locators(task))}. Schemas they name: {', '.join(task.schema_names) or 'none'}; "
            f"found on the server: {found or 'none of them (databases: ' + ', '.join(available) + ')'}. "
            "Nothing was created on the target"
        )
    targets: dict[str, TableDesign] = {}
    for schema, table in mapped:
        try:
            builder.filter_for(schema, table)
        except FilterError as exc:
            raise PlanError(f"task {task.task_id!r}, table {schema}.{table}: {exc}") from None
        rule = builder.rule_for(schema, table)
        assert rule is not None  # mapped
        design = builder.target(rule, table)
        targets.setdefault(design.table_name, design)
    undefined = tuple(name for name in targets if name not in stack.tables)
    return Plan(task, builder, mapped, unmapped, targets, undefined)
