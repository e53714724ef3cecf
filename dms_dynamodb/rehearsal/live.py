"""``rehearse --cdc N --live``: the zero-downtime sequence, on throwaway servers.

The follower follows while the workload writes (not after it); ``verify --settle`` runs during the
writes; then the writes stop and the run ends with the cutover gate, as a real switchover would.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dms_dynamodb.cdc.apply_exceptions import TIME_FORMAT, exceptions_table_design
from dms_dynamodb.cdc.checkpoint import Checkpoint
from dms_dynamodb.cdc.follower import CdcStats, ChangeApplier, FollowOptions, follow
from dms_dynamodb.cutover.checks import (
    follower_caught_up,
    held_to_the_end,
    no_apply_exceptions,
    source_quiet,
    verified,
)
from dms_dynamodb.dynamodb.client import create_table
from dms_dynamodb.plan import Plan
from dms_dynamodb.rehearsal.synthetic import Generator, run_workload
from dms_dynamodb.source.connection import connect
from dms_dynamodb.verify.full import verify

CHUNK = 20  # changes per workload step; the writer paces steps so the writes span the live verify


@dataclass(frozen=True)
class LiveRun:
    """What a live rehearsal needs beyond the plan: the workload's size, pace and settle window."""

    changes: int
    seed: int
    settle_seconds: float
    #: Default: - the N changes spread over at least three settle windows plus 10 s, so the live verify
    #: (which takes at least one window) runs while the workload still writes.
    changes_per_second: float | None = None

    @property
    def pace(self) -> float:
        return self.changes_per_second or max(10.0, self.changes / (3 * self.settle_seconds + 10))


class _PacedWriter:
    """The synthetic workload in small steps at a steady pace, in a thread (the application, writing)."""

    def __init__(
        self,
        url: str,
        generator: Generator,
        tables: Sequence[Any],
        frozen: Mapping[str, Collection[str]],
        run: LiveRun,
    ) -> None:
        self.made, self.error, self.shortfall = 0, None, ""
        self.by_kind: dict[str, int] = {}

        def write() -> None:
            connection = connect(url)
            try:
                step = 0
                while self.made < run.changes:
                    count = min(CHUNK, run.changes - self.made)
                    workload = run_workload(
                        connection, generator, tables, count, frozen_columns=frozen, seed=run.seed * 100_000 + step
                    )
                    self.made += workload.operations
                    if workload.operations == 0:  # the schema allows no more changes: say so, never loop forever
                        self.shortfall = workload.shortfall(count) or "no change could be made"
                        return
                    for kind, number in workload.by_kind.items():
                        self.by_kind[kind] = self.by_kind.get(kind, 0) + number
                    step += 1
                    time.sleep(count / run.pace)
            except Exception as exc:  # reported by the run
                self.error = exc
            finally:
                connection.close()

        self.thread = threading.Thread(target=write, name="workload", daemon=True)
        self.thread.start()


def rehearse_live(
    url: str,
    ddb: Any,
    plan: Plan,
    start: Checkpoint,
    generator: Generator,
    frozen: Mapping[str, Collection[str]],
    run: LiveRun,
    directory: Path,
) -> int:
    """Follow while writing, verify during the writes, stop the writes, then the cutover gate; the status."""
    create_table(ddb, exceptions_table_design())
    began = dt.datetime.now(dt.UTC).strftime(TIME_FORMAT)
    checkpoint = directory / "cdc.json"
    stop = threading.Event()
    applier = ChangeApplier(plan, ddb, exceptions_table=True)
    outcome: dict[str, Any] = {}

    def follower() -> None:
        try:
            options = FollowOptions(until_caught_up=False, flush_seconds=1.0, stop=stop)
            outcome["stats"] = follow(url, applier, checkpoint, start, options=options, report=lambda _: None)
        except Exception as exc:
            outcome["error"] = exc

    following = threading.Thread(target=follower, name="follower", daemon=True)
    following.start()
    tables = [generator.schema.tables[t] for _, t in plan.tables if not generator.schema.tables[t].is_view]
    writer = _PacedWriter(url, generator, tables, frozen, run)
    while writer.made < run.changes // 10 and writer.thread.is_alive():
        time.sleep(0.1)
    print(
        f"live: the workload writes ({writer.made} changes so far) while the follower follows; verify --settle "
        f"{run.settle_seconds:g} during the writes"
    )
    during = verify(url, ddb, plan, settle_seconds=run.settle_seconds)
    print(during.render())
    print(f"  (the workload had made {writer.made} of {run.changes} changes when verify ended)")
    writer.thread.join(timeout=run.changes / run.pace + 120)  # bounded: the pace, plus a margin for a slow server
    if writer.thread.is_alive():
        raise RuntimeError(f"the workload did not finish ({writer.made} of {run.changes} changes made)")
    if writer.error is not None:
        raise writer.error
    if writer.shortfall:
        print(f"workload: made {writer.made} of the {run.changes} changes asked for: {writer.shortfall}")
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(writer.by_kind.items()))
    print(f"workload: {writer.made} changes ({kinds}); the writes stopped: the cutover gate")
    deadline = time.monotonic() + 30
    while follower_caught_up(url, checkpoint).passed is False and time.monotonic() < deadline:
        time.sleep(0.2)
    checks = [
        source_quiet(url, 2.0, writes_stopped=False),
        follower_caught_up(url, checkpoint),
        no_apply_exceptions(ddb, plan.task.task_id, set(plan.tables), began),
        verified(url, ddb, plan, during.position, run.settle_seconds),
    ]
    checks.append(held_to_the_end(url, checks[0].head, checkpoint))  # read after the last check, as cutover does
    for check in checks:
        print(check.render())
    stop.set()
    following.join(timeout=30)
    if "error" in outcome:
        raise outcome["error"]
    stats: CdcStats | None = outcome.get("stats")
    if stats is not None:
        print(stats.render())
    ready = all(c.passed for c in checks)
    print(
        "cutover: READY" if ready else "cutover: NOT READY (" + ", ".join(c.name for c in checks if not c.passed) + ")"
    )
    return 0 if during.clean and ready else 1
