"""No clean without the checks: rehearse, load and verify run the stack checks first and stop on an error
before anything is written (exit 1), with check-stack's messages; --skip-checks is the way round."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cli import main
from mappings.terraform import escape

DDL = """
CREATE TABLE Artist (ArtistId INT NOT NULL, Name VARCHAR(120), PRIMARY KEY (ArtistId));
CREATE TABLE Album (AlbumId INT NOT NULL, Title VARCHAR(160) NOT NULL, ArtistId INT NOT NULL, PRIMARY KEY (AlbumId));
"""


def _mapping(rule_id: str, table: str, pk: str) -> dict[str, Any]:
    return {
        "rule-type": "object-mapping", "rule-id": rule_id, "rule-name": f"map-{table}",
        "rule-action": "map-record-to-record", "object-locator": {"schema-name": "music", "table-name": table},
        "target-table-name": "music",
        "mapping-parameters": {"partition-key-name": "pk", "sort-key-name": "sk", "attribute-mappings": [
            {"target-attribute-name": "pk", "attribute-type": "scalar", "attribute-sub-type": "string", "value": pk},
            {"target-attribute-name": "sk", "attribute-type": "scalar", "attribute-sub-type": "string",
             "value": "#METADATA"},
        ]},
    }  # fmt: skip


def _stack(tmp_path: Path, *mappings: dict[str, Any]) -> tuple[Path, Path]:
    rules = [
        {"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
         "object-locator": {"schema-name": "music", "table-name": "%"}},
        *mappings,
    ]  # fmt: skip
    document = {
        "resource": {
            "aws_dynamodb_table": {"music": {"name": "music", "hash_key": "pk", "range_key": "sk",
                                             "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}]}},
            "aws_dms_replication_task": {"task": {"replication_task_id": "music", "migration_type": "full-load",
                                                  "table_mappings": escape(json.dumps({"rules": rules})),
                                                  "replication_task_settings": "{}"}},
        }
    }  # fmt: skip
    stack, ddl = tmp_path / "music.tf.json", tmp_path / "music.sql"
    stack.write_text(json.dumps(document))
    ddl.write_text(DDL)
    return stack, ddl


def test_a_typo_in_a_key_template_stops_the_rehearsal_before_anything_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack, ddl = _stack(
        tmp_path, _mapping("2", "Artist", "ARTIST#${ArtstId}"), _mapping("3", "Album", "ALBUM#${AlbumId}")
    )
    assert main(["rehearse", "--stack", str(stack), "--ddl", str(ddl), "--rows", "5"]) == 1
    out, err = capsys.readouterr()
    (finding,) = [line for line in out.splitlines() if "error[unknown-column]" in line]
    assert "rule-id '2'" in finding and "'${ArtstId}' names no column of table 'Artist'" in finding
    assert "did you mean 'ArtistId'" in finding
    # ... and, because of it, the key uses no column: every row overwrites the previous one
    (overwrite,) = [line for line in out.splitlines() if "error[key-overwrites-rows]" in line]
    assert "rule-id '2'" in overwrite
    assert "the stack checks found 2 error(s) in task 'music'" in err and "nothing was rehearsed" in err
    assert "--skip-checks" in err
    assert "throwaway MariaDB" not in out  # no server was started


def test_a_mapping_for_a_table_the_schema_lacks_stops_the_rehearsal_naming_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack, ddl = _stack(tmp_path, _mapping("2", "Artist", "ARTIST#${ArtistId}"), _mapping("3", "Track", "T#${TrackId}"))
    assert main(["rehearse", "--stack", str(stack), "--ddl", str(ddl), "--rows", "5"]) == 1
    out, err = capsys.readouterr()
    (finding,) = [line for line in out.splitlines() if "error[" in line]
    assert finding.startswith("music: error[unknown-table]") and "has no table 'Track'" in finding
    assert "rule-id '3'" in finding
    assert "nothing was rehearsed" in err
