"""Every rule type, written in Python, gives exactly the JSON DMS documents."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mappings import (
    AttributeMapping,
    ConditionExpression,
    DataType,
    DataTypeSpec,
    ExpressionAttributeValue,
    Filter,
    FilterCondition,
    FilterOperator,
    FilterType,
    LobMode,
    LobSettings,
    MappingParameters,
    ObjectLocator,
    ObjectMappingAction,
    ObjectMappingRule,
    ParallelLoad,
    ParallelLoadType,
    PartitionKey,
    PartitionKeyType,
    PostProcessingAction,
    PostProcessingRule,
    RuleTarget,
    SelectionAction,
    SelectionRule,
    TableMappings,
    TableMappingsBuilder,
    TableSettingsRule,
    Tag,
    TargetEngine,
    TransformationAction,
    TransformationRule,
)
from mappings.document._wire import JsonObject
from tests.unit.strategies import transformation

ALL = ObjectLocator(schema_name="shop", table_name="%")
ORDERS = ObjectLocator(schema_name="shop", table_name="orders")
INCLUDE_ALL = SelectionRule(rule_action=SelectionAction.INCLUDE, object_locator=ALL)


def test_selection_with_filters_and_load_order() -> None:
    rule = SelectionRule(
        rule_id="7",
        rule_name="recent-orders",
        rule_action=SelectionAction.INCLUDE,
        object_locator=ORDERS,
        load_order="2",
        filters=(
            Filter(
                filter_type=FilterType.SOURCE,
                column_name="created",
                filter_conditions=(
                    FilterCondition(filter_operator=FilterOperator.GTE, value="2024-01-01"),
                    FilterCondition(filter_operator=FilterOperator.BETWEEN, start_value="1", end_value="9"),
                ),
            ),
        ),
    )
    assert TableMappings((rule,)).to_dict()["rules"][0] == {
        "rule-type": "selection",
        "rule-id": "7",
        "rule-name": "recent-orders",
        "rule-action": "include",
        "object-locator": {"schema-name": "shop", "table-name": "orders"},
        "load-order": "2",
        "filters": [
            {
                "filter-type": "source",
                "column-name": "created",
                "filter-conditions": [
                    {"filter-operator": "gte", "value": "2024-01-01"},
                    {"filter-operator": "between", "start-value": "1", "end-value": "9"},
                ],
            }
        ],
    }


def test_transformation_add_column_with_expression() -> None:
    rule = TransformationRule(
        rule_action=TransformationAction.ADD_COLUMN,
        rule_target=RuleTarget.COLUMN,
        object_locator=ORDERS,
        value="full_name",
        expression="$first||' '||$last",
        data_type=DataTypeSpec(type=DataType.STRING, length=50),
    )
    emitted = TableMappings((INCLUDE_ALL, rule)).to_dict()["rules"][1]
    assert emitted == {
        "rule-type": "transformation",
        "rule-id": "2",
        "rule-name": "2",
        "rule-action": "add-column",
        "rule-target": "column",
        "object-locator": {"schema-name": "shop", "table-name": "orders"},
        "value": "full_name",
        "expression": "$first||' '||$last",
        "data-type": {"type": "string", "length": 50},
    }


@pytest.mark.parametrize("action", list(TransformationAction))
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_every_transformation_action_round_trips(action: TransformationAction, data: st.DataObject) -> None:
    rule = data.draw(transformation("shop", "orders", action))
    mappings = TableMappings((INCLUDE_ALL, rule))
    emitted = mappings.to_dict()["rules"][1]
    assert emitted["rule-action"] == action.value and emitted["rule-type"] == "transformation"
    assert TableMappings.from_dict(mappings.to_dict()) == mappings


def test_table_settings_ranges_and_lob() -> None:
    rule = TableSettingsRule(
        object_locator=ORDERS,
        parallel_load=ParallelLoad(type=ParallelLoadType.RANGES, columns=("id",), boundaries=(("1000",), ("2000",))),
        lob_settings=LobSettings(mode=LobMode.LIMITED, bulk_max_size="64"),
    )
    emitted = TableMappings((INCLUDE_ALL, rule)).to_dict()["rules"][1]
    assert emitted == {
        "rule-type": "table-settings",
        "rule-id": "2",
        "rule-name": "2",
        "object-locator": {"schema-name": "shop", "table-name": "orders"},
        "parallel-load": {"type": "ranges", "columns": ["id"], "boundaries": [["1000"], ["2000"]]},
        "lob-settings": {"mode": "limited", "bulk-max-size": "64"},
    }


def test_object_mapping_for_dynamodb_with_document_and_condition() -> None:
    rule = ObjectMappingRule(
        rule_action=ObjectMappingAction.MAP_RECORD_TO_RECORD,
        object_locator=ORDERS,
        target_table_name="orders",
        mapping_parameters=MappingParameters(
            partition_key_name="pk",
            sort_key_name="sk",
            exclude_columns=("street", "city"),
            attribute_mappings=(
                AttributeMapping.string("pk", "ORDER#${id}"),
                AttributeMapping.string("sk", "#METADATA"),
                AttributeMapping.dynamodb_map(
                    "address", {"M": {"street": {"S": "${street}"}, "city": {"S": "${city}"}}}
                ),
                AttributeMapping.dynamodb_list("tags", {"L": [{"S": "${tag1}"}, {"S": "${tag2}"}]}),
            ),
            condition_expression=ConditionExpression(
                expression="attribute_not_exists(version) or version <= :v",
                expression_attribute_values=(
                    ExpressionAttributeValue(name=":v", value=JsonObject({"N": "${version}"})),
                ),
                apply_during_cdc=True,
            ),
        ),
    )
    mappings = TableMappings((INCLUDE_ALL, rule))
    assert mappings.check(TargetEngine.DYNAMODB) == []
    params = mappings.to_dict()["rules"][1]["mapping-parameters"]
    assert params["attribute-mappings"][2] == {
        "target-attribute-name": "address",
        "attribute-type": "document",
        "attribute-sub-type": "dynamodb-map",
        "value": {"M": {"street": {"S": "${street}"}, "city": {"S": "${city}"}}},
    }
    assert params["condition-expression"] == {
        "expression": "attribute_not_exists(version) or version <= :v",
        "expression-attribute-values": [{"name": ":v", "value": {"N": "${version}"}}],
        "apply-during-cdc": True,
    }


def test_object_mapping_for_kinesis_with_constant_key() -> None:
    rule = ObjectMappingRule(
        rule_action=ObjectMappingAction.MAP_RECORD_TO_DOCUMENT,
        object_locator=ORDERS,
        mapping_parameters=MappingParameters(
            partition_key_type=PartitionKeyType.CONSTANT, partition_key=PartitionKey(value="k")
        ),
    )
    mappings = TableMappings((INCLUDE_ALL, rule))
    assert mappings.check() == []  # inferred as a stream target: no DynamoDB checks apply
    assert [i.code for i in mappings.check(TargetEngine.DYNAMODB) if i.is_error] == ["not-for-dynamodb"] * 2


def test_post_processing_tags() -> None:
    rule = PostProcessingRule(
        rule_action=PostProcessingAction.ADD_TAG,
        object_locator=ORDERS,
        tag_set=(Tag(key="table", value="${table-name}"),),
    )
    assert TableMappings((INCLUDE_ALL, rule)).to_dict()["rules"][1]["tag-set"] == [
        {"key": "table", "value": "${table-name}"}
    ]


def test_ids_fill_gaps_and_names_default_to_ids() -> None:
    explicit = SelectionRule(
        rule_id="2",
        rule_name="b",
        rule_action=SelectionAction.EXCLUDE,
        object_locator=ObjectLocator(schema_name="shop", table_name="tmp%"),
    )
    rules = TableMappings(
        (INCLUDE_ALL, explicit, INCLUDE_ALL.__class__(rule_action=SelectionAction.INCLUDE, object_locator=ORDERS))
    ).rules
    assert [(r.rule_id, r.rule_name) for r in rules] == [("1", "1"), ("2", "b"), ("3", "3")]


def test_builder_defaults_follow_the_article() -> None:
    mappings = (
        TableMappingsBuilder(schema="shop")
        .include()
        .exclude("audit_log")
        .to_dynamodb("t")
        .map_table("order_line", pk="ORDER#${order_id}", sk="LINE#${line_no}", gsi1pk="SKU#${sku}")
        .build()
    )
    rules = mappings.to_dict()["rules"]
    assert [r["rule-name"] for r in rules] == ["include-all", "exclude-audit-log", "map-order-line"]
    assert [a["target-attribute-name"] for a in rules[2]["mapping-parameters"]["attribute-mappings"]] == [
        "pk",
        "sk",
        "gsi1pk",
    ]


def test_builder_needs_a_target_table_first() -> None:
    with pytest.raises(ValueError, match="call to_dynamodb"):
        TableMappingsBuilder(schema="s").include().map_table("t", pk="x")
