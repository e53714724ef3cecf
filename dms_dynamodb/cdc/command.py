"""``dms-dynamodb cdc``: where to start, the follower, and a stop message whose resume command is exact.

Ctrl-C: the first one asks the follower to stop at its next event (a heartbeat comes within a second
while the source is quiet); it writes what it read and moves the checkpoint to the last transaction
boundary DynamoDB acknowledged, as on any stop, and the command exits 130 with one line. A second
Ctrl-C stops it at once: the checkpoint stays where it was (at an acknowledged boundary, as always).
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dms_dynamodb.commands import UsageError, bounded_int, dynamodb, open_task, plan_task
from dms_dynamodb.source.url import redact

DEFAULT_FLUSH_SECONDS = 1.0
INTERRUPTED = 130


def resume_command(args: argparse.Namespace) -> str:
    """The command that resumes this follower exactly: same stack, task, servers, checkpoint and options.

    The checkpoint file always exists once a follower started, so no ``--start`` is needed. The
    password is never printed: put it back where ``***`` stands (or use the same URL you gave).
    """
    words = ["dms-dynamodb", "cdc", "--stack", args.stack]
    if args.task:
        words += ["--task", args.task]
    words += ["--mysql-url", redact(args.mysql_url)]
    if args.endpoint_url:
        words += ["--endpoint-url", args.endpoint_url]
    words += ["--checkpoint", str(args.checkpoint)]
    if args.server_id is not None:
        words += ["--server-id", str(args.server_id)]
    if args.flush_seconds != DEFAULT_FLUSH_SECONDS:
        words += ["--flush-seconds", str(args.flush_seconds)]
    if args.retries != 12:
        words += ["--retries", str(args.retries)]
    if args.until_caught_up:
        words.append("--until-caught-up")
    if args.no_exceptions_table:
        words.append("--no-exceptions-table")
    return shlex.join(words)


def cmd_cdc(args: argparse.Namespace) -> int:
    from dms_dynamodb.cdc.apply_exceptions import EXCEPTIONS_TABLE, exceptions_table_design
    from dms_dynamodb.cdc.checkpoint import Checkpoint, CheckpointError, NoBinlog, source_head
    from dms_dynamodb.cdc.follower import CdcStopped, ChangeApplier, FollowOptions, SourceNotReady, follow
    from dms_dynamodb.dynamodb.client import create_table
    from dms_dynamodb.dynamodb.writer import BatchWriter
    from dms_dynamodb.source.binlog_dates import tolerate_invalid_dates

    if args.flush_seconds < 0:
        raise UsageError(f"--flush-seconds must be 0 or more; got {args.flush_seconds}")
    try:
        start = Checkpoint.parse(args.start) if args.start else None
        saved = Checkpoint.load(args.checkpoint)
    except ValueError as exc:
        raise UsageError(f"--start: {exc}") from None
    except CheckpointError as exc:
        raise UsageError(str(exc)) from None
    if saved is None and start is None and not args.from_head:
        raise UsageError(
            f"there is no checkpoint at {args.checkpoint} and no --start: say where to start. Pass --start FILE:POS "
            "(the source's binlog position recorded before the full load), or --from-head to follow from the "
            "source's current position (changes before it are not applied)"
        )
    if saved is not None and start is not None:
        print(f"the checkpoint {args.checkpoint} holds {saved}: resuming there (--start {start} is not used)")
    stack, task = open_task(args.stack, args.task)
    plan = plan_task(args.mysql_url, stack, task, sys.stdout)
    _readable(args, saved, start)
    if start is None and saved is None:
        try:
            start = source_head(args.mysql_url)
        except NoBinlog as exc:
            raise UsageError(str(exc)) from None
        print(f"--from-head: following from the source's current position {start}")
    ddb = dynamodb(args.endpoint_url)
    exceptions_table = not args.no_exceptions_table
    if exceptions_table:
        try:
            create_table(ddb, exceptions_table_design())  # a table DMS already made is kept as it is
        except Exception as exc:
            exceptions_table = False
            print(
                f"warning: cannot create {EXCEPTIONS_TABLE} on the target ({type(exc).__name__}: {str(exc)[:200]}); "
                "apply exceptions go to stdout only",
                file=sys.stderr,
            )
    applier = ChangeApplier(
        plan, ddb, writer=BatchWriter(ddb, attempts=args.retries, keep_refused=True), exceptions_table=exceptions_table
    )
    stop = threading.Event()
    options = FollowOptions(
        until_caught_up=args.until_caught_up, server_id=args.server_id, flush_seconds=args.flush_seconds, stop=stop
    )
    tolerate_invalid_dates()
    try:
        with _stop_on_ctrl_c(stop):
            stats = follow(
                args.mysql_url,
                applier,
                args.checkpoint,
                saved or start or Checkpoint("", 4),
                options=options,
                report=lambda line: print(line, file=sys.stderr),
            )
    except (CheckpointError, SourceNotReady) as exc:
        raise UsageError(str(exc)) from None
    except KeyboardInterrupt:  # the second Ctrl-C: stopped at once, the checkpoint where it was
        held = _held(args.checkpoint)
        raise KeyboardInterrupt(
            f"interrupted twice: the follower stopped at once; the checkpoint {args.checkpoint} holds {held} (every change "
            f"before it was acknowledged by DynamoDB). Resume with: {resume_command(args)}"
        ) from None
    except CdcStopped as exc:
        print(applier.stats.render())
        print(
            f"CDC stopped: {exc}. The checkpoint {args.checkpoint} holds {exc.checkpoint} (every change before it "
            f"was acknowledged by DynamoDB). Resume with: {resume_command(args)}",
            file=sys.stderr,
        )
        return 1
    print(stats.render())
    if stats.position is not None:
        head = f"; the source head is {stats.head}" if stats.head is not None else ""
        print(f"acknowledged up to {stats.position}{head}")
    if stop.is_set():
        print(
            f"dms-dynamodb cdc: interrupted: the follower stopped; the checkpoint {args.checkpoint} holds "
            f"{stats.position} (every change before it was acknowledged by DynamoDB). Resume with: "
            f"{resume_command(args)}",
            file=sys.stderr,
        )
        return INTERRUPTED
    return 1 if stats.exceptions else 0


def _readable(args: argparse.Namespace, saved: Any, start: Any) -> None:
    """Before anything is saved: the position to follow from is one the source can still be read from.

    A purged, future or mid-event ``--start`` (a typo) would otherwise be written into a new checkpoint,
    and a corrected ``--start`` then ignored in favour of it.
    """
    from dms_dynamodb.cdc.positions import RELOAD, PositionError, check_source_position

    position, what = (saved, f"the checkpoint {args.checkpoint} holds") if saved is not None else (start, "--start")
    if position is None:
        return
    try:
        check_source_position(args.mysql_url, position, what, RELOAD)
    except PositionError as exc:
        raise UsageError(str(exc)) from None


@contextlib.contextmanager
def _stop_on_ctrl_c(stop: threading.Event) -> Iterator[None]:
    """While following: the first SIGINT sets ``stop`` (the follower commits and returns), the next raises."""
    if threading.current_thread() is not threading.main_thread():  # signal handlers belong to the main thread
        yield
        return

    def handler(_signal: int, _frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _held(path: Path) -> str:
    from dms_dynamodb.cdc.checkpoint import Checkpoint, CheckpointError

    try:
        return str(Checkpoint.load(path))
    except CheckpointError:  # cannot happen: the file is only ever replaced whole
        return "an unreadable position"


def add_cdc_arguments(cdc: argparse.ArgumentParser) -> None:
    cdc.add_argument(
        "--checkpoint", type=Path, required=True, help="where the applied position is kept (locked while in use)"
    )
    start = cdc.add_mutually_exclusive_group()
    start.add_argument(
        "--start", help="binlog FILE:POSITION when there is no checkpoint (record it before the full load)"
    )
    start.add_argument(
        "--from-head",
        action="store_true",
        help="no checkpoint and no --start: follow from the source's current position (earlier changes are not applied)",
    )
    cdc.add_argument("--until-caught-up", action="store_true", help="stop at the end of the binlog")
    cdc.add_argument(
        "--flush-seconds",
        type=float,
        default=DEFAULT_FLUSH_SECONDS,
        help="a transaction read is written and checkpointed at most this long after it was read (default 1)",
    )
    cdc.add_argument(
        "--server-id",
        type=bounded_int(1, 2**32 - 1),
        help="the replica server id (default: derived from the checkpoint path, so two followers never collide)",
    )
    cdc.add_argument(
        "--no-exceptions-table",
        action="store_true",
        help="do not write apply exceptions to the target's awsdms_apply_exceptions table (stdout only)",
    )
    cdc.add_argument(
        "--retries",
        type=bounded_int(1, 1000),
        default=12,
        help="writes DynamoDB refuses (errors, throttling) are retried with backoff up to 10 s this many times "
        "without progress before the follower stops at its checkpoint (default 12: about 45 s)",
    )
