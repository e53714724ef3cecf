"""``dms-dynamodb cutover``: the gate before a switchover, each check named with its figure.

AWS's cutover guidance (Knowledge Center "dms-migration-cut-over"; Prescriptive Guidance
"cut-over"): stop the application's writes to the source, watch the task's apply exceptions
(``awsdms_apply_exceptions``) and ``CDCLatencyTarget`` until it reaches zero, validate, then switch
the application. The gate checks exactly that, for a follower of this tool or a real DMS task:

(a) the source is quiet: its binlog head did not move for ``--quiet-seconds`` (or the user states
    that writes are stopped);
(b) the follower's checkpoint is the source head, or the DMS task runs with ``CDCLatencySource``
    and ``CDCLatencyTarget`` at most ``--max-latency-seconds`` (CloudWatch, through boto3);
(c) ``awsdms_apply_exceptions`` in the target holds no row for the task's tables since a time;
(d) an incremental verify since the last clean verify, settled, is clean;
(e) read after all of them: the source head is still the one (a) saw, and the follower's checkpoint.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dms_dynamodb.cdc.apply_exceptions import EXCEPTIONS_TABLE, read_exceptions
from dms_dynamodb.cdc.checkpoint import Checkpoint, source_head
from dms_dynamodb.cutover.aws import asking
from dms_dynamodb.plan import Plan

QUIET, CAUGHT_UP, EXCEPTIONS, VERIFIED = "source quiet", "caught up", "apply exceptions", "verify"
HELD = "held to the end"
METRIC_WINDOW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class GateCheck:
    """One check of the gate: its name, whether it passed, the figure that says so, and what to do next."""

    name: str
    passed: bool
    figure: str
    next_step: str = ""
    #: The source's binlog head this check saw (the quiet check's, for the gate's last check).
    head: Checkpoint | None = None

    def render(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name}: {self.figure}"


def source_quiet(
    url: str, seconds: float, *, writes_stopped: bool, sleep: Callable[[float], None] = time.sleep
) -> GateCheck:
    if writes_stopped:
        head = source_head(url)
        return GateCheck(QUIET, True, f"stated by the user (--writes-stopped); the binlog head is {head}", head=head)
    before = source_head(url)
    sleep(seconds)
    after = source_head(url)
    if before == after:
        return GateCheck(QUIET, True, f"the binlog head stayed at {after} for {seconds:g} s", head=after)
    return GateCheck(
        QUIET,
        False,
        f"the binlog head moved from {before} to {after} in {seconds:g} s: something still writes to the source",
        "stop the application's writes to the source (and anything else writing to it), then run cutover again",
        head=after,
    )


def held_to_the_end(url: str, quiet: Checkpoint | None, checkpoint: Path | None) -> GateCheck:
    """Read after every other check: the source head is still the one the quiet check saw, and the follower's
    checkpoint is that head. Writes that began during the checks (the verify takes a while) close the gate."""
    end = source_head(url)
    saved = Checkpoint.load(checkpoint) if checkpoint is not None else None
    follower = "" if checkpoint is None else f"; the follower's checkpoint is {saved or 'missing'}"
    if end == quiet and (checkpoint is None or saved == end):
        where = "" if checkpoint is None else " and the follower's checkpoint"
        figure = f"after the last check the source head{where} is still {end}, where the quiet check saw it"
        if checkpoint is None:
            figure += " (the DMS task's own position is not comparable: its CDC latencies stand for it)"
        return GateCheck(HELD, True, figure, head=end)
    return GateCheck(
        HELD,
        False,
        f"the source head moved during the checks: {quiet} when the quiet check read it, {end} after the last "
        f"check{follower}: what the checks passed is not what the source holds now",
        "something wrote to the source while the gate ran: stop it, let the follower (or the task) catch up, and run "
        "cutover again",
        head=end,
    )


def follower_caught_up(url: str, checkpoint: Path) -> GateCheck:
    saved, head = Checkpoint.load(checkpoint), source_head(url)
    if saved == head:
        return GateCheck(CAUGHT_UP, True, f"the follower's checkpoint {saved} is the source head")
    return GateCheck(
        CAUGHT_UP,
        False,
        f"the follower's checkpoint is {saved or 'missing'}, the source head {head}",
        f"wait for the follower to reach the head (its progress lines say where it is), or start it: "
        f"dms-dynamodb cdc ... --checkpoint {checkpoint}",
    )


def dms_task_caught_up(dms: Any, cloudwatch: Any, task_arn: str, max_latency: float, now: dt.datetime) -> GateCheck:
    """A real DMS task: running, and both CDC latencies (CloudWatch, AWS/DMS) at most ``max_latency`` s."""
    with asking("DMS (DescribeReplicationTasks)"):
        tasks = dms.describe_replication_tasks(Filters=[{"Name": "replication-task-arn", "Values": [task_arn]}])
    if len(tasks["ReplicationTasks"]) != 1:
        return GateCheck(
            CAUGHT_UP,
            False,
            f"DMS lists {len(tasks['ReplicationTasks'])} tasks with the ARN {task_arn}",
            "check --task-arn (terraform output replication_task_arn) and the region and account it names",
        )
    (task,) = tasks["ReplicationTasks"]
    if task.get("Status") != "running":
        return GateCheck(
            CAUGHT_UP,
            False,
            f"the DMS task {task['ReplicationTaskIdentifier']} is {task.get('Status')}, not running",
            "start or resume the task and let it catch up, then run cutover again",
        )
    with asking("DMS (DescribeReplicationInstances)"):
        instances = dms.describe_replication_instances(
            Filters=[{"Name": "replication-instance-arn", "Values": [task["ReplicationInstanceArn"]]}]
        )
    instance = instances["ReplicationInstances"][0]["ReplicationInstanceIdentifier"]
    dimensions = [
        {"Name": "ReplicationInstanceIdentifier", "Value": instance},
        {"Name": "ReplicationTaskIdentifier", "Value": task_arn.split(":")[6]},  # the ARN's resource id
    ]
    latencies: dict[str, float | None] = {}
    for metric in ("CDCLatencySource", "CDCLatencyTarget"):
        with asking("CloudWatch (GetMetricStatistics)"):
            points = cloudwatch.get_metric_statistics(
                Namespace="AWS/DMS",
                MetricName=metric,
                Dimensions=dimensions,
                StartTime=now - METRIC_WINDOW,
                EndTime=now,
                Period=60,
                Statistics=["Maximum"],
            )["Datapoints"]
        latest = max(points, key=lambda p: p["Timestamp"]) if points else None
        latencies[metric] = None if latest is None else float(latest["Maximum"])
    figure = ", ".join(f"{m} {'no datapoint in 10 min' if v is None else f'{v:g} s'}" for m, v in latencies.items())
    if all(v is not None and v <= max_latency for v in latencies.values()):
        return GateCheck(CAUGHT_UP, True, f"task {task['ReplicationTaskIdentifier']} running; {figure}")
    return GateCheck(
        CAUGHT_UP,
        False,
        f"task {task['ReplicationTaskIdentifier']}: {figure} (at most {max_latency:g} s needed)",
        "wait until both latencies reach the threshold with the source quiet, then run cutover again",
    )


def no_apply_exceptions(ddb: Any, task: str, tables: set[tuple[str, str]], since: str) -> GateCheck:
    """No apply exception of the task's tables (since ``since``); a target that cannot be reached is no NOT READY
    but no verdict: its error is raised for the command to exit 3 (a missing table stays NOT READY)."""
    from dms_dynamodb.verify.full import lost_server

    try:
        rows = list(read_exceptions(ddb, task=task, tables=tables, since=since))
    except Exception as exc:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code")
        if lost_server(exc) is not None and code != "ResourceNotFoundException":
            raise
        return GateCheck(
            EXCEPTIONS,
            False,
            f"cannot read {EXCEPTIONS_TABLE} on the target ({type(exc).__name__}: {str(exc)[:200]})",
            f"check that {EXCEPTIONS_TABLE} exists and can be scanned; the follower and DMS create it",
        )
    when = f"since {since}" if since else "ever"  # no --exceptions-since: every row counts
    if not rows:
        return GateCheck(EXCEPTIONS, True, f"no row of task {task}'s tables in {EXCEPTIONS_TABLE} {when}")
    first = sorted(rows, key=lambda r: r.get("ERROR_TIME", ""))[0]
    return GateCheck(
        EXCEPTIONS,
        False,
        f"{len(rows)} row{'' if len(rows) == 1 else 's'} of task {task}'s tables in {EXCEPTIONS_TABLE} {when}; the "
        f"first: {first.get('TABLE_OWNER')}.{first.get('TABLE_NAME')} at {first.get('ERROR_TIME')}: {first.get('ERROR')}",
        "fix their cause, then re-apply those rows from the source: dms-dynamodb resync ... --exceptions (it prints "
        "the --exceptions-since to give); then run cutover again with it",
    )


def verified(url: str, ddb: Any, plan: Plan, since: Checkpoint | None, settle_seconds: float) -> GateCheck:
    from dms_dynamodb.verify.full import verify
    from dms_dynamodb.verify.incremental import verify_since

    if since is not None:
        result, changes = verify_since(url, ddb, plan, since, settle_seconds=settle_seconds)
        scope = f"{len(changes.rows)} rows changed since {since}"
    else:
        result = verify(url, ddb, plan, settle_seconds=settle_seconds)
        scope = "every row (no --since: a full verify)"
    counts = ", ".join(f"{count} {kind}" for kind, count in result.counts.items() if count)
    figure = f"{scope}: {result.expected} items expected, {result.actual} found; {counts or 'no difference'}"
    if result.clean:
        return GateCheck(VERIFIED, True, figure)
    return GateCheck(
        VERIFIED,
        False,
        figure,
        f"run dms-dynamodb verify --settle {settle_seconds:g} --report FILE (in full: findings older than "
        f"{since or 'the verify'} are not in a --since check), fix what it names, then cutover --since FILE, the "
        "report of that clean verify",
    )
