"""``resync`` touches only items it can prove a source row owns (the reviewer's reproductions, on
MariaDB + dynalite): an item whose key fits no mapped table's templates is left and reported, never
deleted; a cascade's apply exception (the parent's statement on the child's record) is never read as
the child's key, never marked handled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dms_dynamodb.cdc.apply_exceptions import exceptions_table_design
from dms_dynamodb.cli import main
from dms_dynamodb.dynamodb.client import create_table
from tests.integration import binlog_world as bw


def _resync(w: bw.World, *args: str) -> int:
    base = ["resync", "--stack", str(w.stack), "--mysql-url", w.url, "--endpoint-url", w.endpoint]
    try:
        return main([*base, *args, "--skip-checks", "--settle", "0.5"])
    except SystemExit as stopped:
        return int(stopped.code or 0)


def test_resync_key_leaves_an_item_whose_key_fits_no_named_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with bw.world(tmp_path) as w:
        w.load()
        # An item another task (ledger -> LEDGER#${id}) wrote into the same table: it copies parent's key column.
        foreign = {"pk": {"S": "LEDGER#1"}, "sk": {"S": "#METADATA"}, "id": {"N": "1"}, "amount": {"N": "10"}}
        w.ddb.put_item(TableName="shop-table", Item=foreign)
        capsys.readouterr()
        rc = _resync(w, "--key", "parent:id=1")
        out = capsys.readouterr().out
        assert w.item("LEDGER#1") == foreign, out
        assert rc in (0, 1), out
        assert "DELETE" not in out, out


def test_resync_leaves_an_orphan_whose_key_fits_no_mapped_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A verify finding on a foreign item: reported LEFT (exit 1), never deleted."""
    with bw.world(tmp_path) as w:
        w.load()
        foreign = {"pk": {"S": "LEDGER#1"}, "sk": {"S": "#METADATA"}, "id": {"N": "1"}, "amount": {"N": "10"}}
        w.ddb.put_item(TableName="shop-table", Item=foreign)
        report = tmp_path / "report.jsonl"
        verify = ["verify", "--stack", str(w.stack), "--mysql-url", w.url, "--endpoint-url", w.endpoint]
        assert main([*verify, "--skip-checks", "--report", str(report)]) == 1
        capsys.readouterr()
        rc = _resync(w, "--report", str(report))
        captured = capsys.readouterr()
        out = captured.out + captured.err
        assert w.item("LEDGER#1") == foreign, out
        assert rc == 1, out
        assert "LEFT" in out, out


def test_resync_never_marks_a_cascade_exception_handled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with bw.world(tmp_path) as w:
        create_table(w.ddb, exceptions_table_design())
        start = w.load()
        w.sql("DELETE FROM parent WHERE id = 1")  # cascades to child 1 and 2: exceptions name child
        stats = w.follow(start, exceptions_table=True)
        assert any(e.TABLE_NAME == "child" and "parent" in e.STATEMENT for e in stats.exceptions)
        capsys.readouterr()
        rc = _resync(w, "--exceptions", "--log", str(tmp_path / "r.log"))
        out = capsys.readouterr().out
        assert rc == 1, out
        assert "cascade from" in out, out
        assert "cutover ... --exceptions-since" not in out, out  # the cascade is not covered by a printed time
