"""Where a CDC follower is in the source's binlog: the checkpoint file, its lock, and the source's head.

The checkpoint is written (durably: temporary file, fsync, rename) before the first event is read,
so a follower stopped at any moment leaves a file to resume from, and it only ever moves to a
transaction boundary whose changes DynamoDB acknowledged. One follower at a time uses a checkpoint
file: a second one on the same file is refused, naming the holder.

The checkpoint, its lock and its temporary file are never opened through a symlink (``O_NOFOLLOW``):
a link planted at ``<checkpoint>.lock`` or ``.tmp`` would make the follower truncate or overwrite the
file it points to, and a link *to* a checkpoint would give it a second lock. A symlinked directory
on the way is fine: the lock is taken next to the resolved file.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import re
import socket
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any


class CheckpointError(Exception):
    """A checkpoint file that cannot be used (corrupt, a symlink, or held by another follower): a usage error."""


#: A binlog file name as the server shows it (``SHOW BINARY LOGS``): a base name, a dot, a sequence number.
_LOG_FILE = re.compile(r"[A-Za-z0-9_.-]+\.[0-9]{6,}")
#: The first event of every binlog file starts after its 4-byte magic number; positions are 32-bit.
FIRST_POSITION, LAST_POSITION = 4, 2**32 - 1


def resolved(path: Path) -> Path:
    """``path`` with its directories resolved and its last part as given (a symlink there stays visible)."""
    return path.parent.resolve() / path.name


def open_no_follow(path: Path, flags: int, what: str) -> int:
    """``os.open`` that refuses a symlink at ``path`` with a :class:`CheckpointError` naming it."""
    try:
        return os.open(path, flags | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        raise CheckpointError(
            f"{what} {path} is a symlink (to {os.readlink(path)}); the follower never writes through one. Remove "
            f"the link, or pass the file it points to as --checkpoint"
        ) from None


@dataclass(frozen=True)
class Checkpoint:
    log_file: str
    log_pos: int

    def __str__(self) -> str:
        return f"{self.log_file}:{self.log_pos}"

    @property
    def order(self) -> tuple[str, int, int]:
        """Its place in the binlog: by the file's sequence as a number (``binlog.1000000`` follows
        ``binlog.999999``, which text order puts first), then the position."""
        base, _, number = self.log_file.rpartition(".")
        return base, int(number) if number.isdigit() else -1, self.log_pos

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """``FILE:POS`` as printed by ``SHOW MASTER STATUS`` / ``SHOW BINARY LOG STATUS``."""
        name, _, position = text.strip().rpartition(":")
        if not name or not position.isdigit():
            raise ValueError(f"binlog position {text!r} is not FILE:POSITION (e.g. binlog.000003:4)")
        return cls.checked(name, int(position))

    @classmethod
    def checked(cls, name: str, position: int) -> Checkpoint:
        """A position whose form a server could have written: a binlog file name, 4 to 2^32-1."""
        if not _LOG_FILE.fullmatch(name):
            raise ValueError(
                f"binlog position {name}:{position}: {name!r} is not a binlog file name (a base name, a dot and "
                "a sequence number, as SHOW BINARY LOGS lists them: binlog.000003)"
            )
        if not FIRST_POSITION <= position <= LAST_POSITION:
            raise ValueError(
                f"binlog position {name}:{position}: the position is out of range ({FIRST_POSITION} to "
                f"{LAST_POSITION}: a binlog's first event starts at 4, and positions are 32-bit)"
            )
        return cls(name, position)

    def save(self, path: Path) -> None:
        """Durably: write a temporary file (0600: it says where the source is), fsync it, rename it over.

        Neither the temporary file nor the checkpoint may be a symlink (:func:`open_no_follow`).
        """
        path = resolved(path)
        if path.is_symlink():
            open_no_follow(path, os.O_RDONLY, "the checkpoint")  # raises, naming the link
        temporary = path.with_suffix(path.suffix + ".tmp")
        descriptor = open_no_follow(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, "the checkpoint's temporary file")
        with os.fdopen(descriptor, "w") as handle:
            json.dump(asdict(self), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path) -> Checkpoint | None:
        """The saved position, or None when there is no file; a file that is not one (or a symlink) is an
        error naming it."""
        try:
            descriptor = open_no_follow(resolved(path), os.O_RDONLY, "the checkpoint")
        except FileNotFoundError:
            return None
        try:
            with os.fdopen(descriptor) as handle:
                data = json.loads(handle.read())
            return cls.checked(str(data["log_file"]), int(data["log_pos"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(
                f"the checkpoint file {path} is not a checkpoint ({type(exc).__name__}: {exc}); it should hold "
                '{"log_file": "binlog.000003", "log_pos": 4}. Fix or remove it, and pass --start FILE:POS'
            ) from None


class CheckpointLock:
    """An exclusive lock on ``<checkpoint>.lock`` (flock), held while a follower uses the checkpoint.

    The lock file names its holder (pid, host, since when), so a refused follower can say who has it.
    The kernel releases a flock when its holder dies, so a killed follower never leaves a stale lock.
    """

    def __init__(self, checkpoint: Path) -> None:
        self.checkpoint = resolved(checkpoint)
        self.path = self.checkpoint.with_suffix(self.checkpoint.suffix + ".lock")
        self._descriptor: int | None = None

    def __enter__(self) -> CheckpointLock:
        if self.checkpoint.is_symlink():  # a second name for a checkpoint would be a second lock
            open_no_follow(self.checkpoint, os.O_RDONLY, "the checkpoint")  # raises, naming the link
        descriptor = open_no_follow(self.path, os.O_RDWR | os.O_CREAT, "the checkpoint's lock file")
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(descriptor, 200).decode(errors="replace").strip() or "another process"
            os.close(descriptor)
            raise CheckpointError(
                f"the checkpoint {self.path.with_suffix('')} is in use by another follower ({holder}); one "
                "follower per checkpoint: give this one its own --checkpoint, or stop the other"
            ) from None
        since = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"pid {os.getpid()} on {socket.gethostname()} since {since}".encode(), 0)
        self._descriptor = descriptor
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._descriptor is not None:
            os.ftruncate(self._descriptor, 0)
            os.close(self._descriptor)  # releases the flock
            self._descriptor = None


def default_server_id(checkpoint: Path) -> int:
    """A replica server id derived from the host name and the checkpoint's absolute path.

    Two followers on one source need distinct ids (the server drops a replica when another connects
    with the same one); two followers on one checkpoint are refused by the lock. The range avoids the
    small ids sources and real replicas usually have.
    """
    where = f"{socket.gethostname()}:{checkpoint.resolve()}"  # two hosts may use the same path
    return 1_000_000 + zlib.crc32(where.encode()) % 3_000_000_000


def binlog_status_statement(version: str) -> str:
    """The statement that shows the current binlog position on this server version.

    MySQL 8.4 removed ``SHOW MASTER STATUS`` for ``SHOW BINARY LOG STATUS`` (added in 8.2);
    MariaDB keeps ``SHOW MASTER STATUS`` (and calls it ``SHOW BINLOG STATUS`` from 10.5.2 on).
    """
    if "mariadb" in version.lower():
        return "SHOW MASTER STATUS"
    numbers = [int(part) for part in version.split("-")[0].split(".")[:2] if part.isdigit()]
    major, minor = ([*numbers, 0, 0])[:2]
    return "SHOW BINARY LOG STATUS" if (major, minor) >= (8, 4) else "SHOW MASTER STATUS"


class NoBinlog(Exception):
    """The source writes no binary log: there is nothing to follow."""


def binlog_head(connection: Any) -> Checkpoint:
    """The server's current binlog position (record it before the full load starts)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT VERSION()")
        (version,) = cursor.fetchone()
        cursor.execute(binlog_status_statement(str(version)))
        row = cursor.fetchone()
    if row is None:
        raise NoBinlog("the source has no binary log (log_bin is off): DMS CDC needs it")
    return Checkpoint(str(row[0]), int(row[1]))


