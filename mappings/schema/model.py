"""The source schema the mappings are checked against: tables, columns, keys. Pure data.

Two readers fill it: the DDL reader beside this module (``mappings.schema.ddl``, sqlglot) and the
live reader of the tool half (``dms_dynamodb.source.schema_reader``, PyMySQL), which is the only
one that talks to a server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

#: The ``data_type`` of a view column whose type the DDL reader cannot tell (an expression, a placeholder).
UNKNOWN_TYPE = "unknown"
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
    generated: bool = False  # GENERATED ALWAYS AS (...): MySQL computes it, nothing writes it

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
    #: The constraint's name and its ON DELETE / ON UPDATE actions ("" when not declared: RESTRICT); not part
    #: of equality, so keys read from DDL and from a server compare alike.
    name: str = field(default="", compare=False)
    on_delete: str = field(default="", compare=False)
    on_update: str = field(default="", compare=False)


class IndexKind(StrEnum):
    """What a non-unique index is for: B-tree lookups, ``MATCH ... AGAINST`` or geometry."""

    PLAIN = "plain"
    FULLTEXT = "fulltext"
    SPATIAL = "spatial"


@dataclass(frozen=True, slots=True)
class Index:
    """A secondary index that does not enforce uniqueness (unique ones are ``Table.unique_keys``).

    ``columns`` are in key order and name whole columns: ``KEY k (c(191))`` indexes a prefix of ``c``.
    """

    name: str
    columns: tuple[str, ...]
    kind: IndexKind = IndexKind.PLAIN


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    unique_keys: tuple[tuple[str, ...], ...] = ()
    is_view: bool = False
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[Index, ...] = ()  # non-unique secondary indexes, including those InnoDB adds for foreign keys
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
    #: The server compares table names case-insensitively (MySQL's ``lower_case_table_names`` is 1 or 2):
    #: then DMS's locators match whatever the case (the resolver reads it). Default: - case-sensitive, as
    #: on Linux and as DMS documents selection rules.
    names_ignore_case: bool = False

    @classmethod
    def of(cls, name: str, tables: Iterable[Table], *, names_ignore_case: bool = False) -> SourceSchema:
        return cls(name, {t.name: t for t in tables}, names_ignore_case)

    def table(self, name: str) -> Table | None:
        return self.tables.get(name) or next((t for n, t in self.tables.items() if n.lower() == name.lower()), None)

    @classmethod
    def from_ddl(cls, text: str, *, name: str = "") -> SourceSchema:
        """Read a DDL file (``mysqldump --no-data`` output or a project's own); see ``mappings.schema.ddl``."""
        from mappings.schema.ddl import read_ddl  # the reader builds this model: a lazy door (prefer read_ddl)

        return read_ddl(text, name=name)
