"""``dms-dynamodb report``'s usage errors: one message naming what is missing, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms_dynamodb.cli import main
from tests.conftest import stack_file


def test_rehearsal_without_ddl_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["report", "--stack", str(stack_file("shop")), "--rehearsal", "--out", str(out)]) == 2
    assert "--rehearsal needs --ddl FILE" in capsys.readouterr().err
    assert not out.exists()


def test_endpoint_or_rehearsal_is_required(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["report", "--stack", str(stack_file("shop")), "--out", str(tmp_path)])
    assert stopped.value.code == 2
    assert "one of the arguments --endpoint-url --rehearsal is required" in capsys.readouterr().err


def test_an_unreadable_verify_report_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "verify.jsonl"
    bad.write_text('{"type": "RECORD_DIFF"}\nnot json\n')
    arguments = ["report", "--stack", str(stack_file("shop")), "--endpoint-url", "http://127.0.0.1:9", "--out"]
    assert main([*arguments, str(tmp_path / "out"), "--verify-report", str(bad)]) == 2
    assert f"--verify-report {bad}: line 2 is not JSON" in capsys.readouterr().err
