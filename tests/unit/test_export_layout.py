"""The DynamoDB export format, read and checked: a folder written by hand from AWS's documented example
("DynamoDB table export output format"), and the AWS export started and waited for (botocore Stubber)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from dms_dynamodb.dynamodb.client import client
from dms_dynamodb.export.aws import ExportFailed, start_export, wait_for_export
from dms_dynamodb.export.layout import ExportError, pages, read_export
from dms_dynamodb.export.s3 import read_s3_export

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/ProductCatalog"
KEY = "2020-Nov/AWSDynamoDB/01234567890123-a1b2c3d4/data/asdl123dasas.json.gz"


def _hand_written(folder: Path, *, lines: list[str], count: int | None = None, md5: str | None = None) -> Path:
    """An export as the AWS guide shows one: summary, files manifest, one gzip data file of Item lines."""
    (folder / "data").mkdir(parents=True)
    data = gzip.compress("".join(lines).encode())
    (folder / "data" / "asdl123dasas.json.gz").write_bytes(data)
    digest = md5 or base64.b64encode(hashlib.md5(data).digest()).decode()
    entry = {"itemCount": len(lines), "md5Checksum": digest, "etag": "af83d6f217c19b8b0fff8023d8ca4716-1",
             "dataFileS3Key": KEY}  # fmt: skip
    (folder / "manifest-files.json").write_text(json.dumps(entry) + "\n")
    summary = {
        "version": "2020-06-30", "exportArn": f"{ARN}/export/01234567890123-a1b2c3d4",
        "startTime": "2020-11-04T07:28:34.028Z", "endTime": "2020-11-04T07:33:43.897Z", "tableArn": ARN,
        "tableId": "12345a12-abcd-123a-ab12-1234abc12345", "exportTime": "2020-11-04T07:28:34.028Z",
        "s3Bucket": "ddb-productcatalog-export", "s3Prefix": "2020-Nov", "s3SseAlgorithm": "AES256",
        "s3SseKmsKeyId": None, "manifestFilesS3Key": "2020-Nov/AWSDynamoDB/01234567890123-a1b2c3d4/manifest-files.json",
        "billedSizeBytes": 0, "itemCount": len(lines) if count is None else count, "outputFormat": "DYNAMODB_JSON",
    }  # fmt: skip
    (folder / "manifest-summary.json").write_text(json.dumps(summary))
    return folder


LINES = [
    '{"Item":{"Id":{"N":"101"},"Title":{"S":"Book 101 Title"},"Authors":{"SS":["Author1"]},"InPrint":{"BOOL":true}}}\n',
    '{"Item":{"Id":{"N":"102"},"Blob":{"B":"AAEC"},"Dims":{"M":{"w":{"N":"8.5"},"tags":{"L":[{"S":"a"},{"NULL":true}]}}}}}\n',
]


def test_a_hand_written_export_is_read_as_a_scan_returns_its_items(tmp_path: Path) -> None:
    export = read_export(_hand_written(tmp_path / "e", lines=LINES))
    assert (export.table_name, export.item_count, export.export_time) == (
        "ProductCatalog",
        2,
        "2020-11-04T07:28:34.028Z",
    )
    items = [item for page in pages(export) for item in page]
    assert items == [
        {"Id": {"N": "101"}, "Title": {"S": "Book 101 Title"}, "Authors": {"SS": ["Author1"]}, "InPrint": {"BOOL": True}},
        {"Id": {"N": "102"}, "Blob": {"B": b"\x00\x01\x02"},
         "Dims": {"M": {"w": {"N": "8.5"}, "tags": {"L": [{"S": "a"}, {"NULL": True}]}}}},
    ]  # fmt: skip


def test_a_partial_or_changed_export_is_refused_naming_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"no manifest-summary\.json"):
        read_export(tmp_path)
    with pytest.raises(ExportError, match=r"hold 2 items, manifest-summary\.json says 3"):
        read_export(_hand_written(tmp_path / "count", lines=LINES, count=3))
    with pytest.raises(ExportError, match=r"its MD5 is .* manifest-files\.json says AAAA"):
        read_export(_hand_written(tmp_path / "md5", lines=LINES, md5="AAAA"))
    folder = _hand_written(tmp_path / "gone", lines=LINES)
    (folder / "data" / "asdl123dasas.json.gz").unlink()
    with pytest.raises(ExportError, match=r"asdl123dasas.json.gz: listed in manifest-files.json but cannot be read"):
        read_export(folder)
    (folder / "manifest-files.json").unlink()
    with pytest.raises(ExportError, match=r"manifest-files\.json: cannot read it"):
        read_export(folder)


def test_the_aws_export_is_started_and_waited_for_until_it_completes_or_fails() -> None:
    ddb = client("http://127.0.0.1:1")
    export_arn = f"{ARN}/export/01234567890123-a1b2c3d4"
    with Stubber(ddb) as stub:
        stub.add_response("describe_table", {"Table": {"TableArn": ARN}}, {"TableName": "ProductCatalog"})
        stub.add_response(
            "export_table_to_point_in_time",
            {"ExportDescription": {"ExportArn": export_arn, "ExportStatus": "IN_PROGRESS"}},
            {"TableArn": ARN, "S3Bucket": "bucket", "S3Prefix": "pre", "ExportFormat": "DYNAMODB_JSON"},
        )
        for status in ("IN_PROGRESS", "COMPLETED"):
            stub.add_response(
                "describe_export",
                {"ExportDescription": {"ExportArn": export_arn, "ExportStatus": status, "ItemCount": 8}},
                {"ExportArn": export_arn},
            )
        assert start_export(ddb, "ProductCatalog", "bucket", "pre") == export_arn
        naps: list[float] = []
        assert wait_for_export(ddb, export_arn, poll=7, sleep=naps.append)["ItemCount"] == 8
        assert naps == [7]
        stub.add_response(
            "describe_export",
            {"ExportDescription": {"ExportArn": export_arn, "ExportStatus": "FAILED", "FailureCode": "S3NoSuchBucket",
                                   "FailureMessage": "no bucket"}},
            {"ExportArn": export_arn},
        )  # fmt: skip
        with pytest.raises(ExportFailed, match="FAILED: S3NoSuchBucket: no bucket"):
            wait_for_export(ddb, export_arn, sleep=naps.append)


def _body(text: str) -> Any:
    from botocore.response import StreamingBody

    return StreamingBody(io.BytesIO(text.encode()), len(text.encode()))


def test_an_export_on_s3_is_checked_by_its_manifests_and_etags_without_downloading_its_data() -> None:
    import boto3

    s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    folder = "2020-Nov/AWSDynamoDB/01234567890123-a1b2c3d4"
    summary = {
        "tableArn": ARN,
        "exportTime": "2020-11-04T07:28:34.028Z",
        "itemCount": 8,
        "outputFormat": "DYNAMODB_JSON",
    }
    entry = {"itemCount": 8, "md5Checksum": "sQMSpEILNgoQmarvDFonGQ==", "etag": "af83d6f217c19b8b0fff8023d8ca4716-1",
             "dataFileS3Key": KEY}  # fmt: skip
    data_key = f"{folder}/data/asdl123dasas.json.gz"
    with Stubber(s3) as stub:
        for etag in ('"af83d6f217c19b8b0fff8023d8ca4716-1"', '"0000"'):
            stub.add_response(
                "get_object",
                {"Body": _body(json.dumps(summary))},
                {"Bucket": "b", "Key": f"{folder}/manifest-summary.json"},
            )
            stub.add_response(
                "get_object",
                {"Body": _body(json.dumps(entry) + "\n")},
                {"Bucket": "b", "Key": f"{folder}/manifest-files.json"},
            )
            stub.add_response("head_object", {"ETag": etag}, {"Bucket": "b", "Key": data_key})  # fmt: skip
        export = read_s3_export(f"s3://b/{folder}/", s3)
        assert (export.table_name, export.item_count) == ("ProductCatalog", 8)
        assert [(f.uri, f.item_count) for f in export.files] == [(f"s3://b/{data_key}", 8)]
        with pytest.raises(ExportError, match=r"its ETag is \"0000\", manifest-files\.json says af83"):
            read_s3_export(f"s3://b/{folder}", s3)
        stub.add_client_error("get_object", "NoSuchKey", http_status_code=404)
        with pytest.raises(ExportError, match=r"manifest-summary\.json: cannot read it \(NoSuchKey\)"):
            read_s3_export(f"s3://b/{folder}", s3)


def test_an_engine_without_an_export_and_an_export_both_local_and_on_s3_are_usage_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from dms_dynamodb.cli import main

    verify = ["verify", "--stack", "shop", "--mysql-url", "mysql://u@db/shop"]
    assert main([*verify, "--engine", "spark", "--spark-master", "yarn"]) == 2
    assert "--engine, --spark-master choose how an export is compared: add --export" in capsys.readouterr().err
    assert main(["export", "--stack", "shop", "--s3-bucket", "b", "--out", "x"]) == 2
    assert "give one of them" in capsys.readouterr().err


def test_an_export_line_reads_as_json_loads_reads_it_with_orjson_or_without(monkeypatch: pytest.MonkeyPatch) -> None:
    # orjson refuses what json.loads takes (a lone surrogate's escape, an integer beyond 64 bits, NaN): those
    # lines are read by json.loads, so every line reads the same whichever parser is installed.
    import json

    from dms_dynamodb.export import layout

    assert layout._LOADS is not None, "orjson is a pinned dependency"
    lines: list[str | bytes] = [
        '{"Item": {"pk": {"S": "caf\\u00e9"}, "n": {"N": "1.50"}}}',
        '{"Item": {"pk": {"S": "a\\ud800b"}}}',
        '{"Item": {"pk": {"N": 123456789012345678901234567890}}}',
        '{"Item": {"pk": {"N": NaN}, "x": {"BOOL": true}, "d": {"N": 1.5e300}}}',
        b'{"Item": {"pk": {"S": "bytes"}}}',
    ]
    for line in lines:
        assert repr(layout.parse_line(line)) == repr(json.loads(line))
    monkeypatch.setattr(layout, "_LOADS", None)  # where orjson is absent (a Glue job's zip)
    for line in lines:
        assert repr(layout.parse_line(line)) == repr(json.loads(line))
    with pytest.raises(json.JSONDecodeError):
        layout.parse_line('{"Item": ')


def test_an_export_lines_item_and_text_are_those_of_json_loads_and_canonical(monkeypatch: pytest.MonkeyPatch) -> None:
    # The Spark engine's reading of a line: orjson's only where the item holds strings and numbers only.
    import json

    from dms_dynamodb.export import layout
    from mappings.items import canonical

    lines = [
        '{"Item": {"pk": {"S": "caf\u00e9"}, "n": {"N": "1.50"}}}',
        '{"Item": {"pk": {"S": "a\ud800b"}}}',
        '{"Item": {"pk": {"N": 123456789012345678901234567890}}}',
        '{"Item": {"pk": {"S": "k"}, "b": {"B": "AAE="}, "m": {"M": {"x": {"N": "1"}}}, "t": {"BOOL": true}}}',
        '{"Item": {"pk": {"S": "k"}}, "Other": 1}',
    ]
    for fast in (True, False):
        if not fast:
            monkeypatch.setattr(layout, "_LOADS", None)
        for line in lines:
            expected = {k: layout.from_dynamodb_json(v) for k, v in json.loads(line)["Item"].items()}
            item, text = layout.line_item(line)
            assert repr(item) == repr(expected)
            flat = all(list(v) in (["S"], ["N"]) and type(next(iter(v.values()))) is str for v in expected.values())
            assert text == (canonical(expected) if flat else None)
