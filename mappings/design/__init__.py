"""The single-table design: keys, GSIs and entities declared once (``table_design``), the entity chart,
and the key-space reasoning behind the collision checks."""

from mappings.design.table_design import (
    METADATA,
    AccessPattern,
    Entity,
    GlobalSecondaryIndex,
    KeyAttribute,
    KeyType,
    ProjectionType,
    TableDesign,
    exclude,
    include,
    object_mapping,
)

__all__ = [
    "METADATA",
    "AccessPattern",
    "Entity",
    "GlobalSecondaryIndex",
    "KeyAttribute",
    "KeyType",
    "ProjectionType",
    "TableDesign",
    "exclude",
    "include",
    "object_mapping",
]
