"""A DATE the calendar does not have, read from the binlog, is None (as mysql-replication's DATETIME2 reader gives).

Under ``ALLOW_INVALID_DATES`` a DATE column holds e.g. ``2024-02-30``. mysql-replication 1.0 returns
None for a zero DATE and for a DATETIME2 the calendar does not have, but its DATE reader builds
``datetime.date(2024, 2, 30)`` and the ``ValueError`` ends the whole stream: the follower would stop
on that row for good. :func:`tolerate_invalid_dates` makes the DATE reader answer None as well (its
three bytes are read before the date is built, so the stream stays in step). The item model then
treats the value like every other date the calendar does not have
(:func:`mappings.items.values.on_calendar`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

_PATCHED = "_dms_dynamodb_tolerates_invalid_dates"


def tolerate_invalid_dates() -> bool:
    """Install the tolerant DATE reader (once); False when this mysql-replication has no such reader."""
    from pymysqlreplication.row_event import RowsEvent

    original: Callable[[Any], dt.date | None] | None = getattr(RowsEvent, "_RowsEvent__read_date", None)
    if original is None:
        return False
    if getattr(original, _PATCHED, False):
        return True
    read_date = original

    def read_date_or_none(event: Any) -> dt.date | None:
        try:
            return read_date(event)
        except ValueError:  # a day or month the calendar does not have: NULL, like a zero date
            return None

    setattr(read_date_or_none, _PATCHED, True)
    setattr(RowsEvent, "_RowsEvent__read_date", read_date_or_none)  # noqa: B010 (a name-mangled attribute)
    return True
