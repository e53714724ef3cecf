"""``dms-dynamodb resync``: repair what verify or the apply exceptions found, then verify those keys again.

DMS's data resync (CHAP_Validating.DataResync) reads a validation failure's row again from the source
by its primary key and applies it to the target, for Oracle and SQL Server sources and PostgreSQL
targets only; this is that step from MySQL to DynamoDB, with the same item model as the load and CDC. Exit 0 only when every key involved was verified clean after the repair; 1 when a key
is left (a row DMS would reject, an item no source row can be named for) or still differs; 2 usage;
3 a server lost mid-run (what was done is in the log; run it again: resync is idempotent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dms_dynamodb.commands import UsageError, bounded_int, dynamodb, open_task, plan_task, skip_checks_argument

if TYPE_CHECKING:  # the command starts fast: what reads servers is imported when it runs
    from dms_dynamodb.plan import Plan
    from dms_dynamodb.resync.inputs import Wanted
    from dms_dynamodb.verify.recheck import SourceRef

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d{1,6})?)?$")
EXAMPLE = "dms-dynamodb resync --stack shop --mysql-url mysql://user@db:3306/ --report verify.jsonl --log resync.jsonl"


def add_resync_arguments(resync: argparse.ArgumentParser) -> None:
    resync.add_argument(
        "--report",
        type=Path,
        action="append",
        default=[],
        metavar="VERIFY.jsonl",
        help="a verify --report file: resync every finding (repeatable)",
    )
    resync.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="TABLE:COL=VALUE[,COL=VALUE]",
        help="a source row by its primary key (repeatable); SCHEMA.TABLE when the table name is not unique",
    )
    resync.add_argument(
        "--exceptions",
        action="store_true",
        help="resync the rows the task's awsdms_apply_exceptions rows name, and say what to give cutover",
    )
    resync.add_argument(
        "--since",
        metavar="'YYYY-MM-DD HH:MM:SS'",
        default="",
        help="with --exceptions: only rows at or after this time (UTC; default: every row)",
    )
    resync.add_argument("--exceptions-task", help="TASK_NAME in awsdms_apply_exceptions (default: the stack's task id)")
    resync.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    resync.add_argument(
        "--log", type=Path, metavar="FILE", help="append every action here (JSON lines, 0600: key, before, after, why)"
    )
    resync.add_argument(
        "--settle",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="after acting, a key still different for this long is a finding (default 5; at least the CDC latency)",
    )
    resync.add_argument(
        "--segments",
        type=bounded_int(1, 1000),
        default=4,
        help="parallel scan segments when looking for items a key change left behind (--key, --exceptions; "
        "1 to 1000, default 4)",
    )
    skip_checks_argument(resync)


def cmd_resync(args: argparse.Namespace) -> int:
    from dms_dynamodb.check_stack import require_clean_stack
    from dms_dynamodb.source.url import scrub
    from dms_dynamodb.verify.full import INCOMPLETE_EXIT, lost_server

    if not (args.report or args.key or args.exceptions):
        raise UsageError("say what to resync: --report VERIFY.jsonl, --key TABLE:COL=VALUE or --exceptions")
    if args.settle <= 0:
        raise UsageError(f"--settle takes a number of seconds above 0; got {args.settle}")
    if args.since and not (args.exceptions and TIME.match(args.since)):
        raise UsageError(f"--since {args.since!r}: give it with --exceptions, as 'YYYY-MM-DD HH:MM:SS' (UTC)")
    stack, task = open_task(args.stack, args.task)
    plan = plan_task(args.mysql_url, stack, task, sys.stdout)
    checked = require_clean_stack(stack, task.task_id, plan.builder.schemas, skip=args.skip_checks, doing="resynced")
    ddb = dynamodb(args.endpoint_url)
    wanted = _wanted(args, plan)
    try:
        exceptions = _exceptions(args, ddb, plan, task.task_id) if args.exceptions else []
        wanted.refs += [ref for _, refs, _ in exceptions for ref in refs]
        status = _run(args, ddb, plan, wanted, exceptions)
    except KeyboardInterrupt:
        logged = f" (each write's intent and outcome are in {args.log})" if args.log else ""
        raise KeyboardInterrupt(
            f"interrupted: some actions may have been applied{logged}; resync reads both sides again: run it again"
        ) from None
    except Exception as error:
        server = lost_server(error)
        if server is None:
            raise
        logged = f"; what was done is in {args.log}" if args.log else ""
        message = (
            f"dms-dynamodb resync: incomplete: the {server} failed ({type(error).__name__}: {str(error)[:300]}){logged}. "
            "Run resync again once it is back (it reads both sides again: idempotent)"
        )
        print(scrub(message, args.mysql_url), file=sys.stderr)
        return INCOMPLETE_EXIT
    print(checked)
    return status


def _wanted(args: argparse.Namespace, plan: Plan) -> Wanted:
    from dms_dynamodb.resync.inputs import InputError, Wanted, parse_key, read_report

    wanted = Wanted([], [], [])
    try:
        for path in args.report:
            found = read_report(path, plan)
            wanted.findings += found.findings
            wanted.rejected += found.rejected
            wanted.in_flight += found.in_flight
        wanted.refs += [parse_key(text, plan) for text in args.key]
    except InputError as exc:
        raise UsageError(str(exc)) from None
    return wanted


def _exceptions(
    args: argparse.Namespace, ddb: Any, plan: Plan, task_id: str
) -> list[tuple[dict[str, str], list[SourceRef], str]]:
    """Each apply exception of the task's tables since ``--since``, with the rows it names (or why none)."""
    from botocore.exceptions import ClientError

    from dms_dynamodb.cdc.apply_exceptions import EXCEPTIONS_TABLE, read_exceptions
    from dms_dynamodb.resync.inputs import exception_refs

    task = args.exceptions_task or task_id
    try:
        rows = list(read_exceptions(ddb, task=task, tables=set(plan.tables), since=args.since))
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            raise UsageError(
                f"--exceptions: the target has no {EXCEPTIONS_TABLE} table: no apply exception to resync"
            ) from None
        raise
    rows.sort(key=lambda row: row.get("ERROR_TIME", ""))
    since = f"since {args.since}" if args.since else "ever"
    print(f"{len(rows)} apply exception{'' if len(rows) == 1 else 's'} of task {task} ({since})")
    return [(row, *exception_refs(row, plan)) for row in rows]


