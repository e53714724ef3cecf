"""Every binlog event accounted for, on real servers (MariaDB + dynalite): issue 27's situations 2-9 and 16.

Each test writes the situation on the source and asserts the outcome the README's table gives for
its event class: applied correctly, or a refusal naming the event, its position and the cause.
Expected items are written by hand from the rows the test wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dms_dynamodb.cdc.checkpoint import Checkpoint
from dms_dynamodb.cdc.follower import CdcRefused
from dms_dynamodb.cli import main
from dms_dynamodb.verify.incremental import verify_since
from dms_dynamodb.verify.settle import NOT_COMPARABLE
from tests.integration.binlog_world import DDL, World, world


@pytest.fixture
def w(tmp_path: Path) -> Iterator[World]:
    with world(tmp_path) as found:
        yield found


def _saved_positions(monkeypatch: pytest.MonkeyPatch) -> list[Checkpoint]:
    saved: list[Checkpoint] = []
    original = Checkpoint.save

    def record(self: Checkpoint, path: Path) -> None:
        saved.append(self)
        original(self, path)

    monkeypatch.setattr(Checkpoint, "save", record)
    return saved


def _name(w: World, pk: str) -> str | None:
    item = w.item(pk)
    return None if item is None else str(item["name"]["S"])


def test_a_savepoint_is_no_boundary_and_rows_rolled_back_to_it_never_reach_the_target(
    w: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = w.load()
    w.sql(
        "BEGIN",
        "INSERT INTO parent VALUES (10, 'kept', NULL)",
        "SAVEPOINT s1",
        "INSERT INTO parent VALUES (11, 'rolled back', NULL)",
        "ROLLBACK TO SAVEPOINT s1",
        "SAVEPOINT s2",
        "UPDATE parent SET name = 'kept too' WHERE id = 1",
        "RELEASE SAVEPOINT s2",
        "COMMIT",
    )
    end = w.head()
    saved = _saved_positions(monkeypatch)
    stats = w.follow(start, flush_seconds=0.0)  # commit at every boundary it reads: a savepoint must not be one
    assert saved[-1] == end and set(saved) <= {start, end}, saved
    assert _name(w, "PARENT#10") == "kept" and _name(w, "PARENT#1") == "kept too"
    assert w.item("PARENT#11") is None
    assert not stats.exceptions and "DDL" not in stats.render()
    assert w.verify().clean


def test_xa_rows_are_applied_at_xa_commit_discarded_at_xa_rollback_and_hold_the_checkpoint_meanwhile(
    w: World,
) -> None:
    start = w.load()
    w.sql(
        "XA START 'gone'", "INSERT INTO parent VALUES (20, 'rolled back', NULL)", "XA END 'gone'", "XA PREPARE 'gone'"
    )
    w.sql("XA ROLLBACK 'gone'")
    w.sql(
        "XA START 'later'", "INSERT INTO parent VALUES (21, 'committed', NULL)", "XA END 'later'", "XA PREPARE 'later'"
    )
    held_at = w.head()
    w.sql("INSERT INTO parent VALUES (22, 'in between', NULL)")
    stats = w.follow(start)
    assert w.item("PARENT#20") is None  # XA ROLLBACK: never applied
    assert w.item("PARENT#21") is None  # prepared, not committed: not applied yet
    assert _name(w, "PARENT#22") == "in between"
    # The checkpoint stays before the prepared transaction, so a follower started again re-reads it.
    assert stats.position is not None and stats.held == stats.position
    assert (stats.position.log_file, stats.position.log_pos) < (held_at.log_file, held_at.log_pos)
    assert "XA transaction prepared there" in stats.render()
    w.sql("XA COMMIT 'later'")
    stats = w.follow(start)  # resumes from the held checkpoint
    assert _name(w, "PARENT#21") == "committed"
    assert stats.held is None and stats.position == w.head()
    w.sql(
        "XA START 'one'",
        "INSERT INTO parent VALUES (23, 'one phase', NULL)",
        "XA END 'one'",
        "XA COMMIT 'one' ONE PHASE",
    )
    w.follow(start)
    assert _name(w, "PARENT#23") == "one phase"
    assert w.verify().clean


def test_statement_form_dml_stops_the_follower_and_fails_verify_since_naming_it(w: World) -> None:
    w.sql("CREATE DATABASE elsewhere", "CREATE TABLE elsewhere.t (id INT PRIMARY KEY, amount INT)")
    start = w.load()
    # a schema the task does not read: passed over (a trigger there writing a migrated table is README's assumption)
    w.sql("SET SESSION binlog_format = 'STATEMENT'", "INSERT INTO elsewhere.t VALUES (1, 0)")
    w.sql("SET SESSION binlog_format = 'STATEMENT'", "UPDATE parent SET name = 'by statement' WHERE id = 2")
    with pytest.raises(CdcRefused) as refused:
        w.follow(start)
    message = str(refused.value)
    assert "DML in statement form" in message and "UPDATE parent SET name = 'by statement'" in message
    assert re.search(r"at binlog\.\d+:\d+", message) and "binlog_format" in message
    assert _name(w, "PARENT#2") == "p2"  # nothing guessed
    result, _ = verify_since(w.url, w.ddb, w.plan(), start)
    assert not result.clean and result.counts[NOT_COMPARABLE] == 1
    assert "DML in statement form" in result.examples[NOT_COMPARABLE][0]["why"]
    # The commands: cdc exits 1 naming the statement, verify --since exits 1 (NOT CLEAN with the reason).
    common = ["--stack", str(w.stack), "--mysql-url", w.url, "--endpoint-url", w.endpoint]
    assert (
        main(["cdc", *common, "--checkpoint", str(w.directory / "c.json"), "--start", str(start), "--until-caught-up"])
        == 1
    )
    assert main(["verify", *common, "--since", str(start)]) == 1


@pytest.mark.parametrize("image", ["NOBLOB", "MINIMAL"])
def test_a_partial_row_image_is_never_applied_as_a_row(w: World, image: str) -> None:
    start = w.load()
    w.sql(f"SET SESSION binlog_row_image = '{image}'", "UPDATE parent SET name = 'partial' WHERE id = 3")
    with pytest.raises(CdcRefused) as refused:
        w.follow(start)
    assert "partial row image" in str(refused.value) and "binlog_row_image" in str(refused.value)
    item = w.item("PARENT#3")
    assert item is not None and item["note"]["S"] == "note 3" and item["name"]["S"] == "p3"  # untouched
    result, _ = verify_since(w.url, w.ddb, w.plan(), start)
    assert not result.clean and "partial row image" in result.examples[NOT_COMPARABLE][0]["why"]


def test_rows_written_without_column_names_stop_the_follower(w: World) -> None:
    start = w.load()
    w.sql("SET GLOBAL binlog_row_metadata = 'MINIMAL'")
    w.sql("UPDATE parent SET name = 'unnamed' WHERE id = 4")
    w.sql("SET GLOBAL binlog_row_metadata = 'FULL'")
    with pytest.raises(CdcRefused) as refused:
        w.follow(start)
    assert "columns cannot be named" in str(refused.value) and "binlog_row_metadata" in str(refused.value)
    assert _name(w, "PARENT#4") == "p4"
    assert [k for k in (w.ddb.scan(TableName="shop-table")["Items"]) if "UNKNOWN_COL0" in k] == []
    result, _ = verify_since(w.url, w.ddb, w.plan(), start)
    assert not result.clean and "cannot be named" in result.examples[NOT_COMPARABLE][0]["why"]


def test_a_truncate_in_the_window_verifies_in_full_and_stops_the_follower(w: World) -> None:
    start = w.load()
    w.sql("TRUNCATE TABLE child")
    result, changes = verify_since(w.url, w.ddb, w.plan(), start)
    assert changes.in_full == {("evt", "child")}
    assert not result.clean and result.counts["MISSING_SOURCE"] == 6  # the six child items the target keeps
    with pytest.raises(CdcRefused) as refused:
        w.follow(start)
    assert "DDL touching a migrated table" in str(refused.value) and "evt.child" in str(refused.value)
    assert "reload" in str(refused.value)


@pytest.mark.parametrize("ddl", ["DROP TABLE child", "RENAME TABLE child TO child_old"])
def test_a_migrated_table_dropped_or_renamed_in_the_window_fails_verify_since_naming_it(w: World, ddl: str) -> None:
    start = w.load()
    w.sql(ddl)
    result, _ = verify_since(w.url, w.ddb, w.plan(), start)
    assert not result.clean
    (record,) = result.examples[NOT_COMPARABLE]
    assert record["source_table"] == "evt.child" and ddl.split()[0] in record["why"]
    with pytest.raises(CdcRefused, match=r"evt\.child"):
        w.follow(start)


def test_cascades_are_named_by_cdc_verify_since_preflight_and_check_stack(
    w: World, capsys: pytest.CaptureFixture[str]
) -> None:
    start = w.load()
    w.sql("DELETE FROM parent WHERE id = 1")  # ON DELETE CASCADE: children 1 and 2 go, not in the binlog
    stats = w.follow(start)
    cascaded = [e for e in stats.exceptions if "fk_child_parent" in e.ERROR]
    assert len(cascaded) == 1 and cascaded[0].TABLE_NAME == "child" and "id = 1" in cascaded[0].STATEMENT
    result, _ = verify_since(w.url, w.ddb, w.plan(), start)
    assert not result.clean
    assert any("fk_child_parent" in r["why"] for r in result.examples[NOT_COMPARABLE])
    # ON UPDATE CASCADE: the children are found through the key and checked (their parent_id moved to 20).
    middle = w.head()
    w.sql("UPDATE parent SET id = 20 WHERE id = 2")
    result, _ = verify_since(w.url, w.ddb, w.plan(), middle)
    differing = {r["key"]["pk"]["S"] for r in result.examples.get("RECORD_DIFF", [])}
    assert {"CHILD#3", "CHILD#4"} <= differing
    common = ["--mysql-url", w.url, "--stack", str(w.stack)]
    assert main(["preflight", *common]) in (0, 1)
    out = capsys.readouterr().out
    assert "constraint fk_child_parent (ON DELETE CASCADE, ON UPDATE CASCADE)" in out and "evt.child" in out
    ddl = w.directory / "evt.sql"
    ddl.write_text(DDL)
    main(["check-stack", "--stack", str(w.stack), "--schema", str(ddl)])
    out = capsys.readouterr().out
    assert "cascade-in-cdc-task" in out and "fk_child_parent" in out


def test_a_table_created_during_cdc_that_the_selection_matches_is_migrated(w: World) -> None:
    start = w.load()
    w.sql("CREATE TABLE new_one (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO new_one VALUES (1, 'a'), (2, 'b')")
    w.sql("UPDATE new_one SET v = 'bb' WHERE id = 2")
    stats = w.follow(start)
    assert stats.applied == 3 and stats.skipped == 0
    item = w.item("NEW#2")
    assert item is not None and item["v"]["S"] == "bb" and w.item("NEW#1") is not None
    assert w.verify().clean
    # A table renamed into the selection brings rows that were never loaded: the follower says so.
    w.sql("RENAME TABLE ledger TO new_ledger")
    with pytest.raises(CdcRefused) as refused:
        w.follow(start)
    assert "renames a table into the task's selection" in str(refused.value) and "evt.new_ledger" in str(refused.value)


def test_rows_dms_rejects_in_the_window_are_counted_as_a_full_verify_counts_them(w: World) -> None:
    start = w.load()
    w.sql("UPDATE parent SET name = '' WHERE id = 5")  # an empty GSI1 key: DMS rejects the row
    w.follow(start)
    full = w.verify()
    result, _ = verify_since(w.url, w.ddb, w.plan(), start)
    assert full.counts["REJECTED"] == 1
    assert result.counts["REJECTED"] == full.counts["REJECTED"] and not result.clean
