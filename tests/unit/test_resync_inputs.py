"""What resync is asked to repair, read without servers: report lines, ``--key``, the rows an apply
exception names (from the follower's own statement), and the report's expected item capped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dms_dynamodb.cdc.follower import ChangeApplier
from dms_dynamodb.plan import Plan
from dms_dynamodb.resync.command import after
from dms_dynamodb.resync.inputs import InputError, exception_refs, parse_key, read_report
from dms_dynamodb.stack import parse_stack
from dms_dynamodb.verify.recheck import REPORT_VALUE_CAP, SourceRef, expected_item, finding
from mappings.items import ItemBuilder
from mappings.schema import Column, SourceSchema, Table
from mappings.terraform import escape
from tests.unit.test_apply_exceptions import RULES, _Writer


def _plan() -> Plan:
    stack = parse_stack(
        {"resource": {"aws_dms_replication_task": {"t": {
            "replication_task_id": "music", "migration_type": "cdc",
            "table_mappings": escape(json.dumps({"rules": RULES})), "replication_task_settings": "{}"}}}}
    )  # fmt: skip
    task = stack.task(None)
    artist = Table("Artist", (Column("ArtistId", "int", False), Column("Name", "varchar", length=120)), ("ArtistId",))
    builder = ItemBuilder(task.table_mappings, schemas=[SourceSchema.of("music", [artist])])
    rule = builder.rule_for("music", "Artist")
    assert rule is not None
    return Plan(task, builder, [("music", "Artist")], [], {"music": builder.target(rule, "music", "Artist")}, ())


KEY = {"pk": {"S": "ARTIST#7"}, "sk": {"S": "#METADATA"}}


def _report(tmp_path: Path, *records: object) -> Path:
    path = tmp_path / "verify.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_a_report_gives_its_findings_and_keeps_rejected_rows_apart(tmp_path: Path) -> None:
    expected = {**KEY, "ArtistId": {"N": "7"}}
    path = _report(
        tmp_path,
        {"type": "MISSING_TARGET", "table": "music", "key": KEY, "expected": expected},
        {"type": "MISSING_SOURCE", "table": "music", "key": KEY},
        {"type": "IN_FLIGHT", "table": "music", "key": KEY, "was": "RECORD_DIFF", "resolved_after_seconds": 1},
        {"type": "REJECTED", "table": "music", "key": {}, "source_table": "music.Artist", "error": "x"},
    )
    wanted = read_report(path, _plan())
    assert [(f.kind, f.key, f.expected) for f in wanted.findings] == [
        ("MISSING_TARGET", KEY, expected),
        ("MISSING_SOURCE", KEY, None),
    ]
    assert wanted.in_flight == 1 and [r["source_table"] for r in wanted.rejected] == ["music.Artist"]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"type": "SURPRISE", "table": "music", "key": KEY}, "a record of type 'SURPRISE' is not a verify finding"),
        ({"type": "INCOMPLETE", "server": "target", "error": "lost"}, "INCOMPLETE record (verify lost the target"),
        ({"type": "RECORD_DIFF", "table": "albums", "key": KEY}, "table 'albums' is not a target of task 'music'"),
        ({"type": "RECORD_DIFF", "table": "music", "key": {"pk": {"S": "A"}}}, "is not a typed key of music (pk, sk)"),
    ],
)
def test_a_record_resync_does_not_understand_stops_it_naming_the_line(
    tmp_path: Path, record: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError, match=r"verify\.jsonl:1") as raised:
        read_report(_report(tmp_path, record), _plan())
    assert message in str(raised.value)


def test_a_key_names_the_whole_primary_key_of_a_migrated_table() -> None:
    plan = _plan()
    assert parse_key("Artist:artistid=7", plan) == SourceRef("music", "Artist", ("7",))
    assert parse_key("music.Artist:ArtistId=7", plan) == SourceRef("music", "Artist", ("7",))
    with pytest.raises(InputError, match=r"migrates no table 'Album'; it migrates music\.Artist"):
        parse_key("Album:AlbumId=1", plan)
    with pytest.raises(InputError, match=r"give exactly the primary key of music.Artist: ArtistId \(given: Name\)"):
        parse_key("Artist:Name=x", plan)
    with pytest.raises(InputError, match="write TABLE:COLUMN=VALUE"):
        parse_key("Artist", plan)


def test_a_key_change_exception_names_the_row_as_it_was_and_as_it_is() -> None:
    """The follower's own exception for an update of the primary key: both rows are resynced."""
    plan = _plan()
    applier = ChangeApplier(plan, None, writer=_Writer())  # type: ignore[arg-type]
    applier.apply("update", "music", "Artist", {"ArtistId": 7, "Name": "A"}, {"ArtistId": 8, "Name": "A"})
    (exception,) = applier.stats.exceptions
    refs, why = exception_refs(vars(exception), plan)
    assert refs == [SourceRef("music", "Artist", ("7",)), SourceRef("music", "Artist", ("8",))] and why == ""


