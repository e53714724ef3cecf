"""What a draft reads from single columns: which can sit in a key template, which sorts a collection by time,
which names a secret (pure; ``draft`` uses it, ``check-stack`` warns with the same secret rule)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from mappings.document.templates import placeholders, template_problems
from mappings.schema import Column, Table

#: Types whose text sorts as time does: DMS writes them ``2024-07-01`` / ``2024-07-01 10:00:00``.
TIME_TYPES = ("date", "datetime", "timestamp")
#: Columns whose names say they change on every update: in a key, an UPDATE would move the item.
_CHANGING = re.compile(r"(^|_)(last_?update|updated|modified|changed)(_|$)|_(at|on)_update$", re.IGNORECASE)
#: Names that say the column holds a secret, anywhere in the name or as one ``_``-separated word.
_SECRET_ANYWHERE = re.compile(r"password|passwd|secret|token|credential|private_?key|api_?key", re.IGNORECASE)
_SECRET_WORD = re.compile(r"(^|_)(pass|pwd|salt|access_?key|auth_?key)(_|$)", re.IGNORECASE)


def templatable(column: str) -> bool:
    """Whether ``${column}`` is a placeholder DMS substitutes: no quotes, braces, ``$``, ``,`` or edge spaces."""
    template = f"${{{column}}}"
    return not template_problems(template) and placeholders(template) == (column,)


def untemplatable(columns: Sequence[str]) -> str:
    """Why ``columns`` cannot be in a key (the draft's comments and exclusions say it)."""
    named = ", ".join(repr(c) for c in columns)
    return (
        f"column {named} cannot be put in a ${{}} template (a placeholder takes no quotes, braces, '$', ',' or "
        "edge spaces: DynamoDB target page, object mapping)"
    )


def is_secret(column: str) -> bool:
    """Whether the column's name says it holds a secret (``password``, ``api_key``, ``user_pass``, ...)."""
    return bool(_SECRET_ANYWHERE.search(column) or _SECRET_WORD.search(column))


def is_time(column: Column | None) -> bool:
    return column is not None and column.data_type in TIME_TYPES


def time_column(table: Table, *, skip: Sequence[str] = ()) -> str | None:
    """The column a collection of ``table``'s items sorts by: NOT NULL, DATE/DATETIME/TIMESTAMP, not computed,
    not named as changing on update; one of its primary key first, then DATETIME/DATE before TIMESTAMP."""
    candidates = [
        c
        for c in table.columns
        if c.name not in skip
        and is_time(c)
        and not c.nullable
        and not c.generated
        and templatable(c.name)
        and not _CHANGING.search(c.name)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c.name not in table.primary_key, c.data_type == "timestamp")).name


def series_split(table: Table) -> tuple[list[str], list[str]] | None:
    """``(parent key, time)`` for a primary key that is a parent's key plus a time (readings, logs, events); a TIME
    column counts (a reading's date and time of day)."""
    kinds = (*TIME_TYPES, "time")
    times = [c for c in table.primary_key if (col := table.column(c)) is not None and col.data_type in kinds]
    rest = [c for c in table.primary_key if c not in times]
    return (rest, times) if times and rest else None
