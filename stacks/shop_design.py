"""An online shop's single-table design: the second example, deliberately not Sakila (pure Python).

Customers own their orders; an order owns its lines; GSI1 finds a customer by e-mail, an order by
its id, and the order lines of a product. Only orders placed from 2024-07-01 on are migrated (a
DMS source filter), and the ``audit_log`` table is never migrated.
"""

from __future__ import annotations

from mappings import Filter, FilterCondition, FilterOperator, FilterType, TableMappings
from mappings.design import AccessPattern, Entity, GlobalSecondaryIndex, KeyAttribute, TableDesign, exclude
from mappings.document.enums import SelectionAction
from mappings.document.rules import ObjectLocator, SelectionRule

SHOP_SCHEMA = "shop"
SHOP_TABLE = "shop-table"
#: Orders placed before this are archived elsewhere and not migrated (a DMS source filter).
ORDERS_SINCE = "2024-07-01 00:00:00"

SHOP_DESIGN = TableDesign(
    table_name=SHOP_TABLE,
    indexes=(GlobalSecondaryIndex(name="GSI1", partition_key=KeyAttribute("gsi1pk"), sort_key=KeyAttribute("gsi1sk")),),
    entities=(
        Entity(
            table="customer",
            partition_key="CUSTOMER#${customer_id}",
            index_keys={"gsi1pk": "EMAIL#${email}", "gsi1sk": "CUSTOMER#${customer_id}"},
        ),
        Entity(table="product", partition_key="PRODUCT#${product_id}"),
        Entity(
            table="orders",
            partition_key="CUSTOMER#${customer_id}",
            sort_key="ORDER#${order_id}",
            index_keys={"gsi1pk": "ORDER#${order_id}", "gsi1sk": "#ORDER"},
        ),
        Entity(
            table="order_line",
            partition_key="ORDER#${order_id}",
            sort_key="LINE#${line_no}",
            index_keys={"gsi1pk": "PRODUCT#${product_id}", "gsi1sk": "ORDER#${order_id}"},
        ),
    ),
    access_patterns=(
        AccessPattern(name="Customer with their orders", partition_key="CUSTOMER#<customer_id>"),
        AccessPattern(name="Customer by e-mail", index="GSI1", partition_key="EMAIL#<email>"),
        AccessPattern(name="Order lines of an order", partition_key="ORDER#<order_id>"),
        AccessPattern(
            name="Order lines of a product",
            index="GSI1",
            partition_key="PRODUCT#<product_id>",
            sort_key_condition="begins_with(gsi1sk, 'ORDER#')",
        ),
    ),
)


def _select(table: str, rule_id: int, *filters: Filter) -> SelectionRule:
    return SelectionRule(
        rule_id=str(rule_id),
        rule_name=f"include-{table.replace('_', '-')}",
        rule_action=SelectionAction.INCLUDE,
        object_locator=ObjectLocator(schema_name=SHOP_SCHEMA, table_name=table),
        filters=filters or None,
    )


def shop_table_mappings() -> TableMappings:
    """Four tables selected by exact name (DMS filters need exact names), orders filtered, audit_log excluded."""
    recent = Filter(
        filter_type=FilterType.SOURCE,
        column_name="placed_at",
        filter_conditions=(FilterCondition(filter_operator=FilterOperator.GTE, value=ORDERS_SINCE),),
    )
    return SHOP_DESIGN.table_mappings(
        SHOP_SCHEMA,
        selection=[
            _select("customer", 1),
            _select("product", 2),
            _select("orders", 3, recent),
            _select("order_line", 4),
            exclude(SHOP_SCHEMA, "audit_log", rule_id=5),
        ],
        first_rule_id=10,
    )
