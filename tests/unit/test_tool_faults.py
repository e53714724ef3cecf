"""Faults of the tool half that need no server: names with ``%``, one filter semantics, impossible dates, a scan
whose consumer stops, files of row data, and usage errors (exit 2). Expected values written by hand."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cli import main
from dms_dynamodb.dynamodb import scan as scan_module
from dms_dynamodb.dynamodb.scan import scan
from dms_dynamodb.private_files import make_private, private_file
from dms_dynamodb.source.connection import identifier, quoted
from dms_dynamodb.source.filter_sql import where_clause
from mappings.document.enums import FilterOperator, FilterType
from mappings.document.rules import Filter, FilterCondition
from mappings.items.filters import TableFilter
from mappings.items.values import normalize, on_calendar
from mappings.schema import Column, Table
from tests import timing
from tests.conftest import ROOT, stack_file

# --------------------------------------------------------------------------------- names with %


def test_identifiers_survive_pymysqls_formatting_exactly_once() -> None:
    """PyMySQL runs ``sql % escaped_args`` whenever args is not None: only the placeholders we add may remain."""
    assert identifier("t%sx") == "`t%%sx`" and identifier("a`b") == "`a``b`"
    statement = f"SELECT * FROM {quoted('pct%%x', 't%sx')} WHERE {identifier('c%sd')} = %s"
    assert statement % ("'v'",) == "SELECT * FROM `pct%%x`.`t%sx` WHERE `c%sd` = 'v'"
    assert f"SELECT MIN({identifier('a%%b')}) FROM {quoted('s', 't%sx')}" % () == "SELECT MIN(`a%%b`) FROM `s`.`t%sx`"


def _filter(column: str, *conditions: dict[str, str]) -> Filter:
    made = tuple(
        FilterCondition(
            filter_operator=FilterOperator(c["filter-operator"]),
            value=c.get("value"),
            start_value=c.get("start-value"),
            end_value=c.get("end-value"),
        )
        for c in conditions
    )
    return Filter(filter_type=FilterType.SOURCE, column_name=column, filter_conditions=made)


TABLE = Table(
    "t%sx",
    (
        Column("id", "int", False),
        Column("c%sd", "varchar", True, length=20),
        Column("day", "date", True),
        Column("n", "int", True),
    ),
    ("id",),
)


def test_the_filter_sql_quotes_names_with_percent_and_leaves_only_its_own_placeholders() -> None:
    table_filter = TableFilter(
        TABLE,
        (
            _filter("c%sd", {"filter-operator": "eq", "value": "é"}),
            _filter("day", {"filter-operator": "between", "start-value": "2024-01-01", "end-value": "2024-06-30"}),
            _filter("day", {"filter-operator": "null"}),
            _filter("n", {"filter-operator": "gte", "value": "5"}),
        ),
    )
    clause, parameters = where_clause(table_filter)
    assert clause == (
        "(CAST(CONVERT(`c%%sd` USING utf8mb4) AS BINARY) = CAST(CONVERT(%s USING utf8mb4) AS BINARY))"
        " AND ((`day` BETWEEN %s AND %s AND (`day` + INTERVAL 0 DAY) IS NOT NULL))"
        " AND ((`day` + INTERVAL 0 DAY) IS NULL)"
        " AND (`n` >= %s)"
    )
    assert parameters == ["é", "2024-01-01", "2024-06-30", "5"]
    assert "`c%sd`" in clause % tuple(parameters)  # formatting consumes exactly the parameters


# --------------------------------------------------------------------------------- one filter semantics

DAY, STAMP, AT = Column("day", "date", True), Column("stamp", "timestamp", True), Column("at", "datetime", True)


@pytest.mark.parametrize(
    ("value", "column", "expected"),
    [
        ("0000-00-00", DAY, None),  # SELECT under a permissive sql_mode
        ("2024-02-30", DAY, None),  # ALLOW_INVALID_DATES
        ("2024-00-10", DAY, None),  # a zero month
        ("0000-00-00 00:00:00", AT, None),
        ("2024-02-30 10:00:00", STAMP, None),
        (dt.datetime(1970, 1, 1), STAMP, None),  # the binlog's zero TIMESTAMP
        (dt.datetime(1970, 1, 1), AT, dt.datetime(1970, 1, 1)),  # a real DATETIME
        (dt.date(2024, 2, 29), DAY, dt.date(2024, 2, 29)),
        ("2024-02-29", DAY, "2024-02-29"),  # text of a real date stays as it is
        ("0000-00-00", Column("code", "varchar", True), "0000-00-00"),  # not a date column
    ],
)
def test_a_date_the_calendar_does_not_have_is_null(value: Any, column: Column, expected: Any) -> None:
    assert on_calendar(value, column) == expected
    assert normalize(value, column) == expected


def test_the_python_filter_compares_characters_and_takes_impossible_dates_as_null() -> None:
    table = Table("t", (Column("id", "int", False), Column("name", "varchar", True), DAY), ("id",))
    eq = TableFilter(table, (_filter("name", {"filter-operator": "eq", "value": "é"}),))
    assert [eq.admits({"name": v}) for v in ("é", "e", "é ", "É")] == [True, False, False, False]
    gte = TableFilter(table, (_filter("name", {"filter-operator": "gte", "value": "f"}),))
    assert [gte.admits({"name": v}) for v in ("é", "e", "z", "É")] == [True, False, True, True]  # code points
    null = TableFilter(table, (_filter("day", {"filter-operator": "null"}),))
    assert [null.admits({"day": v}) for v in ("0000-00-00", None, dt.date(2024, 1, 1))] == [True, True, False]
    noteq = TableFilter(table, (_filter("day", {"filter-operator": "noteq", "value": "2024-01-01"}),))
    assert [noteq.admits({"day": v}) for v in ("0000-00-00", "2024-02-30", dt.date(2024, 1, 2))] == [
        False,
        False,
        True,
    ]


def test_invalid_binlog_dates_are_read_as_null() -> None:
    from pymysqlreplication.row_event import RowsEvent

    from dms_dynamodb.source.binlog_dates import tolerate_invalid_dates

    assert tolerate_invalid_dates() and tolerate_invalid_dates()  # installed once, idempotent

    class Packet:
        def read_uint24(self) -> int:
            return (2024 << 9) | (2 << 5) | 30  # 2024-02-30

    event = object.__new__(RowsEvent)
    event.packet = Packet()
    assert event._RowsEvent__read_date() is None


# --------------------------------------------------------------------------------- the scan stops


class EndlessTable:
    """A DynamoDB whose parallel scan never ends (and counts the pages it served)."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.served, self.fail_at, self.lock = 0, fail_at, threading.Lock()

    def get_paginator(self, _name: str) -> Any:
        table = self

        class Paginator:
            def paginate(self, **_: Any) -> Any:
                while True:
                    with table.lock:
                        table.served += 1
                        if table.fail_at is not None and table.served >= table.fail_at:
                            raise ConnectionError("the endpoint went away")
                    yield {"Items": [{"pk": {"S": "x"}}]}

        return Paginator()


