"""`dms-dynamodb`'s commands that need no server: check-stack, errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cli import main
from tests.conftest import ROOT, SAKILA_DDL, SHOP_DDL, stack_file


def _two_tasks_writing_one_key() -> dict[str, Any]:
    """The Sakila stack with a second task that maps film_text onto film's keys."""
    document: dict[str, Any] = json.loads(stack_file("sakila").read_text())
    (task,) = document["resource"]["aws_dms_replication_task"].values()
    mappings = json.loads(task["table_mappings"])
    film = next(
        r
        for r in mappings["rules"]
        if r.get("object-locator", {}).get("table-name") == "film" and r["rule-type"] == "object-mapping"
    )
    second = {
        "rules": [
            {
                "rule-type": "selection",
                "rule-id": "1",
                "rule-name": "include-film-text",
                "rule-action": "include",
                "object-locator": {"schema-name": "yourdb", "table-name": "film_text"},
            },
            {
                **film,
                "rule-id": "2",
                "rule-name": "map-film-text",
                "object-locator": {"schema-name": "yourdb", "table-name": "film_text"},
            },
        ]
    }
    document["resource"]["aws_dms_replication_task"]["Second"] = {
        **task,
        "replication_task_id": "sakila-film-text",
        "table_mappings": json.dumps(second),
    }
    return document


def test_check_stack_finds_a_key_collision_across_two_tasks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "two-tasks.json"
    path.write_text(json.dumps(_two_tasks_writing_one_key()))
    assert main(["check-stack", "--stack", str(path), "--schema", str(SAKILA_DDL)]) == 1
    out = capsys.readouterr().out
    (collision,) = [line for line in out.splitlines() if line.startswith("sakila-film-text: error")]
    assert "error[cross-table-overwrite] tasks[1].$.rules[1]" in collision
    assert "items of table 'film_text' and of table 'film' (rule-id '12' of tasks[0]) can get the same key" in collision
    assert "e.g. pk 'FILM#1', sk '#METADATA'" in collision
    assert "2 task(s) checked together against 1 table(s): 1 error(s)" in out


def test_each_task_alone_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-stack", "--stack", str(stack_file("sakila")), "--schema", str(SAKILA_DDL)]) == 0
    assert "1 task(s) checked together against 1 table(s): 0 error(s), 7 warning(s)" in capsys.readouterr().out


def test_key_types_come_from_the_stacks_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(stack_file("sakila").read_text())
    (table,) = document["resource"]["aws_dynamodb_table"].values()
    table["attribute"] = [{**a, "type": "N"} if a["name"] == "sk" else a for a in table["attribute"]]
    path = tmp_path / "numeric-sk.json"
    path.write_text(json.dumps(document))
    assert main(["check-stack", "--stack", str(path), "--schema", str(SAKILA_DDL)]) == 1
    assert "key 'sk' is declared NUMBER (N) but DMS writes a STRING (S)" in capsys.readouterr().out


def test_a_missing_stack_is_a_usage_error_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dms_dynamodb", "verify", "--stack", "nosuch", "--mysql-url", "mysql://x@127.0.0.1:1/"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        "dms-dynamodb verify: stack 'nosuch' is not synthesized: cdktf.out/stacks/nosuch/cdk.tf.json is missing"
    )
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_an_unreachable_source_is_one_line_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["verify", "--stack", str(stack_file("shop")), "--mysql-url", "mysql://x:secret@127.0.0.1:1/shop"])
    err = capsys.readouterr().err
    assert status == 2 and "cannot connect to the source mysql://x:***@127.0.0.1:1/shop" in err
    assert "secret" not in err and "Traceback" not in err


@pytest.mark.parametrize(
    "command", ["check", "fmt", "design", "check-stack", "hcl-repair", "rehearse", "load", "verify", "cdc"]
)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dms_dynamodb", command, "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0 and "example:\n  dms-dynamodb " + command in result.stdout


def test_the_console_command_is_installed() -> None:
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "dms-dynamodb"), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "exit codes: 0 clean; 1 differences" in result.stdout


def test_cdc_without_a_checkpoint_or_a_start_is_a_usage_error_naming_both_ways_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dms_dynamodb.cli import main

    checkpoint = tmp_path / "nothing-here.json"
    status = main(["cdc", "--stack", "shop", "--mysql-url", "mysql://u@127.0.0.1:1/", "--checkpoint", str(checkpoint)])
    assert status == 2
    err = capsys.readouterr().err
    assert f"there is no checkpoint at {checkpoint} and no --start" in err
    assert "--start FILE:POS" in err and "--from-head" in err
    assert not checkpoint.exists()


def test_a_corrupt_checkpoint_is_a_usage_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dms_dynamodb.cli import main

    checkpoint = tmp_path / "cdc.json"
    checkpoint.write_text('{"log_file": "binlog.000001"}')
    status = main(["cdc", "--stack", "shop", "--mysql-url", "mysql://u@127.0.0.1:1/", "--checkpoint", str(checkpoint)])
    assert status == 2
    assert f"the checkpoint file {checkpoint} is not a checkpoint (KeyError: 'log_pos')" in capsys.readouterr().err


def test_the_resume_command_repeats_every_option_that_changes_the_run_and_never_the_password() -> None:
    import argparse

    from dms_dynamodb.cdc.command import resume_command

    args = argparse.Namespace(
        stack="shop", task="t1", mysql_url="mysql://dms:s3cret@db:3306/", endpoint_url=None,
        checkpoint=Path("cp.json"), server_id=99, flush_seconds=0.5, retries=12, until_caught_up=False,
        no_exceptions_table=False,
    )  # fmt: skip
    assert resume_command(args) == (
        "dms-dynamodb cdc --stack shop --task t1 --mysql-url 'mysql://dms:***@db:3306/' --checkpoint cp.json "
        "--server-id 99 --flush-seconds 0.5"
    )


