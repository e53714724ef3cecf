"""`dms-dynamodb preflight` against throwaway MariaDB servers configured right and wrong."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from dms_dynamodb.cli import main
from dms_dynamodb.rehearsal.servers import MariaDB
from dms_dynamodb.source.connection import connect
from tests.conftest import SHOP_DDL, stack_file

SHOP = str(stack_file("shop"))


def _url(server: MariaDB, user: str, database: str = "shop") -> str:
    return f"mysql://{user}:pw@localhost/{database}?unix_socket={server.socket}"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MariaDB]:
    """A server whose binlog is MIXED, as many self-managed servers are."""
    server = MariaDB.start(tmp_path_factory.mktemp("mixed"), binlog=("--binlog-format=MIXED",))
    try:
        server.execute_file("shop", SHOP_DDL)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def users(mariadb: MariaDB, shop_db: str) -> MariaDB:
    """The session's server (ROW/FULL) with the shop schema, a keyless table and two DMS users."""
    connection = connect(shop_db)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS shop.scratch (note VARCHAR(10))")  # no primary or unique key
        for user, grants in (
            ("dms_ok", "SELECT, REPLICATION CLIENT, REPLICATION SLAVE ON *.*"),
            ("dms_no_slave", "SELECT, REPLICATION CLIENT ON *.*"),
        ):
            cursor.execute(f"CREATE USER IF NOT EXISTS '{user}'@'localhost' IDENTIFIED BY 'pw'")
            cursor.execute(f"GRANT {grants} TO '{user}'@'localhost'")
    connection.close()
    return mariadb


def test_a_mixed_binlog_fails_naming_binlog_format_and_the_fix(
    mixed: MariaDB, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preflight", "--mysql-url", mixed.url("shop")]) == 1
    out = capsys.readouterr().out
    assert "error   binlog_format: binlog_format is MIXED; DMS CDC needs ROW" in out
    assert "fix: set binlog_format=ROW in my.cnf ([mysqld]), then restart the server" in out
    # started without --binlog-row-metadata: MariaDB's default (NO_LOG) names no column in the binlog
    assert "error   binlog_row_metadata: binlog_row_metadata is NO_LOG" in out
    assert "2 error(s)" in out


def test_a_user_without_replication_slave_fails_naming_the_grant(
    users: MariaDB, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["preflight", "--mysql-url", _url(users, "dms_no_slave"), "--stack", SHOP]) == 1
    out = capsys.readouterr().out
    assert "error   grants: 'dms_no_slave'@'localhost' lacks REPLICATION SLAVE (needed for CDC)" in out
    assert "fix: GRANT REPLICATION SLAVE ON *.* TO 'dms_no_slave'@'localhost';" in out
    assert "1 error(s)" in out


def test_everything_right_passes(users: MariaDB, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preflight", "--mysql-url", _url(users, "dms_ok"), "--stack", SHOP]) == 0
    out = capsys.readouterr().out
    assert "ok      binlog_format: binlog_format is ROW" in out
    assert "ok      mapped tables: every table task shop-orders names exists" in out
    assert "0 error(s), 0 warning(s)" in out  # shop.scratch has no key, but the task does not migrate it


def test_a_table_without_a_key_is_reported(users: MariaDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preflight", "--mysql-url", _url(users, "dms_ok")]) == 0  # the URL's database: a warning
    out = capsys.readouterr().out
    assert (
        "warning keys: shop.scratch has no primary key or unique key: DMS cannot apply its updates and deletes" in out
    )
    # A full-load-and-CDC task that selects it: an error.
    document = json.loads(Path(SHOP).read_text())
    (task,) = document["resource"]["aws_dms_replication_task"].values()
    mappings = json.loads(task["table_mappings"])
    mappings["rules"].append(
        {
            "rule-type": "selection",
            "rule-id": "6",
            "rule-name": "include-scratch",
            "rule-action": "include",
            "object-locator": {"schema-name": "shop", "table-name": "scratch"},
        }
    )
    task["table_mappings"] = json.dumps(mappings)
    stack = tmp_path / "with-scratch.json"
    stack.write_text(json.dumps(document))
    assert main(["preflight", "--mysql-url", _url(users, "dms_ok"), "--stack", str(stack)]) == 1
    assert "error   keys: shop.scratch has no primary key or unique key" in capsys.readouterr().out


def test_short_binlog_retention_is_an_error(users: MariaDB, capsys: pytest.CaptureFixture[str]) -> None:
    admin = connect(users.url(""))
    with admin.cursor() as cursor:
        cursor.execute("SET GLOBAL binlog_expire_logs_seconds = 3600")
    try:
        assert main(["preflight", "--mysql-url", _url(users, "dms_ok"), "--stack", SHOP]) == 1
        out = capsys.readouterr().out
        assert "error   binlog retention: binlogs expire after 1 hours; keep them at least 24" in out
    finally:
        with admin.cursor() as cursor:
            cursor.execute("SET GLOBAL binlog_expire_logs_seconds = 0")
        admin.close()


def test_a_stack_naming_a_missing_table_fails(
    users: MariaDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = Path(SHOP).read_text().replace('\\"table-name\\":\\"order_line\\"', '\\"table-name\\":\\"order_lines\\"')
    stack = tmp_path / "typo.json"
    stack.write_text(document)
    assert main(["preflight", "--mysql-url", _url(users, "dms_ok"), "--stack", str(stack)]) == 1
    out = capsys.readouterr().out
    assert (
        "error   mapped tables: rule-id 4 (include-order-line): shop.order_lines matches no table of the source" in out
    )
