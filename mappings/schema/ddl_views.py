"""CREATE VIEW: the view's columns, named as MySQL names them, typed where the query makes it plain.

The query is parsed with sqlglot. A column that is a plain reference (``a.title``, ``title AS t``) to a
table or view defined earlier takes that column's type; anything else (an expression, the ``NULL AS c``
placeholders ``mysqldump`` writes before the real definition) is ``UNKNOWN_TYPE``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from mappings.schema.ddl_draft import SchemaDraft, TableDraft
from mappings.schema.ddl_tokens import Cursor, DdlError, DdlSyntaxError
from mappings.schema.model import UNKNOWN_TYPE, Column


def create_view(cursor: Cursor, schema: SchemaDraft, *, replace: bool = False) -> list[str]:
    """``[IF NOT EXISTS] name [(columns)] AS query [WITH [CASCADED|LOCAL] CHECK OPTION]``;
    ``replace`` for CREATE OR REPLACE VIEW and ALTER VIEW."""
    if_not_exists = cursor.accept("IF", "NOT", "EXISTS")
    name = cursor.table_name()
    if if_not_exists and name in schema.tables:
        return []
    names = [part.name() for part in cursor.group().split()] if cursor.at("(") else None
    cursor.expect("AS")
    columns = view_columns(_query_text(cursor), schema)
    if names is not None:
        if len(names) != len(columns):
            raise DdlError(f"view {name} names {len(names)} columns but its query gives {len(columns)}")
        columns = [dataclasses.replace(c, name=n) for c, n in zip(columns, names, strict=True)]
    schema.put(TableDraft(name, columns, is_view=True), replace=replace)
    return []


def _query_text(cursor: Cursor) -> str:
    """The query, without a trailing ``WITH [CASCADED|LOCAL] CHECK OPTION`` (sqlglot does not parse it)."""
    tokens = cursor.tokens[cursor.pos :]
    words = [t.word for t in tokens[-4:]]
    cut = 0
    if words[-3:] == ["WITH", "CHECK", "OPTION"]:
        cut = 3
    elif (
        len(words) == 4
        and words[0] == "WITH"
        and words[1] in ("CASCADED", "LOCAL")
        and words[2:] == ["CHECK", "OPTION"]
    ):
        cut = 4
    kept = tokens[: len(tokens) - cut]
    if not kept:
        raise DdlSyntaxError("the view has no query after AS")
    return cursor.text[kept[0].start : kept[-1].end]


@dataclass(frozen=True, slots=True)
class _Source:
    """A table in the query's FROM: its alias, its draft (None for a derived table), and outer-join side."""

    alias: str
    table: TableDraft | None
    nullable: bool


def view_columns(query: str, schema: SchemaDraft) -> list[Column]:
    """The columns a query gives, in order; ``SELECT *`` expands over the tables it reads."""
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(query, read="mysql")
    except sqlglot.errors.SqlglotError as exc:
        raise DdlSyntaxError(f"the view's query: {str(exc).splitlines()[0]}") from None
    while isinstance(tree, (exp.SetOperation, exp.Subquery, exp.Paren)):  # a UNION's columns are its first query's
        tree = tree.this
    if not isinstance(tree, exp.Select):
        raise DdlSyntaxError(f"the view's query is a {type(tree).__name__}, not a SELECT")
    sources = _sources(tree, schema, exp)
    columns: list[Column] = []
    for projection in tree.expressions:
        if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and projection.is_star):
            columns.extend(_expand(projection.table if isinstance(projection, exp.Column) else "", sources))
            continue
        if isinstance(projection, exp.Alias):
            name = projection.alias
        elif isinstance(projection, exp.Column):
            name = projection.name
        else:  # MySQL names an unnamed expression after its text
            name = projection.sql(dialect="mysql")
        target = projection.unalias()
        found = _resolve(target, sources) if isinstance(target, exp.Column) else None
        columns.append(_typed(name, found) if found else Column(name, UNKNOWN_TYPE))
    return columns


def _sources(select: Any, schema: SchemaDraft, exp: Any) -> list[_Source]:
    """FROM and JOIN tables in order; LEFT JOIN makes the joined side nullable, RIGHT JOIN the others."""
    sources: list[_Source] = []
    from_ = select.args.get("from_")
    items = _flatten(from_.this, "", exp) if from_ is not None else []
    for join in select.args.get("joins") or []:
        items += _flatten(join.this, (join.side or "").upper(), exp)
    for item, side in items:
        if side in ("RIGHT", "FULL"):
            sources = [dataclasses.replace(s, nullable=True) for s in sources]
        table = schema.find(item.name) if isinstance(item, exp.Table) else None
        sources.append(_Source(item.alias_or_name, table, side in ("LEFT", "FULL")))
    return sources


def _flatten(item: Any, side: str, exp: Any) -> list[tuple[Any, str]]:
    """``(a JOIN b ON ...)`` in FROM (how MySQL prints a view's joins) is read as its tables in order."""
    if isinstance(item, exp.Subquery) and isinstance(item.this, exp.Table):
        item = item.this
    if not isinstance(item, exp.Table) or not item.args.get("joins"):
        return [(item, side)]
    flat = [(item, side)]
    for join in item.args["joins"]:
        flat += _flatten(join.this, (join.side or "").upper(), exp)
    return flat


def _resolve(column: Any, sources: list[_Source]) -> tuple[Column, bool] | None:
    """The source column a reference names (qualified or, if only one table has it, not), and whether
    an outer join can make it NULL."""
    qualifier = column.table
    for source in sources:
        if source.table is None or (qualifier and source.alias.lower() != qualifier.lower()):
            continue
        found = next((c for c in source.table.columns if c.name.lower() == column.name.lower()), None)
        if found is not None:
            others = [s for s in sources if s is not source and s.table is not None and _has(s.table, column.name)]
            return (found, source.nullable) if qualifier or not others else None
    return None


def _has(table: TableDraft, name: str) -> bool:
    return any(c.name.lower() == name.lower() for c in table.columns)


def _expand(qualifier: str, sources: list[_Source]) -> list[Column]:
    columns: list[Column] = []
    for source in sources:
        if qualifier and source.alias.lower() != qualifier.lower():
            continue
        if source.table is None:
            raise DdlError(
                f"SELECT {qualifier + '.' if qualifier else ''}* reads {source.alias}, whose columns the reader does not know"
            )
        columns.extend(_typed(c.name, (c, source.nullable)) for c in source.table.columns)
    return columns


def _typed(name: str, found: tuple[Column, bool]) -> Column:
    column, outer = found
    return dataclasses.replace(column, name=name, nullable=column.nullable or outer, generated=False)
