"""The source schema the mappings are checked against: tables, columns, keys.

Read it from MySQL DDL (``mysqldump --no-data`` output; parsed with sqlglot, not regexes) or from
a live MySQL/MariaDB server's ``information_schema`` (PyMySQL). Both parsers are imported only when
used, so ``import mappings`` stays instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlparse

from mappings.errors import Issue, MappingError, Severity

#: Bytes one character can take in the character sets MySQL uses today (utf8mb4).
BYTES_PER_CHAR = 4
_INTEGER_TYPES = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"}
_INTEGER_DIGITS = {"tinyint": 4, "smallint": 6, "mediumint": 8, "int": 11, "integer": 11, "bigint": 20}
_LOB_BYTES = {
    "tinytext": 255,
    "text": 65_535,
    "mediumtext": 16_777_215,
    "longtext": 4_294_967_295,
    "tinyblob": 255,
    "blob": 65_535,
    "mediumblob": 16_777_215,
    "longblob": 4_294_967_295,
    "json": 1 << 30,
}
#: MySQL's CLOBs (DMS writes them to DynamoDB as strings, subject to the LOB settings) and BLOBs (it
#: does not write them: "AWS DMS doesn't support LOB data unless it is a CLOB", CHAP_Target.DynamoDB).
CLOB_TYPES = frozenset({"tinytext", "text", "mediumtext", "longtext", "json"})
BLOB_TYPES = frozenset({"tinyblob", "blob", "mediumblob", "longblob"})
_FIXED_TEXT = {
    "date": 10,
    "time": 17,
    "datetime": 26,
    "timestamp": 26,
    "year": 4,
    "float": 24,
    "double": 24,
    "real": 24,
    "boolean": 1,
    "bool": 1,
}


@dataclass(frozen=True, slots=True)
class Column:
    """A source column with the facts the checks need."""

    name: str
    data_type: str  # lower-case MySQL base type: "varchar", "int", "decimal", "enum" ...
    nullable: bool = True
    unsigned: bool = False
    length: int | None = None  # characters for char/varchar, M for bit/binary
    precision: int | None = None  # DECIMAL digits; fractional-second digits of DATETIME/TIMESTAMP/TIME
    scale: int | None = None
    values: tuple[str, ...] = ()  # ENUM / SET members

    @property
    def is_integer(self) -> bool:
        return self.data_type in _INTEGER_TYPES

    @property
    def is_numeric(self) -> bool:
        return self.is_integer or self.data_type in ("decimal", "numeric", "float", "double", "real")

    @property
    def max_text_bytes(self) -> int:
        """The most bytes this column's value can take as text (in a key template or an item)."""
        kind = self.data_type
        if kind in _INTEGER_TYPES:
            return _INTEGER_DIGITS[kind]
        if kind in ("decimal", "numeric"):
            return (self.precision or 10) + 2
        if kind in ("char", "varchar"):
            return (self.length or 255) * BYTES_PER_CHAR
        if kind in ("binary", "varbinary"):
            return self.length or 255
        if kind == "bit":
            return ((self.length or 1) + 7) // 8
        if kind in ("enum", "set"):
            sizes = [len(v.encode()) for v in self.values] or [64]
            return sum(sizes) + len(sizes) if kind == "set" else max(sizes)
        if kind in _LOB_BYTES:
            return _LOB_BYTES[kind]
        return _FIXED_TEXT.get(kind, 64)


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """A declared foreign key: ``columns`` refer to ``referenced_columns`` of ``referenced_table``."""

    columns: tuple[str, ...]
    referenced_table: str
    referenced_columns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    unique_keys: tuple[tuple[str, ...], ...] = ()
    is_view: bool = False
    foreign_keys: tuple[ForeignKey, ...] = ()
    _by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name.lower(): c for c in self.columns})

    def column(self, name: str) -> Column | None:
        """A column by name, case-insensitively (MySQL column names are)."""
        return self._by_name.get(name.lower())


