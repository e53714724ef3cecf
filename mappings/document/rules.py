"""The rules of a DMS table-mapping document, one frozen dataclass per JSON object.

Field order is the canonical key order of the emitted JSON. ``None`` means "absent". Number-like
fields typed ``int | str`` keep whichever form the author wrote, because DMS's own examples use
both and a document read back must serialise to the same JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from mappings.document._wire import JsonObject, WireModel, wire, wire_required
from mappings.document.enums import (
    AttributeSubType,
    AttributeType,
    BeforeImageColumnFilter,
    DataType,
    FilterOperator,
    FilterType,
    LobMode,
    ObjectMappingAction,
    ParallelLoadType,
    PartitionKeyType,
    PostProcessingAction,
    PrimaryKeyOrigin,
    RuleTarget,
    RuleType,
    SelectionAction,
    TableType,
    TransformationAction,
)

#: A rule id as written: DMS documents it as "a numeric value"; every AWS example writes a string.
RuleId = int | str

_LOCATOR_HINT = "DMS rejects the rule with 'object locator cannot be null'"


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectLocator(WireModel):
    """Which schema, table (or view), column or tablespace a rule applies to.

    ``%`` and ``_`` are wildcards where a rule accepts patterns; ``[_]`` is a literal underscore.
    """

    _label: ClassVar[str] = "object-locator"

    schema_name: str | None = wire("schema-name")
    table_name: str | None = wire("table-name")
    table_type: TableType | None = wire("table-type")
    column_name: str | None = wire("column-name")
    table_tablespace_name: str | None = wire("table-tablespace-name")
    index_tablespace_name: str | None = wire("index-tablespace-name")
    data_type: str | None = wire("data-type")


# ----------------------------------------------------------------------------- selection


@dataclass(frozen=True, slots=True, kw_only=True)
class FilterCondition(WireModel):
    """One condition; several conditions in one filter are OR-ed. Values are strings."""

    _label: ClassVar[str] = "a filter condition"

    filter_operator: FilterOperator = wire_required("filter-operator")
    value: str | None = wire("value")
    start_value: str | None = wire("start-value")
    end_value: str | None = wire("end-value")


@dataclass(frozen=True, slots=True, kw_only=True)
class Filter(WireModel):
    """A source filter on one column; several filters in one rule are AND-ed."""

    _label: ClassVar[str] = "a filter"

    filter_type: FilterType = wire_required("filter-type")
    column_name: str = wire_required("column-name")
    filter_conditions: tuple[FilterCondition, ...] = wire_required("filter-conditions")


@dataclass(frozen=True, slots=True, kw_only=True)
class SelectionRule(WireModel):
    """Chooses the tables and views a task migrates (include, exclude, explicit)."""

    rule_type: ClassVar[RuleType] = RuleType.SELECTION
    _wire_prefix: ClassVar[tuple[tuple[str, str], ...]] = (("rule-type", "selection"),)
    _label: ClassVar[str] = "a selection rule"

    rule_id: RuleId | None = wire("rule-id")
    rule_name: str | None = wire("rule-name")
    rule_action: SelectionAction = wire_required("rule-action")
    object_locator: ObjectLocator = wire_required("object-locator", hint=_LOCATOR_HINT)
    load_order: int | str | None = wire("load-order")
    filters: tuple[Filter, ...] | None = wire("filters")


# ------------------------------------------------------------------------ transformation


@dataclass(frozen=True, slots=True, kw_only=True)
class DataTypeSpec(WireModel):
    """The ``data-type`` of an added or retyped column."""

    _label: ClassVar[str] = "data-type"

    type: DataType = wire_required("type")
    precision: int | str | None = wire("precision")
    scale: int | str | None = wire("scale")
    length: int | str | None = wire("length")


@dataclass(frozen=True, slots=True, kw_only=True)
class PrimaryKeyDef(WireModel):
    _label: ClassVar[str] = "primary-key-def"

    name: str = wire_required("name")
    origin: PrimaryKeyOrigin | None = wire("origin")
    columns: tuple[str, ...] = wire_required("columns")


@dataclass(frozen=True, slots=True, kw_only=True)
class BeforeImageDef(WireModel):
    _label: ClassVar[str] = "before-image-def"

    column_prefix: str | None = wire("column-prefix")
    column_suffix: str | None = wire("column-suffix")
    column_filter: BeforeImageColumnFilter | None = wire("column-filter")


@dataclass(frozen=True, slots=True, kw_only=True)
class TransformationRule(WireModel):
    """Renames, adds, removes, retypes or masks schemas, tables and columns on the way."""

    rule_type: ClassVar[RuleType] = RuleType.TRANSFORMATION
    _wire_prefix: ClassVar[tuple[tuple[str, str], ...]] = (("rule-type", "transformation"),)
    _label: ClassVar[str] = "a transformation rule"

    rule_id: RuleId | None = wire("rule-id")
    rule_name: str | None = wire("rule-name")
    rule_action: TransformationAction = wire_required("rule-action")
    rule_target: RuleTarget = wire_required("rule-target")
    object_locator: ObjectLocator = wire_required("object-locator", hint=_LOCATOR_HINT)
    value: str | None = wire("value")
    old_value: str | None = wire("old-value")
    expression: str | None = wire("expression")
    data_type: DataTypeSpec | None = wire("data-type")
    primary_key_def: PrimaryKeyDef | None = wire("primary-key-def")
    before_image_def: BeforeImageDef | None = wire("before-image-def")


# ------------------------------------------------------------------------ table-settings


@dataclass(frozen=True, slots=True, kw_only=True)
class ParallelLoad(WireModel):
    """How one table is split for a parallel full load."""

    _label: ClassVar[str] = "parallel-load"

    type: ParallelLoadType = wire_required("type")
    partitions: tuple[str, ...] | None = wire("partitions")
    subpartitions: tuple[str, ...] | None = wire("subpartitions")
    columns: tuple[str, ...] | None = wire("columns")
    boundaries: tuple[tuple[int | str, ...], ...] | None = wire("boundaries")
    number_of_partitions: int | str | None = wire("number-of-partitions")
    collection_count_from_metadata: bool | str | None = wire("collection-count-from-metadata")
    max_records_skip_per_page: int | str | None = wire("max-records-skip-per-page")
    batch_size: int | str | None = wire("batch-size")


@dataclass(frozen=True, slots=True, kw_only=True)
class LobSettings(WireModel):
    _label: ClassVar[str] = "lob-settings"

    mode: LobMode | None = wire("mode")
    bulk_max_size: int | str | None = wire("bulk-max-size")


@dataclass(frozen=True, slots=True, kw_only=True)
class TableSettingsRule(WireModel):
    """Per-table load settings. It has no ``rule-action`` and needs exact names."""

    rule_type: ClassVar[RuleType] = RuleType.TABLE_SETTINGS
    _wire_prefix: ClassVar[tuple[tuple[str, str], ...]] = (("rule-type", "table-settings"),)
    _label: ClassVar[str] = "a table-settings rule"

    rule_id: RuleId | None = wire("rule-id")
    rule_name: str | None = wire("rule-name")
    object_locator: ObjectLocator = wire_required("object-locator", hint=_LOCATOR_HINT)
    parallel_load: ParallelLoad | None = wire("parallel-load")
    lob_settings: LobSettings | None = wire("lob-settings")


# ------------------------------------------------------------------------ object-mapping


@dataclass(frozen=True, slots=True, kw_only=True)
class AttributeMapping(WireModel):
    """One target attribute built from a ``${column}`` template or a typed document."""

    _label: ClassVar[str] = "an attribute mapping"

    target_attribute_name: str = wire_required("target-attribute-name")
    attribute_type: AttributeType = wire_required("attribute-type")
    attribute_sub_type: AttributeSubType | None = wire("attribute-sub-type")
    value: str | JsonObject = wire_required("value")

    @classmethod
    def string(cls, name: str, template: str) -> AttributeMapping:
        """A DynamoDB string attribute, e.g. ``AttributeMapping.string("pk", "FILM#${film_id}")``."""
        return cls(
            target_attribute_name=name,
            attribute_type=AttributeType.SCALAR,
            attribute_sub_type=AttributeSubType.STRING,
            value=template,
        )

    @classmethod
    def dynamodb_map(cls, name: str, document: dict[str, object]) -> AttributeMapping:
        """A DynamoDB map attribute from DynamoDB JSON, e.g. ``{"M": {"city": {"S": "${city}"}}}``."""
        return cls(
            target_attribute_name=name,
            attribute_type=AttributeType.DOCUMENT,
            attribute_sub_type=AttributeSubType.DYNAMODB_MAP,
            value=JsonObject(document),
        )

    @classmethod
    def dynamodb_list(cls, name: str, document: dict[str, object]) -> AttributeMapping:
        """A DynamoDB list attribute from DynamoDB JSON, e.g. ``{"L": [{"S": "${a}"}]}``."""
        return cls(
            target_attribute_name=name,
            attribute_type=AttributeType.DOCUMENT,
            attribute_sub_type=AttributeSubType.DYNAMODB_LIST,
            value=JsonObject(document),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpressionAttributeValue(WireModel):
    _label: ClassVar[str] = "an expression attribute value"

    name: str = wire_required("name")
    value: JsonObject = wire_required("value")


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpressionAttributeName(WireModel):
    _label: ClassVar[str] = "an expression attribute name"

    name: str = wire_required("name")
    value: str = wire_required("value")


@dataclass(frozen=True, slots=True, kw_only=True)
class ConditionExpression(WireModel):
    """A DynamoDB condition applied to each write (full load by default, CDC on request)."""

    _label: ClassVar[str] = "condition-expression"

    expression: str = wire_required("expression")
    expression_attribute_values: tuple[ExpressionAttributeValue, ...] | None = wire("expression-attribute-values")
    expression_attribute_names: tuple[ExpressionAttributeName, ...] | None = wire("expression-attribute-names")
    apply_during_cdc: bool | str | None = wire("apply-during-cdc")
    apply_during_full_load: bool | str | None = wire("apply-during-full-load")


@dataclass(frozen=True, slots=True, kw_only=True)
class PartitionKey(WireModel):
    """A constant Kinesis/Kafka partition key: ``{"value": "ConstantPartitionKey"}``."""

    _label: ClassVar[str] = "partition-key"

    value: str = wire_required("value")


@dataclass(frozen=True, slots=True, kw_only=True)
class MappingParameters(WireModel):
    _label: ClassVar[str] = "mapping-parameters"

    partition_key_name: str | None = wire("partition-key-name")
    sort_key_name: str | None = wire("sort-key-name")
    partition_key_type: PartitionKeyType | None = wire("partition-key-type")
    partition_key: PartitionKey | None = wire("partition-key")
    exclude_columns: tuple[str, ...] | None = wire("exclude-columns")
    attribute_mappings: tuple[AttributeMapping, ...] | None = wire("attribute-mappings")
    condition_expression: ConditionExpression | None = wire("condition-expression")


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectMappingRule(WireModel):
    """Maps a source table's rows to items (DynamoDB) or records (Kinesis, Kafka, OpenSearch)."""

    rule_type: ClassVar[RuleType] = RuleType.OBJECT_MAPPING
    _wire_prefix: ClassVar[tuple[tuple[str, str], ...]] = (("rule-type", "object-mapping"),)
    _label: ClassVar[str] = "an object-mapping rule"

    rule_id: RuleId | None = wire("rule-id")
    rule_name: str | None = wire("rule-name")
    rule_action: ObjectMappingAction = wire_required(
        "rule-action", hint="'map-record-to-record' and 'map-record-to-document' are the only valid values"
    )
    object_locator: ObjectLocator = wire_required("object-locator", hint=_LOCATOR_HINT)
    target_table_name: str | None = wire("target-table-name")
    kafka_target_topic: str | None = wire("kafka-target-topic")
    partition_key: PartitionKey | None = wire("partition-key")
    mapping_parameters: MappingParameters | None = wire("mapping-parameters")

    @property
    def attribute_mappings(self) -> tuple[AttributeMapping, ...]:
        params = self.mapping_parameters
        return (params.attribute_mappings or ()) if params else ()

    @property
    def exclude_columns(self) -> tuple[str, ...]:
        params = self.mapping_parameters
        return (params.exclude_columns or ()) if params else ()


