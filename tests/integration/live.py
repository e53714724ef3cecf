"""Helpers for tests on a live source: a follower running in a thread, and waiting for a condition."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dms_dynamodb.cdc.checkpoint import Checkpoint, binlog_head
from dms_dynamodb.cdc.follower import CdcStats, ChangeApplier, FollowOptions, follow
from dms_dynamodb.dynamodb.client import create_table
from dms_dynamodb.load import full_load
from dms_dynamodb.plan import Plan, make_plan
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import Stack, read_stack
from tests import timing
from tests.conftest import stack_file


class Follower:
    """``follow`` in a thread, continuous, stopped by its event; what it raised is kept."""

    def __init__(self, url: str, ddb: Any, plan: Plan, checkpoint: Path, start: Checkpoint, **options: Any) -> None:
        self.stop = threading.Event()
        self.lines: list[str] = []
        self.stats: CdcStats | None = None
        self.error: BaseException | None = None
        settings = FollowOptions(until_caught_up=False, stop=self.stop, **options)

        def run() -> None:
            try:
                applier = ChangeApplier(plan, ddb)
                self.stats = follow(url, applier, checkpoint, start, options=settings, report=self.lines.append)
            except BaseException as exc:  # reported by the test
                self.error = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def finish(self) -> CdcStats:
        self.stop.set()
        self.thread.join(timeout=timing.seconds(15))
        assert not self.thread.is_alive(), "the follower did not stop within 15 s of being told"
        assert self.error is None, repr(self.error)
        assert self.stats is not None
        return self.stats


def wait_for(condition: Callable[[], bool], seconds: float) -> float:
    """Seconds until ``condition()`` held (polled), or fail after ``seconds``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            return float("inf")
        time.sleep(0.05)
    return time.monotonic() - started


def plan_of(stack: Stack, url: str) -> Plan:
    """The plan of the stack's only task against the source at ``url`` (its connection closed after)."""
    connection = connect(url)
    try:
        return make_plan(stack, stack.task(None), connection)
    finally:
        connection.close()


def loaded_shop(url: str, ddb: Any) -> tuple[Plan, Checkpoint]:
    """The shop stack's tables on ``ddb``, full-loaded from ``url``; the binlog position read before the load."""
    plan = plan_of(read_stack(stack_file("shop")), url)
    for design in plan.targets.values():
        create_table(ddb, design)
    start = binlog_head(connect(url))
    full_load(url, ddb, plan)
    return plan, start
