"""A follower an operator can watch: its apply exceptions as they come, an honest progress line, and a
small status file a monitoring agent can read.

The follower calls its ``report`` every progress interval (it wakes on heartbeats while the source is
quiet); :class:`Watch` is that callback: the progress line (changes applied, apply exceptions,
changes/s over the *last interval*, not a lifetime average, and the lag in binlog bytes and in
seconds) and the status file. Apply exceptions are printed as they come, one line each (table,
statement, what failed, where the row is kept), by a poller every :data:`EXCEPTION_POLL` seconds. Every line is written whole with one write and flushed, so output
redirected to a file, or shared by stdout and stderr, never holds half a line.

Lag in seconds: the source's head is sampled at every call; the source wrote the follower's
acknowledged position between the last sample before it and the first at or past it, placed between
the two by bytes (as if the source wrote evenly in between); the lag is the time since then (``>``:
the follower was already behind at the first sample, so only a lower bound is known).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence, Sized
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from dms_dynamodb.private_files import MODE

if TYPE_CHECKING:
    from dms_dynamodb.cdc.apply_exceptions import ApplyException
    from dms_dynamodb.cdc.checkpoint import Checkpoint

DEFAULT_PROGRESS_SECONDS = 5.0
#: Seconds between looks for new apply exceptions (the follower appends them; a list append is atomic).
EXCEPTION_POLL = 0.5
_LOCK = threading.RLock()  # one for every stream: a line written whole is never cut by another stream's


def add_status_arguments(cdc: argparse.ArgumentParser) -> None:
    cdc.add_argument(
        "--status-file",
        type=Path,
        help="keep a small JSON here (position, lag, counts, last apply exception), replaced every progress "
        "interval (atomically, 0600)",
    )
    cdc.add_argument(
        "--progress-seconds",
        type=float,
        default=DEFAULT_PROGRESS_SECONDS,
        help="seconds between progress lines and status-file updates (default 5)",
    )


def emit(stream: TextIO, line: str) -> None:
    """One whole line, one write, flushed: never interleaved with another line, on a terminal or not."""
    with _LOCK:
        stream.write(line + "\n")
        stream.flush()


class WholeLines(io.TextIOBase):
    """A stream that passes on whole lines only, each batch in one write and flushed: ``print`` writes a
    line's text and its newline apart, and a block-buffered stream flushes where its buffer ends, so
    without it stdout and stderr sharing a file could cut each other's lines."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.pending = stream, ""

    def write(self, text: str) -> int:
        with _LOCK:
            self.pending += text
            cut = self.pending.rfind("\n") + 1
            if cut:
                self.stream.write(self.pending[:cut])
                self.stream.flush()
                self.pending = self.pending[cut:]
        return len(text)

    def flush(self) -> None:
        with _LOCK:
            self.stream.flush()

    def close(self) -> None:  # the last, unfinished line still goes out
        with _LOCK:
            if self.pending:
                self.stream.write(self.pending)
                self.pending = ""
            self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()


@contextlib.contextmanager
def whole_lines() -> Iterator[None]:
    """While following: stdout and stderr that are not terminals pass on whole lines only."""
    saved = sys.stdout, sys.stderr
    wrapped = [WholeLines(s) if not s.isatty() else None for s in saved]
    sys.stdout, sys.stderr = (w or s for w, s in zip(wrapped, saved, strict=True))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        for wrapper in wrapped:
            if wrapper is not None:
                wrapper.close()


def exception_line(found: ApplyException, *, kept: bool) -> str:
    from dms_dynamodb.cdc.apply_exceptions import EXCEPTIONS_TABLE

    where = f"kept in {EXCEPTIONS_TABLE} ({found.TASK_NAME}, {found.ERROR_TIME})" if kept else "not kept (stdout only)"
    return f"apply exception {found.TABLE_OWNER}.{found.TABLE_NAME}: {found.STATEMENT} -- {found.ERROR}; {where}"


