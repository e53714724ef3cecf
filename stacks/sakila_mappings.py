"""The article's ten table-mapping rules for the Sakila database, from the single-table design."""

from __future__ import annotations

from mappings import TableMappings
from mappings.design import exclude, include
from stacks.sakila_design import SAKILA_DESIGN, TARGET_TABLE

__all__ = ["TARGET_TABLE", "sakila_table_mappings"]


def sakila_table_mappings(schema: str = "yourdb") -> TableMappings:
    """Include every table but film_text (rules 1, 2); map eight tables into one table (rules 10-17)."""
    return SAKILA_DESIGN.table_mappings(
        schema,
        selection=[include(schema, "%", rule_id=1), exclude(schema, "film_text", rule_id=2)],
        first_rule_id=10,
    )
