"""Source filters as a parameterized SQL ``WHERE``: the full load and ``verify`` read only the rows DMS migrates.

A filtered big table is never read in full; no SQL is built from user text except column names
quoted by :func:`~dms_dynamodb.source.connection.identifier` and checked against the schema. The
predicate is :class:`mappings.items.filters.TableFilter`'s, which CDC evaluates in Python on binlog
rows; the two agree row for row:

- Text compares byte-wise, case-sensitively, as UTF-8 (assumption: DMS says comparisons "follow
  SQLite conventions", whose default collation compares bytes; Python compares code points, the same
  order). Both sides are converted to utf8mb4 first, so a latin1 (or any other character set) column
  compares by its characters, not by its own encoding's bytes: ``CONVERT(... USING utf8mb4)`` and a
  binary ``CAST`` (MySQL manual, "Cast Functions and Operators": a binary string compares byte by
  byte, with no trailing-space padding).
- A DATE, DATETIME or TIMESTAMP the calendar does not have (``0000-00-00``, a zero month or day, a
  ``2024-02-30`` under ``ALLOW_INVALID_DATES``) is NULL, as the item model and the binlog reader take
  it: date arithmetic gives NULL for such a value (``col + INTERVAL 0 DAY``, MariaDB and MySQL, with
  warning 1292), so a comparison holds only for a real date and ``null`` holds for these too. The
  comparison keeps the plain column on its left, so an index on it still serves the range.
"""

from __future__ import annotations

from dms_dynamodb.source.connection import identifier
from mappings.document.enums import FilterOperator
from mappings.items.filters import TEXT_TYPES, TableFilter, operands
from mappings.items.values import DATE_TYPES

_SQL = {
    FilterOperator.LTE: "{c} <= {v}",
    FilterOperator.STE: "{c} <= {v}",
    FilterOperator.GTE: "{c} >= {v}",
    FilterOperator.EQ: "{c} = {v}",
    FilterOperator.NOTEQ: "{c} <> {v}",
    FilterOperator.BETWEEN: "{c} BETWEEN {v} AND {v}",
    FilterOperator.NOTBETWEEN: "{c} NOT BETWEEN {v} AND {v}",
    FilterOperator.NULL: "{c} IS NULL",
    FilterOperator.NOTNULL: "{c} IS NOT NULL",
}
_AS_UTF8_BYTES = "CAST(CONVERT({} USING utf8mb4) AS BINARY)"
_AS_DATE = "({} + INTERVAL 0 DAY)"  # NULL for NULL and for a date the calendar does not have


def where_clause(table_filter: TableFilter) -> tuple[str, list[str]]:
    """A parameterized ``WHERE`` clause (without the keyword; ``""`` when there is no filter).

    Names are quoted for a statement executed with parameters (``%`` doubled); values are parameters.
    """
    clauses, parameters = [], []
    for source_filter in table_filter.filters:
        column = table_filter.column_of(source_filter)
        name = identifier(column.name if column else source_filter.column_name)
        kind = column.data_type if column is not None else ""
        alternatives = []
        for condition in source_filter.filter_conditions:
            operator = condition.filter_operator
            if column is None or kind in TEXT_TYPES:
                text = _SQL[operator].format(c=_AS_UTF8_BYTES.format(name), v=_AS_UTF8_BYTES.format("%s"))
            elif kind in DATE_TYPES and operator in (FilterOperator.NULL, FilterOperator.NOTNULL):
                text = _SQL[operator].format(c=_AS_DATE.format(name))
            elif kind in DATE_TYPES:
                text = f"({_SQL[operator].format(c=name, v='%s')} AND {_AS_DATE.format(name)} IS NOT NULL)"
            elif kind == "bit":  # BIT compares as a binary string with '1': as a number, as the Python filter does
                text = _SQL[operator].format(c=f"CAST({name} AS UNSIGNED)", v="%s")
            else:
                text = _SQL[operator].format(c=name, v="%s")
            alternatives.append(text)
            parameters += operands(condition)
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(clauses), parameters
