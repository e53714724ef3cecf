"""``dms-dynamodb cutover``: run the gate's checks, print each with its figure, and what to do next."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from dms_dynamodb.check_stack import require_clean_stack
from dms_dynamodb.commands import UsageError, binlog_position, dynamodb, open_task, plan_task, skip_checks_argument


def cmd_cutover(args: argparse.Namespace) -> int:
    from dms_dynamodb.cutover.checks import (
        dms_task_caught_up,
        follower_caught_up,
        no_apply_exceptions,
        source_quiet,
        verified,
    )
    from dms_dynamodb.source.url import scrub
    from dms_dynamodb.verify.full import INCOMPLETE_EXIT, VerifyIncomplete

    if (args.checkpoint is None) == (args.task_arn is None):
        raise UsageError("say what follows the source: --checkpoint FILE (this tool's follower) or --task-arn ARN")
    if args.quiet_seconds <= 0 or args.settle <= 0:
        raise UsageError("--quiet-seconds and --settle take a number of seconds above 0")
    since = binlog_position(args.since, "--since")
    stack, task = open_task(args.stack, args.task)
    plan = plan_task(args.mysql_url, stack, task, sys.stdout)
    checked = require_clean_stack(
        stack, task.task_id, plan.builder.schemas, skip=args.skip_checks, doing="checked for the cutover"
    )
    ddb = dynamodb(args.endpoint_url)
    checks = [source_quiet(args.mysql_url, args.quiet_seconds, writes_stopped=args.writes_stopped)]
    if args.checkpoint is not None:
        checks.append(follower_caught_up(args.mysql_url, args.checkpoint))
    else:
        import boto3

        now = dt.datetime.now(dt.UTC)
        region = args.task_arn.split(":")[3]
        checks.append(
            dms_task_caught_up(
                boto3.client("dms", region_name=region),
                boto3.client("cloudwatch", region_name=region),
                args.task_arn,
                args.max_latency_seconds,
                now,
            )
        )
    tables = set(plan.tables)
    checks.append(no_apply_exceptions(ddb, args.exceptions_task or task.task_id, tables, args.exceptions_since))
    try:
        checks.append(verified(args.mysql_url, ddb, plan, since, args.settle))
    except VerifyIncomplete as exc:  # a server lost during the verify: the gate cannot say yes or no
        for check in checks:
            print(check.render())
        print(scrub(f"dms-dynamodb cutover: the verify check could not finish: {exc}", args.mysql_url), file=sys.stderr)
        return INCOMPLETE_EXIT
    for check in checks:
        print(check.render())
    failed = [c for c in checks if not c.passed]
    if failed:
        print(f"NOT READY: {len(failed)} of {len(checks)} checks failed. Next:")
        for check in failed:
            print(f"  {check.name}: {check.next_step}")
        return 1
    print(checked)
    print(
        "READY: every check passed. Next: switch the application to DynamoDB; keep the source read-only, and stop "
        "the follower (or the DMS task) once the switch is done"
    )
    return 0


def add_cutover_arguments(cutover: argparse.ArgumentParser) -> None:
    skip_checks_argument(cutover)
    cutover.add_argument("--checkpoint", type=Path, help="the checkpoint of this tool's follower (dms-dynamodb cdc)")
    cutover.add_argument(
        "--task-arn", help="a real DMS task: its status and CDCLatencySource/CDCLatencyTarget from CloudWatch"
    )
    cutover.add_argument(
        "--max-latency-seconds",
        type=float,
        default=0.0,
        help="with --task-arn: the most CDC latency that counts as caught up (default 0, as AWS's guidance says)",
    )
    cutover.add_argument(
        "--quiet-seconds", type=float, default=10.0, help="the binlog head must not move this long (default 10)"
    )
    cutover.add_argument(
        "--writes-stopped", action="store_true", help="state that the writes are stopped instead of measuring it"
    )
    cutover.add_argument(
        "--exceptions-since",
        default="",
        metavar="'YYYY-MM-DD HH:MM:SS'",
        help="apply exceptions before this time (UTC) are known and handled (default: every row counts); "
        "resync --exceptions prints the time to give",
    )
    cutover.add_argument(
        "--exceptions-task",
        help="TASK_NAME in awsdms_apply_exceptions (default: the stack's task id, what this tool's follower writes)",
    )
    cutover.add_argument(
        "--since", metavar="FILE:POS", help="the position of the last clean verify (default: a full verify)"
    )
    cutover.add_argument(
        "--settle", type=float, default=5.0, help="seconds a difference must persist to count (default 5)"
    )
