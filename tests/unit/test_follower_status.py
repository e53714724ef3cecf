"""The follower's watch without servers: lag in binlog bytes across files, lag in seconds placed between
the heads sampled around the acknowledged position."""

from __future__ import annotations

import io

from dms_dynamodb.cdc.apply_exceptions import ApplyException
from dms_dynamodb.cdc.checkpoint import Checkpoint
from dms_dynamodb.cdc.status import Watch, WholeLines, lag_bytes


def test_lag_in_bytes_counts_across_binlog_files() -> None:
    sizes = [("b.000001", 1000), ("b.000002", 500), ("b.000003", 300)]
    assert lag_bytes(sizes, Checkpoint("b.000001", 400), Checkpoint("b.000001", 900)) == 500
    assert lag_bytes(sizes, Checkpoint("b.000001", 400), Checkpoint("b.000003", 100)) == 600 + 500 + 100
    assert lag_bytes(sizes, Checkpoint("b.000000", 4), Checkpoint("b.000003", 100)) is None  # purged: unknown


class _Stats:
    applied: int = 0
    exceptions: tuple[ApplyException, ...] = ()
    position: Checkpoint | None = None


class _Applier:
    stats = _Stats()
    writer: tuple[object, ...] = ()
    exceptions_table = True


def test_lag_in_seconds_is_placed_between_the_heads_sampled_around_the_position() -> None:
    """The source's head at t=0, 10, 20 s (file b.000001): 1000, 2000, 3000; the follower at 1500 at t=20."""
    clock = iter([0.0, 0.0, 10.0, 20.0])
    heads = iter([1000, 2000, 3000])
    watch = Watch("mysql://u@h/", _Applier(), Checkpoint("b.000001", 1000), out=io.StringIO(),
                  progress=io.StringIO(), clock=lambda: next(clock))  # fmt: skip
    watch._head = lambda: (Checkpoint("b.000001", next(heads)), [("b.000001", 10**6)])  # type: ignore[method-assign]
    assert watch._lag(0.0, Checkpoint("b.000001", 1000), *watch._head()) == (0.0, False, 0)
    assert watch._lag(10.0, Checkpoint("b.000001", 900), *watch._head()) == (10.0, True, 1100)  # behind from the start
    # 1500 was written halfway between the samples at 0 s (1000) and 10 s (2000): 15 s ago.
    assert watch._lag(20.0, Checkpoint("b.000001", 1500), *watch._head()) == (15.0, False, 1500)


def test_two_streams_sharing_a_file_never_cut_each_others_lines() -> None:
    shared = io.StringIO()
    out, err = WholeLines(shared), WholeLines(shared)
    print("first half", end="", file=out)
    print("an error line", file=err)
    print(" and the rest\nsecond", file=out)
    out.close()
    assert shared.getvalue() == "an error line\nfirst half and the rest\nsecond\n"


def test_changes_per_second_are_over_the_last_interval_not_the_lifetime() -> None:
    clock = iter([0.0, 100.0, 110.0])
    applier = _Applier()
    applier.stats = _Stats()
    progress = io.StringIO()
    watch = Watch("mysql://u@h/", applier, Checkpoint("b.000001", 4), out=io.StringIO(), progress=progress,
                  clock=lambda: next(clock))  # fmt: skip
    watch._head = lambda: (Checkpoint("b.000001", 4), [("b.000001", 4)])  # type: ignore[method-assign]
    applier.stats.applied = 1000
    watch.tick()  # 1,000 changes in the first 100 s
    applier.stats.applied = 1400
    watch.tick()  # 400 in the next 10 s: 40/s, where a lifetime average would say 12.7/s
    first, second = progress.getvalue().splitlines()
    assert "1000 applied, 0 apply exceptions, 10.0 changes/s over the last 100.0 s" in first
    assert "1400 applied, 0 apply exceptions, 40.0 changes/s over the last 10.0 s" in second
    assert "= the source head (caught up); lag 0 s, 0 binlog bytes" in second
