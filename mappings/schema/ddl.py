"""The DDL reader: ``CREATE TABLE``/``CREATE VIEW`` text (``mysqldump --no-data`` output) to a schema.

Parsed with sqlglot, not regexes; imported only when DDL is read, so ``import mappings`` stays instant.
"""

from __future__ import annotations

from typing import Any

from mappings.errors import Issue, MappingError, Severity
from mappings.schema.model import Column, ForeignKey, SourceSchema, Table


def read_ddl(text: str, *, name: str = "") -> SourceSchema:
    """Parse ``CREATE TABLE``/``CREATE VIEW`` statements (other statements are ignored)."""
    import sqlglot
    from sqlglot import exp

    try:
        statements = sqlglot.parse(text, read="mysql")
    except sqlglot.errors.SqlglotError as exc:
        raise MappingError(
            [Issue(Severity.ERROR, "bad-ddl", "$", f"the DDL does not parse as MySQL: {exc}")], subject="schema"
        ) from None
    tables = []
    for statement in statements:
        if isinstance(statement, exp.Create) and statement.kind in ("TABLE", "VIEW"):
            table = _table_from_create(statement, exp)
            if table is not None:
                tables.append(table)
    return SourceSchema.of(name, tables)


def _table_from_create(statement: Any, exp: Any) -> Table | None:
    target = statement.this
    if statement.kind == "VIEW":
        return Table(target.name, (), is_view=True)
    table_name = target.this.name
    columns: list[Column] = []
    primary: tuple[str, ...] = ()
    uniques: list[tuple[str, ...]] = []
    foreign: list[ForeignKey] = []
    for item in target.expressions:
        if isinstance(item, exp.ColumnDef):
            column, inline_pk, inline_unique = _column_from_def(item, exp)
            columns.append(column)
            if inline_pk:
                primary = (column.name,)
            if inline_unique:
                uniques.append((column.name,))
        elif isinstance(item, exp.PrimaryKey):
            primary = tuple(_names(item))
        elif isinstance(item, exp.UniqueColumnConstraint):
            node = item.this  # a Schema (index name + columns) or the column list itself
            cols = node.expressions if isinstance(node, exp.Schema) else [node]
            uniques.append(tuple(c.name for c in cols if c is not None))
        elif isinstance(item, (exp.Constraint, exp.ForeignKey)):
            found = item if isinstance(item, exp.ForeignKey) else item.find(exp.ForeignKey)
            reference = found.args.get("reference") if found is not None else None
            if found is not None and reference is not None and isinstance(reference.this, exp.Schema):
                foreign.append(
                    ForeignKey(
                        tuple(i.name for i in found.expressions),
                        reference.this.this.name,
                        tuple(i.name for i in reference.this.expressions),
                    )
                )
    if primary:  # a primary key column is NOT NULL even when the DDL does not say so
        columns = [Column(**{**_fields(c), "nullable": False}) if c.name in primary else c for c in columns]
    return Table(table_name, tuple(columns), primary, tuple(uniques), foreign_keys=tuple(foreign))


def _fields(column: Column) -> dict[str, Any]:
    return {f: getattr(column, f) for f in Column.__slots__}


def _names(node: Any) -> list[str]:
    from sqlglot import exp

    return [n.name for n in node.find_all(exp.Identifier)] if node is not None else []


def _column_from_def(item: Any, exp: Any) -> tuple[Column, bool, bool]:
    kind = item.args.get("kind")
    text = kind.sql(dialect="mysql").lower() if kind is not None else "text"
    base = text.split("(")[0].split()[0]
    params = [p.this for p in kind.expressions if isinstance(p, exp.DataTypeParam)] if kind is not None else []
    numbers = [int(p.this) for p in params if isinstance(p, exp.Literal) and not p.is_string]
    values = tuple(
        p.this for p in (kind.expressions if kind is not None else []) if isinstance(p, exp.Literal) and p.is_string
    )
    constraints = [c.kind for c in item.constraints]
    not_null = any(isinstance(c, exp.NotNullColumnConstraint) and not c.args.get("allow_null") for c in constraints)
    inline_pk = any(isinstance(c, exp.PrimaryKeyColumnConstraint) for c in constraints)
    inline_unique = any(isinstance(c, exp.UniqueColumnConstraint) for c in constraints)
    precision = scale = length = None
    if base in ("decimal", "numeric"):
        precision, scale = [*numbers, 10, 0][:2] if numbers else (10, 0)
    elif base in ("datetime", "timestamp", "time") and numbers:
        precision = numbers[0]
    elif numbers and base in ("char", "varchar", "binary", "varbinary", "bit"):
        length = numbers[0]  # for integers the number is a display width, not a size
    column = Column(
        name=item.name,
        data_type="int" if base == "integer" else base,
        nullable=not (not_null or inline_pk),
        unsigned="unsigned" in text,
        length=length,
        precision=precision,
        scale=scale,
        values=values,
    )
    return column, inline_pk, inline_unique
