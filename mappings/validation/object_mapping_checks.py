"""Checks of object-mapping rules: the DynamoDB target's keys, attribute mappings and selection (spec section 5)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence

from mappings.document._wire import JsonObject
from mappings.document.enums import (
    AttributeSubType,
    AttributeType,
    ObjectMappingAction,
    TargetEngine,
)
from mappings.document.rules import (
    AttributeMapping,
    ObjectLocator,
    ObjectMappingRule,
    SelectionRule,
    TransformationRule,
)
from mappings.document.templates import string_leaves, template_problems
from mappings.dynamodb_limits import is_number
from mappings.errors import Issue, Severity
from mappings.resolver import RuleAt, selection_of
from mappings.validation.located import Located
from mappings.validation.selection_checks import locator_needs

_SCALAR_SUBTYPES = frozenset(
    {AttributeSubType.STRING, AttributeSubType.NUMBER, AttributeSubType.BOOLEAN, AttributeSubType.BINARY}
)
_DOCUMENT_SUBTYPES = frozenset({AttributeSubType.DYNAMODB_MAP, AttributeSubType.DYNAMODB_LIST, AttributeSubType.JSON})
_DDB_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_DDB_TYPES = frozenset({"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"})


def check_object_mappings(rules: Sequence[Located], target: TargetEngine | None) -> Iterator[Issue]:
    selections = [r for r in rules if isinstance(r.rule, SelectionRule)]
    seen: dict[tuple[str | None, str | None], Located] = {}
    for item in rules:
        rule = item.rule
        if not isinstance(rule, ObjectMappingRule):
            continue
        loc = rule.object_locator
        yield from locator_needs(item, loc, ("schema_name", "table_name"))
        key = (loc.schema_name, loc.table_name)
        if key in seen:
            yield item.error(
                "duplicate-object-mapping",
                ".object-locator",
                f"table {loc.schema_name}.{loc.table_name} already has an object-mapping rule at "
                f"$.rules[{seen[key].index}]; DMS takes one object-mapping per source table. Merge them",
            )
        else:
            seen[key] = item
        if loc.schema_name and loc.table_name:
            yield from _selected(item, loc, selections)
        yield from _attribute_mappings(item, rule)
        yield from _keys_produced(item, rule)


def check_dynamodb_target(rules: Sequence[Located], target: TargetEngine | None) -> Iterator[Issue]:
    if target is not TargetEngine.DYNAMODB:
        return
    for item in rules:
        if isinstance(item.rule, ObjectMappingRule):
            yield from _dynamodb_object_mapping(item, item.rule)
        elif isinstance(item.rule, TransformationRule):
            yield item.issue(
                Severity.WARNING,
                "transformation-on-dynamodb",
                "",
                f"{item.rule.rule_action.value} on a {item.rule.rule_target.value}: DMS does not document whether "
                "transformation rules take effect before object mapping on a DynamoDB target, nor how (open question "
                "18); confirm the items with a test task before relying on it. The rehearsal predicts items without it",
            )


def _selected(item: Located, loc: ObjectLocator, selections: Sequence[Located]) -> Iterator[Issue]:
    """The object mapping's table is selected by the document's selection rules (the resolver decides)."""
    schema, table = loc.schema_name or "", loc.table_name or ""
    # A locator with '%' is a pattern itself: take its shortest instance as a representative name.
    schema_probe, table_probe = schema.replace("%", ""), table.replace("%", "")
    rules = [RuleAt(s.index, s.rule) for s in selections if isinstance(s.rule, SelectionRule)]
    including, excluding = selection_of(rules, schema_probe, table_probe, is_view=None)
    if excluding is not None:
        yield item.error(
            "object-mapping-excluded",
            ".object-locator",
            f"table {schema}.{table} is excluded by $.rules[{excluding.index}] (rule-id "
            f"{excluding.rule.rule_id!r}), so this object-mapping never applies. Remove one of them",
        )
    elif not including:
        loose, _ = selection_of(rules, schema_probe, table_probe, is_view=None, ignore_case=True)
        if loose:
            yield item.warning(
                "object-mapping-case-only-selected",
                ".object-locator",
                f"table {schema}.{table} is selected by $.rules[{loose[0].index}] only when names are compared "
                "case-insensitively; that depends on the source database's collation",
            )
        else:
            yield item.error(
                "object-mapping-not-selected",
                ".object-locator",
                f"no include or explicit selection rule selects table {schema}.{table}; DMS maps only selected "
                "tables. Add a selection rule for it",
            )


def _attribute_mappings(item: Located, rule: ObjectMappingRule) -> Iterator[Issue]:
    names = Counter(a.target_attribute_name for a in rule.attribute_mappings)
    for index, mapping in enumerate(rule.attribute_mappings):
        path = f".mapping-parameters.attribute-mappings[{index}]"
        name = mapping.target_attribute_name
        if not name:
            yield item.error("empty-attribute-name", path + ".target-attribute-name", "target-attribute-name is empty")
        if names[name] > 1:
            yield item.error(
                "duplicate-attribute-mapping",
                path + ".target-attribute-name",
                f"attribute {name!r} is mapped {names[name]} times in this rule; map it once",
            )
            names[name] = 0  # report once
        yield from _attribute_shape(item, path, mapping)
        for leaf_path, text in string_leaves(mapping.value, path + ".value"):
            for problem in template_problems(text):
                yield item.error(
                    "bad-template",
                    leaf_path,  # already relative to the rule, like every suffix here
                    f"{text!r}: {problem.message}",
                )
    excluded = Counter(rule.exclude_columns)
    for column, count in excluded.items():
        if count > 1:
            yield item.warning(
                "duplicate-exclude-column",
                ".mapping-parameters.exclude-columns",
                f"column {column!r} is listed {count} times",
            )


def _attribute_shape(item: Located, path: str, mapping: AttributeMapping) -> Iterator[Issue]:
    sub = mapping.attribute_sub_type
    if mapping.attribute_type is AttributeType.SCALAR:
        if sub is not None and sub not in _SCALAR_SUBTYPES:
            yield item.error(
                "bad-sub-type",
                path + ".attribute-sub-type",
                f"{sub.value!r} is a document sub-type; a scalar takes 'string' (documented), 'number', "
                "'boolean' or 'binary'. Use attribute-type 'document' for maps and lists",
            )
        if not isinstance(mapping.value, str):
            yield item.error(
                "bad-value",
                path + ".value",
                "a scalar attribute's value is a template string such as 'FILM#${film_id}'",
            )
        return
    if sub is not None and sub not in _DOCUMENT_SUBTYPES:
        yield item.error(
            "bad-sub-type",
            path + ".attribute-sub-type",
            f"{sub.value!r} is a scalar sub-type; a document takes 'dynamodb-map', 'dynamodb-list' or 'json'",
        )
    if not isinstance(mapping.value, JsonObject):
        yield item.error(
            "bad-value", path + ".value", 'a document attribute\'s value is a JSON object, e.g. {"M": {...}}'
        )
        return
    if sub is AttributeSubType.DYNAMODB_MAP:
        yield from _dynamodb_json(item, path + ".value", mapping.value, expect="M")
    elif sub is AttributeSubType.DYNAMODB_LIST:
        yield from _dynamodb_json(item, path + ".value", mapping.value, expect="L")


def _dynamodb_json(item: Located, path: str, node: object, expect: str | None = None) -> Iterator[Issue]:
    """Check DynamoDB JSON: every node is {"<type>": value} with a known type."""
    if not isinstance(node, JsonObject) or len(node) != 1:
        yield item.error(
            "bad-dynamodb-json",
            path,
            'each DynamoDB JSON value is an object with exactly one type key, e.g. {"S": "${name}"} or {"M": {...}}',
        )
        return
    ((kind, value),) = node.items()
    if expect and kind != expect:
        yield item.error("bad-dynamodb-json", path, f"expected a {expect!r} document at the top, got {kind!r}")
        return
    if kind not in _DDB_TYPES:
        yield item.error(
            "bad-dynamodb-json", path, f"unknown DynamoDB type {kind!r}; allowed: {', '.join(sorted(_DDB_TYPES))}"
        )
    elif kind == "M":
        if not isinstance(value, JsonObject):
            yield item.error("bad-dynamodb-json", f"{path}.M", "an 'M' value is an object of named DynamoDB values")
        else:
            for key, child in value.items():
                yield from _dynamodb_json(item, f"{path}.M.{key}", child)
    elif kind == "L":
        if not isinstance(value, tuple):
            yield item.error("bad-dynamodb-json", f"{path}.L", "an 'L' value is an array of DynamoDB values")
        else:
            for index, child in enumerate(value):
                yield from _dynamodb_json(item, f"{path}.L[{index}]", child)
    elif kind in ("S", "N", "B") and not isinstance(value, str):
        yield item.error(
            "bad-dynamodb-json", f"{path}.{kind}", f'a {kind!r} value is written as a string, e.g. "${{column}}"'
        )
    elif kind == "N" and isinstance(value, str) and "${" not in value and not is_number(value):
        yield item.error("bad-dynamodb-json", f"{path}.N", f"{value!r} is not a number")


def _keys_produced(item: Located, rule: ObjectMappingRule) -> Iterator[Issue]:
    params = rule.mapping_parameters
    if params is None:
        return
    mapped = {a.target_attribute_name for a in rule.attribute_mappings}
    excluded = set(rule.exclude_columns)
    for attr in ("partition_key_name", "sort_key_name"):
        key_name = getattr(params, attr)
        wire_key = attr.replace("_", "-")
        if key_name is None:
            continue
        if params.partition_key_type is not None:
            continue  # Kinesis/Kafka: the key names an attribute, checked by the target itself
        if not key_name:
            yield item.error("empty-key-name", f".mapping-parameters.{wire_key}", f"{wire_key} is empty")
        elif key_name in mapped:
            continue
        elif rule.rule_action is ObjectMappingAction.MAP_RECORD_TO_DOCUMENT:
            yield item.error(
                "key-not-produced",
                f".mapping-parameters.{wire_key}",
                f"{wire_key} {key_name!r} is not an attribute mapping; with map-record-to-document the "
                "columns are nested under '_doc', so add an attribute mapping that builds it",
            )
        elif key_name in excluded:
            yield item.error(
                "key-not-produced",
                f".mapping-parameters.{wire_key}",
                f"{wire_key} {key_name!r} is listed in exclude-columns and no attribute mapping builds it, so "
                "no item would have the key. Map it or stop excluding it",
            )


def _dynamodb_object_mapping(item: Located, rule: ObjectMappingRule) -> Iterator[Issue]:
    params = rule.mapping_parameters
    for attr, key in (("kafka_target_topic", "kafka-target-topic"), ("partition_key", "partition-key")):
        if getattr(rule, attr) is not None:
            yield item.error(
                "not-for-dynamodb", f".{key}", f"{key!r} is for Kafka/Kinesis targets; DynamoDB ignores it"
            )
    if params is not None:
        for attr, key in (("partition_key_type", "partition-key-type"), ("partition_key", "partition-key")):
            if getattr(params, attr) is not None:
                yield item.error(
                    "not-for-dynamodb",
                    f".mapping-parameters.{key}",
                    f"{key!r} is for Kinesis/Kafka targets; for DynamoDB name the key with 'partition-key-name'",
                )
    if rule.target_table_name is None:
        yield item.warning(
            "no-target-table",
            "",
            "no target-table-name: DMS creates a DynamoDB table named after the source table (the DMS role then "
            "needs dynamodb:CreateTable, and the table gets no GSIs)",
        )
    elif not _DDB_TABLE_NAME.fullmatch(rule.target_table_name):
        yield item.error(
            "bad-table-name",
            ".target-table-name",
            f"{rule.target_table_name!r} is not a DynamoDB table name "
            "(3-255 characters of a-z, A-Z, 0-9, '_', '-', '.')",
        )
    if params is None or params.partition_key_name is None:
        if params is not None and params.sort_key_name is not None:
            yield item.error(
                "sort-key-without-partition-key",
                ".mapping-parameters.sort-key-name",
                "sort-key-name is set but partition-key-name is not; DynamoDB keys start with the partition key",
            )
        else:
            yield item.warning(
                "no-partition-key",
                "",
                "no partition-key-name: DMS uses the source table's primary key, and fails with 'Object mapping "
                "doesn't have a hash key' when it is composite",
            )
    for index, mapping in enumerate(rule.attribute_mappings):
        path = f".mapping-parameters.attribute-mappings[{index}]"
        sub = mapping.attribute_sub_type
        if sub is None:
            yield item.error(
                "missing-sub-type",
                path,
                "attribute-sub-type is required for DynamoDB targets: 'string' for scalars, 'dynamodb-map' or "
                "'dynamodb-list' for documents",
            )
        elif sub is AttributeSubType.JSON:
            yield item.error(
                "not-for-dynamodb",
                path + ".attribute-sub-type",
                "'json' documents are for Kinesis/Kafka targets; use 'dynamodb-map' with DynamoDB JSON",
            )
        elif mapping.attribute_type is AttributeType.SCALAR and sub is not AttributeSubType.STRING:
            yield item.warning(
                "undocumented-sub-type",
                path + ".attribute-sub-type",
                f"scalar sub-type {sub.value!r} is not documented for DynamoDB (only 'string' is); the type DMS "
                "writes is unknown",
            )
