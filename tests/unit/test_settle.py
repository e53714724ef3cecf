"""settle() on a fake pair of sides: in flight, persisted, never comparable, and never resolved blind."""

from __future__ import annotations

from typing import Any

from dms_dynamodb.verify.recheck import SourceRef
from dms_dynamodb.verify.settle import IN_FLIGHT, NOT_COMPARABLE, Unsettled, settle

KEY = {"pk": {"S": "A#1"}}
TEXT = "t\x1fA#1"


class FakeReader:
    """The two sides of one key over time: ``expected`` and ``actual`` are lists read one per round."""

    def __init__(self, expected: list[Any], actual: list[Any]) -> None:
        self.key_names = {"t": ["pk"]}
        self.expected_rounds, self.actual_rounds, self.round = expected, actual, 0

    def actual(self, table: str, keys: list[dict[str, Any]]) -> dict[str, Any]:
        item = self.actual_rounds[min(self.round, len(self.actual_rounds) - 1)]
        return {TEXT: item} if item is not None else {}

    def expected(self, key: str, refs: list[SourceRef]) -> Any:
        item = self.expected_rounds[min(self.round, len(self.expected_rounds) - 1)]
        self.round += 1
        return item


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def _item(value: str) -> dict[str, Any]:
    return {"pk": {"S": "A#1"}, "v": {"S": value}}


def _run(reader: FakeReader, refs: list[SourceRef], seconds: float = 2.0) -> list[dict[str, Any]]:
    clock = Clock()
    record = {"type": "RECORD_DIFF", "table": "t", "key": KEY}
    return settle(reader, [Unsettled(record, TEXT, refs)], seconds, clock=clock, sleep=clock.sleep)  # type: ignore[arg-type]


REF = [SourceRef("db", "t", (1,))]


def test_a_difference_that_resolves_is_a_change_in_flight() -> None:
    (record,) = _run(FakeReader([_item("new")], [_item("old"), _item("new")]), REF)
    assert record["type"] == IN_FLIGHT and record["was"] == "RECORD_DIFF"


def test_a_difference_that_stays_the_same_for_the_window_is_a_finding() -> None:
    (record,) = _run(FakeReader([_item("new")], [_item("old")]), REF)
    assert record["type"] == "RECORD_DIFF" and record["settled_seconds"] == 2.0


def test_a_key_that_keeps_changing_is_not_comparable() -> None:
    changing = [_item(str(n)) for n in range(1000)]
    (record,) = _run(FakeReader(changing, [_item("x")]), REF)
    assert record["type"] == NOT_COMPARABLE and "ValidationSuspended" in record["why"]


def test_a_key_whose_source_row_cannot_be_read_again_is_never_called_in_flight() -> None:
    """Without a row to read (no primary key), both sides would look empty: that proves nothing."""
    (record,) = _run(FakeReader([None], [None]), [])
    assert record["type"] == NOT_COMPARABLE and "no source row can be read again" in record["why"]
