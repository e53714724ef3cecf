"""Synthetic source rows from a schema, so a migration can be rehearsed without production data.

Deterministic (same schema, count and seed: same rows on every machine) and valid for the DDL:
values fit their types and lengths, NOT NULL columns are never NULL (nullable ones are NULL about
one time in ten), ENUM/SET values are members, primary and unique keys (composite ones too) are
unique, and declared foreign keys point at generated rows (parents are filled first).

:func:`run_workload` then changes the rows for the CDC rehearsal: inserts, updates and deletes in
their own transactions, never touching primary, unique or foreign-key columns, nor the columns a
base-table key template names (DMS cannot apply those updates; that case has its own tests).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import random
import zlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dms_dynamodb.source.connection import identifier, quoted
from mappings.schema import Column, ForeignKey, SourceSchema, Table

_INT_RANGE = {
    "tinyint": (-128, 127, 255),
    "smallint": (-32768, 32767, 65535),
    "mediumint": (-8388608, 8388607, 16777215),
    "int": (-2147483648, 2147483647, 4294967295),
    "bigint": (-(2**63), 2**63 - 1, 2**64 - 1),
}
_TEXT_LIMIT = {"tinytext": 255, "text": 2000, "mediumtext": 2000, "longtext": 2000}
_GEOMETRY = {"geometry", "point", "linestring", "polygon"}
_WORDS = [
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
]
_EPOCH = dt.datetime(2024, 1, 1)


class SyntheticError(ValueError):
    """A schema the generator cannot fill (e.g. a foreign key cycle without a nullable column)."""


def load_order(schema: SourceSchema) -> list[Table]:
    """Tables with every referenced table before the tables that refer to it (cycles: see ``deferred_keys``)."""
    return _plan(schema)[0]


def deferred_keys(schema: SourceSchema) -> list[tuple[Table, ForeignKey]]:
    """The foreign keys that close a cycle (Sakila's store <-> staff): filled after both tables exist."""
    return _plan(schema)[1]


def _plan(schema: SourceSchema) -> tuple[list[Table], list[tuple[Table, ForeignKey]]]:
    tables = {name: t for name, t in schema.tables.items() if not t.is_view}
    ordered: list[Table] = []
    deferred: list[tuple[Table, ForeignKey]] = []
    state: dict[str, str] = {}

    def visit(name: str) -> None:
        if state.get(name) == "done" or name not in tables:
            return
        state[name] = "visiting"
        for foreign in tables[name].foreign_keys:
            parent = foreign.referenced_table
            if parent == name:
                continue
            if state.get(parent) == "visiting":  # this key closes a cycle: defer it
                deferred.append((tables[name], foreign))
                continue
            visit(parent)
        state[name] = "done"
        ordered.append(tables[name])

    for name in sorted(tables):
        visit(name)
    return ordered, deferred


def _unique_sets(table: Table) -> list[tuple[str, ...]]:
    return [k for k in (table.primary_key, *table.unique_keys) if k]


@dataclass
class Generator:
    """Makes rows table by table; remembers generated keys so foreign keys and the workload can use them."""

    schema: SourceSchema
    seed: int = 1
    #: Generated values of each table's referenced column tuples, by (table, columns).
    keys: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = field(default_factory=dict)
    _seen: dict[tuple[str, tuple[str, ...]], set[tuple[Any, ...]]] = field(default_factory=dict)
    _next: dict[str, int] = field(default_factory=dict)
    _recorded_columns: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    #: Foreign keys that close a cycle, by (table, columns): their values are set once the parent exists.
    deferred: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)
    #: Rows the server refused (a CHECK constraint the generator cannot know), by "table: error": said, not hidden.
    refused: dict[str, int] = field(default_factory=dict)

    def rng(self, table: str, salt: int = 0) -> random.Random:
        return random.Random(self.seed * 1_000_003 + zlib.crc32(table.encode()) + salt)

    def value(self, column: Column, index: int, rng: random.Random, *, unique: bool = False) -> Any:
        """A value of the column's type; ``unique`` values embed ``index`` so they never repeat."""
        kind = column.data_type
        if kind in _INT_RANGE:
            low, high, unsigned_high = _INT_RANGE[kind]
            if unique:
                return index
            return rng.randint(
                0 if column.unsigned else max(low, -1000), min(unsigned_high if column.unsigned else high, 1000)
            )
        if kind in ("decimal", "numeric"):
            scale = column.scale or 0
            whole = min((column.precision or 10) - scale, 6)
            if unique:
                return decimal.Decimal(index) if whole >= len(str(index)) else decimal.Decimal(index % 10**whole)
            units = rng.randint(0, 10 ** (whole + scale) - 1)
            return decimal.Decimal(units).scaleb(-scale)
        if kind in ("float", "double", "real"):
            return float(index) if unique else round(rng.uniform(0, 1000), 3)
        if kind in ("char", "varchar"):
            length = column.length or 255
            text = f"{column.name}-{index}" if unique else f"{rng.choice(_WORDS)} {rng.randint(1, 10**6)}"
            if len(text) > length:
                text = (str(index) if unique else text)[-length:]
            return text
        if kind in _TEXT_LIMIT:
            words = [rng.choice(_WORDS) for _ in range(rng.randint(3, 40))]
            return (f"{index} " if unique else "") + " ".join(words)[: _TEXT_LIMIT[kind]]
        if kind == "json":
            return json.dumps({"n": index, "word": rng.choice(_WORDS), "flags": [rng.random() < 0.5 for _ in range(2)]})
        if kind == "enum":
            return rng.choice(column.values) if column.values else ""
        if kind == "set":
            return ",".join(v for v in column.values if rng.random() < 0.4)
        if kind == "bit":
            bits = column.length or 1
            return (index % 2**bits) if unique else rng.randint(0, 2**bits - 1)
        if kind in ("datetime", "timestamp"):
            moment = _EPOCH + dt.timedelta(seconds=index * 61 if unique else rng.randint(0, 2 * 365 * 86400))
            digits = column.precision or 0
            if digits:
                micro = rng.randint(0, 999_999)
                moment = moment.replace(microsecond=micro - micro % 10 ** (6 - digits))
            return moment
        if kind == "date":
            return (_EPOCH + dt.timedelta(days=index if unique else rng.randint(0, 3 * 365))).date()
        if kind == "time":
            return dt.timedelta(seconds=index if unique else rng.randint(0, 86399))
        if kind == "year":
            return 1901 + index % 254 if unique else rng.randint(1990, 2030)
        if kind in ("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"):
            size = min(column.length or 16, 16)
            return index.to_bytes(8, "big")[-size:] if unique else bytes(rng.randrange(256) for _ in range(size))
        if kind in _GEOMETRY:
            return f"POINT({rng.randint(-90, 90)} {rng.randint(-90, 90)})"
        raise SyntheticError(f"column {column.name}: type {kind!r} is not supported by --rows; load data with --data")

    def placeholders(self, table: Table) -> str:
        return ", ".join("ST_GeomFromText(%s)" if c.data_type in _GEOMETRY else "%s" for c in writable(table))

    def row(self, table: Table, rng: random.Random) -> tuple[Any, ...] | None:
        """The table's next row, or None when no unique row could be made (e.g. a full composite key space)."""
        index = self._next.get(table.name, 0) + 1
        self._next[table.name] = index
        unique_columns = {c.lower() for key in _unique_sets(table) if len(key) == 1 for c in key}
        for attempt in range(20):
            values: dict[str, Any] = {}
            for foreign in table.foreign_keys:
                parents = self.keys.get((foreign.referenced_table, foreign.referenced_columns), [])
                nullable = all((col := table.column(c)) is not None and col.nullable for c in foreign.columns)
                if not parents:
                    if nullable:
                        values.update({c.lower(): None for c in foreign.columns})
                        continue
                    if (table.name, foreign.columns) in self.deferred:  # fixed by fill() once the parent exists
                        for name in foreign.columns:
                            column = table.column(name)
                            values[name.lower()] = self.value(column, index, rng) if column is not None else None
                        continue
                    raise SyntheticError(
                        f"{table.name}.{', '.join(foreign.columns)} refers to {foreign.referenced_table}, "
                        "which has no rows to refer to"
                    )
                values.update(zip((c.lower() for c in foreign.columns), rng.choice(parents), strict=True))
            for column in table.columns:
                name = column.name.lower()
                if name in values:
                    continue
                if column.generated:
                    values[name] = None  # MySQL computes it; the INSERT does not name it
                    continue
                if column.nullable and name not in unique_columns and rng.random() < 0.1:
                    values[name] = None
                    continue
                values[name] = self.value(column, index + attempt * 1_000_000, rng, unique=name in unique_columns)
            row = tuple(values[c.name.lower()] for c in writable(table))
            if self._claim(table, values):
                return row
        return None

    def _claim(self, table: Table, values: dict[str, Any]) -> bool:
        keys = [(key, tuple(values[c.lower()] for c in key)) for key in _unique_sets(table)]
        for key, tuple_value in keys:
            if None not in tuple_value and tuple_value in self._seen.get((table.name, key), set()):
                return False
        for key, tuple_value in keys:
            self._seen.setdefault((table.name, key), set()).add(tuple_value)
        for columns in self._recorded(table.name):
            self.keys.setdefault((table.name, columns), []).append(tuple(values[c.lower()] for c in columns))
        return True

    def _recorded(self, table: str) -> tuple[tuple[str, ...], ...]:
        """The column tuples whose values :attr:`keys` keeps for a table: what foreign keys refer to, and the
        primary key (the workload picks rows by it), each once."""
        if table not in self._recorded_columns:
            referenced = [
                f.referenced_columns
                for t in self.schema.tables.values()
                for f in t.foreign_keys
                if f.referenced_table == table
            ]
            primary = self.schema.tables[table].primary_key
            self._recorded_columns[table] = tuple(dict.fromkeys([*referenced, primary]))
        return self._recorded_columns[table]

    def observe(self, connection: Any) -> None:
        """Learn the keys of rows already in the source (loaded with ``--data``), so new rows do not collide."""
        with connection.cursor() as cursor:
            for table in load_order(self.schema):
                tracked = [*_unique_sets(table), *self._recorded(table.name)]
                columns = list(dict.fromkeys(c for key in tracked for c in key))
                if not columns:
                    continue
                listed = ", ".join(identifier(c) for c in columns)
                cursor.execute(f"SELECT {listed} FROM {quoted(self.schema.name, table.name)}", ())
                for found in cursor.fetchall():
                    self._claim(table, {c.lower(): v for c, v in zip(columns, found, strict=True)})
                integer_keys = [c for c in table.primary_key if (col := table.column(c)) is not None and col.is_integer]
                if len(table.primary_key) == 1 and integer_keys:
                    cursor.execute(
                        f"SELECT COALESCE(MAX({identifier(integer_keys[0])}), 0) FROM {quoted(self.schema.name, table.name)}",
                        (),
                    )
                    self._next[table.name] = max(self._next.get(table.name, 0), int(cursor.fetchone()[0]))

    def release(self, table: Table, row: dict[str, Any]) -> None:
        """Forget a deleted row's keys (the workload deleted it)."""
        values = {k.lower(): v for k, v in row.items()}
        for key in _unique_sets(table):
            self._seen.get((table.name, key), set()).discard(tuple(values[c.lower()] for c in key))
        for (name, columns), generated in self.keys.items():
            if name == table.name:
                value = tuple(values[c.lower()] for c in columns)
                if value in generated:
                    generated.remove(value)


