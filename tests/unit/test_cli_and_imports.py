"""The command line on real files, and that `import mappings` stays free of jsii."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dms_dynamodb.cli import main
from tests.conftest import CORPUS, ROOT


def test_import_mappings_loads_no_jsii() -> None:
    code = "import mappings, sys; assert 'jsii' not in sys.modules and 'cdktf' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.shared
def test_check_clean_file_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CORPUS / "36-docs-ddb-record-to-record-exclude-columns-dynamodb-map.json")]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().err


@pytest.mark.shared
def test_check_reports_every_problem_with_rule_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CORPUS / "invalid" / "06-gh-kuettai-object-mapping-no-hash-key.json")]) == 1
    out = capsys.readouterr().out
    assert "rule-id '3'" in out and "rule-id '4'" in out


def test_warnings_alone_exit_zero_unless_strict(tmp_path: Path) -> None:
    doc = tmp_path / "m.json"
    doc.write_text(
        json.dumps(
            {
                "rules": [
                    {
                        "rule-type": "selection",
                        "rule-id": "1",
                        "rule-name": "a",
                        "rule-action": "include",
                        "object-locator": {"schema-name": "s", "table-name": "%"},
                    },
                    {
                        "rule-type": "selection",
                        "rule-id": "2",
                        "rule-name": "a",
                        "rule-action": "exclude",
                        "object-locator": {"schema-name": "s", "table-name": "x"},
                    },
                ]
            }
        )
    )
    assert main(["check", str(doc)]) == 0
    assert main(["check", "--strict", str(doc)]) == 1


@pytest.mark.shared
def test_check_task_settings_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = tmp_path / "s.json"
    settings.write_text('{"Logging": {"CloudWatchLogGroup": "x"}}')
    assert (
        main(["check", str(CORPUS / "56-gh-tf-aws-modules-dms-all-schemas.json"), "--task-settings", str(settings)])
        == 1
    )
    assert "read-only" in capsys.readouterr().out


def test_fmt_prints_canonical_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    messy = tmp_path / "m.json"
    messy.write_text(
        '{"rules":[{"object-locator":{"table-name":"%","schema-name":"s"},"rule-action":"include",'
        '"rule-name":"1","rule-id":"1","rule-type":"selection","filters":null}]}'
    )
    assert main(["fmt", str(messy)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[3] == '      "rule-type": "selection",'
    assert "null" not in out and json.loads(out) == json.loads(messy.read_text().replace(',"filters":null', ""))


@pytest.mark.shared
def test_fmt_refuses_invalid_documents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", str(CORPUS / "invalid" / "14-aws-recorded-malformed-json.txt")]) == 1
    assert "malformed-json" in capsys.readouterr().out


@pytest.mark.shared
def test_module_entry_point_runs() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dms_dynamodb",
            "check",
            str(CORPUS / "invalid" / "09-aws-recorded-duplicate-rule-id.json"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1 and "Duplicate ruleid 1" in result.stdout


SAKILA_DDL = ROOT / "stacks" / "sql" / "sakila-schema.sql"


def _article_file(tmp_path: Path, replace: tuple[str, str] | None = None) -> Path:
    from stacks.sakila_mappings import sakila_table_mappings

    text = sakila_table_mappings().to_json(indent=2)
    if replace:
        text = text.replace(*replace, 1)
    path = tmp_path / "mappings.json"
    path.write_text(text)
    return path


def test_check_against_a_ddl_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(_article_file(tmp_path)), "--schema", str(SAKILA_DDL)]) == 0
    assert "0 error(s), 7 warning(s)" in capsys.readouterr().err
    broken = _article_file(tmp_path, ('"RENTAL#${rental_id}"', '"#METADATA"'))
    assert (
        main(["check", str(broken), "--schema", str(SAKILA_DDL), "--design", "stacks.sakila_design:SAKILA_DESIGN"]) == 1
    )
    out = capsys.readouterr().out
    assert "key-overwrites-rows" in out and "rental_id" in out


def test_design_command_prints_the_chart(capsys: pytest.CaptureFixture[str]) -> None:
    design = ["--design", "stacks.sakila_design:SAKILA_DESIGN"]
    assert main(["design", *design, "--format", "markdown"]) == 0
    assert "| film_actor | `FILM#${film_id}` | `ACTOR#${actor_id}` |" in capsys.readouterr().out
    assert main(["design", *design, "--format", "html"]) == 0
    assert capsys.readouterr().out.startswith("<!doctype html>")


def test_design_command_rejects_a_non_design() -> None:
    with pytest.raises(SystemExit, match="is a str, not a TableDesign"):
        main(["design", "--design", "stacks.sakila_design:TARGET_TABLE"])
