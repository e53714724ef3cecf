"""One column definition (``name type [attributes]``) to a ``Column``, the way MySQL stores it.

Types are read from the tokens here rather than from sqlglot's parse tree, because sqlglot maps several
MySQL synonyms to other types (``INT8`` to TINYINT, ``LONG`` to BIGINT, ``REAL`` to FLOAT) and rejects
``NATIONAL VARCHAR``, ``LONG VARCHAR`` and the spatial types. The model's ``data_type`` is the base type
the server reports for the column (its ``DATA_TYPE``), so the DDL reader and the live reader agree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from mappings.schema.ddl_tokens import Cursor, DdlSyntaxError, TokenKind
from mappings.schema.model import BYTES_PER_CHAR, Column

#: Types whose base type is their own name, lower case.
_SAME_NAME = (
    "bit",
    "date",
    "datetime",
    "timestamp",
    "time",
    "year",
    "binary",
    "varbinary",
    "tinyblob",
    "blob",
    "mediumblob",
    "longblob",
    "tinytext",
    "text",
    "mediumtext",
    "longtext",
    "enum",
    "set",
    "json",
    "geometry",
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
    "inet4",
    "inet6",
    "uuid",
    "vector",
)
#: Type names as written (one to three words) to the base type MySQL stores.
_TYPES: dict[tuple[str, ...], str] = {
    **dict.fromkeys([("TINYINT",), ("INT1",), ("BOOL",), ("BOOLEAN",)], "tinyint"),
    **dict.fromkeys([("SMALLINT",), ("INT2",)], "smallint"),
    **dict.fromkeys([("MEDIUMINT",), ("MIDDLEINT",), ("INT3",)], "mediumint"),
    **dict.fromkeys([("INT",), ("INTEGER",), ("INT4",)], "int"),
    **dict.fromkeys([("BIGINT",), ("INT8",), ("SERIAL",)], "bigint"),
    **dict.fromkeys([("DECIMAL",), ("DEC",), ("NUMERIC",), ("FIXED",)], "decimal"),
    **dict.fromkeys([("FLOAT",), ("FLOAT4",)], "float"),
    **dict.fromkeys([("DOUBLE",), ("DOUBLE", "PRECISION"), ("REAL",), ("FLOAT8",)], "double"),
    **dict.fromkeys([("CHAR",), ("CHARACTER",), ("NCHAR",), ("NATIONAL", "CHAR"), ("NATIONAL", "CHARACTER")], "char"),
    **dict.fromkeys(
        [
            ("VARCHAR",),
            ("VARCHARACTER",),
            ("NVARCHAR",),
            ("CHAR", "VARYING"),
            ("CHARACTER", "VARYING"),
            ("NCHAR", "VARCHAR"),
            ("NCHAR", "VARYING"),
            ("NATIONAL", "VARCHAR"),
            ("NATIONAL", "CHAR", "VARYING"),
            ("NATIONAL", "CHARACTER", "VARYING"),
        ],
        "varchar",
    ),
    **dict.fromkeys([("LONG",), ("LONG", "VARCHAR"), ("LONG", "CHAR", "VARYING")], "mediumtext"),
    ("LONG", "VARBINARY"): "mediumblob",
    ("GEOMCOLLECTION",): "geometrycollection",
    **{(word.upper(),): word for word in _SAME_NAME},
}
_NUMERIC = {"tinyint", "smallint", "mediumint", "int", "bigint", "decimal", "float", "double"}
_FRACTIONAL_SECONDS = {"datetime", "timestamp", "time"}
_SIZED = {"char", "varchar", "binary", "varbinary", "bit"}
_DEFAULT_LENGTH = {"char": 1, "binary": 1, "bit": 1}  # CHAR is CHAR(1); VARCHAR needs a length
#: TEXT(M) / BLOB(M): MySQL picks the smallest type that holds M characters (TEXT) or bytes (BLOB).
_BY_SIZE = {
    "text": ("tinytext", "text", "mediumtext", "longtext"),
    "blob": ("tinyblob", "blob", "mediumblob", "longblob"),
}
_SIZE_LIMITS = (255, 65_535, 16_777_215)


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A column and the keys its definition declares inline (``id INT PRIMARY KEY``, ``code CHAR(2) UNIQUE``)."""

    column: Column
    primary_key: bool = False
    unique: bool = False