def _scanners() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("dms-scan-")]


def test_a_consumer_that_raises_stops_every_scanner_within_the_grace() -> None:
    table = EndlessTable()
    pages = scan(table, "endless", 4)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="the consumer failed"):
        for count, _page in enumerate(pages):
            if count == 20:
                pages.close()  # what the for loop's exception does to the generator (contextlib.closing)
                raise RuntimeError("the consumer failed")
    assert time.monotonic() - started < timing.seconds(scan_module.GRACE + 2)
    deadline = time.monotonic() + timing.seconds(scan_module.GRACE + 1)
    while _scanners() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _scanners() == []
    assert table.served < 20 + 4 * 3 + 4  # bounded read-ahead: segments * 2 pages queued, one each in hand


def test_a_failing_segment_ends_the_scan_with_its_error() -> None:
    with pytest.raises(ConnectionError, match="the endpoint went away"):
        for _page in scan(EndlessTable(fail_at=30), "endless", 2):
            pass
    time.sleep(scan_module.GRACE)
    assert _scanners() == []


# --------------------------------------------------------------------------------- files of row data


def test_a_file_of_row_data_is_created_0600_and_replaces_a_readable_one(tmp_path: Path) -> None:
    path = tmp_path / "verify.jsonl"
    path.write_text("old findings\n")
    path.chmod(0o644)
    with private_file(path) as handle:
        assert stat.S_IMODE(os.fstat(handle.fileno()).st_mode) == 0o600
        handle.write("{}\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text() == "{}\n"
    other = tmp_path / "opened-by-a-caller.jsonl"
    with other.open("w") as handle:
        make_private(handle)
    assert stat.S_IMODE(other.stat().st_mode) == 0o600


# --------------------------------------------------------------------------------- usage errors exit 2


@pytest.mark.parametrize("segments", ["0", "-1", "1001", "2000000", "four"])
def test_segments_out_of_range_is_a_usage_error(segments: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = "mysql://dms@127.0.0.1:1/shop"
    with pytest.raises(SystemExit) as exited:
        main(["verify", "--stack", str(stack_file("shop")), "--mysql-url", url, "--segments", segments])
    assert exited.value.code == 2
    assert "argument --segments: " in capsys.readouterr().err


@pytest.mark.parametrize(("option", "value"), [("--server-id", "0"), ("--server-id", "4294967296"), ("--retries", "0")])
def test_cdc_options_out_of_range_are_usage_errors(option: str, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["cdc", "--stack", "shop", "--mysql-url", "mysql://u@127.0.0.1:1/", "--checkpoint", "c.json"]
    with pytest.raises(SystemExit) as exited:
        main([*arguments, option, value])
    assert exited.value.code == 2 and f"argument {option}: " in capsys.readouterr().err


def _stack_with(change: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(stack_file("shop").read_text())
    (table,) = document["resource"]["aws_dynamodb_table"].values()
    change(table)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda t: t["global_secondary_index"][0].update(projection_type="SOME"),
            "global_secondary_index 'GSI1' projection_type is 'SOME'; allowed: ALL, KEYS_ONLY, INCLUDE",
        ),
        (
            lambda t: t["global_secondary_index"][0].update(non_key_attributes=5),
            "global_secondary_index 'GSI1' non_key_attributes is 5; expected a list of attribute names",
        ),
        (lambda t: t["attribute"][0].update(type="X"), "attribute 'pk' has type 'X'; allowed: S, N, B"),
    ],
)
def test_a_bad_value_in_a_stack_is_a_usage_error(
    change: Any, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_stack_with(change)))
    assert main(["verify", "--stack", str(path), "--mysql-url", "mysql://u@127.0.0.1:1/"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1


def test_non_utf8_input_is_a_usage_error_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack = tmp_path / "latin1.json"
    stack.write_bytes(json.dumps(_stack_with(lambda t: None)).encode().replace(b"shop-table", b"shop-t\xe4ble"))
    assert main(["verify", "--stack", str(stack), "--mysql-url", "mysql://u@127.0.0.1:1/"]) == 2
    assert f"{stack} is not UTF-8 (byte " in capsys.readouterr().err
    ddl = tmp_path / "schema.sql"
    ddl.write_bytes(b"CREATE TABLE t (name VARCHAR(10) DEFAULT '\xe9');\n")
    assert main(["check-stack", "--stack", str(stack_file("shop")), "--schema", str(ddl)]) == 2
    assert f"{ddl} is not UTF-8 (byte 42: invalid continuation byte)" in capsys.readouterr().err


def test_an_endpoint_url_that_is_no_url_is_a_usage_error() -> None:
    from dms_dynamodb.commands import UsageError, dynamodb

    with pytest.raises(UsageError, match="--endpoint-url: Invalid endpoint: not a url"):
        dynamodb("not a url")


def test_the_epilog_names_every_exit_code() -> None:
    from dms_dynamodb.cli import _parser

    epilog = _parser().epilog or ""
    for code in ("0 clean", "1 differences", "2 usage errors", "3 incomplete: a server was lost", "130 interrupted"):
        assert code in epilog


# --------------------------------------------------------------------------------- a guard


def test_every_statement_that_pastes_a_name_is_executed_with_parameters() -> None:
    """A ``cursor.execute(f"...")`` without parameters would send ``%%`` to the server (see identifier())."""
    offenders = []
    for path in sorted((ROOT / "dms_dynamodb").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "executemany")
                and node.args
                and isinstance(node.args[0], ast.JoinedStr)
                and len(node.args) < 2
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_a_private_file_through_a_link_narrows_its_regular_target(tmp_path: Path) -> None:
    """``verify --report link``: the file the link leads to holds rows, so it is 0600 before the first byte."""
    target = tmp_path / "shared.jsonl"
    target.write_text("old rows\n")
    target.chmod(0o644)
    link = tmp_path / "report.jsonl"
    link.symlink_to(target)
    with private_file(link) as handle:
        assert stat.S_IMODE(os.fstat(handle.fileno()).st_mode) == 0o600
        handle.write("{}\n")
    assert link.is_symlink() and target.read_text() == "{}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    dangling = tmp_path / "to-nowhere.jsonl"
    dangling.symlink_to(tmp_path / "new.jsonl")
    with private_file(dangling) as handle:
        handle.write("{}\n")
    assert stat.S_IMODE((tmp_path / "new.jsonl").stat().st_mode) == 0o600
