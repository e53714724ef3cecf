"""Differential test of the DDL reader against ../shared/corpus/mysql-ddl: for every schema, the project's
own DDL and its ``mariadb-dump --no-data`` must both read as the schema MariaDB's information_schema
reported after loading the file (``NN-name.expected.json``, an oracle independent of the reader).

MariaDB's words are normalised where the DDL cannot say otherwise (display widths ``int(11)``, the name
of an unnamed key); every place where the oracle and the reader part ways is written down below with
its reason, per file and table.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from mappings.schema import UNKNOWN_TYPE, Column
from mappings.schema.ddl import DdlReport, read_ddl_report
from tests.conftest import DDL_CORPUS

pytestmark = pytest.mark.shared  # reads the corpus in ../shared

# The corpus's file names, committed (never its contents), so the cases exist even without ../shared
# and a clone without it counts every case it did not run; the first test keeps the list true.
MANIFEST = (Path(__file__).parent.parent / "ddl_corpus_manifest.txt").read_text().split()
SOURCES = [n for n in MANIFEST if "/" not in n and n.endswith(".sql")]  # NN-name.sql and NN-name.mysqldump.sql

#: (file, table) -> the columns and non-unique indexes the reader finds and MariaDB does not, and why.
READER_ONLY: dict[tuple[str, str], tuple[tuple[str, ...], tuple[tuple[str, ...], ...], str]] = {
    ("03-sakila.sql", "address"): (
        ("location",),
        (("location",),),
        "/*!50705 location GEOMETRY NOT NULL,*/ and /*!50705 SPATIAL KEY idx_location (location),*/: MySQL from "
        "5.7.5 runs them and the reader reads as MySQL; MariaDB skips /*!NNNNN*/ for NNNNN in 50700-99999 "
        "(README, 'What MariaDB needed'), so its information_schema and its dump have neither",
    ),
}

#: Files whose JSON columns MariaDB reports as LONGTEXT, and how many (the reader reads as MySQL: JSON).
MARIADB_JSON_AS_LONGTEXT = {
    # README: 'JSON is an alias of longtext ... MariaDB adds a column CHECK named after the column ...
    # so 08 has 93 checks for 47 written': 46 JSON columns, each with its json_valid CHECK as evidence.
    "08-shopware.sql": 46,
}

#: Triggers, procedures and functions each file defines (the dumps hold triggers only: no --routines).
ROUTINES = {
    "03-sakila.sql": [
        "ins_film",
        "upd_film",
        "del_film",
        "rewards_report",
        "get_customer_balance",
        "film_in_stock",
        "film_not_in_stock",
        "inventory_held_by_customer",
        "inventory_in_stock",
    ],
    "03-sakila.mysqldump.sql": ["ins_film", "upd_film", "del_film"],
}


def test_corpus_is_present_and_the_manifest_lists_it() -> None:
    """After the corpus changed, regenerate the manifest from the checkout:
    ``(cd ../shared/corpus/mysql-ddl && find . -type f | sed 's#^./##' | sort) > tests/ddl_corpus_manifest.txt``"""
    listed = sorted(str(p.relative_to(DDL_CORPUS)) for p in DDL_CORPUS.rglob("*") if p.is_file())
    assert listed == sorted(MANIFEST)
    assert len(SOURCES) == 18 and sum(n.endswith(".expected.json") for n in MANIFEST) == 9


@functools.cache
def _read(name: str) -> DdlReport:
    return read_ddl_report((DDL_CORPUS / name).read_text(), name=name.split(".")[0])


@functools.cache
def _oracle(name: str) -> dict[str, Any]:
    tables: dict[str, Any] = json.loads((DDL_CORPUS / f"{name.split('.')[0]}.expected.json").read_text())["tables"]
    return tables


def _oracle_column(found: dict[str, Any]) -> Column:
    """The model's view of an information_schema column: base type, sizes that matter, members, NULL."""
    column_type = found["column_type"]
    base = re.split(r"[(\s]", column_type)[0]
    numbers = [int(n) for n in re.findall(r"\d+", column_type)] if base not in ("enum", "set") else []
    values = tuple(v.replace("''", "'") for v in re.findall(r"'((?:[^']|'')*)'", column_type))
    length = numbers[0] if base in ("char", "varchar", "binary", "varbinary", "bit") else None
    precision, scale = (numbers[0], numbers[1]) if base == "decimal" else (None, None)
    if base in ("datetime", "timestamp", "time") and numbers:
        precision = numbers[0]
    return Column(
        name=found["name"],
        data_type=base,
        nullable=found["is_nullable"] == "YES",
        unsigned=" unsigned" in column_type,
        length=length,
        precision=precision,
        scale=scale,
        values=values if base in ("enum", "set") else (),
        generated="generated" in found,
    )