def lag_bytes(sizes: list[tuple[str, int]], at: Checkpoint, head: Checkpoint) -> int | None:
    """Binlog bytes from ``at`` to ``head`` over the source's binlog files (name, size) in order."""
    if at.log_file == head.log_file:
        return max(0, head.log_pos - at.log_pos)
    names = [name for name, _ in sizes]
    if at.log_file not in names or head.log_file not in names:
        return None
    first, last = names.index(at.log_file), names.index(head.log_file)
    if first > last:
        return 0
    between = sum(size for _, size in sizes[first + 1 : last])
    return max(0, sizes[first][1] - at.log_pos) + between + head.log_pos


def _order(sizes: list[tuple[str, int]], point: Checkpoint) -> tuple[int, int]:
    names = [name for name, _ in sizes]
    return (names.index(point.log_file) if point.log_file in names else -1, point.log_pos)


class FollowerStats(Protocol):
    """What the watch reads of a follower's counts (``CdcStats``)."""

    @property
    def applied(self) -> int: ...

    @property
    def exceptions(self) -> Sequence[ApplyException]: ...

    @property
    def position(self) -> Checkpoint | None: ...


class WatchedApplier(Protocol):
    """What the watch reads of a follower's applier (``ChangeApplier``): its counts, its pending writes."""

    @property
    def stats(self) -> FollowerStats: ...

    @property
    def exceptions_table(self) -> bool: ...

    @property
    def writer(self) -> Sized: ...


