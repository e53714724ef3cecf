"""check-stack and rehearse ask the same resolver: a table named in the wrong case is one near miss in both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dms_dynamodb.cli import main
from mappings.terraform import escape

DDL = """
CREATE TABLE Artist (ArtistId INT NOT NULL, Name VARCHAR(120), PRIMARY KEY (ArtistId));
CREATE TABLE album (id INT NOT NULL, title VARCHAR(160) NOT NULL, PRIMARY KEY (id));
"""


def _object_mapping(rule_id: str, table: str, column: str) -> dict[str, object]:
    return {
        "rule-type": "object-mapping",
        "rule-id": rule_id,
        "rule-name": f"map-{table}",
        "rule-action": "map-record-to-record",
        "object-locator": {"schema-name": "music", "table-name": table},
        "target-table-name": "music",
        "mapping-parameters": {
            "partition-key-name": "pk",
            "sort-key-name": "sk",
            "attribute-mappings": [
                {
                    "target-attribute-name": "pk",
                    "attribute-type": "scalar",
                    "attribute-sub-type": "string",
                    "value": f"{table.upper()}#${{{column}}}",
                },
                {
                    "target-attribute-name": "sk",
                    "attribute-type": "scalar",
                    "attribute-sub-type": "string",
                    "value": "#METADATA",
                },
            ],
        },
    }


MAPPINGS = {
    "rules": [
        {
            "rule-type": "selection",
            "rule-id": "1",
            "rule-name": "all",
            "rule-action": "include",
            "object-locator": {"schema-name": "music", "table-name": "%"},
        },
        _object_mapping("2", "album", "id"),
        _object_mapping("3", "artist", "ArtistId"),  # the table is `Artist`
    ]
}
STACK = {
    "resource": {
        "aws_dynamodb_table": {
            "music": {
                "name": "music",
                "hash_key": "pk",
                "range_key": "sk",
                "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}],
            }
        },
        "aws_dms_replication_task": {
            "task": {
                "replication_task_id": "music",
                "migration_type": "full-load",
                "table_mappings": escape(json.dumps(MAPPINGS)),
                "replication_task_settings": "{}",
            }
        },
    }
}
NEAR_MISS = "the locator 'music.artist' matches music.Artist only when case is ignored"


def test_check_stack_and_rehearse_report_the_same_case_mismatch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack, ddl = tmp_path / "music.tf.json", tmp_path / "music.sql"
    stack.write_text(json.dumps(STACK))
    ddl.write_text(DDL)
    assert main(["check-stack", "--stack", str(stack), "--schema", str(ddl)]) == 0  # a warning, not an error
    checked = capsys.readouterr().out
    (check_line,) = [line for line in checked.splitlines() if NEAR_MISS in line]
    assert "case-mismatch" in check_line and "rule-id 3 (map-artist)" in check_line

    status = main(["rehearse", "--stack", str(stack), "--ddl", str(ddl), "--rows", "5", "--quiet"])
    rehearsed = capsys.readouterr().out
    (gate_line,) = [line for line in rehearsed.splitlines() if NEAR_MISS in line and "warning[" in line]
    assert gate_line == check_line  # rehearse runs check-stack's checks first, with its messages
    (rehearse_line,) = [line for line in rehearsed.splitlines() if line.startswith("case-mismatch: ")]
    assert NEAR_MISS in rehearse_line
    assert rehearse_line.removeprefix("case-mismatch: ") in check_line  # the same message, word for word
    assert "not rehearsed: music.Artist is selected but has no object mapping" in rehearsed
    assert status == 0