def _run(
    args: argparse.Namespace,
    ddb: Any,
    plan: Plan,
    wanted: Wanted,
    exceptions: list[tuple[dict[str, str], list[SourceRef], str]],
) -> int:
    from dms_dynamodb.resync.actions import AGREES, DELETE, LEFT, PUT, plan_actions
    from dms_dynamodb.resync.apply import apply_actions, log_line, log_plan, open_log, reverify
    from dms_dynamodb.resync.inputs import ref_id
    from dms_dynamodb.verify.recheck import KeyReader

    reader = KeyReader(args.mysql_url, ddb, plan)
    try:
        actions = plan_actions(reader, wanted.findings, wanted.refs, segments=args.segments)
        count = {kind: sum(a.kind == kind for a in actions) for kind in (PUT, DELETE, AGREES, LEFT)}
        print(
            f"resync plan: {len(wanted.findings)} findings, {len(wanted.refs)} named rows -> {len(actions)} keys: "
            f"{count[PUT]} put, {count[DELETE]} delete, {count[AGREES]} already agree, {count[LEFT]} left"
        )
        if wanted.in_flight:
            print(f"  ({wanted.in_flight} IN_FLIGHT records of the report are not findings: not resynced)")
        for action in actions:
            if action.kind != AGREES:
                print(action.render())
        for record in wanted.rejected:
            print(
                f"  LEFT   {record.get('source_table')}: a row DMS would reject ({record.get('error')}): never written"
            )
        unnamed = [(row, why) for row, refs, why in exceptions if not refs]
        for row, why in unnamed:
            print(f"  LEFT   apply exception {row.get('ERROR_TIME')} on {row.get('TABLE_NAME')}: {why}")
        blocked = count[LEFT] + len(wanted.rejected) + len(unnamed)
        with ExitStack() as files:
            try:
                log = files.enter_context(open_log(args.log)) if args.log else None
            except OSError as exc:
                raise UsageError(f"cannot write the log {args.log}: {exc.strerror}") from None
            if args.dry_run:  # the plan goes to the log too, marked dry-run: a review reads one file
                log_plan(log, actions)
                print("dry run: nothing changed" + (f"; the plan is in {args.log}" if args.log else ""))
                return 0 if not blocked and count[PUT] + count[DELETE] == 0 else 1
            if args.endpoint_url:
                print("  (a local endpoint: conditions compare lists and maps by size, as dynalite can)")
            applied = apply_actions(ddb, actions, log, sys.stdout, reader, documents=not args.endpoint_url)
            remaining = reverify(reader, actions, args.settle)
            bad = {ref_id(r) for a, _ in [*applied.refused, *applied.left] for r in a.refs}
            bad |= {ref_id(r) for a in actions if a.kind == LEFT for r in a.refs}
            keys = {(r["table"], str(r["key"])) for r in remaining}
            bad |= {ref_id(r) for a in actions if (a.table, str(a.key)) in keys for r in a.refs}
            handled = [row for row, refs, _ in exceptions if refs and not {ref_id(r) for r in refs} & bad]
            for row in handled:
                log_line(log, {"action": "exception handled", **{k: row.get(k) for k in _EXCEPTION_COLUMNS}})
    finally:
        reader.close()
    for record in remaining:
        key = json.dumps(record["key"], sort_keys=True, default=str)
        print(f"  STILL  {record['type']} {record['table']} {key}: after resync, settled {args.settle:g} s")
    if remaining:
        print(
            "  (a change applied by the follower while resync wrote can leave a key stale, or the key keeps "
            "changing: run resync again, with --settle at least the CDC latency)"
        )
    clean = not remaining and not applied.refused and not applied.left and not blocked
    print(
        f"resync: {sum(a.kind == PUT for a in applied.done)} put, {sum(a.kind == DELETE for a in applied.done)} "
        f"deleted, {len(applied.refused)} refused by DynamoDB, {len(applied.left)} left (changed under resync); "
        "verified again: "
        f"{'clean' if not remaining else f'{len(remaining)} keys still differ'}"
        + (f"; log: {args.log}" if args.log else "")
    )
    if args.exceptions:
        _exceptions_summary(args, exceptions, handled)
    print("clean" if clean else "NOT CLEAN")
    return 0 if clean else 1


