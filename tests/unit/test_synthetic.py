"""Synthetic rows from a DDL: deterministic, and valid for the schema (no server needed)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from dms_dynamodb.rehearsal.synthetic import Generator, load_order, synthetic_rows
from mappings.schema import SourceSchema, Table
from tests.conftest import SAKILA_DDL, SHOP_DDL

SHOP = SourceSchema.from_ddl(SHOP_DDL.read_text(), name="shop")


def _rows(schema: SourceSchema, count: int, seed: int = 1) -> dict[str, list[dict[str, Any]]]:
    return {
        table.name: [dict(zip((c.name for c in table.columns), row, strict=True)) for row in rows]
        for table, rows in synthetic_rows(Generator(schema, seed), count)
    }


def test_parents_come_before_the_tables_that_refer_to_them() -> None:
    order = [t.name for t in load_order(SHOP)]
    assert order.index("customer") < order.index("orders") < order.index("order_line")
    assert order.index("product") < order.index("order_line")


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    assert _rows(SHOP, 50) == _rows(SHOP, 50)
    assert _rows(SHOP, 50) != _rows(SHOP, 50, seed=2)


def test_rows_honour_types_lengths_null_enum_set_keys_and_foreign_keys() -> None:
    rows = _rows(SHOP, 300)
    assert {name: len(r) for name, r in rows.items()} == {t: 300 for t in SHOP.tables}
    for name, table in SHOP.tables.items():
        _check_table(table, rows[name])
    customers = {r["customer_id"] for r in rows["customer"]}
    orders, products = {r["order_id"] for r in rows["orders"]}, {r["product_id"] for r in rows["product"]}
    assert {r["customer_id"] for r in rows["orders"]} <= customers
    assert {r["order_id"] for r in rows["order_line"]} <= orders
    assert {r["product_id"] for r in rows["order_line"]} <= products
    # the composite primary key (order_id, line_no) is unique
    assert max(Counter((r["order_id"], r["line_no"]) for r in rows["order_line"]).values()) == 1


def _check_table(table: Table, rows: list[dict[str, Any]]) -> None:
    for column in table.columns:
        values = [r[column.name] for r in rows]
        if not column.nullable:
            assert None not in values, f"{table.name}.{column.name} is NOT NULL"
        present = [v for v in values if v is not None]
        if column.data_type in ("char", "varchar") and column.length:
            assert all(len(v) <= column.length for v in present), f"{table.name}.{column.name} too long"
        if column.data_type == "enum":
            assert set(present) <= set(column.values)
        if column.data_type == "set":
            assert all(set(filter(None, v.split(","))) <= set(column.values) for v in present)
        if column.data_type == "bit" and column.length == 1:
            assert set(present) <= {0, 1}
    for key in (table.primary_key, *table.unique_keys):
        tuples = [tuple(r[c] for c in key) for r in rows]
        assert len(set(tuples)) == len(tuples), f"{table.name} {key} is not unique"


def test_the_sakila_schema_can_be_filled_too() -> None:
    sakila = SourceSchema.from_ddl(SAKILA_DDL.read_text(), name="yourdb")
    rows = _rows(sakila, 20)
    for name, table in sakila.tables.items():
        if not table.is_view:
            _check_table(table, rows[name])