@dataclass(frozen=True, slots=True)
class _Type:
    data_type: str
    unsigned: bool = False
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    values: tuple[str, ...] = ()
    serial: bool = False  # SERIAL: BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE


def read_column(cursor: Cursor) -> ColumnSpec:
    """``name type [attributes]`` up to the end of ``cursor`` (one element of a column list)."""
    name = cursor.name()
    kind = _read_type(cursor)
    nullable: bool | None = None
    primary, unique, generated = False, kind.serial, False
    while not cursor.at_end():
        if cursor.accept("NOT", "NULL"):
            nullable = False
        elif cursor.accept("NULL"):
            nullable = True
        elif cursor.accept("PRIMARY", "KEY") or cursor.accept("KEY"):
            primary = True
        elif cursor.accept("UNIQUE"):
            cursor.accept_any("KEY", "INDEX")
            unique = True
        elif cursor.accept("SERIAL", "DEFAULT", "VALUE"):  # NOT NULL AUTO_INCREMENT UNIQUE
            nullable, unique = False, True
        elif cursor.accept("GENERATED", "ALWAYS", "AS") or cursor.accept("AS"):
            cursor.group()
            generated = True
        elif not _skip_attribute(cursor):
            raise DdlSyntaxError(f"column {name}: {cursor.describe()} is not a column attribute MySQL knows")
    column = Column(
        name=name,
        data_type=kind.data_type,
        nullable=nullable is not False and not primary and not kind.serial,
        unsigned=kind.unsigned,
        length=kind.length,
        precision=kind.precision,
        scale=kind.scale,
        values=kind.values,
        generated=generated,
    )
    return ColumnSpec(column, primary_key=primary, unique=unique)


def _read_type(cursor: Cursor) -> _Type:
    """The data type and its own attributes (UNSIGNED, ZEROFILL, CHARACTER SET, BINARY, BYTE)."""
    words = tuple(cursor.word(i) for i in range(3))
    size = next((n for n in (3, 2, 1) if all(words[:n]) and words[:n] in _TYPES), 0)
    if not size:
        raise DdlSyntaxError(f"{cursor.describe()} is not a MySQL data type")
    written, base = words[:size], _TYPES[words[:size]]
    cursor.pos += size
    numbers: list[int] = []
    values: list[str] = []
    if cursor.at("("):
        for part in cursor.group().split():
            token = part.next()
            if token.kind is TokenKind.NUMBER and token.text.isdigit():
                numbers.append(int(token.text))
            elif token.kind is TokenKind.STRING:
                values.append(token.text)
            else:
                raise DdlSyntaxError(f"{token.text!r} in the arguments of {' '.join(written)}")
    unsigned = written == ("SERIAL",)
    while True:
        word = cursor.accept_any("UNSIGNED", "SIGNED", "ZEROFILL", "BINARY", "ASCII", "UNICODE", "BYTE")
        if word in ("UNSIGNED", "ZEROFILL"):
            unsigned = True
        elif word == "BYTE" and base == "char":  # CHAR(n) BYTE is BINARY(n)
            base = "binary"
        elif not word and not _skip_charset(cursor):
            break
    if base in _BY_SIZE and numbers:  # a TEXT character is sized as utf8mb4's 4 bytes (MySQL 8's default set)
        size = numbers[0] * (BYTES_PER_CHAR if base == "text" else 1)
        base = _BY_SIZE[base][sum(size > limit for limit in _SIZE_LIMITS)]
    if base == "float" and len(numbers) == 1 and numbers[0] > 24:  # FLOAT(p): p bits of precision
        base = "double"
    kind = _Type(base, unsigned=unsigned and base in _NUMERIC, serial=written == ("SERIAL",))
    if base in ("enum", "set"):
        if numbers or not values:
            raise DdlSyntaxError(f"{' '.join(written)} takes its members as quoted strings")
        return dataclasses.replace(kind, values=tuple(values))
    if base == "decimal":
        precision, scale = (*numbers, 0)[:2] if numbers else (10, 0)
        return dataclasses.replace(kind, precision=precision, scale=scale)
    if base in _FRACTIONAL_SECONDS:
        return dataclasses.replace(kind, precision=numbers[0] if numbers and numbers[0] else None)
    if base in _SIZED:
        return dataclasses.replace(kind, length=numbers[0] if numbers else _DEFAULT_LENGTH.get(base))
    return kind


