"""Whether the source can still be read from a binlog position: on a binlog it keeps, up to its head, at an event.

A position given by the user (``--start``, ``verify --since``, the report ``cutover --since`` reads)
or kept in a checkpoint can be purged (the server no longer has its file), in the future (beyond
what the server wrote) or in the middle of an event (a typo). No rerun can read from such a
position: it is a usage error (exit 2) naming the binlogs the server has (``SHOW BINARY LOGS``) and
what starts a migration or a verify over (a full load, a full verify); never "the source failed,
run again". A position inside a transaction is refused too, naming the boundaries around it: a row
event read without the table map before it is never decoded, so its rows would be dropped silently.
"""

from __future__ import annotations

import re
from typing import Any

from dms_dynamodb.cdc.checkpoint import Checkpoint

#: MySQL/MariaDB's error for SHOW BINLOG EVENTS from an offset that is not an event's start
#: (ER_ERROR_WHEN_EXECUTING_COMMAND: "Wrong offset or I/O error").
_WRONG_OFFSET = 1220
#: ER_SPECIFIC_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_ERROR: the user may not list or read the binlogs.
_DENIED = (1227, 1045)


class PositionError(Exception):
    """A binlog position the source cannot be read from: a usage error (exit 2)."""


def binary_logs(connection: Any) -> list[tuple[str, int]]:
    """The binlog files the server keeps, oldest first, with their sizes (``SHOW BINARY LOGS``)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW BINARY LOGS")
        return [(str(row[0]), int(row[1])) for row in cursor.fetchall()]


def _order(name: str) -> tuple[str, int]:
    base, _, number = name.rpartition(".")
    return base, int(number) if number.isdigit() else -1


def check_position(connection: Any, position: Checkpoint, what: str, remedy: str) -> None:
    """Raise :class:`PositionError` unless ``position`` is an event boundary of a binlog the server keeps.

    ``what`` names the position (``--start``, ``the checkpoint cdc.json``), ``remedy`` what starts over.
    """
    from pymysql.err import MySQLError

    try:
        logs = binary_logs(connection)
    except MySQLError as exc:
        raise _denied(exc, what, position) from None
    if not logs:
        raise PositionError(f"{what} {position}: the source keeps no binary log (log_bin is off); {remedy}")
    (oldest, _), (newest, head) = logs[0], logs[-1]
    sizes = dict(logs)
    reason = ""
    if position.log_file not in sizes:
        if _order(position.log_file)[0] != _order(oldest)[0]:
            reason = "names a binlog file of another base name than this server's (is it another server's?)"
        elif _order(position.log_file) < _order(oldest):
            reason = "is in a binlog the server has purged"
        else:
            reason = "is in a binlog file the server has not written yet (a future position)"
    elif position.log_pos > sizes[position.log_file]:
        reason = f"is beyond the end of {position.log_file} ({sizes[position.log_file]} bytes): a future position"
    elif position.log_pos < sizes[position.log_file]:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW BINLOG EVENTS IN %s FROM %s LIMIT 1", (position.log_file, position.log_pos))
                found = cursor.fetchall()
        except MySQLError as exc:
            if not exc.args or exc.args[0] != _WRONG_OFFSET:
                raise _denied(exc, what, position) from None
            reason = "is not the start of an event (the server answered: wrong offset)"
        else:
            if found and position.log_pos > 4 and not is_boundary(str(found[0][2]), str(found[0][5] or "")):
                before, after = boundaries_around(connection, position)
                reason = (
                    f"is inside a transaction (the event there is {found[0][2]}): read from it, the row events "
                    "that follow have no table map and are never applied. The transaction boundaries around it "
                    f"are {before} and {after or 'none yet (the transaction is still open)'} (SHOW BINLOG EVENTS "
                    f"IN '{position.log_file}')"
                )
    if reason:
        raise PositionError(
            f"{what} {position} {reason}. The server keeps the binlogs {oldest} to {newest} (its head: "
            f"{newest}:{head}; SHOW BINARY LOGS), so no run can read the changes from {position}: {remedy}"
        )


#: Events that start a transaction or stand alone (SHOW BINLOG EVENTS' Event_type, MySQL and MariaDB).
_BOUNDARY_EVENTS = frozenset(
    {"Gtid", "Anonymous_Gtid", "Format_desc", "Rotate", "Gtid_list", "Previous_gtids", "Binlog_checkpoint"}
    | {"Start_encryption", "Stop"}
)


def is_boundary(event_type: str, info: str) -> bool:
    """Whether a binlog starting at this event reads whole transactions: a GTID, a file header, a ``BEGIN`` /
    ``XA START``, or a statement that commits on its own (DDL); never a row event, a table map, a COMMIT."""
    from dms_dynamodb.binlog.statements import Verb, classify_statement

    if event_type in _BOUNDARY_EVENTS:
        return True
    if event_type != "Query":
        return False
    text = re.sub(r"^\s*use\s+`(?:[^`]|``)*`\s*;\s*", "", info, flags=re.I)  # SHOW BINLOG EVENTS' schema prefix
    verb = classify_statement(text, "").verb
    inside = {Verb.DML, Verb.UNKNOWN, Verb.COMMIT, Verb.ROLLBACK, Verb.SAVEPOINT, Verb.ROLLBACK_TO, Verb.RELEASE}
    return (verb not in inside and not verb.name.startswith("XA_")) or verb is Verb.XA_START


def boundaries_around(connection: Any, position: Checkpoint) -> tuple[Checkpoint, Checkpoint | None]:
    """The last transaction boundary before ``position`` in its file (at worst the file's start) and the first
    after it (None: the transaction has not ended yet), read a page of ``SHOW BINLOG EVENTS`` at a time."""
    before, at, page = Checkpoint(position.log_file, 4), 4, 1000
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SHOW BINLOG EVENTS IN %s FROM %s LIMIT %s", (position.log_file, at, page))
            events = cursor.fetchall()
        for event in events:
            start = int(event[1])
            if is_boundary(str(event[2]), str(event[5] or "")):
                if start > position.log_pos:
                    return before, Checkpoint(position.log_file, start)
                before = Checkpoint(position.log_file, start)
        if len(events) < page:
            return before, None
        at = int(events[-1][4])


def boundary_at_or_after(connection: Any, position: Checkpoint) -> Checkpoint | None:
    """The first transaction boundary at or after ``position`` in its file (None: none written yet)."""
    at, page = position.log_pos, 1000
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SHOW BINLOG EVENTS IN %s FROM %s LIMIT %s", (position.log_file, at, page))
            events = cursor.fetchall()
        for event in events:
            if is_boundary(str(event[2]), str(event[5] or "")):
                return Checkpoint(position.log_file, int(event[1]))
        if len(events) < page:
            return None
        at = int(events[-1][4])


def _denied(error: Exception, what: str, position: Checkpoint) -> Exception:
    """A refused SHOW BINARY LOGS / SHOW BINLOG EVENTS is a usage error naming the grant; anything else stays."""
    if error.args and error.args[0] in _DENIED:
        return PositionError(
            f"cannot check {what} {position}: the source refused to list its binlogs ({error.args[-1]}); the user "
            "needs REPLICATION CLIENT (MariaDB: BINLOG MONITOR) and REPLICATION SLAVE, as DMS does"
        )
    return error


#: What starts over when the follower's start cannot be read.
RELOAD = (
    "run a full load again (record the source's binlog position before it, SHOW MASTER STATUS) and start the "
    "follower there with --start, on a new --checkpoint"
)
#: What starts over when a verify's window cannot be read.
REVERIFY = "run a full verify (dms-dynamodb verify --report FILE: it records the position it verified at)"


def check_source_position(url: str, position: Checkpoint, what: str, remedy: str) -> None:
    """:func:`check_position` on a connection of its own (a source that cannot be reached: a usage error too)."""
    from dms_dynamodb.commands import connect_source

    connection = connect_source(url)
    try:
        check_position(connection, position, what, remedy)
    finally:
        connection.close()