def source_head(url: str) -> Checkpoint:
    """:func:`binlog_head` on a connection of its own, closed after (raises :class:`NoBinlog` like it)."""
    from dms_dynamodb.source.connection import connect

    connection = connect(url)
    try:
        return binlog_head(connection)
    finally:
        connection.close()


#: What the follower needs from the source's binlog, and why (CHAP_Source.MySQL asks ROW and FULL of DMS's
#: sources; the follower also needs the column names in the binlog, and cannot read compressed transactions).
NEEDED = {
    "binlog_format": ("ROW", "DMS reads changes row by row"),
    "binlog_row_image": ("FULL", "DMS needs every column of a changed row"),
    "binlog_row_metadata": ("FULL", "the follower reads column names from the binlog"),
    "binlog_transaction_compression": ("OFF", "the follower cannot read compressed transactions"),
}


def binlog_problems(connection: Any) -> list[str]:
    """Each binlog setting of the source the follower cannot work with (one that the server lacks is fine)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW GLOBAL VARIABLES WHERE Variable_name IN (%s, %s, %s, %s)", tuple(NEEDED))
        found = {str(name).lower(): str(value).upper() for name, value in cursor.fetchall()}
    return [
        f"{name} is {found[name]}, not {wanted} ({why})"
        for name, (wanted, why) in NEEDED.items()
        if name in found and found[name] != wanted
    ]