def test_check_stack_warns_of_each_ddl_statement_it_could_not_read_naming_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ddl = tmp_path / "shop.sql"
    ddl.write_text(SHOP_DDL.read_text() + "\nCREATE SEQUENCE order_numbers START WITH 1;\n")
    line = len(SHOP_DDL.read_text().splitlines()) + 2
    assert main(["check-stack", "--stack", str(stack_file("shop")), "--schema", str(ddl)]) == 0
    err = capsys.readouterr().err
    (warning,) = [x for x in err.splitlines() if "unread-ddl" in x]
    assert warning.startswith(f"{ddl}: warning[unread-ddl] line {line}: not read (")
    assert warning.endswith("CREATE SEQUENCE order_numbers START WITH 1")


def test_check_and_check_stack_apply_the_same_lob_cap(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A LONGTEXT column makes an item too large in full LOB mode; the task's LobMaxSize (32 KB) caps it.
    `check --task-settings` must use the cap as check-stack does (the same finding, or none, in both)."""
    from mappings.terraform import escape

    ddl = tmp_path / "docs.sql"
    ddl.write_text("CREATE TABLE doc (id INT NOT NULL PRIMARY KEY, body LONGTEXT);")
    rules = [
        {"rule-type": "selection", "rule-id": "1", "rule-name": "s", "rule-action": "include",
         "object-locator": {"schema-name": "db", "table-name": "doc"}},
        {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "m", "rule-action": "map-record-to-record",
         "object-locator": {"schema-name": "db", "table-name": "doc"}, "target-table-name": "docs",
         "mapping-parameters": {"partition-key-name": "pk", "attribute-mappings": [
             {"target-attribute-name": "pk", "attribute-type": "scalar", "attribute-sub-type": "string",
              "value": "DOC#${id}"}]}},
    ]  # fmt: skip
    mappings = tmp_path / "mappings.json"
    mappings.write_text(json.dumps({"rules": rules}))
    capped = {"TargetMetadata": {"SupportLobs": True, "LimitedSizeLobMode": True, "LobMaxSize": 32}}
    full = {"TargetMetadata": {"SupportLobs": True, "FullLobMode": True, "LimitedSizeLobMode": False}}
    codes = {}
    for name, settings in (("capped", capped), ("full", full)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(settings))
        main(["check", str(mappings), "--task-settings", str(path), "--schema", str(ddl), "--schema-name", "db"])
        check_out = capsys.readouterr().out
        stack = tmp_path / f"{name}.tf.json"
        stack.write_text(json.dumps({"resource": {"aws_dms_replication_task": {"t": {
            "replication_task_id": "docs", "migration_type": "full-load",
            "table_mappings": escape(json.dumps({"rules": rules})),
            "replication_task_settings": escape(json.dumps(settings))}}}}))  # fmt: skip
        main(["check-stack", "--stack", str(stack), "--schema", str(ddl)])
        stack_out = capsys.readouterr().out
        codes[name] = ("item-too-large" in check_out, "item-too-large" in stack_out)
    assert codes == {"capped": (False, False), "full": (True, True)}


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_is_accepted_before_or_after_the_subcommand(where: str, capsys: pytest.CaptureFixture[str]) -> None:
    command = ["verify", "--stack", "nosuch", "--mysql-url", "mysql://u@127.0.0.1:1/"]
    argv = ["--debug", *command] if where == "before" else [*command, "--debug"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err  # --debug shows where, wherever it was given
    assert main(command) == 2 and "Traceback" not in capsys.readouterr().err


UNREACHABLE = "mysql://dms:s3cret-pw@127.0.0.1:1/shop"
SHOP_STACK = str(stack_file("shop"))


@pytest.mark.parametrize(
    "command",
    [
        ["check-stack", "--stack", SHOP_STACK, "--mysql-url", UNREACHABLE],
        ["check", "MAPPINGS", "--mysql-url", UNREACHABLE],
        ["load", "--stack", SHOP_STACK, "--mysql-url", UNREACHABLE],
        ["verify", "--stack", SHOP_STACK, "--mysql-url", UNREACHABLE],
        ["cdc", "--stack", SHOP_STACK, "--mysql-url", UNREACHABLE, "--checkpoint", "unused.json", "--from-head"],
        ["cutover", "--stack", SHOP_STACK, "--mysql-url", UNREACHABLE, "--checkpoint", "unused.json"],
        ["preflight", "--mysql-url", UNREACHABLE],
    ],
    ids=lambda command: command[0],
)
def test_a_source_that_cannot_be_reached_is_one_message_and_exit_2_in_every_command(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mappings = tmp_path / "mappings.json"
    selection = {"rule-type": "selection", "rule-id": "1", "rule-name": "s", "rule-action": "include",
                 "object-locator": {"schema-name": "shop", "table-name": "%"}}  # fmt: skip
    mappings.write_text(json.dumps({"rules": [selection]}))
    assert main([str(mappings) if word == "MAPPINGS" else word for word in command]) == 2
    out, err = capsys.readouterr()
    (line,) = err.strip().splitlines()
    assert line.startswith(
        f"dms-dynamodb {command[0]}: cannot connect to the source mysql://dms:***@127.0.0.1:1/shop: "
    )
    assert "s3cret" not in out + err
