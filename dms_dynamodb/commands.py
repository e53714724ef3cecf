"""What the subcommands share: the stack and task they act on, the plan, the servers, usage errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from dms_dynamodb.source.url import redact
from dms_dynamodb.stack import Stack, StackTask, read_stack
from mappings.schema import SourceSchema

if TYPE_CHECKING:
    from dms_dynamodb.cdc.checkpoint import Checkpoint
    from dms_dynamodb.plan import Plan

EXAMPLE_STACK = "shop"


class UsageError(Exception):
    """Bad input or nothing to do: exit 2."""


def stack_arguments(command: argparse.ArgumentParser, *, task: bool = True) -> None:
    command.add_argument(
        "--stack",
        required=True,
        help="a synthesized stack's name (cdktf.out/stacks/NAME/cdk.tf.json) or the path of a Terraform JSON file",
    )
    if task:
        command.add_argument("--task", help="the DMS task id (replication_task_id); needed when the stack has several")


def server_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--mysql-url",
        required=True,
        help="mysql://user[:password]@host:port/ (or ?unix_socket=/path); without the password, it comes from "
        "--mysql-defaults-file or MYSQL_PWD (neither shows in ps)",
    )
    defaults_file_argument(command)
    command.add_argument("--endpoint-url", help="DynamoDB endpoint (default: AWS, for AWS_REGION)")


def binlog_position(text: str | None, flag: str) -> Checkpoint | None:
    """A ``FILE:POS`` option's value (None when it was not given); a malformed one is a usage error."""
    from dms_dynamodb.cdc.checkpoint import Checkpoint

    try:
        return Checkpoint.parse(text) if text else None
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def skip_checks_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--skip-checks",
        action="store_true",
        help="run even when the stack checks (as check-stack) find errors against the source; the summary says so",
    )


def defaults_file_argument(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--mysql-defaults-file",
        metavar="FILE",
        help="a MySQL option file whose [client] group gives what --mysql-url leaves out (user, password, host, "
        "port, socket); keep it 0600",
    )


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high`` (anything else is a usage error, exit 2)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range: {low} to {high}")
        return value

    return parse


def open_task(stack_name: str, task_id: str | None) -> tuple[Stack, StackTask]:
    stack = read_stack(stack_name)
    return stack, stack.task(task_id)


def connect_source(url: str) -> Any:
    """A connection to the source; one that cannot be made is the same usage error in every command."""
    from dms_dynamodb.source.connection import connect

    try:
        return connect(url)
    except Exception as exc:
        raise UsageError(f"cannot connect to the source {redact(url)}: {exc}") from None


def live_schema(url: str, database: str | None = None) -> SourceSchema:
    """The live schema ``database`` (default: the URL's) of the source, through :func:`connect_source`."""
    from dms_dynamodb.source.connection import mysql_settings
    from dms_dynamodb.source.schema_reader import read_schema

    connection = connect_source(url)
    try:
        return read_schema(connection, database or mysql_settings(url)[1])
    finally:
        connection.close()


def plan_task(url: str, stack: Stack, task: StackTask, out: TextIO) -> Plan:
    """Connect, read the schemas the task names, and print what is not modeled before anything runs."""
    from dms_dynamodb.plan import NothingToDo, PlanError, make_plan

    connection = connect_source(url)
    try:
        plan = make_plan(stack, task, connection)
    except (NothingToDo, PlanError) as exc:
        raise UsageError(str(exc)) from None
    finally:
        connection.close()
    tables = ", ".join(f"{s}.{t}" for s, t in plan.tables)
    print(f"task {task.task_id} ({task.migration_type.value}): {len(plan.tables)} tables: {tables}", file=out)
    for note in plan.notes():
        print(note, file=out)
    return plan


def dynamodb(endpoint_url: str | None) -> Any:
    from dms_dynamodb.dynamodb.client import client

    try:
        return client(endpoint_url)
    except ValueError as exc:  # botocore: "Invalid endpoint: ..."
        raise UsageError(f"--endpoint-url: {exc}") from None


def create_targets(ddb: Any, plan: Plan, out: TextIO) -> None:
    from dms_dynamodb.dynamodb.client import create_table

    for name, design in plan.targets.items():
        created = create_table(ddb, design)
        print(f"target table {name}: {'created' if created else 'exists (re-run: puts are idempotent)'}", file=out)


def single_schema(task: StackTask) -> str:
    names = [n for n in task.schema_names if not any(ch in n for ch in "%_[")] or list(task.schema_names)
    if len(names) != 1 or any(ch in names[0] for ch in "%["):
        raise UsageError(
            f"task {task.task_id!r} names the schemas {', '.join(task.schema_names) or 'none'}; "
            "say which database the DDL creates with --schema NAME"
        )
    return names[0]


def schema_from_ddl(text: str, *, name: str, label: str) -> SourceSchema:
    """The schema a user's DDL file leaves; each statement the reader could not apply is printed as a
    warning naming its line (stderr), never dropped silently."""
    from mappings.schema.ddl import read_ddl_report, unread_warnings

    report = read_ddl_report(text, name=name)
    for warning in unread_warnings(report):
        print(f"{label}: {warning}", file=sys.stderr)
    return report.schema
