"""The object-mapping rule of a DynamoDB target, made in one place for the design and the builder.

It lives with the document, below ``mappings.design``, so the builder (a document tool) does not
import the design, which imports the document.
"""

from __future__ import annotations

from collections.abc import Mapping

from mappings.document.enums import ObjectMappingAction
from mappings.document.rules import AttributeMapping, MappingParameters, ObjectLocator, ObjectMappingRule

__all__ = ["object_mapping"]


def object_mapping(
    schema: str,
    table: str,
    *,
    target_table: str,
    partition_key: str,
    sort_key: str | None,
    pk: str,
    sk: str | None,
    attributes: Mapping[str, str] = {},
    exclude_columns: tuple[str, ...] = (),
    to_document: bool = False,
    rule_name: str | None = None,
    rule_id: str | None = None,
) -> ObjectMappingRule:
    """The one place an object-mapping rule for a DynamoDB table is made (the design and the builder use it).

    Keys and extra attributes are string templates (``${column}``); the sort key is written only when
    the table has one and ``sk`` is given.
    """
    mappings = [AttributeMapping.string(partition_key, pk)]
    if sort_key is not None and sk is not None:
        mappings.append(AttributeMapping.string(sort_key, sk))
    mappings += [AttributeMapping.string(name, template) for name, template in attributes.items()]
    return ObjectMappingRule(
        rule_id=rule_id,
        rule_name=rule_name or f"map-{table.replace('_', '-')}",
        rule_action=ObjectMappingAction.MAP_RECORD_TO_DOCUMENT
        if to_document
        else ObjectMappingAction.MAP_RECORD_TO_RECORD,
        object_locator=ObjectLocator(schema_name=schema, table_name=table),
        target_table_name=target_table,
        mapping_parameters=MappingParameters(
            partition_key_name=partition_key,
            sort_key_name=sort_key if sk is not None else None,
            exclude_columns=exclude_columns or None,
            attribute_mappings=tuple(mappings),
        ),
    )