def synthetic_rows(generator: Generator, rows: int) -> Iterator[tuple[Table, list[tuple[Any, ...]]]]:
    """``rows`` rows for every table, parents first."""
    for table in load_order(generator.schema):
        rng = generator.rng(table.name)
        made = [r for r in (generator.row(table, rng) for _ in range(rows)) if r is not None]
        yield table, made


def writable(table: Table) -> list[Column]:
    """The columns an INSERT names: all but generated ones (MySQL computes those and refuses a value)."""
    return [c for c in table.columns if not c.generated]


def insert_sql(generator: Generator, schema: str, table: Table) -> str:
    columns = ", ".join(identifier(c.name) for c in writable(table))
    name = quoted(schema, table.name)
    return f"INSERT INTO {name} ({columns}) VALUES ({generator.placeholders(table)})"


def fill(connection: Any, schema: SourceSchema, rows: int, *, seed: int = 1) -> tuple[Generator, dict[str, int]]:
    """Insert ``rows`` synthetic rows into every table of ``schema`` (on ``connection``)."""
    generator = Generator(schema, seed)
    cycles = deferred_keys(schema)
    generator.deferred = {(table.name, foreign.columns) for table, foreign in cycles}
    counts = {}
    with connection.cursor() as cursor:
        # A cycle of foreign keys (store -> staff -> store) is filled with checks off, then made valid.
        cursor.execute(f"SET FOREIGN_KEY_CHECKS = {0 if cycles else 1}", ())
        for table, made in synthetic_rows(generator, rows):
            counts[table.name] = _insert(cursor, generator, table, made)
        for table, foreign in cycles:
            _close_cycle(cursor, generator, table, foreign)
        cursor.execute("SET FOREIGN_KEY_CHECKS = 1")
    connection.commit()
    return generator, counts