def _comparable(name: str, read: Column, oracle: Column, table: dict[str, Any]) -> Column:
    """MariaDB's JSON is LONGTEXT with a CHECK (json_valid(c)) named after the column; MySQL's is JSON.
    The reader reads as MySQL; the oracle's own check is the evidence that the column was declared JSON."""
    if read.data_type == "json":
        assert name in MARIADB_JSON_AS_LONGTEXT, read
        assert oracle.data_type == "longtext", oracle
        assert table["checks"].get(oracle.name) == f"json_valid(`{oracle.name}`)", oracle.name
        return dataclasses.replace(oracle, data_type="json")
    return oracle


@pytest.mark.parametrize("name", SOURCES)
def test_every_statement_is_read(name: str) -> None:
    report = _read(name)
    assert [str(u) for u in report.unread] == []
    assert list(report.skipped_routines) == ROUTINES.get(name, [])


@pytest.mark.parametrize("name", SOURCES)
def test_same_tables_and_views(name: str) -> None:
    oracle = _oracle(name)
    read = _read(name).schema.tables
    assert sorted(read) == sorted(oracle)
    assert {t: read[t].is_view for t in read} == {t: oracle[t]["table_type"] == "VIEW" for t in oracle}


@pytest.mark.parametrize("name", SOURCES)
def test_same_columns_in_order(name: str) -> None:
    oracle = _oracle(name)
    for table_name, table in _read(name).schema.tables.items():
        if table.is_view:
            continue
        extra_columns, _, _ = READER_ONLY.get((name, table_name), ((), (), ""))
        assert set(extra_columns) <= {c.name for c in table.columns}, table_name  # the exception still holds
        read = [c for c in table.columns if c.name not in extra_columns]
        expected = [_oracle_column(c) for c in oracle[table_name]["columns"]]
        assert [c.name for c in read] == [c.name for c in expected], table_name
        comparable = [_comparable(name, r, e, oracle[table_name]) for r, e in zip(read, expected, strict=True)]
        assert read == comparable, table_name
    json_columns = sum(c.data_type == "json" for t in _read(name).schema.tables.values() for c in t.columns)
    assert json_columns == MARIADB_JSON_AS_LONGTEXT.get(name, 0)


@pytest.mark.parametrize("name", SOURCES)
def test_same_keys(name: str) -> None:
    """Primary key in key order; unique keys and foreign keys as column tuples (their names need not match)."""
    oracle = _oracle(name)
    for table_name, table in _read(name).schema.tables.items():
        expected = oracle[table_name]
        assert table.primary_key == tuple(expected["primary_key"]), table_name
        assert sorted(table.unique_keys) == sorted(tuple(k) for k in expected["unique_keys"].values()), table_name
        assert sorted((k.columns, k.referenced_table, k.referenced_columns) for k in table.foreign_keys) == sorted(
            (tuple(k["columns"]), k["referenced_table"], tuple(k["referenced_columns"]))
            for k in expected["foreign_keys"].values()
        ), table_name


@pytest.mark.parametrize("name", SOURCES)
def test_same_indexes(name: str) -> None:
    """Non-unique indexes, including FULLTEXT/SPATIAL and the ones InnoDB adds for foreign keys."""
    oracle = _oracle(name)
    for table_name, table in _read(name).schema.tables.items():
        _, extra_indexes, _ = READER_ONLY.get((name, table_name), ((), (), ""))
        read = [i.columns for i in table.indexes]
        assert set(extra_indexes) <= set(read), table_name  # the exception still holds
        expected = [tuple(k) for k in oracle[table_name]["indexes"].values()]
        assert sorted(c for c in read if c not in extra_indexes) == sorted(expected), table_name


@pytest.mark.parametrize("name", SOURCES)
def test_views_have_the_oracles_column_names_and_types_where_the_reader_tells_them(name: str) -> None:
    oracle = _oracle(name)
    for table_name, table in _read(name).schema.tables.items():
        if not table.is_view:
            continue
        expected = [_oracle_column(c) for c in oracle[table_name]["columns"]]
        assert [c.name for c in table.columns] == [c.name for c in expected], table_name
        typed = [(r, e) for r, e in zip(table.columns, expected, strict=True) if r.data_type != UNKNOWN_TYPE]
        assert [r for r, _ in typed] == [e for _, e in typed], table_name