class Watch:
    """The follower's ``report`` callback: exception lines, the progress line, the status file."""

    def __init__(
        self,
        url: str,
        applier: WatchedApplier,
        start: Checkpoint,
        *,
        out: TextIO,
        progress: TextIO,
        status_file: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url, self.applier, self.origin = url, applier, start
        self.out, self.progress, self.status_file, self.clock = out, progress, status_file, clock
        self.shown = 0
        self.last_applied, self.last_time = 0, clock()
        self.samples: list[tuple[float, Checkpoint]] = []
        self._connection: Any = None
        self._shown_lock, self._stopped = threading.Lock(), threading.Event()
        self._poller: threading.Thread | None = None

    def tick(self, _follower_line: str = "") -> None:
        """Print what happened since the last call and refresh the status file (the follower's own line is
        replaced by this one, which says the same and more)."""
        stats = self.applier.stats
        self.show_exceptions()
        now = self.clock()
        rate = (stats.applied - self.last_applied) / (now - self.last_time) if now > self.last_time else 0.0
        interval = now - self.last_time
        self.last_applied, self.last_time = stats.applied, now
        at = stats.position or self.origin
        head, sizes = self._head()
        seconds, at_least, behind = self._lag(now, at, head, sizes)
        if seconds is None:
            lag = "unknown (the source's head cannot be read)"
        else:
            lag = f"{'> ' if at_least else ''}{seconds:g} s"
        waiting = _follower_line.partition("; oldest unacknowledged")[2]  # the follower's own figure, kept
        line = self._line(stats, rate, interval, at, head, lag, behind)
        emit(self.progress, line + (f"; oldest unacknowledged{waiting}" if waiting else ""))
        self._save(stats, rate, at, head, (seconds, at_least), behind)

    def show_exceptions(self) -> None:
        """Print the apply exceptions not shown yet, each one line (from the follower's thread or the poller)."""
        with self._shown_lock:
            found = list(self.applier.stats.exceptions[self.shown :])
            self.shown += len(found)
            kept = self.applier.exceptions_table
            for exception in found:
                emit(self.out, exception_line(exception, kept=kept))

    def start(self) -> Watch:
        """Look for new apply exceptions every :data:`EXCEPTION_POLL` seconds, between progress lines too."""

        def poll() -> None:
            while not self._stopped.wait(EXCEPTION_POLL):
                self.show_exceptions()

        self._poller = threading.Thread(target=poll, name="dms-cdc-exceptions", daemon=True)
        self._poller.start()
        return self

    def stop(self) -> None:
        """End the poller (it is joined: no line of it comes after this returns)."""
        self._stopped.set()
        if self._poller is not None:
            self._poller.join(timeout=2 * EXCEPTION_POLL)

    def close(self) -> None:
        """The last word: exceptions not yet shown, a final progress line and status file."""
        self.stop()
        self.tick()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None

    def _head(self) -> tuple[Checkpoint | None, list[tuple[str, int]]]:
        from dms_dynamodb.cdc.checkpoint import binlog_head
        from dms_dynamodb.source.connection import connect

        try:
            if self._connection is None:
                self._connection = connect(self.url)
            head = binlog_head(self._connection)
            with self._connection.cursor() as cursor:
                cursor.execute("SHOW BINARY LOGS")
                sizes = [(str(row[0]), int(row[1])) for row in cursor.fetchall()]
            return head, sizes
        except Exception:  # the lag is information; the follower reports a lost source itself
            with contextlib.suppress(Exception):
                if self._connection is not None:
                    self._connection.close()
            self._connection = None
            return None, []

    def _lag(
        self, now: float, at: Checkpoint, head: Checkpoint | None, sizes: list[tuple[str, int]]
    ) -> tuple[float | None, bool, int | None]:
        """(seconds, whether that is only a lower bound, binlog bytes); None where the head cannot be read."""
        if head is None:
            return None, False, None
        self.samples.append((now, head))
        behind = lag_bytes(sizes, at, head)
        if behind == 0:
            self.samples = self.samples[-1:]
            return 0.0, False, 0
        # The first sample at or past the position (the current one at the latest: the head is never behind it).
        reached = next(n for n, (_, h) in enumerate(self.samples) if _order(sizes, h) >= _order(sizes, at))
        if reached == 0:  # behind already at the first sample (or exactly there): since then, at least
            return round(now - self.samples[0][0], 1), self.samples[0][1] != at, behind
        (before, was), (after, then) = self.samples[reached - 1], self.samples[reached]
        self.samples = self.samples[reached - 1 :]  # the position only moves on: older samples are spent
        span, part = lag_bytes(sizes, was, then), lag_bytes(sizes, was, at)
        # The source wrote the position between the two samples: placed by bytes, as if it wrote evenly.
        moment = after if not span or part is None else before + (after - before) * part / span
        return round(now - moment, 1), False, behind

    def _line(
        self,
        stats: Any,
        rate: float,
        interval: float,
        at: Checkpoint,
        head: Checkpoint | None,
        lag: str,
        behind: int | None,
    ) -> str:
        where = f"acknowledged up to {at}"
        if head is not None:
            where += " = the source head (caught up)" if head == at else f", source head {head}"
        size = "unknown" if behind is None else f"{behind:,}"
        return (
            f"  cdc: {stats.applied} applied, {len(stats.exceptions)} apply exceptions, {rate:,.1f} changes/s over "
            f"the last {interval:.1f} s; {where}; lag {lag}, {size} binlog bytes; {len(self.applier.writer)} writes pending"
        )

    def _save(
        self,
        stats: Any,
        rate: float,
        at: Checkpoint,
        head: Checkpoint | None,
        lag: tuple[float | None, bool],
        behind: int | None,
    ) -> None:
        if self.status_file is None:
            return
        last = stats.exceptions[-1] if stats.exceptions else None
        status = {
            "updated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "position": str(at),
            "head": None if head is None else str(head),
            "lag_seconds": lag[0],
            "lag_seconds_at_least": lag[1],  # the follower was behind before the first sample: a lower bound
            "lag_bytes": behind,
            "applied": stats.applied,
            "apply_exceptions": len(stats.exceptions),
            "changes_per_second": round(rate, 1),
            "last_exception": None if last is None else {k: getattr(last, k) for k in last.__dataclass_fields__},
        }
        write_atomically(self.status_file, json.dumps(status, sort_keys=True) + "\n")


def write_atomically(path: Path, text: str) -> None:
    """Write a sibling file (0600 from its first byte), fsync, rename over ``path``: a reader sees the old
    file or the new one, never half of one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