# ------------------------------------------------------------------------ post-processing


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag(WireModel):
    _label: ClassVar[str] = "a tag"

    key: str = wire_required("key")
    value: str = wire_required("value")


@dataclass(frozen=True, slots=True, kw_only=True)
class PostProcessingRule(WireModel):
    """S3 targets only: tags the objects DMS writes."""

    rule_type: ClassVar[RuleType] = RuleType.POST_PROCESSING
    _wire_prefix: ClassVar[tuple[tuple[str, str], ...]] = (("rule-type", "post-processing"),)
    _label: ClassVar[str] = "a post-processing rule"

    rule_id: RuleId | None = wire("rule-id")
    rule_name: str | None = wire("rule-name")
    rule_action: PostProcessingAction = wire_required("rule-action")
    object_locator: ObjectLocator = wire_required("object-locator", hint=_LOCATOR_HINT)
    tag_set: tuple[Tag, ...] = wire_required("tag-set")


Rule = SelectionRule | TransformationRule | TableSettingsRule | ObjectMappingRule | PostProcessingRule

RULE_CLASSES: dict[RuleType, type[Rule]] = {
    RuleType.SELECTION: SelectionRule,
    RuleType.TRANSFORMATION: TransformationRule,
    RuleType.TABLE_SETTINGS: TableSettingsRule,
    RuleType.OBJECT_MAPPING: ObjectMappingRule,
    RuleType.POST_PROCESSING: PostProcessingRule,
}