@dataclass(frozen=True, slots=True)
class SourceSchema:
    """One source database (DMS: the ``schema-name``) and its tables."""

    name: str
    tables: Mapping[str, Table]

    @classmethod
    def of(cls, name: str, tables: Iterable[Table]) -> SourceSchema:
        return cls(name, {t.name: t for t in tables})

    def table(self, name: str) -> Table | None:
        return self.tables.get(name) or next((t for n, t in self.tables.items() if n.lower() == name.lower()), None)

    # ------------------------------------------------------------------ readers

    @classmethod
    def from_ddl(cls, text: str, *, name: str = "") -> SourceSchema:
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
        return cls.of(name, tables)

    @classmethod
    def from_mysql(cls, url: str, *, database: str | None = None) -> SourceSchema:
        """Read a live server: ``mysql://user:password@host:port/database`` or ``...?unix_socket=/path``."""
        import pymysql

        settings, named = mysql_settings(url)
        connection = pymysql.connect(**settings, database="information_schema")
        schema = database or named
        try:
            return cls.from_information_schema(connection, schema)
        finally:
            connection.close()

    @classmethod
    def from_information_schema(cls, connection: Any, schema: str) -> SourceSchema:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s", (schema,)
            )
            kinds = dict(cursor.fetchall())
            cursor.execute(
                "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH,"
                " NUMERIC_PRECISION, NUMERIC_SCALE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s"
                " ORDER BY TABLE_NAME, ORDINAL_POSITION",
                (schema,),
            )
            columns: dict[str, list[Column]] = {}
            for table, column, data_type, column_type, nullable, char_len, precision, scale in cursor.fetchall():
                columns.setdefault(table, []).append(
                    _column_from_information_schema(
                        column, data_type, column_type, nullable, char_len, precision, scale
                    )
                )
            cursor.execute(
                "SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
                " WHERE TABLE_SCHEMA = %s AND NON_UNIQUE = 0 ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
                (schema,),
            )
            keys: dict[str, dict[str, list[str]]] = {}
            for table, index, column in cursor.fetchall():
                keys.setdefault(table, {}).setdefault(index, []).append(column)
            cursor.execute(
                "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME"
                " FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = %s AND REFERENCED_TABLE_NAME IS NOT NULL"
                " ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
                (schema,),
            )
            references: dict[str, dict[str, list[tuple[str, str, str]]]] = {}
            for table, constraint, column, referenced_table, referenced_column in cursor.fetchall():
                references.setdefault(table, {}).setdefault(constraint, []).append(
                    (column, referenced_table, referenced_column)
                )
        tables = []
        for table, cols in columns.items():
            indexes = keys.get(table, {})
            primary = tuple(indexes.pop("PRIMARY", ()))
            tables.append(
                Table(
                    table,
                    tuple(cols),
                    primary,
                    tuple(tuple(v) for v in indexes.values()),
                    is_view=kinds.get(table) == "VIEW",
                    foreign_keys=tuple(
                        ForeignKey(tuple(c for c, _, _ in parts), parts[0][1], tuple(r for _, _, r in parts))
                        for parts in references.get(table, {}).values()
                    ),
                )
            )
        return cls.of(schema, tables)


def mysql_settings(url: str) -> tuple[dict[str, Any], str]:
    """PyMySQL connection settings and the database name from ``mysql://user:pw@host:port/db[?unix_socket=]``.

    With ``unix_socket`` the host and port are left out, so clients that prefer TCP when given a
    host (mysql-replication) use the socket too.
    """
    parsed = urlparse(url)
    query = dict(part.split("=", 1) for part in parsed.query.split("&") if "=" in part)
    settings: dict[str, Any] = {"user": unquote(parsed.username or "root"), "password": unquote(parsed.password or "")}
    if "unix_socket" in query:
        settings["unix_socket"] = query["unix_socket"]
    else:
        settings.update(host=parsed.hostname or "localhost", port=parsed.port or 3306)
    return settings, parsed.path.lstrip("/")


def _column_from_information_schema(
    name: str,
    data_type: str,
    column_type: str,
    nullable: str,
    char_len: int | None,
    precision: int | None,
    scale: int | None,
) -> Column:
    kind = data_type.lower()
    values: tuple[str, ...] = ()
    if kind in ("enum", "set"):
        inner = column_type[column_type.index("(") + 1 : column_type.rindex(")")]
        values = tuple(v.strip().strip("'") for v in inner.split(","))
    length = char_len if kind in ("char", "varchar", "binary", "varbinary") else None
    if kind == "bit":
        length = precision
    if kind in ("datetime", "timestamp", "time") and "(" in column_type:
        precision = int(column_type[column_type.index("(") + 1 : column_type.index(")")])
    return Column(
        name=name,
        data_type="int" if kind == "integer" else kind,
        nullable=nullable == "YES",
        unsigned="unsigned" in column_type.lower(),
        length=int(length) if length is not None else None,
        precision=int(precision)
        if kind in ("decimal", "numeric", "datetime", "timestamp", "time") and precision is not None
        else None,
        scale=int(scale) if kind in ("decimal", "numeric") and scale is not None else None,
        values=values,
    )


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