def test_an_exception_whose_statement_names_no_key_is_left_with_what_to_do() -> None:
    row = {"TABLE_OWNER": "music", "TABLE_NAME": "Artist", "STATEMENT": "INSERT music.Artist (item key ARTIST#7)"}
    refs, why = exception_refs(row, _plan())  # one key part for a table keyed pk and sk: not read back
    assert refs == [] and "does not name the primary key (ArtistId)" in why and "--key Artist:ArtistId=..." in why


def test_a_refused_write_names_its_row_through_the_key_templates() -> None:
    """The follower's statement for a write DynamoDB refused gives the item key: ARTIST#${artistid} read back."""
    row = {
        "TABLE_OWNER": "music",
        "TABLE_NAME": "Artist",
        "STATEMENT": "UPDATE music.Artist (item key ARTIST#7|#METADATA)",
    }
    assert exception_refs(row, _plan()) == ([SourceRef("music", "Artist", ("7",))], "")
    wrong = {**row, "STATEMENT": "INSERT music.Artist (item key ALBUM#7|#METADATA)"}
    assert exception_refs(wrong, _plan())[0] == []


def test_a_cascade_exception_names_no_child_row() -> None:
    """The parent's statement on the child's record: its WHERE holds the parent's key, never the child's."""
    row = {"TABLE_OWNER": "music", "TABLE_NAME": "Artist", "STATEMENT": "DELETE FROM music.Label WHERE ArtistId = 1"}
    refs, why = exception_refs(row, _plan())
    assert refs == [] and why.startswith("cascade from music.Label: verify music.Artist in full")
    own = {**row, "STATEMENT": "DELETE FROM `music`.`Artist` WHERE ArtistId = 1"}
    assert exception_refs(own, _plan()) == ([SourceRef("music", "Artist", ("1",))], "")


def test_the_expected_item_in_a_record_is_capped_and_says_so() -> None:
    long = "x" * (REPORT_VALUE_CAP + 5)
    record = finding("music", ["pk", "sk"], {**KEY, "bio": {"S": long}, "n": {"N": "1"}}, None)
    assert record is not None and record["type"] == "MISSING_TARGET"
    assert record["expected"]["bio"] == {"S": "x" * REPORT_VALUE_CAP} and record["capped"] == ["bio"]
    assert expected_item({"m": {"M": {"a": {"S": long}}}})["capped"] == ["m.a"]
    assert "capped" not in expected_item(KEY)


def test_the_time_given_to_the_gate_is_the_first_after_the_last_exception() -> None:
    assert after("2026-01-02 03:04:05.999999") == "2026-01-02 03:04:06.000000"
    assert after("2026-01-02 03:04:05") == "2026-01-02 03:04:05.000001"
    assert after("yesterday") is None