def _insert(cursor: Any, generator: Generator, table: Table, rows: list[tuple[Any, ...]]) -> int:
    """Insert the rows in batches; a batch the server refuses is inserted row by row, and each row it still
    refuses (a CHECK constraint, say) is counted in ``generator.refused`` and forgotten; how many went in."""
    import pymysql

    sql = insert_sql(generator, generator.schema.name, table)
    inserted = 0
    for start in range(0, len(rows), 500):
        batch = rows[start : start + 500]
        try:
            cursor.executemany(sql, batch)
            inserted += len(batch)
            continue
        except pymysql.MySQLError:
            pass
        for row in batch:
            try:
                cursor.execute(sql, row)
                inserted += 1
            except pymysql.MySQLError as exc:
                why = f"{table.name}: {exc.args[-1] if exc.args else exc}"[:160]
                generator.refused[why] = generator.refused.get(why, 0) + 1
                generator.release(table, dict(zip((c.name for c in writable(table)), row, strict=True)))
    return inserted


def _close_cycle(cursor: Any, generator: Generator, table: Table, foreign: ForeignKey) -> None:
    """Point every row's deferred foreign key at a row the parent now has (inserted after it)."""
    parents = generator.keys.get((foreign.referenced_table, foreign.referenced_columns), [])
    if not parents:
        raise SyntheticError(
            f"{table.name}.{', '.join(foreign.columns)} refers to {foreign.referenced_table}, which has no rows"
        )
    rng = generator.rng(table.name, salt=7)
    name = quoted(generator.schema.name, table.name)
    assignments = ", ".join(f"{identifier(c)} = %s" for c in foreign.columns)
    keys = generator.keys.get((table.name, table.primary_key), []) if table.primary_key else []
    if not keys:
        cursor.execute(f"UPDATE {name} SET {assignments}", rng.choice(parents))
        return
    where = " AND ".join(f"{identifier(c)} = %s" for c in table.primary_key)
    for key in keys:
        cursor.execute(f"UPDATE {name} SET {assignments} WHERE {where}", (*rng.choice(parents), *key))


