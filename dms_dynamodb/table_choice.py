"""``--tables T[,T...]``: one table's full load or verify, with the same checks, the rest left out and said so.

A single-table design puts several source tables in one target table, so a verify of some of them
must know which target items are theirs. An item is taken as a chosen table's when its key matches
that table's key templates (``${column}`` matching any text): the stack checks (run before every
verify) refuse two entities whose keys can be equal, so the templates tell the entities apart. An
item whose key the templates cannot tell (a key copied from a column as it is) is kept: at worst a
finding too many, never a clean result for an item that was not compared.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dms_dynamodb.plan import Plan
    from mappings.items import Item

PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


class UnknownTable(ValueError):
    """A ``--tables`` name the task does not migrate (a usage error naming the tables it does)."""


def tables_argument(command: argparse.ArgumentParser, doing: str) -> None:
    command.add_argument(
        "--tables",
        metavar="T[,T...]",
        help=f"{doing} only these tables of the task (TABLE or SCHEMA.TABLE); the summary names the tables left out",
    )


@dataclass(frozen=True)
class TableChoice:
    """The plan of the chosen tables, the tables left out, and which target items are the chosen tables'."""

    plan: Plan
    left_out: tuple[tuple[str, str], ...]
    #: Per target table: the (pk, sk) patterns of the chosen tables writing it.
    patterns: dict[str, tuple[tuple[re.Pattern[str], ...], ...]]

    def keeps(self, table: str, item: Item) -> bool:
        """Whether ``item`` of target ``table`` can be one of the chosen tables' items."""
        names = [
            k.name for k in self.plan.targets[table].key_attributes[: 2 if self.plan.targets[table].sort_key else 1]
        ]
        return kept(self.patterns[table], names, item)

    def summary(self) -> str:
        chosen = ", ".join(f"{s}.{t}" for s, t in self.plan.tables)
        out = ", ".join(f"{s}.{t}" for s, t in self.left_out) or "none"
        return f"--tables: {chosen} only; left out: {out}"


def kept(patterns: tuple[tuple[re.Pattern[str], ...], ...], names: list[str], item: Item) -> bool:
    """Whether an item's key attributes ``names`` match one chosen table's ``patterns`` (one place for every
    engine: the Spark executors filter an export's items with it too)."""
    values = [str(next(iter(item[n].values()))) if n in item else "" for n in names]
    return any(all(p.fullmatch(v) for p, v in zip(keys, values, strict=False)) for keys in patterns)


def choose_tables(plan: Plan, text: str) -> TableChoice:
    """The plan restricted to the tables ``text`` names; an unknown name raises :class:`UnknownTable`."""
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    chosen: list[tuple[str, str]] = []
    for name in wanted:
        schema, dot, table = name.rpartition(".")
        found = [(s, t) for s, t in plan.tables if t == (table if dot else name) and (not dot or s == schema)]
        if not found:
            raise UnknownTable(
                f"--tables: task {plan.task.task_id!r} migrates no table {name!r}; it migrates "
                + ", ".join(f"{s}.{t}" for s, t in plan.tables)
            )
        chosen += [f for f in found if f not in chosen]
    if not chosen:
        raise UnknownTable("--tables names no table; give TABLE[,TABLE...]")
    tables = [t for t in plan.tables if t in chosen]  # the task's order
    targets = {plan.target_of(s, t).table_name for s, t in tables}
    patterns: dict[str, list[tuple[re.Pattern[str], ...]]] = {name: [] for name in targets}
    for schema, table in tables:
        target = plan.target_of(schema, table)
        patterns[target.table_name].append(key_patterns(plan, schema, table))
    restricted = replace(
        plan,
        tables=tables,
        targets={n: d for n, d in plan.targets.items() if n in targets},
        undefined=tuple(n for n in plan.undefined if n in targets),
    )
    left_out = tuple(t for t in plan.tables if t not in chosen)
    return TableChoice(restricted, left_out, {n: tuple(p) for n, p in patterns.items()})


def key_patterns(plan: Plan, schema: str, table: str) -> tuple[re.Pattern[str], ...]:
    """One pattern per key attribute of the table's items: its template, ``${column}`` matching any text."""
    rule = plan.builder.rule_for(schema, table)
    assert rule is not None  # a migrated table is mapped
    templates: dict[str, Any] = {m.target_attribute_name: m.value for m in rule.attribute_mappings}
    found = []
    for name in plan.builder.key_names(rule):
        template = templates.get(name)
        if not isinstance(template, str):  # the key is a column copied as it is: any value
            found.append(re.compile(".*", re.DOTALL))
            continue
        literal = [re.escape(part) for part in PLACEHOLDER.split(template)]
        found.append(re.compile(".*".join(literal), re.DOTALL))
    return tuple(found)


def choose_for_argument(plan: Plan, tables: str | None) -> TableChoice | None:
    """``--tables``: the plan of those tables only (None without it); an unknown name is a usage error."""
    if tables is None:
        return None
    try:
        return choose_tables(plan, tables)
    except UnknownTable as exc:
        from dms_dynamodb.commands import UsageError

        raise UsageError(str(exc)) from None
