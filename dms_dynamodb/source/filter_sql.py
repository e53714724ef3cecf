"""Source filters as a parameterized SQL ``WHERE``: the full load and ``verify`` read only the rows DMS migrates.

A filtered big table is never read in full; no SQL is built from user text except backtick-quoted
column names checked against the schema. The predicate is :class:`mappings.items.filters.TableFilter`'s.
Assumption (DMS: comparisons "follow SQLite conventions"): text compares byte-wise and
case-sensitively, so text columns compare as ``BINARY `column```, whatever their collation.
"""

from __future__ import annotations

from mappings.document.enums import FilterOperator
from mappings.items.filters import TEXT_TYPES, TableFilter, operands

_SQL = {
    FilterOperator.LTE: "{c} <= %s",
    FilterOperator.STE: "{c} <= %s",
    FilterOperator.GTE: "{c} >= %s",
    FilterOperator.EQ: "{c} = %s",
    FilterOperator.NOTEQ: "{c} <> %s",
    FilterOperator.BETWEEN: "{c} BETWEEN %s AND %s",
    FilterOperator.NOTBETWEEN: "{c} NOT BETWEEN %s AND %s",
    FilterOperator.NULL: "{c} IS NULL",
    FilterOperator.NOTNULL: "{c} IS NOT NULL",
}


def where_clause(table_filter: TableFilter) -> tuple[str, list[str]]:
    """A parameterized ``WHERE`` clause (without the keyword; ``""`` when there is no filter)."""
    clauses, parameters = [], []
    for source_filter in table_filter.filters:
        column = table_filter.column_of(source_filter)
        quoted = "`" + (column.name if column else source_filter.column_name).replace("`", "``") + "`"
        if column is None or column.data_type in TEXT_TYPES:
            quoted = f"BINARY {quoted}"
        alternatives = []
        for condition in source_filter.filter_conditions:
            alternatives.append(_SQL[condition.filter_operator].format(c=quoted))
            parameters += operands(condition)
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(clauses), parameters
