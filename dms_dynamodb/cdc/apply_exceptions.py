"""Apply exceptions where DMS keeps them: the ``awsdms_apply_exceptions`` table in the DynamoDB target.

For a DynamoDB target "only the Apply Exceptions control table (``dmslogs.awsdms_apply_exceptions``)
is supported" (CHAP_Tasks.CustomizingTasks.TaskSettings.ControlTable); its columns are TASK_NAME,
TABLE_OWNER, TABLE_NAME, ERROR_TIME, STATEMENT, ERROR. The follower writes its exceptions there too,
so the cutover gate reads one place for a real DMS task and for a rehearsal.

Assumption (DMS does not document the DynamoDB table's key schema): the follower creates it with
partition key ``TASK_NAME`` and sort key ``ERROR_TIME`` (microseconds, kept unique per task); the
gate reads it with a scan and filters on the attributes, so it works whatever key a DMS-created
table has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from mappings.design import KeyAttribute, KeyType, TableDesign
from mappings.items import Item

EXCEPTIONS_TABLE = "awsdms_apply_exceptions"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


@dataclass(frozen=True)
class ApplyException:
    """A change DMS would not apply, as a row of ``awsdms_apply_exceptions``."""

    TASK_NAME: str
    TABLE_OWNER: str
    TABLE_NAME: str
    ERROR_TIME: str
    STATEMENT: str
    ERROR: str

    def as_item(self) -> Item:
        return {name: {"S": value} for name, value in asdict(self).items()}

    @property
    def key(self) -> tuple[str, ...]:
        return (self.TASK_NAME, self.ERROR_TIME)


def exceptions_table_design() -> TableDesign:
    return TableDesign(
        table_name=EXCEPTIONS_TABLE,
        partition_key=KeyAttribute("TASK_NAME", KeyType.STRING),
        sort_key=KeyAttribute("ERROR_TIME", KeyType.STRING),
    )


class ErrorClock:
    """ERROR_TIME values in UTC with microseconds, strictly increasing (so each is a distinct item)."""

    def __init__(self) -> None:
        self._last = dt.datetime.min.replace(tzinfo=dt.UTC)

    def now(self) -> str:
        moment = max(dt.datetime.now(dt.UTC), self._last + dt.timedelta(microseconds=1))
        self._last = moment
        return moment.strftime(TIME_FORMAT)


def read_exceptions(
    ddb: Any, *, task: str, tables: set[tuple[str, str]] | None, since: str
) -> Iterator[dict[str, str]]:
    """Rows of the target's ``awsdms_apply_exceptions`` for ``task`` (and ``tables``) at or after ``since``.

    ``since`` compares as text against ERROR_TIME (``YYYY-MM-DD HH:MM:SS[.ffffff]``, UTC).
    """
    paginator = ddb.get_paginator("scan")
    for page in paginator.paginate(TableName=EXCEPTIONS_TABLE):
        for item in page.get("Items", []):
            row = {name: str(next(iter(value.values()))) for name, value in item.items()}
            if row.get("TASK_NAME") != task or row.get("ERROR_TIME", "") < since:
                continue
            if tables is not None and (row.get("TABLE_OWNER", ""), row.get("TABLE_NAME", "")) not in tables:
                continue
            yield row
