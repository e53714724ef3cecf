"""The plan of a resync on a fake pair of sides (no servers): what is put, deleted, left alone and left
undecided, each for the reason the documentation of the item model gives."""

from __future__ import annotations

import time
from typing import Any

from dms_dynamodb.resync.actions import AGREES, DELETE, LEFT, PUT, plan_actions
from dms_dynamodb.resync.apply import reverify
from dms_dynamodb.resync.inputs import Finding, ref_id
from dms_dynamodb.verify.recheck import KeyReader, SourceRef, key_text
from tests.timing import seconds
from tests.unit.test_resync_inputs import _plan


class FakeReader(KeyReader):
    """The source's rows by primary key and the target's items, in memory."""

    def __init__(self, rows: dict[int, dict[str, Any]], items: list[dict[str, Any]]) -> None:
        self.ddb, self.plan = None, _plan()
        self.key_names = {"music": ["pk", "sk"]}
        self.rows: dict[tuple[str, str, tuple[str, ...]], dict[str, Any]] = {
            ("music", "Artist", (str(k),)): v for k, v in rows.items()
        }
        self.items = {key_text("music", i, ["pk", "sk"]): i for i in items}

    def source_row(self, ref: SourceRef) -> dict[str, Any] | None:
        return self.rows.get(ref_id(ref))

    def actual(self, table: str, keys: list[dict[str, Any]]) -> dict[str, Any]:
        texts = [key_text(table, k, self.key_names[table]) for k in keys]
        return {t: self.items[t] for t in texts if t in self.items}


def _item(artist: int, name: str) -> dict[str, Any]:
    """What DMS writes for an Artist row (the music mapping: ARTIST#${artistid} / #METADATA, columns copied)."""
    return {
        "pk": {"S": f"ARTIST#{artist}"},
        "sk": {"S": "#METADATA"},
        "ArtistId": {"N": str(artist)},
        "Name": {"S": name},
    }


def _key(artist: int) -> dict[str, Any]:
    return {"pk": {"S": f"ARTIST#{artist}"}, "sk": {"S": "#METADATA"}}


def _finding(kind: str, artist: int, expected: dict[str, Any] | None = None) -> Finding:
    return Finding(kind, "music", _key(artist), expected, "report:1")


def test_a_missing_item_is_put_a_different_one_put_an_agreeing_one_left_alone() -> None:
    reader = FakeReader({1: {"ArtistId": 1, "Name": "A"}, 2: {"ArtistId": 2, "Name": "B"}, 3: {"ArtistId": 3, "Name": "C"}},
                        [_item(2, "old"), _item(3, "C")])  # fmt: skip
    findings = [_finding("MISSING_TARGET", 1, _item(1, "A")), _finding("RECORD_DIFF", 2, _item(2, "B")),
                _finding("RECORD_DIFF", 3, _item(3, "C"))]  # fmt: skip
    actions = {a.key["pk"]["S"]: a for a in plan_actions(reader, findings, [])}
    assert (actions["ARTIST#1"].kind, actions["ARTIST#1"].after) == (PUT, _item(1, "A"))
    assert actions["ARTIST#2"].kind == PUT and actions["ARTIST#2"].why == "attributes differ: Name"
    assert actions["ARTIST#3"].kind == AGREES


def test_a_row_changed_since_the_report_is_written_with_its_current_value() -> None:
    reader = FakeReader({1: {"ArtistId": 1, "Name": "newest"}}, [])
    (action,) = plan_actions(reader, [_finding("MISSING_TARGET", 1, _item(1, "as reported"))], [])
    assert action.kind == PUT and action.after == _item(1, "newest")
    assert "the source row changed since the report: written with its current value" in action.why


def test_an_item_whose_row_is_gone_is_deleted_one_naming_no_row_is_left() -> None:
    # An item that copies no ArtistId but whose key the ARTIST#${ArtistId} template reads back names row 9;
    # one whose key no template reads (written by something other than the task) names no row.
    named_by_key = {**_key(9), "Name": {"S": "no ArtistId copied"}}
    foreign_key = {"pk": {"S": "LEGACY#9"}, "sk": {"S": "#METADATA"}}
    nameless = {**foreign_key, "Name": {"S": "not the task's"}}
    reader = FakeReader({}, [_item(5, "E"), named_by_key, nameless])
    findings = [_finding("MISSING_SOURCE", 5), _finding("MISSING_SOURCE", 9)]
    findings.append(Finding("MISSING_SOURCE", "music", foreign_key, None, "report:3"))
    actions = {a.key["pk"]["S"]: a for a in plan_actions(reader, findings, [])}
    assert actions["ARTIST#5"].kind == DELETE and actions["ARTIST#5"].after is None
    assert "row music.Artist (5) is gone from the source" in actions["ARTIST#5"].why
    assert actions["ARTIST#9"].kind == DELETE and "row music.Artist (9) is gone" in actions["ARTIST#9"].why
    assert actions["LEGACY#9"].kind == LEFT and "resync cannot tell whether it is an orphan" in actions["LEGACY#9"].why


def test_a_row_dms_would_reject_is_reported_never_written_and_its_old_item_kept() -> None:
    """A lone surrogate is not UTF-8: DynamoDB refuses the string (the item model's invalid-utf8 rejection)."""
    reader = FakeReader({4: {"ArtistId": 4, "Name": "bad \ud800"}}, [_item(4, "before")])
    actions = plan_actions(reader, [_finding("RECORD_DIFF", 4, _item(4, "x"))], [])
    assert [a.kind for a in actions] == [LEFT, LEFT]
    assert "is a row DMS would reject (invalid-utf8" in actions[0].why and "never written" in actions[0].why
    assert actions[1].after == _item(4, "before") and "would reject" in actions[1].why


def test_a_report_record_without_its_expected_item_and_nothing_in_the_target_is_left_with_what_to_do() -> None:
    (action,) = plan_actions(FakeReader({}, []), [_finding("MISSING_TARGET", 6)], [])
    assert action.kind == LEFT and "name the row with --key" in action.why


def test_the_re_verify_reports_a_key_that_still_differs_and_passes_one_that_agrees() -> None:
    """After acting, the keys are read again on both sides (settled): a write that did not land is a finding."""
    reader = FakeReader(
        {1: {"ArtistId": 1, "Name": "A"}, 2: {"ArtistId": 2, "Name": "B"}}, [_item(1, "stale"), _item(2, "B")]
    )
    actions = plan_actions(reader, [_finding("RECORD_DIFF", 1), _finding("RECORD_DIFF", 2)], [])
    assert [a.kind for a in actions] == [PUT, AGREES]
    started = time.monotonic()
    (still,) = reverify(reader, actions, 0.2)  # the put was never applied: ARTIST#1 still holds "stale"
    assert time.monotonic() - started < seconds(5)
    assert still["type"] == "RECORD_DIFF" and still["key"] == _key(1) and still["settled_seconds"] == 0.2
    reader.items[key_text("music", _key(1), ["pk", "sk"])] = _item(1, "A")
    assert reverify(reader, actions, 0.2) == []
