"""Cross-checks between the table mappings and the DynamoDB table they fill.

DMS reports none of these until items are written (or silently writes the wrong thing), so the
pipeline runs them at construction. Pure Python: no jsii needed.
"""

from __future__ import annotations

import re

from constructs_lib.table_props import SingleTableProps
from mappings import ObjectMappingRule, TableMappings
from mappings.validation.schema_checks import produced_key_type

# Attribute names that announce a GSI key: gsi1pk, GSI2SK, gsi_3_pk ...
_GSI_LIKE = re.compile(r"gsi[_-]?\d*[_-]?(pk|sk)", re.IGNORECASE)


def _label(rule: ObjectMappingRule) -> str:
    return f"object-mapping rule-id {rule.rule_id!r} ({rule.rule_name!r})"


def mapping_fit_problems(mappings: TableMappings, table: SingleTableProps) -> list[str]:
    """Every way the object mappings disagree with the table's name and key schema."""
    problems: list[str] = []
    key_types = {k.name: k.type for k in table.key_attributes}
    gsi_keys = table.gsi_key_names()
    for rule in mappings.rules:
        if not isinstance(rule, ObjectMappingRule):
            continue
        label = _label(rule)
        if rule.target_table_name != table.table_name:
            problems.append(
                f"table_mappings: {label} writes to target-table-name {rule.target_table_name!r}; the pipeline's "
                f"target table is {table.table_name!r}. Set target-table-name to {table.table_name!r}"
            )
        params = rule.mapping_parameters
        pk_name = params.partition_key_name if params else None
        sk_name = params.sort_key_name if params else None
        if pk_name != table.partition_key.name:
            problems.append(
                f"table_mappings: {label} has partition-key-name {pk_name!r}; the table's partition key is "
                f"{table.partition_key.name!r}"
            )
        expected_sk = table.sort_key.name if table.sort_key else None
        if sk_name != expected_sk:
            problems.append(
                f"table_mappings: {label} has sort-key-name {sk_name!r}; the table's sort key is {expected_sk!r}"
            )
        for mapping in rule.attribute_mappings:
            name = mapping.target_attribute_name
            key_type = key_types.get(name)
            produced = produced_key_type(rule, name, None)
            if key_type is not None and produced is not None and produced is not key_type:
                problems.append(
                    f"table_mappings: {label} writes attribute {name!r} as a {produced.name.lower()}, but the table "
                    f"declares it as a {key_type.name} ({key_type.value}) key; DynamoDB rejects every such item"
                )
            if _GSI_LIKE.fullmatch(name) and name not in gsi_keys and key_type is None:
                declared = ", ".join(sorted(gsi_keys)) or "none"
                problems.append(
                    f"table_mappings: {label} writes {name!r}, which looks like a GSI key, but no index of table "
                    f"{table.table_name!r} uses it (GSI key attributes: {declared}). Add the index or rename it"
                )
    return problems
