"""The reviewer's reproductions of changes nothing noticed: cascade chains, statement DML and CREATE ... SELECT
that reach migrated tables, a start inside a transaction, cascades of tables created while the follower runs,
and a cutover over a report of other mappings. Each asserts the closed-world outcome: a stop, an apply
exception or a NOT_COMPARABLE, never a clean verdict over stale items."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest

from dms_dynamodb.cdc.apply_exceptions import exceptions_table_design
from dms_dynamodb.cdc.checkpoint import Checkpoint
from dms_dynamodb.cdc.follower import CdcRefused, CdcStats, ChangeApplier, FollowOptions, follow
from dms_dynamodb.cdc.positions import PositionError, check_position
from dms_dynamodb.cli import main
from dms_dynamodb.dynamodb.client import create_table
from dms_dynamodb.source.connection import connect
from dms_dynamodb.verify.incremental import verify_since
from tests.integration import binlog_world as bw
from tests.timing import seconds

#: gp -> mid (not migrated) -> new_leaf (migrated), every key ON DELETE CASCADE.
CHAIN = (
    "CREATE TABLE gp (id INT PRIMARY KEY)",
    "CREATE TABLE mid (id INT PRIMARY KEY, gp_id INT, CONSTRAINT fk_mid_gp FOREIGN KEY (gp_id) REFERENCES gp (id) "
    "ON DELETE CASCADE)",
    "CREATE TABLE new_leaf (id INT PRIMARY KEY, mid_id INT, CONSTRAINT fk_leaf_mid FOREIGN KEY (mid_id) "
    "REFERENCES mid (id) ON DELETE CASCADE)",
    "INSERT INTO gp VALUES (1)",
    "INSERT INTO mid VALUES (1, 1)",
    "INSERT INTO new_leaf VALUES (1, 1), (2, 1)",
)


def run(*argv: str) -> int:
    try:
        return main(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)


def test_a_cascade_two_hops_down_is_an_apply_exception_and_not_comparable(tmp_path: Path) -> None:
    with bw.world(tmp_path) as w:
        w.sql(*CHAIN)
        create_table(w.ddb, exceptions_table_design())
        start = w.load()
        assert w.item("NEW#1") is not None
        w.sql("DELETE FROM gp WHERE id = 1")
        stats = w.follow(start, exceptions_table=True)
        named = [e for e in stats.exceptions if e.TABLE_NAME == "new_leaf"]
        assert named, stats.exceptions
        assert "fk_mid_gp" in named[0].ERROR and "fk_leaf_mid" in named[0].ERROR
        result, _ = verify_since(w.url, w.ddb, w.plan(), start)
        assert not result.clean
        assert "NOT_COMPARABLE" in result.counts
        assert not w.verify().clean  # the leaf's items are stale indeed


def test_cutover_is_not_ready_after_a_cascade_two_hops_down(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with bw.world(tmp_path) as w:
        w.sql(*CHAIN)
        create_table(w.ddb, exceptions_table_design())
        start = w.load()
        common = ["--stack", str(w.stack), "--mysql-url", w.url, "--endpoint-url", w.endpoint, "--skip-checks"]
        report = tmp_path / "v.jsonl"
        assert run("verify", *common, "--report", str(report)) == 0
        w.sql("DELETE FROM gp WHERE id = 1")
        w.follow(start, exceptions_table=True)
        capsys.readouterr()
        checkpoint = str(w.directory / "cdc.json")
        rc = run(
            "cutover",
            *common,
            "--since",
            str(report),
            "--checkpoint",
            checkpoint,
            "--quiet-seconds",
            "0.5",
            "--settle",
            "0.5",
        )
        assert rc != 0, capsys.readouterr().out


def test_statement_dml_a_trigger_carries_to_a_migrated_table_stops(tmp_path: Path) -> None:
    with bw.world(tmp_path) as w:
        w.sql("CREATE TRIGGER ledger_upd AFTER UPDATE ON ledger FOR EACH ROW DELETE FROM child WHERE id = NEW.id")
        start = w.load()
        w.sql("SET SESSION binlog_format = 'STATEMENT'", "UPDATE ledger SET amount = 99 WHERE id = 1")
        w.sql("INSERT INTO parent VALUES (30, 'after', NULL)")
        with pytest.raises(CdcRefused, match="statement form") as refused:
            w.follow(start)
        # the advice names a real boundary, one cdc --start accepts
        found = re.search(r"--start (\S+:\d+), the first transaction boundary", str(refused.value))
        assert found, refused.value
        connection = connect(w.url)
        try:
            check_position(connection, Checkpoint.parse(found.group(1)), "--start", "start elsewhere")
        finally:
            connection.close()
        result, _ = verify_since(w.url, w.ddb, w.plan(), start)
        assert "NOT_COMPARABLE" in result.counts


def test_create_select_in_statement_form_of_a_selected_table_stops(tmp_path: Path) -> None:
    with bw.world(tmp_path) as w:
        start = w.load()
        w.sql(
            "SET SESSION binlog_format = 'STATEMENT'",
            "CREATE TABLE new_x (id INT PRIMARY KEY, v VARCHAR(10)) SELECT id, 'a' AS v FROM ledger",
        )
        with pytest.raises(Exception, match="statement form"):
            w.follow(start)
        result, _ = verify_since(w.url, w.ddb, w.plan(), start)
        assert "NOT_COMPARABLE" in result.counts


def test_a_start_inside_a_transaction_is_refused_naming_the_boundaries(tmp_path: Path) -> None:
    with bw.world(tmp_path) as w:
        start = w.load()
        w.sql("UPDATE parent SET name = 'changed' WHERE id = 2")
        connection = connect(w.url)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW BINLOG EVENTS IN %s FROM %s", (start.log_file, start.log_pos))
                events = cursor.fetchall()
            rows = [e for e in events if str(e[2]).startswith("Update_rows")]
            inside = Checkpoint(start.log_file, int(rows[0][1]))
            with pytest.raises(PositionError, match="transaction") as refused:
                check_position(connection, inside, "--start", "start elsewhere")
            assert start.log_file in str(refused.value)
            check_position(connection, start, "--start", "start elsewhere")  # a boundary: accepted
        finally:
            connection.close()


def test_a_cascade_of_a_table_created_while_the_follower_runs_is_seen(tmp_path: Path) -> None:
    with bw.world(tmp_path) as w:
        create_table(w.ddb, exceptions_table_design())
        start = w.load()
        stop, done = threading.Event(), []
        applier = ChangeApplier(w.plan(), w.ddb, exceptions_table=True)
        path = w.directory / "cdc.json"
        options = FollowOptions(until_caught_up=False, stop=stop, flush_seconds=0.2)

        def follower() -> None:
            done.append(follow(w.url, applier, path, start, options=options, report=lambda _: None))

        thread = threading.Thread(target=follower, daemon=True)
        thread.start()
        w.sql("UPDATE parent SET name = 'running' WHERE id = 1")
        deadline = time.monotonic() + seconds(30)
        while (w.item("PARENT#1") or {}).get("name", {}).get("S") != "running":  # the follower is reading
            assert time.monotonic() < deadline
            time.sleep(0.1)
        w.sql(
            "CREATE TABLE new_c (id INT PRIMARY KEY, parent_id INT, "
            "FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE CASCADE)",
            "INSERT INTO new_c VALUES (1, 3)",
            "DELETE FROM parent WHERE id = 3",
        )
        head = w.head()
        while (Checkpoint.load(path) or start).log_pos < head.log_pos:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        stop.set()
        thread.join(seconds(30))
        stats: CdcStats = done[0]
        assert any(e.TABLE_NAME == "new_c" for e in stats.exceptions), stats.exceptions


def test_cutover_refuses_a_report_of_other_mappings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with bw.world(tmp_path) as w:
        create_table(w.ddb, exceptions_table_design())
        start = w.load()
        w.follow(start)
        common = ["--mysql-url", w.url, "--endpoint-url", w.endpoint, "--skip-checks"]
        report = tmp_path / "v.jsonl"
        assert run("verify", "--stack", str(w.stack), *common, "--report", str(report)) == 0
        other = tmp_path / "evt2-stack.json"  # the templates change afterwards: the target still holds CHILD#
        other.write_text(w.stack.read_text().replace("CHILD#", "KID#"))
        capsys.readouterr()
        checkpoint = str(w.directory / "cdc.json")
        rc = run(
            "cutover",
            "--stack",
            str(other),
            *common,
            "--since",
            str(report),
            "--checkpoint",
            checkpoint,
            "--quiet-seconds",
            "0.5",
            "--settle",
            "0.5",
        )
        out = capsys.readouterr()
        assert rc == 2, out
        assert "mappings" in (out.out + out.err)


def test_cutover_with_an_unreachable_target_gives_no_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with bw.world(tmp_path) as w:
        start = w.load()
        w.follow(start)
        capsys.readouterr()
        rc = run(
            "cutover",
            "--stack",
            str(w.stack),
            "--mysql-url",
            w.url,
            "--endpoint-url",
            "http://127.0.0.1:1",
            "--skip-checks",
            "--checkpoint",
            str(w.directory / "cdc.json"),
            "--quiet-seconds",
            "0.5",
            "--settle",
            "0.5",
        )
        out = capsys.readouterr()
        assert rc == 3, out  # no verdict: NOT READY (exit 1) would say the target was checked
        assert "no verdict" in out.err and "apply exceptions" in out.err