_EXCEPTION_COLUMNS = ("TASK_NAME", "TABLE_OWNER", "TABLE_NAME", "ERROR_TIME", "STATEMENT", "ERROR")


def _exceptions_summary(
    args: argparse.Namespace,
    exceptions: list[tuple[dict[str, str], list[SourceRef], str]],
    handled: list[dict[str, str]],
) -> None:
    if len(handled) < len(exceptions):
        print(
            f"apply exceptions: {len(handled)} of {len(exceptions)} handled; the others are listed above: give cutover "
            "no later --exceptions-since than theirs"
        )
        return
    if not exceptions:
        return
    last = max(row.get("ERROR_TIME", "") for row in handled)
    since = after(last)
    if since is None:
        print(
            f"apply exceptions: all {len(handled)} handled (marked in the log); the latest ERROR_TIME {last!r} is not "
            "a time resync can read: give cutover --exceptions-since the first time after it"
        )
        return
    print(
        f"apply exceptions: all {len(handled)} handled (marked in the log); give the gate: "
        f"cutover ... --exceptions-since '{since}'"
    )


def after(error_time: str) -> str | None:
    """The first ERROR_TIME after ``error_time`` (one microsecond later): the gate counts rows from there."""
    for pattern in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            moment = dt.datetime.strptime(error_time, pattern)
        except ValueError:
            continue
        return (moment + dt.timedelta(microseconds=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    return None