@dataclass
class Workload:
    operations: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    #: Changes the workload tried and could not make, by reason (a unique value exhausted, a table whose
    #: every column is a key, a row other rows refer to): said, never silently fewer.
    skipped: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.operations += 1
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def shortfall(self, wanted: int) -> str:
        """'' when the workload made every change asked for; else how many and why not more."""
        if self.operations >= wanted:
            return ""
        reasons = "; ".join(f"{why} ({count} tries)" for why, count in sorted(self.skipped.items()))
        return f"made {self.operations} of the {wanted} changes asked for: {reasons or 'no change could be made'}"


#: Tries per change asked for before the workload gives up (so a schema that allows few changes ends).
TRIES_PER_CHANGE = 20


def run_workload(
    connection: Any,
    generator: Generator,
    tables: Sequence[Table],
    operations: int,
    *,
    frozen_columns: Mapping[str, Collection[str]] | None = None,
    seed: int = 7,
) -> Workload:
    """``operations`` random inserts, updates and deletes on ``tables`` (fewer only when the schema allows
    no more: ``Workload.shortfall`` says why); ``frozen_columns`` (by table) are never updated, nor are
    key, unique or foreign-key columns, and rows other tables refer to are never deleted."""
    import pymysql

    rng = random.Random(seed)
    done = Workload()
    referenced = {f.referenced_table for t in generator.schema.tables.values() for f in t.foreign_keys}
    with connection.cursor(pymysql.cursors.DictCursor) as cursor:
        for _ in range(operations * TRIES_PER_CHANGE):
            if done.operations >= operations:
                break
            table = rng.choice(list(tables))
            keys = generator.keys.get((table.name, table.primary_key), [])
            choice = rng.random()
            frozen = {c.lower() for c in (frozen_columns or {}).get(table.name, ())}
            frozen |= {c.lower() for key in _unique_sets(table) for c in key}
            frozen |= {c.lower() for f in table.foreign_keys for c in f.columns}
            free = [c for c in table.columns if c.name.lower() not in frozen and c.data_type not in _GEOMETRY]
            free = [c for c in free if not c.generated]
            try:
                kind = _one_change(cursor, generator, table, keys, choice, free, rng, referenced)
            except pymysql.MySQLError as exc:  # a trigger, a CHECK: the server refused this change
                connection.rollback()
                done.skip(f"{table.name}: the server refused the change ({exc.args[-1] if exc.args else exc})"[:160])
                continue
            if kind.startswith("skip:"):
                done.skip(kind.removeprefix("skip:"))
                continue
            done.count(kind)
            connection.commit()
    return done


