"""The DMS item model: what DMS writes to DynamoDB for a source row (values, items, rejections) and the
source filters it applies. Pure: the SQL form of the filters is the tool half's."""

from mappings.items.builder import ItemBuilder, item_key
from mappings.items.comparison import canonical, normalized
from mappings.items.values import (
    DEFAULTS,
    Assumptions,
    AttributeValue,
    Item,
    LobPolicy,
    Rejection,
    Truncation,
    attribute,
    item_size,
    normalize,
    render,
    text,
    value_size,
)

__all__ = [
    "DEFAULTS",
    "Assumptions",
    "AttributeValue",
    "Item",
    "ItemBuilder",
    "LobPolicy",
    "Rejection",
    "Truncation",
    "attribute",
    "canonical",
    "item_key",
    "item_size",
    "normalize",
    "normalized",
    "render",
    "text",
    "value_size",
]
