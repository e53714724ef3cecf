"""Files the tools write that hold row data or binlog positions: readable by their owner only (0600).

``verify --report``, ``load --exceptions`` and the rehearsal's reports copy source rows and item
keys; the CDC checkpoint (:meth:`dms_dynamodb.cdc.checkpoint.Checkpoint.save`) says where the source is.
A file is created with mode 0600 from the first byte (never created readable, then narrowed); an
existing file at the path is replaced, not reopened, so a reader that opened it before keeps the old
file, not the new rows. A link is written through (``/dev/stdout`` is one), its regular target narrowed
to 0600 first.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
from pathlib import Path
from typing import TextIO

MODE = 0o600


def private_file(path: Path) -> TextIO:
    """A new text file at ``path`` for writing, mode 0600 (replacing what was there)."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        return _through(path)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, MODE)
    return os.fdopen(descriptor, "w", encoding="utf-8")


def _through(path: Path) -> TextIO:
    """A link or a device (``/dev/stdout``), written through, never deleted: a regular file it leads to is
    narrowed to 0600 before it is emptied and written (else rows land in a file others may read)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT, MODE)
    try:
        if stat.S_ISREG(os.fstat(descriptor).st_mode):
            try:
                os.fchmod(descriptor, MODE)
            except PermissionError:
                raise PermissionError(
                    errno.EPERM,
                    "it leads to a file this user cannot narrow to 0600 (row data would stay readable by others): "
                    "give a path of your own",
                ) from None
            os.ftruncate(descriptor, 0)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "w", encoding="utf-8")


def make_private(handle: TextIO | None) -> None:
    """Narrow an open file a caller made (e.g. ``open(path, "w")``) to 0600 before anything is written to it."""
    if handle is None:
        return
    try:
        descriptor = handle.fileno()
    except (OSError, io.UnsupportedOperation):  # not a file (a StringIO, a pipe wrapper): nothing to narrow
        return
    if stat.S_ISREG(os.fstat(descriptor).st_mode):  # a pipe or a terminal has no mode to narrow
        os.fchmod(descriptor, MODE)
