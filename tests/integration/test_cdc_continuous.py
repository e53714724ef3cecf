"""CDC as it runs during a real migration: a continuous follower under a steady writer, then quiet.

Nothing is held back when the source goes quiet, the follower's position reaches the source head,
two followers on one source do not collide, and one checkpoint serves one follower at a time.
Own servers: a MariaDB with the shop schema and synthetic rows (one per module), a dynalite per test.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from dms_dynamodb.cdc.checkpoint import Checkpoint, binlog_head
from dms_dynamodb.plan import Plan
from dms_dynamodb.rehearsal.synthetic import Generator, run_workload
from dms_dynamodb.source.connection import connect
from dms_dynamodb.verify.full import verify
from tests import timing
from tests.conftest import ROOT, stack_file
from tests.integration.live import Follower, loaded_shop, wait_for

STACK = stack_file("shop")
FROZEN = {"customer_id", "order_id", "line_no", "product_id", "placed_at"}  # keys and filter columns


def _steady_writer(url: str, generator: Generator, plan: Plan, seconds: float, seed: int) -> int:
    """About 50 changes a second for ``seconds``; returns how many it made."""
    connection = connect(url)
    tables = [generator.schema.tables[t] for _, t in plan.tables]
    frozen = {t: FROZEN for _, t in plan.tables}
    made, deadline, batch = 0, time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        made += run_workload(
            connection, generator, tables, 10, frozen_columns=frozen, seed=seed * 1000 + batch
        ).operations
        batch += 1
        time.sleep(0.2)
    connection.close()
    return made


def test_after_the_writes_stop_every_change_is_in_the_target_within_2_s_and_the_position_is_the_head(
    live_shop: tuple[str, Generator], target: Any, tmp_path: Path
) -> None:
    url, generator = live_shop
    plan, start = loaded_shop(url, target)
    checkpoint = tmp_path / "cdc.json"
    follower = Follower(url, target, plan, checkpoint, start, flush_seconds=1.0, progress_seconds=1.0)
    made = _steady_writer(url, generator, plan, 4.0, seed=1)
    stopped = time.monotonic()
    head = binlog_head(connect(url))
    assert made >= 100 and follower.thread.is_alive()
    # Within 2 s of the last write, with the follower still following (no --until-caught-up, no new write):
    waited = wait_for(lambda: Checkpoint.load(checkpoint) == head, timing.seconds(2.0) - (time.monotonic() - stopped))
    assert waited != float("inf"), f"checkpoint {Checkpoint.load(checkpoint)} did not reach the head {head} in 2 s"
    result = verify(url, target, plan)
    assert result.clean and result.expected > 0, result.render()
    time.sleep(1.5)  # idle: the follower still wakes and says where it is
    idle_lines = [line for line in follower.lines if "= the source head (caught up)" in line]
    assert idle_lines and f"acknowledged up to {head}" in idle_lines[-1]
    stats = follower.finish()
    assert stats.position == head == stats.head
    assert stats.applied > 0 and not stats.exceptions


def test_two_followers_on_one_source_with_their_own_checkpoints_both_finish(
    live_shop: tuple[str, Generator], target: Any, tmp_path: Path
) -> None:
    url, generator = live_shop
    plan, start = loaded_shop(url, target)
    first = Follower(url, target, plan, tmp_path / "a.json", start, flush_seconds=0.5)
    second = Follower(url, target, plan, tmp_path / "b.json", start, flush_seconds=0.5)
    _steady_writer(url, generator, plan, 2.0, seed=2)
    head = binlog_head(connect(url))
    both = lambda: Checkpoint.load(tmp_path / "a.json") == head == Checkpoint.load(tmp_path / "b.json")  # noqa: E731
    assert wait_for(both, timing.seconds(10.0)) != float("inf")
    assert first.finish().position == head and second.finish().position == head


def test_a_second_follower_on_one_checkpoint_exits_2_naming_the_holder(
    live_shop: tuple[str, Generator], target: Any, tmp_path: Path
) -> None:
    url, _ = live_shop
    plan, start = loaded_shop(url, target)
    checkpoint = tmp_path / "cdc.json"
    holder = Follower(url, target, plan, checkpoint, start)
    assert wait_for(lambda: checkpoint.exists(), timing.seconds(10.0)) != float("inf")
    command = [
        sys.executable, "-m", "dms_dynamodb", "cdc", "--stack", str(STACK), "--mysql-url", url,
        "--endpoint-url", target.meta.endpoint_url, "--checkpoint", str(checkpoint), "--until-caught-up",
    ]  # fmt: skip
    second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timing.seconds(120))
    assert second.returncode == 2, second.stderr
    (line,) = second.stderr.strip().splitlines()
    assert f"the checkpoint {checkpoint} is in use by another follower (pid " in line
    assert "one follower per checkpoint" in line
    holder.finish()


def test_two_followers_given_one_server_id_are_told_why_one_was_dropped(
    live_shop: tuple[str, Generator], target: Any, tmp_path: Path
) -> None:
    url, generator = live_shop
    plan, start = loaded_shop(url, target)
    first = Follower(url, target, plan, tmp_path / "a.json", start, server_id=777)
    time.sleep(1.0)
    second = Follower(url, target, plan, tmp_path / "b.json", start, server_id=777)
    _steady_writer(url, generator, plan, 1.0, seed=3)
    time.sleep(2.0)
    for follower in (first, second):
        follower.stop.set()
        follower.thread.join(timeout=timing.seconds(15))
    errors = [str(f.error) for f in (first, second) if f.error is not None]
    assert errors and all(
        "another replica connected to the source with this follower's server id 777" in e for e in errors
    )
