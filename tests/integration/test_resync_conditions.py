"""resync's writes while a follower may write the same key (MariaDB + dynalite): each write is
conditioned on the item resync read, a key found changed is read and decided again once, then left;
and the log says what resync meant to do before DynamoDB answered (the undo survives a crash).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cli import main
from dms_dynamodb.resync.actions import PUT, Action, plan_actions
from dms_dynamodb.resync.apply import EXPRESSION_LIMIT, apply_actions, open_log, write_condition
from dms_dynamodb.verify.recheck import KeyReader, SourceRef
from tests.integration import binlog_world as bw

KEY = {"pk": {"S": "PARENT#1"}, "sk": {"S": "#METADATA"}}


class Follower:
    """The target's client, with a follower writing the key just before each of resync's first ``times`` puts."""

    def __init__(self, ddb: Any, times: int) -> None:
        self.ddb, self.times, self.puts = ddb, times, 0

    def put_item(self, **request: Any) -> Any:
        if self.puts < self.times:
            self.puts += 1
            item = {**request["Item"], "note": {"S": f"follower {self.puts}"}}
            self.ddb.put_item(TableName=request["TableName"], Item=item)
        return self.ddb.put_item(**request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ddb, name)


def _apply(w: bw.World, client: Any, log: Path) -> tuple[list[Action], Any, str]:
    reader = KeyReader(w.url, client, w.plan())
    try:
        actions = plan_actions(reader, [], [SourceRef(bw.SCHEMA, "parent", ("1",))])
        out = io.StringIO()
        with open_log(log) as handle:
            applied = apply_actions(client, actions, handle, out, reader)
        return actions, applied, out.getvalue()
    finally:
        reader.close()


def _outcomes(log: Path) -> list[tuple[str, str]]:
    return [(line["action"], line["outcome"]) for line in map(json.loads, log.read_text().splitlines())]


def test_a_key_the_follower_wrote_meanwhile_is_read_and_decided_again(tmp_path: Path) -> None:
    with bw.world(tmp_path) as w:
        w.load()
        w.sql("UPDATE parent SET note = 'newest' WHERE id = 1")  # no follower ran: the item is stale
        log = tmp_path / "resync.jsonl"
        actions, applied, out = _apply(w, Follower(w.ddb, 1), log)
        assert [a.kind for a in actions if a.kind == PUT] == [PUT], out
        assert not applied.left and len(applied.done) == 1, out
        assert w.item("PARENT#1") is not None and w.item("PARENT#1")["note"] == {"S": "newest"}  # type: ignore[index]
        assert _outcomes(log) == [("put", "intent"), ("put", "changed"), ("put", "intent"), ("put", "done")]
        second = [json.loads(line) for line in log.read_text().splitlines()][2]
        assert second["before"]["note"] == {"S": "follower 1"}  # the undo puts back what the follower wrote


def test_a_key_that_keeps_changing_is_left_and_not_clean(tmp_path: Path) -> None:
    with bw.world(tmp_path) as w:
        w.load()
        w.sql("UPDATE parent SET note = 'newest' WHERE id = 1")
        log = tmp_path / "resync.jsonl"
        _, applied, out = _apply(w, Follower(w.ddb, 2), log)
        assert not applied.done and len(applied.left) == 1 and "LEFT" in out, out
        assert _outcomes(log)[-1] == ("left", "left")
        assert w.item("PARENT#1")["note"] == {"S": "follower 2"}  # type: ignore[index]  # never overwritten


def test_a_put_for_a_missing_item_never_overwrites_one_written_meanwhile(tmp_path: Path) -> None:
    with bw.world(tmp_path) as w:
        w.load()
        w.ddb.delete_item(TableName="shop-table", Key=KEY)
        reader = KeyReader(w.url, w.ddb, w.plan())
        try:
            (action,) = [a for a in plan_actions(reader, [], [SourceRef(bw.SCHEMA, "parent", ("1",))]) if a.kind == PUT]
        finally:
            reader.close()
        assert action.before is None
        assert write_condition(action)["ConditionExpression"] == "attribute_not_exists(#k)"
        w.ddb.put_item(TableName="shop-table", Item={**KEY, "note": {"S": "follower"}})
        log = tmp_path / "resync.jsonl"
        with open_log(log) as handle:
            applied = apply_actions(w.ddb, [action], handle, io.StringIO())  # no reader: left at once
        assert len(applied.left) == 1 and w.item("PARENT#1") == {**KEY, "note": {"S": "follower"}}


def test_a_condition_over_the_expression_limit_is_dropped_and_said() -> None:
    before = {f"attribute_{n}": {"S": "x"} for n in range(400)}
    action = Action(PUT, "t", {"pk": {"S": "A"}}, {"pk": {"S": "A"}, **before}, {"pk": {"S": "A"}}, "why")
    assert write_condition(action) == {}
    small = Action(PUT, "t", {"pk": {"S": "A"}}, {"pk": {"S": "A"}, "n": {"N": "1"}}, {"pk": {"S": "A"}}, "why")
    condition = write_condition(small)
    assert len(condition["ConditionExpression"]) < EXPRESSION_LIMIT
    assert condition["ExpressionAttributeNames"] == {"#a0": "n", "#a1": "pk"}


def test_the_log_holds_left_keys_and_a_dry_runs_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with bw.world(tmp_path) as w:
        w.load()
        w.sql("UPDATE parent SET note = 'newest' WHERE id = 1")
        w.ddb.put_item(
            TableName="shop-table", Item={"pk": {"S": "LEDGER#1"}, "sk": {"S": "#METADATA"}, "id": {"N": "1"}}
        )
        log = tmp_path / "resync.jsonl"
        base = ["resync", "--stack", str(w.stack), "--mysql-url", w.url, "--endpoint-url", w.endpoint]
        args = [*base, "--key", "parent:id=1", "--skip-checks", "--settle", "0.5", "--log", str(log)]
        assert main([*args, "--dry-run"]) == 1
        assert _outcomes(log) == [("put", "dry-run")], capsys.readouterr().out
        assert w.item("PARENT#1")["note"] == {"S": "note 1"}  # type: ignore[index]
        log.unlink()
        assert main(args) == 0, capsys.readouterr().out
        assert _outcomes(log) == [("put", "intent"), ("put", "done")]
        report = tmp_path / "verify.jsonl"  # LEDGER#1: an item no mapped row owns, left (and logged so)
        assert main(["verify", *base[1:], "--skip-checks", "--report", str(report)]) == 1
        log.unlink()
        assert main([*base, "--report", str(report), "--skip-checks", "--settle", "0.5", "--log", str(log)]) == 1
        assert _outcomes(log) == [("left", "left")], capsys.readouterr().out


def test_on_a_local_endpoint_lists_and_maps_are_conditioned_by_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """dynalite compares lists and maps by identity (never equal): a condition on their value would leave
    every such key; their size is compared there instead, and the output says so."""
    document = Action(PUT, "t", {"pk": {"S": "A"}}, {"pk": {"S": "A"}, "l": {"L": [{"N": "1"}]}}, None, "why")
    assert write_condition(document, documents=False)["ConditionExpression"] == "size(#a0) = :v0 AND #a1 = :v1"
    assert write_condition(document)["ConditionExpression"] == "#a0 = :v0 AND #a1 = :v1"
    with bw.world(tmp_path) as w:
        w.load()
        held = w.item("PARENT#1")
        assert held is not None
        w.ddb.put_item(
            TableName="shop-table", Item={**held, "tags": {"L": [{"S": "a"}]}, "m": {"M": {"k": {"N": "1"}}}}
        )
        base = ["resync", "--stack", str(w.stack), "--mysql-url", w.url, "--endpoint-url", w.endpoint]
        assert main([*base, "--key", "parent:id=1", "--skip-checks", "--settle", "0.5"]) == 0, capsys.readouterr().out
        assert "compare lists and maps by size" in capsys.readouterr().out
        assert w.item("PARENT#1") == held
