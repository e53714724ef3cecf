"""Source filters of selection rules, evaluated as DMS documents them (doc FILT).

Several conditions in one filter are OR-ed, several filters on a table are AND-ed; ``ste`` is
``lte``; ``between`` is inclusive. Values are JSON strings and are compared in the column's type
(integers and decimals by value, dates and datetimes as dates, other columns as text).

Two forms of one predicate: :meth:`TableFilter.admits` in Python (CDC, where rows arrive from the
binlog), and a parameterized ``WHERE`` for the full load and ``verify`` written by the tool half
(``dms_dynamodb.source.filter_sql``: this package writes no SQL).

Assumptions (DMS's filter page says comparisons "follow SQLite conventions" and nothing more):
- text compares byte-wise and case-sensitively (SQLite's default BINARY collation), whatever the
  column's MySQL collation (the SQL form says how it does the same);
- a TIMESTAMP filter value is UTC (the rehearsal reads TIMESTAMPs in UTC, as DMS writes them);
- a date the calendar does not have (``0000-00-00``) is NULL (:func:`mappings.items.values.on_calendar`):
  ``null`` holds for it, no comparison does;
- text is compared as characters whatever the column's character set (a latin1 ``é`` equals the
  filter's ``é``): rows arrive decoded from SELECT and from the binlog alike, and the SQL form converts
  both sides to UTF-8 before it compares bytes.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mappings.document.enums import FilterOperator
from mappings.document.rules import Filter, FilterCondition
from mappings.items.values import on_calendar
from mappings.schema import Column, Table

TEXT_TYPES = {"char", "varchar", "text", "tinytext", "mediumtext", "longtext", "enum", "set", "json"}


class FilterError(ValueError):
    """A filter that names a column the source table does not have, or a value its type cannot hold."""


def _typed(text: str, column: Column | None) -> Any:
    """A filter value (always a JSON string) in the column's type."""
    kind = column.data_type if column is not None else ""
    try:
        if column is not None and column.is_numeric:
            return decimal.Decimal(text)
        if kind == "date":
            return dt.date.fromisoformat(text[:10])
        if kind in ("datetime", "timestamp"):
            return dt.datetime.fromisoformat(text)
        if kind == "time":
            return _time(text)
        if kind in ("year", "bit"):
            return int(text)
    except (ValueError, decimal.InvalidOperation):
        raise FilterError(
            f"filter value {text!r} is not a {kind or 'number'} (column {column.name if column else '?'})"
        ) from None
    return text


def _time(text: str) -> dt.timedelta:
    """A TIME value ``[-]HH:MM:SS[.ffffff]`` (MySQL's TIME is an interval: hours may pass 24)."""
    sign = -1 if text.startswith("-") else 1
    hours, minutes, seconds = text.lstrip("-").split(":")
    return sign * dt.timedelta(hours=int(hours), minutes=int(minutes), seconds=float(seconds))


def _comparable(value: Any, column: Column | None) -> Any:
    """A row value in the same form as :func:`_typed` gives the filter values."""
    value = on_calendar(value, column)
    if value is None:
        return None
    if column is not None and column.is_numeric:
        return decimal.Decimal(str(value))
    if column is not None and column.data_type == "date" and isinstance(value, dt.datetime):
        return value.date()
    if column is not None and column.data_type in ("datetime", "timestamp") and type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    if column is not None and column.data_type == "bit":  # SELECT gives bytes, the binlog '101'
        if isinstance(value, (bytes, bytearray)):
            return int.from_bytes(value, "big")
        return int(value, 2) if isinstance(value, str) else int(value)
    if column is not None and column.data_type == "year":
        return int(value)
    if column is not None and column.data_type == "time" and isinstance(value, str):
        return _time(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if column is None or column.data_type in TEXT_TYPES:
        return str(value)
    return value


def operands(condition: FilterCondition) -> list[str]:
    """The condition's values, in the order its operator takes them (``value``, or start and end)."""
    return [str(getattr(condition, key.replace("-", "_"))) for key in condition.filter_operator.operands]


def _holds(condition: FilterCondition, value: Any, column: Column | None) -> bool:
    operator = condition.filter_operator
    if operator is FilterOperator.NULL:
        return value is None
    if operator is FilterOperator.NOTNULL:
        return value is not None
    if value is None:
        return False  # SQL: a comparison with NULL is never true
    if operator in (FilterOperator.BETWEEN, FilterOperator.NOTBETWEEN):
        low, high = _typed(str(condition.start_value), column), _typed(str(condition.end_value), column)
        inside = bool(low <= value <= high)
        return inside if operator is FilterOperator.BETWEEN else not inside
    other = _typed(str(condition.value), column)
    if operator in (FilterOperator.LTE, FilterOperator.STE):
        return bool(value <= other)
    if operator is FilterOperator.GTE:
        return bool(value >= other)
    if operator is FilterOperator.EQ:
        return bool(value == other)
    return bool(value != other)  # NOTEQ


@dataclass(frozen=True)
class TableFilter:
    """Every source filter that applies to one table (AND of filters, OR of conditions)."""

    table: Table | None
    filters: tuple[Filter, ...]

    def __post_init__(self) -> None:
        for source_filter in self.filters:
            if self.table is not None and self.table.column(source_filter.column_name) is None:
                raise FilterError(
                    f"a filter names column {source_filter.column_name!r}, which table {self.table.name!r} "
                    f"does not have (columns: {', '.join(c.name for c in self.table.columns)})"
                )
            for condition in source_filter.filter_conditions:
                for operand in operands(condition):
                    _typed(operand, self.column_of(source_filter))

    def __bool__(self) -> bool:
        return bool(self.filters)

    def column_of(self, source_filter: Filter) -> Column | None:
        return self.table.column(source_filter.column_name) if self.table is not None else None

    def admits(self, row: Mapping[str, Any]) -> bool:
        """True when DMS would migrate ``row`` (column names match case-insensitively, as MySQL's do)."""
        lowered = {k.lower(): v for k, v in row.items()}
        for source_filter in self.filters:
            column = self.column_of(source_filter)
            value = _comparable(lowered.get(source_filter.column_name.lower()), column)
            if not any(_holds(c, value, column) for c in source_filter.filter_conditions):
                return False
        return True
