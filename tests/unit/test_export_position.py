"""An export's starting point (``dms-dynamodb-position.json``): what it holds, that it belongs to its export,
and ``export --s3-bucket --mysql-url`` reading the head before it requests the export, then writing the
position next to AWS's manifests (botocore Stubber; no AWS account is reachable from here)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from dms_dynamodb.cdc.checkpoint import Checkpoint
from dms_dynamodb.export.layout import Export, ExportError
from dms_dynamodb.export.position import (
    POSITION_FILE,
    ExportPosition,
    SourceHead,
    read_position,
    read_s3_position,
    write_position,
)
from tests.conftest import stack_file

ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-table"
EXPORT_ARN = f"{ARN}/export/01234567890123-a1b2c3d4"
FOLDER = "pre/AWSDynamoDB/01234567890123-a1b2c3d4"


def _position(export_arn: str = EXPORT_ARN) -> ExportPosition:
    return ExportPosition(
        Checkpoint("binlog.000007", 1234), "db1:3306", "AWS eu-west-1", ARN, export_arn, "2026-12-06T10:00:00.000Z"
    )


def _export(folder: Path) -> Export:
    return Export(folder, ARN, "2026-12-06T10:00:01.000Z", 0, (), EXPORT_ARN)


def test_a_position_file_is_private_reads_back_and_belongs_to_its_export_only(tmp_path: Path) -> None:
    path = write_position(tmp_path, _position())
    assert oct(path.stat().st_mode)[-3:] == "600"
    written = json.loads(path.read_text())
    assert (written["position"], written["source"], written["exportArn"]) == (
        "binlog.000007:1234",
        "db1:3306",
        EXPORT_ARN,
    )
    assert read_position(tmp_path, _export(tmp_path)) == _position()
    assert read_position(tmp_path / "none", _export(tmp_path / "none")) is None  # no file: no starting point

    write_position(tmp_path, _position(f"{ARN}/export/99999999999999-00000000"))
    with pytest.raises(ExportError, match=r"not of this export .* a file copied from another export"):
        read_position(tmp_path, _export(tmp_path))
    (tmp_path / POSITION_FILE).write_text(json.dumps({**written, "position": "binlog.000007"}))
    with pytest.raises(ExportError, match="is not FILE:POSITION"):
        read_position(tmp_path, _export(tmp_path))
    (tmp_path / POSITION_FILE).write_text(json.dumps({"position": "binlog.000007:4"}))
    with pytest.raises(ExportError, match="no source, target, tableArn, exportArn, readAt: not a position written"):
        read_position(tmp_path, _export(tmp_path))


def _s3() -> Any:
    import boto3

    return boto3.client("s3", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")


def test_a_position_beside_an_export_on_s3_is_read_or_absent() -> None:
    from botocore.response import StreamingBody

    s3 = _s3()
    text = _position().to_json().encode()
    with Stubber(s3) as stub:
        stub.add_response(
            "get_object",
            {"Body": StreamingBody(io.BytesIO(text), len(text))},
            {"Bucket": "b", "Key": f"{FOLDER}/{POSITION_FILE}"},
        )
        assert read_s3_position(s3, f"s3://b/{FOLDER}/", _export(Path(FOLDER))) == _position()
        stub.add_client_error("get_object", "NoSuchKey", http_status_code=404)
        assert read_s3_position(s3, f"s3://b/{FOLDER}", _export(Path(FOLDER))) is None
        stub.add_client_error("get_object", "AccessDenied", http_status_code=403)
        with pytest.raises(ExportError, match=r"dms-dynamodb-position\.json: cannot read it \(AccessDenied\)"):
            read_s3_position(s3, f"s3://b/{FOLDER}", _export(Path(FOLDER)))


def test_an_aws_export_reads_the_head_before_its_request_and_writes_the_position_beside_the_manifests(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import boto3

    from dms_dynamodb.cli import main
    from dms_dynamodb.export import aws, command

    calls: list[str] = []
    head = SourceHead(Checkpoint("binlog.000007", 1234), "db1:3306", "2026-12-06T10:00:00.000Z")

    def read_head(url: str | None) -> SourceHead:
        calls.append(f"head {url}")
        return head

    def start(_ddb: Any, table: str, bucket: str, prefix: str | None) -> str:
        calls.append(f"export {table} to {bucket}/{prefix}")
        return EXPORT_ARN

    def wait(_ddb: Any, arn: str) -> dict[str, Any]:
        # DescribeExport's ExportTime: the snapshot, 5 s after the head was read (the 2 s margin for the clocks).
        taken = dt.datetime(2026, 12, 6, 10, 0, 5, tzinfo=dt.UTC)
        manifest = f"{FOLDER}/manifest-summary.json"
        return {"ExportArn": arn, "TableArn": ARN, "ItemCount": 3, "ExportTime": taken, "ExportManifest": manifest}

    ddb = boto3.client("dynamodb", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    s3 = _s3()
    monkeypatch.setattr(command, "_source_head", read_head)
    monkeypatch.setattr(command, "dynamodb", lambda _url: ddb)
    monkeypatch.setattr(aws, "start_export", start)
    monkeypatch.setattr(aws, "wait_for_export", wait)
    monkeypatch.setattr(boto3, "client", lambda *_a, **_k: s3)
    body = _position().to_json().encode()  # the same position, the same export, the target AWS eu-west-1
    with Stubber(s3) as stub:
        expected = {"Bucket": "b", "Key": f"{FOLDER}/{POSITION_FILE}", "Body": body, "ContentType": "application/json"}
        stub.add_response("put_object", {}, expected)
        url = "mysql://dms@db1:3306/shop"
        export = ["export", "--stack", str(stack_file("shop")), "--s3-bucket", "b", "--s3-prefix", "pre"]
        assert main([*export, "--mysql-url", url]) == 0
        stub.assert_no_pending_responses()
    assert calls == [f"head {url}", "export shop-table to b/pre"]  # the head first: the export is of a later time
    out = capsys.readouterr().out
    assert "the source (db1:3306) was at binlog position binlog.000007:1234 before it" in out
    assert f"written to s3://b/{FOLDER}/{POSITION_FILE}" in out


def test_the_gate_says_its_p0_came_from_exports() -> None:
    import argparse

    from dms_dynamodb.cutover.command import _evidence_chain
    from dms_dynamodb.cutover.evidence import Evidence

    args = argparse.Namespace(
        task_arn=None, checkpoint=Path("cdc.json"), stack="shop", task=None, mysql_url="mysql://dms@db1/shop",
        endpoint_url="http://127.0.0.1:8000",
    )  # fmt: skip
    exports = {
        "target": "http://127.0.0.1:8000",
        "tables": {"shop-table": {"export_arn": EXPORT_ARN, "export_time": "2026-12-06T10:00:01.000Z", "position": "binlog.000007:1234"}},
    }  # fmt: skip
    evidence = Evidence(Path("e.jsonl"), Checkpoint("binlog.000007", 1234), "2026-12-06T11:00:00Z", "shop", (), exports)
    line = _evidence_chain(args, evidence, Checkpoint("binlog.000007", 9999))
    assert line.startswith(
        "evidence: a clean full verify of the exports (shop-table at 2026-12-06T10:00:01.000Z; taken from "
        "http://127.0.0.1:8000) at binlog.000007:1234, the source's position read before they started (e.jsonl, "
        "2026-12-06T11:00:00Z); every row changed from binlog.000007:1234 to binlog.000007:9999 verified clean"
    )
    live = _evidence_chain(args, Evidence(Path("e.jsonl"), evidence.position, evidence.at, "shop", ()), None)
    assert live.startswith("evidence: a clean full verify at binlog.000007:1234 (e.jsonl, ")


def test_a_position_beside_a_summary_without_an_export_arn_is_refused(tmp_path: Path) -> None:
    # A hand-written export of the same table names no exportArn: nothing ties a position file to it.
    write_position(tmp_path, _position())
    hand_written = Export(tmp_path, ARN, "2026-12-07T09:00:00.000Z", 0, (), None)
    with pytest.raises(ExportError, match="names no exportArn, so nothing ties this position"):
        read_position(tmp_path, hand_written)


def test_a_position_read_after_its_exports_time_is_refused(tmp_path: Path) -> None:
    write_position(tmp_path, _position())  # read at 2026-12-06T10:00:00.000Z
    export = Export(tmp_path, ARN, "2026-12-06T09:59:59.000Z", 0, (), EXPORT_ARN)
    with pytest.raises(ExportError, match=r"after the export.s exportTime 2026-12-06T09:59:59\.000Z"):
        read_position(tmp_path, export)
    same_instant = Export(tmp_path, ARN, "2026-12-06T10:00:00.000Z", 0, (), EXPORT_ARN)
    assert read_position(tmp_path, same_instant) == _position()


@pytest.mark.parametrize(
    "export_time",
    [dt.datetime(2026, 12, 6, 9, 55, tzinfo=dt.UTC), dt.datetime(2026, 12, 6, 10, 0, 1, tzinfo=dt.UTC), None],
    ids=["before the head", "within the clock margin", "not given"],
)
def test_an_aws_export_not_clearly_after_the_head_records_no_starting_point(
    export_time: dt.datetime | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """AWS's API reference does not say which time an export without ExportTime is of: DescribeExport's
    ExportTime is checked, and a snapshot not 2 s after the head's reading gets no position."""
    import boto3

    from dms_dynamodb.cli import main
    from dms_dynamodb.export import aws, command

    head = SourceHead(Checkpoint("binlog.000007", 1234), "db1:3306", "2026-12-06T10:00:00.000Z")
    described = {"ExportArn": EXPORT_ARN, "TableArn": ARN, "ItemCount": 3, "ExportManifest": f"{FOLDER}/m.json"}
    if export_time is not None:
        described["ExportTime"] = export_time
    written: list[Any] = []
    ddb = boto3.client("dynamodb", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    monkeypatch.setattr(command, "_source_head", lambda _url: head)
    monkeypatch.setattr(command, "dynamodb", lambda _url: ddb)
    monkeypatch.setattr(aws, "start_export", lambda *_a: EXPORT_ARN)
    monkeypatch.setattr(aws, "wait_for_export", lambda *_a: described)
    monkeypatch.setattr(command, "_record_s3_position", lambda *a: written.append(a))
    export = ["export", "--stack", str(stack_file("shop")), "--s3-bucket", "b", "--s3-prefix", "pre"]
    assert main([*export, "--mysql-url", "mysql://dms@db1:3306/shop"]) == 0
    assert written == []
    assert "NO starting point recorded: the export's ExportTime" in capsys.readouterr().out
