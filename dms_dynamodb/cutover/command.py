"""``dms-dynamodb cutover``: run the gate's checks, print each with its figure, and what to do next."""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from dms_dynamodb.check_stack import require_clean_stack
from dms_dynamodb.commands import UsageError, dynamodb, open_task, plan_task, skip_checks_argument

if TYPE_CHECKING:
    from dms_dynamodb.cdc.checkpoint import Checkpoint
    from dms_dynamodb.cutover.evidence import Evidence


def cmd_cutover(args: argparse.Namespace) -> int:
    from dms_dynamodb.cdc.checkpoint import CheckpointError
    from dms_dynamodb.cdc.positions import REVERIFY, PositionError, check_source_position
    from dms_dynamodb.cutover.aws import AwsUnavailable, clients, task_region
    from dms_dynamodb.cutover.checks import (
        dms_task_caught_up,
        follower_caught_up,
        held_to_the_end,
        no_apply_exceptions,
        source_quiet,
        verified,
    )
    from dms_dynamodb.cutover.evidence import EvidenceError, compared_now, read_evidence
    from dms_dynamodb.source.url import scrub
    from dms_dynamodb.verify.full import INCOMPLETE_EXIT, VerifyIncomplete, lost_server

    if (args.checkpoint is None) == (args.task_arn is None):
        raise UsageError("say what follows the source: --checkpoint FILE (this tool's follower) or --task-arn ARN")
    if args.quiet_seconds <= 0 or args.settle <= 0:
        raise UsageError("--quiet-seconds and --settle take a number of seconds above 0")
    try:
        region = task_region(args.task_arn) if args.task_arn is not None else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    stack, task = open_task(args.stack, args.task)
    plan = plan_task(args.mysql_url, stack, task, sys.stdout)
    evidence = None
    ddb = dynamodb(args.endpoint_url)
    if args.since is not None:
        try:
            evidence = read_evidence(Path(args.since), task.task_id, plan, compared_now(plan, ddb, args))
            check_source_position(
                args.mysql_url, evidence.position, f"--since {args.since}: the report verified at", REVERIFY
            )
        except (EvidenceError, PositionError) as exc:
            raise UsageError(str(exc)) from None
    _follower_can_resume(args)
    aws = None
    if region is not None:
        try:
            aws = clients(region)
        except AwsUnavailable as exc:
            print(f"dms-dynamodb cutover: no verdict: {exc}", file=sys.stderr)
            return INCOMPLETE_EXIT
    checked = require_clean_stack(
        stack, task.task_id, plan.builder.schemas, skip=args.skip_checks, doing="checked for the cutover"
    )
    quiet = source_quiet(args.mysql_url, args.quiet_seconds, writes_stopped=args.writes_stopped)
    checks = [quiet]
    try:
        if aws is None:
            checks.append(follower_caught_up(args.mysql_url, args.checkpoint))
        else:
            now = dt.datetime.now(dt.UTC)
            checks.append(dms_task_caught_up(*aws, args.task_arn, args.max_latency_seconds, now))
    except CheckpointError as exc:
        raise UsageError(str(exc)) from None
    except AwsUnavailable as exc:
        print(quiet.render())
        print(f"dms-dynamodb cutover: no verdict: {exc}", file=sys.stderr)
        return INCOMPLETE_EXIT
    tables = set(plan.tables)
    try:
        checks.append(no_apply_exceptions(ddb, args.exceptions_task or task.task_id, tables, args.exceptions_since))
    except Exception as exc:  # the target could not be read: no verdict, not NOT READY
        if lost_server(exc) is None:
            raise
        for check in checks:
            print(check.render())
        print(
            f"dms-dynamodb cutover: no verdict: the apply exceptions could not be read from the target "
            f"({type(exc).__name__}: {str(exc)[:200]}); check the target (--endpoint-url, credentials) and run "
            "cutover again",
            file=sys.stderr,
        )
        return INCOMPLETE_EXIT
    try:
        checks.append(verified(args.mysql_url, ddb, plan, None if evidence is None else evidence.position, args.settle))
    except VerifyIncomplete as exc:  # a server lost during the verify: the gate cannot say yes or no
        for check in checks:
            print(check.render())
        print(scrub(f"dms-dynamodb cutover: the verify check could not finish: {exc}", args.mysql_url), file=sys.stderr)
        return INCOMPLETE_EXIT
    checks.append(held_to_the_end(args.mysql_url, quiet.head, args.checkpoint))  # the last read of the source
    for check in checks:
        print(check.render())
    failed = [c for c in checks if not c.passed]
    if failed:
        print(f"NOT READY: {len(failed)} of {len(checks)} checks failed. Next:")
        for check in failed:
            print(f"  {check.name}: {check.next_step}")
        return 1
    print(checked)
    print(_evidence_chain(args, evidence, checks[-1].head))
    print(
        "READY: every check passed. Next: switch the application to DynamoDB; keep the source read-only, and stop "
        "the follower (or the DMS task) once the switch is done"
    )
    return 0