def _skip_charset(cursor: Cursor) -> bool:
    """``CHARACTER SET x`` / ``CHARSET x`` / ``COLLATE x``: they do not change the model."""
    if cursor.accept("CHARACTER", "SET") or cursor.accept("CHAR", "SET") or cursor.accept_any("CHARSET", "COLLATE"):
        cursor.accept("=")
        cursor.next()
        return True
    return False


#: Attributes that take one operand (``COMMENT 'x'``, ``ENGINE_ATTRIBUTE = '...'``) and do not change the model.
_ONE_OPERAND = {"COMMENT", "COLUMN_FORMAT", "STORAGE", "SRID", "ENGINE_ATTRIBUTE", "SECONDARY_ENGINE_ATTRIBUTE"}
#: Attributes without an operand that do not change the model.
_FLAGS = {"AUTO_INCREMENT", "VISIBLE", "INVISIBLE", "VIRTUAL", "STORED", "PERSISTENT", "ENFORCED"}


def _skip_attribute(cursor: Cursor) -> bool:
    """Step over one attribute that does not change the model; False if the next token is none of them."""
    if cursor.accept("DEFAULT") or cursor.accept("ON", "UPDATE"):
        cursor.skip_value()
    elif cursor.accept_any(*_ONE_OPERAND):
        cursor.accept("=")
        cursor.skip_value()
    elif cursor.accept("COMPRESSED"):  # MariaDB: COMPRESSED [= zlib]
        if cursor.accept("="):
            cursor.next()
    elif cursor.accept_any(*_FLAGS) or cursor.accept("NOT", "ENFORCED") or _skip_charset(cursor):
        pass
    elif cursor.accept_any("WITH", "WITHOUT"):  # MariaDB: WITH[OUT] SYSTEM VERSIONING
        cursor.expect("SYSTEM", "VERSIONING")
    elif cursor.accept("CONSTRAINT") or cursor.at("CHECK"):
        if not cursor.at("CHECK"):
            cursor.name()
        cursor.expect("CHECK")
        cursor.group()  # a column CHECK: the model holds no checks
    elif cursor.accept("REFERENCES"):  # MySQL parses an inline REFERENCES and ignores it
        skip_reference(cursor)
    else:
        return False
    return True


def skip_reference(cursor: Cursor) -> tuple[str, tuple[str, ...]]:
    """``tbl (cols) [MATCH x] [ON DELETE|UPDATE action]...`` after REFERENCES: the table and columns."""
    table, columns, _ = read_reference(cursor)
    return table, columns


def read_reference(cursor: Cursor) -> tuple[str, tuple[str, ...], dict[str, str]]:
    """:func:`skip_reference`, and the actions it declares (``{"DELETE": "CASCADE", ...}``)."""
    table = cursor.table_name()
    columns = tuple(part.name() for part in cursor.group().split()) if cursor.at("(") else ()
    actions: dict[str, str] = {}
    while not cursor.at_end():
        if cursor.accept("MATCH"):
            cursor.next()
        elif cursor.accept("ON") and (event := cursor.accept_any("DELETE", "UPDATE")):
            for action in (("SET", "NULL"), ("SET", "DEFAULT"), ("NO", "ACTION")):
                if cursor.accept(*action):
                    actions[event.upper()] = " ".join(action)
                    break
            else:
                actions[event.upper()] = cursor.expect_any("CASCADE", "RESTRICT").upper()
        else:
            break
    return table, columns, actions
