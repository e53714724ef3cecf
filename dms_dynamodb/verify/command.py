"""``dms-dynamodb verify``: the full verify, ``--since`` or ``--export``, its report and its verdict line."""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from dms_dynamodb.check_stack import require_clean_stack
from dms_dynamodb.commands import UsageError, binlog_position, dynamodb, open_task, plan_task
from dms_dynamodb.source.url import scrub
from dms_dynamodb.table_choice import choose_for_argument
from dms_dynamodb.verify.export_command import refuse_engine_without_export


def cmd_verify(args: argparse.Namespace) -> int:
    from dms_dynamodb.cutover.evidence import compared_now, write_verified_at
    from dms_dynamodb.private_files import private_file
    from dms_dynamodb.verify.full import INCOMPLETE_EXIT, VerifyIncomplete, verify
    from dms_dynamodb.verify.incremental import verify_since

    if args.settle is not None and args.settle <= 0:
        raise UsageError(f"--settle takes a number of seconds above 0; got {args.settle}")
    since = binlog_position(args.since, "--since")
    refuse_engine_without_export(args)
    if args.export and since is not None:  # before anything connects: the way is a --since without --export
        from dms_dynamodb.verify.export_command import SINCE_WITH_EXPORT

        raise UsageError(SINCE_WITH_EXPORT)
    stack, task = open_task(args.stack, args.task)
    plan = plan_task(args.mysql_url, stack, task, sys.stdout)
    checked = require_clean_stack(stack, task.task_id, plan.builder.schemas, skip=args.skip_checks, doing="verified")
    if args.tables and since is not None:
        raise UsageError("--tables and --since: an incremental verify covers every table; give one of them")
    if since is not None:
        _readable_since(args.mysql_url, since)
    choice = choose_for_argument(plan, args.tables)
    plan = choice.plan if choice else plan
    ddb = dynamodb(args.endpoint_url)
    with ExitStack() as files:
        try:
            report = files.enter_context(private_file(Path(args.report))) if args.report else None
        except OSError as exc:
            raise UsageError(f"cannot write the report {args.report}: {exc.strerror}") from None
        try:
            if args.export:
                from dms_dynamodb.verify.export_command import verify_exports

                result = verify_exports(args, plan, ddb, report, choice)
            elif since is not None:
                result, changes = verify_since(
                    args.mysql_url, ddb, plan, since, settle_seconds=args.settle, report=report
                )
                print(
                    f"incremental: {changes.events} row images of {len(changes.rows)} rows changed from {since} to {changes.until}"
                )
                if changes.in_full:  # the binlog reader found DDL of a migrated table in the window
                    touched = ", ".join(sorted(".".join(t) for t in changes.in_full))
                    print(f"the window truncates, drops, renames or alters {touched}: verified in full")
            else:
                result = verify(
                    args.mysql_url,
                    ddb,
                    plan,
                    segments=args.segments,
                    report=report,
                    settle_seconds=args.settle,
                    keep=choice.keeps if choice else None,
                )
        except VerifyIncomplete as exc:
            print(scrub(f"dms-dynamodb verify: {exc}", args.mysql_url), file=sys.stderr)
            return INCOMPLETE_EXIT
        compared = compared_now(plan, ddb, args) if result.clean and report is not None else {}
        if result.exports is not None and compared:  # the target compared is where the exports were taken from
            compared["target"] = result.exports["target"]
        evidence = report is not None and write_verified_at(  # a clean report ends with its position: cutover's
            report,
            clean=result.clean,
            position=result.position,
            task=task.task_id,
            plan=plan,
            since=since,
            compared=compared,
            exports=result.exports,
        )
    print(result.render())
    if result.position is not None and result.clean:
        print(f"verified at binlog position {result.position} (the next incremental verify: --since {result.position})")
        if result.exports is not None:
            print(
                f"  {result.position}: the source's position read before the export"
                f"{'s' if len(result.exports['tables']) > 1 else ''} started (dms-dynamodb-position.json); "
                "every change after it is the next verify --since's, against the live table"
            )
    elif result.position is not None:
        print(
            f"verified at binlog position {result.position}: NOT a starting point for --since (the findings above "
            "are older than it); fix them and verify in full again"
        )
    if result.no_position:
        print(result.no_position)
    if args.report:
        ends = f"; it ends with VERIFIED_AT {result.position}" if evidence else ""
        usable = f", the evidence for cutover --since {args.report}" if evidence and since is None else ""
        print(f"report: {args.report} (one JSON line per finding{ends}{usable})")
    if choice:
        print(choice.summary())
    print(checked)
    return 0 if result.clean else 1


def _readable_since(url: str, since: Any) -> None:
    from dms_dynamodb.cdc.positions import REVERIFY, PositionError, check_source_position

    try:
        check_source_position(url, since, "--since", REVERIFY)
    except PositionError as exc:
        raise UsageError(str(exc)) from None