def _one_change(
    cursor: Any,
    generator: Generator,
    table: Table,
    keys: list[tuple[Any, ...]],
    choice: float,
    free: list[Column],
    rng: random.Random,
    referenced: set[str],
) -> str:
    """Make one random change to ``table``: what it was (``insert t``), or ``skip:`` and why not."""
    where = " AND ".join(f"{identifier(c)} = %s" for c in table.primary_key)
    name = quoted(generator.schema.name, table.name)
    if choice < 0.35 or not keys or not table.primary_key:
        row = generator.row(table, rng)
        if row is None:
            return f"skip:insert into {table.name}: no new value for a unique or primary key"
        try:
            cursor.execute(insert_sql(generator, generator.schema.name, table), row)
        except Exception:
            generator.release(table, dict(zip((c.name for c in writable(table)), row, strict=True)))
            raise
        return f"insert {table.name}"
    if choice < 0.85:
        if not free:
            return f"skip:update {table.name}: every column is a key, unique, foreign-key or frozen column"
        key = rng.choice(keys)
        column = rng.choice(free)
        value = None if column.nullable and rng.random() < 0.1 else generator.value(column, 0, rng)
        placeholder = "ST_GeomFromText(%s)" if column.data_type in _GEOMETRY else "%s"
        cursor.execute(f"UPDATE {name} SET {identifier(column.name)} = {placeholder} WHERE {where}", (value, *key))
        return f"update {table.name}"
    if table.name in referenced:
        return f"skip:delete from {table.name}: other tables refer to its rows"
    key = rng.choice(keys)
    cursor.execute(f"SELECT * FROM {name} WHERE {where}", key)
    existing = cursor.fetchone()
    if existing is None:
        return f"skip:delete from {table.name}: the row was already gone"
    cursor.execute(f"DELETE FROM {name} WHERE {where}", key)
    generator.release(table, existing)
    return f"delete {table.name}"