def _follower_can_resume(args: argparse.Namespace) -> None:
    """A checkpoint the source can no longer be read from (purged, future, mid-event) is no NOT READY to wait
    out: no follower can ever catch up from it, so it is a usage error naming what starts over."""
    from dms_dynamodb.cdc.checkpoint import Checkpoint, CheckpointError
    from dms_dynamodb.cdc.positions import RELOAD, PositionError, check_source_position

    if args.checkpoint is None:
        return
    try:
        saved = Checkpoint.load(args.checkpoint)
        if saved is not None:
            check_source_position(args.mysql_url, saved, f"the checkpoint {args.checkpoint} holds", RELOAD)
    except (CheckpointError, PositionError) as exc:
        raise UsageError(str(exc)) from None


def _evidence_chain(args: argparse.Namespace, evidence: Evidence | None, head: Checkpoint | None) -> str:
    """What READY rests on, link by link, and what the chain cannot see (a named assumption with its check)."""
    from dms_dynamodb.source.url import redact

    if args.task_arn is None:
        follower = f"the follower's checkpoint {args.checkpoint} at the head {head}, held to the end of the checks"
    else:
        follower = f"the DMS task caught up by its CDC latencies; the source head held at {head} to the end"
    if evidence is None:
        return f"evidence: a full verify of every item, clean; {follower}; no apply exceptions"
    command = ["dms-dynamodb", "verify", "--stack", args.stack]
    if args.task:
        command += ["--task", args.task]
    command += ["--mysql-url", redact(args.mysql_url)]  # an option file given is in it (defaults_file=)
    if args.endpoint_url:
        command += ["--endpoint-url", args.endpoint_url]
    verified = f"a clean full verify at {evidence.position}"
    if evidence.exports is not None:  # P0 is the position read before the exports, not before that verify
        tables = evidence.exports.get("tables") or {}
        taken = ", ".join(f"{name} at {(tables[name] or {}).get('export_time')}" for name in sorted(tables))
        verified = (
            f"a clean full verify of the exports ({taken}; taken from {evidence.exports.get('target')}) at "
            f"{evidence.position}, the source's position read before they started"
        )
    return (
        f"evidence: {verified} ({evidence.report}, {evidence.at}); every row "
        f"changed from {evidence.position} to {head} verified clean; {follower}; no apply exceptions.\n"
        f"assumption: nothing but the migration wrote to the target tables since {evidence.position}: the chain "
        f"reads the source's binlog only, so an item changed in DynamoDB by anything else is not seen. To check "
        f"it, a full verify: {shlex.join(command)}"
    )


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
        "--since",
        metavar="REPORT",
        help="the report of a clean full verify (verify --report FILE): only the rows changed since the position it "
        "verified at are verified again (default: a full verify)",
    )
    cutover.add_argument(
        "--settle", type=float, default=5.0, help="seconds a difference must persist to count (default 5)"
    )
