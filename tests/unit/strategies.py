"""Hypothesis strategies that generate valid table mappings and task settings."""

from __future__ import annotations

import dataclasses
import typing
from enum import StrEnum
from typing import Any

from hypothesis import strategies as st

from mappings import (
    AttributeMapping,
    BeforeImageDef,
    DataType,
    DataTypeSpec,
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
    PostProcessingAction,
    PostProcessingRule,
    PrimaryKeyDef,
    RuleTarget,
    SelectionAction,
    SelectionRule,
    TableMappings,
    TableSettingsRule,
    Tag,
    TaskSettings,
    TransformationAction,
    TransformationRule,
)
from mappings.document._wire import JsonObject
from mappings.settings import ErrorAction, LogComponent, Logging
from mappings.validation.transformation_checks import ALLOWED_TARGETS

LOAD_ORDERS: st.SearchStrategy[int | str | None] = st.sampled_from([None, 1, "2"])
names = st.from_regex(r"[a-z][a-z0-9]{0,7}", fullmatch=True)
numberish = st.one_of(st.integers(0, 10_000), st.integers(0, 10_000).map(str))
rule_names = st.none() | st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
templates = st.lists(
    st.one_of(names.map(lambda n: "${" + n + "}"), st.sampled_from(["#", "|", "X", "-"])), min_size=1, max_size=4
).map("".join)

ddb_leaf = st.one_of(templates.map(lambda t: {"S": t}), names.map(lambda n: {"N": "${" + n + "}"}))
ddb_map = st.dictionaries(names, ddb_leaf, min_size=1, max_size=3).map(lambda d: {"M": d})


def attribute_mappings() -> st.SearchStrategy[tuple[AttributeMapping, ...]]:
    scalar = st.builds(AttributeMapping.string, names, templates)
    document = st.builds(AttributeMapping.dynamodb_map, names, ddb_map)
    return st.lists(st.one_of(scalar, document), max_size=4, unique_by=lambda a: a.target_attribute_name).map(tuple)


@st.composite
def object_mapping(draw: st.DrawFn, schema: str, table: str) -> ObjectMappingRule:
    attrs = draw(attribute_mappings())
    pk = AttributeMapping.string("pk", draw(templates))
    attrs = (pk, *(a for a in attrs if a.target_attribute_name != "pk"))
    return ObjectMappingRule(
        rule_name=draw(rule_names),
        rule_action=draw(st.sampled_from(ObjectMappingAction)),
        object_locator=ObjectLocator(schema_name=schema, table_name=table),
        target_table_name=draw(st.none() | st.just("target-table")),
        mapping_parameters=MappingParameters(
            partition_key_name="pk",
            exclude_columns=draw(st.none() | st.lists(names, max_size=3, unique=True).map(tuple)),
            attribute_mappings=attrs,
        ),
    )


@st.composite
def filters(draw: st.DrawFn) -> tuple[Filter, ...]:
    out = []
    for column in draw(st.lists(names, max_size=2, unique=True)):
        op = draw(st.sampled_from(FilterOperator))

        def condition(op: FilterOperator) -> FilterCondition:
            values = {k.replace("-", "_"): draw(numberish.map(str)) for k in op.operands}
            return FilterCondition(filter_operator=op, **values)

        conditions = (
            [condition(op)]
            if op.is_negative
            else [
                condition(o)
                for o in draw(
                    st.lists(st.sampled_from([o for o in FilterOperator if not o.is_negative]), min_size=1, max_size=3)
                )
            ]
        )
        out.append(Filter(filter_type=FilterType.SOURCE, column_name=column, filter_conditions=tuple(conditions)))
    return tuple(out)


@st.composite
def transformation(
    draw: st.DrawFn, schema: str, table: str, action: TransformationAction | None = None
) -> TransformationRule:
    action = action or draw(st.sampled_from(TransformationAction))
    target = draw(st.sampled_from(sorted(ALLOWED_TARGETS[action])))
    loc: dict[str, Any] = {"schema_name": schema}
    if target in (RuleTarget.TABLE, RuleTarget.COLUMN):
        loc["table_name"] = table
    if target is RuleTarget.COLUMN and action not in (
        TransformationAction.ADD_COLUMN,
        TransformationAction.ADD_BEFORE_IMAGE_COLUMNS,
    ):
        loc["column_name"] = draw(names)
    if target is RuleTarget.TABLE_TABLESPACE:
        loc["table_tablespace_name"] = draw(names)
    if target is RuleTarget.INDEX_TABLESPACE:
        loc["index_tablespace_name"] = draw(names)
    fields: dict[str, Any] = {}
    A = TransformationAction
    if action in (A.RENAME, A.ADD_PREFIX, A.REMOVE_PREFIX, A.ADD_SUFFIX, A.REMOVE_SUFFIX, A.ADD_COLUMN):
        fields["value"] = draw(names)
    if action in (A.REPLACE_PREFIX, A.REPLACE_SUFFIX):
        fields["value"], fields["old_value"] = draw(names), draw(names)
    if action in (A.ADD_COLUMN, A.CHANGE_DATA_TYPE):
        fields["data_type"] = DataTypeSpec(
            type=draw(st.sampled_from(DataType)),
            length=draw(st.none() | numberish),
            precision=draw(st.none() | numberish),
        )
    if action is A.ADD_COLUMN:
        fields["expression"] = draw(
            st.none()
            | st.sampled_from(
                ["$a||'_'||$b", "upper($x)", "hash_sha256($id)", "CASE WHEN $n > 1 THEN 'A' ELSE 'B' END"]
            )
        )
    if action is A.DEFINE_PRIMARY_KEY:
        fields["primary_key_def"] = PrimaryKeyDef(
            name=draw(names), columns=tuple(draw(st.lists(names, min_size=1, max_size=3)))
        )
    if action is A.ADD_BEFORE_IMAGE_COLUMNS:
        fields["before_image_def"] = BeforeImageDef(column_prefix="BI_", column_suffix=draw(st.none() | names))
    if action is A.DATA_MASKING_DIGITS_MASK:
        fields["value"] = draw(st.sampled_from("#*X"))
    return TransformationRule(
        rule_name=draw(rule_names),
        rule_action=action,
        rule_target=target,
        object_locator=ObjectLocator(**loc),
        **fields,
    )


@st.composite
def table_settings(draw: st.DrawFn, schema: str, table: str) -> TableSettingsRule:
    kind = draw(st.sampled_from(ParallelLoadType))
    pl: dict[str, Any] = {"type": kind}
    if kind is ParallelLoadType.PARTITIONS_LIST:
        pl["partitions"] = tuple(draw(st.lists(names, min_size=1, max_size=3)))
    if kind is ParallelLoadType.RANGES:
        columns = tuple(draw(st.lists(names, min_size=1, max_size=3)))
        pl["columns"] = columns
        pl["boundaries"] = tuple(tuple(draw(numberish) for _ in columns) for _ in range(draw(st.integers(1, 3))))
    lob = draw(
        st.none()
        | st.builds(LobSettings, mode=st.none() | st.sampled_from(LobMode), bulk_max_size=st.none() | numberish)
    )
    return TableSettingsRule(
        rule_name=draw(rule_names),
        object_locator=ObjectLocator(schema_name=schema, table_name=table),
        parallel_load=ParallelLoad(**pl),
        lob_settings=lob,
    )


@st.composite
def table_mappings(draw: st.DrawFn) -> TableMappings:
    schema = draw(names)
    tables = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    rules: list[Any] = [
        SelectionRule(
            rule_name=draw(rule_names),
            rule_action=SelectionAction.INCLUDE,
            object_locator=ObjectLocator(schema_name=schema, table_name="%"),
            load_order=draw(LOAD_ORDERS),
        )
    ]
    for table in tables:
        kind = draw(st.sampled_from(["filter", "map", "transform", "settings", "tag"]))
        if kind == "filter":
            rules.append(
                SelectionRule(
                    rule_action=SelectionAction.INCLUDE,
                    filters=draw(filters()),
                    object_locator=ObjectLocator(schema_name=schema, table_name=table),
                )
            )
        elif kind == "map":
            rules.append(draw(object_mapping(schema, table)))
        elif kind == "transform":
            rules.append(draw(transformation(schema, table)))
        elif kind == "settings":
            rules.append(draw(table_settings(schema, table)))
        else:
            rules.append(
                PostProcessingRule(
                    rule_action=PostProcessingAction.ADD_TAG,
                    object_locator=ObjectLocator(schema_name=schema, table_name=table),
                    tag_set=(Tag(key=draw(names), value="${table-name}"),),
                )
            )
    return TableMappings(tuple(draw(st.permutations(rules))))


# --------------------------------------------------------------------------- task settings


def _field_strategy(hint: Any) -> st.SearchStrategy[Any]:
    args = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
    tp = args[0]
    if typing.get_origin(tp) is tuple:
        return st.none() | st.lists(_field_strategy(typing.get_args(tp)[0]), max_size=2).map(tuple)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return st.integers(1, 49)
    if tp is str:
        return names
    if tp is ErrorAction:
        return st.just(ErrorAction.STOP_TASK)
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        return st.sampled_from(tp)
    return model(tp)


def model(cls: type) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):
        strategy = _field_strategy(hints[f.name])
        required = f.default is dataclasses.MISSING
        kwargs[f.name] = strategy if required else st.none() | strategy
    return st.builds(cls, **kwargs)


def task_settings() -> st.SearchStrategy[TaskSettings]:
    fields = {}
    hints = typing.get_type_hints(TaskSettings)
    for f in dataclasses.fields(TaskSettings):
        fields[f.name] = st.none() | _field_strategy(hints[f.name])
    return st.fixed_dictionaries(fields).map(_unchecked)


def _unchecked(values: dict[str, Any]) -> TaskSettings:
    # Build with the invariants repaired first, so the constructor's checks pass.
    log = values.get("logging")
    if isinstance(log, Logging) and log.enable_log_context is not None:
        ids = {c.id: c for c in (log.log_components or ())}
        values["logging"] = Logging(
            enable_logging=True,
            enable_log_context=log.enable_log_context,
            log_components=tuple(ids.values()) if log.log_components is not None else None,
        )
    elif isinstance(log, Logging) and log.log_components:
        ids = {c.id: c for c in log.log_components}
        values["logging"] = dataclasses.replace(log, log_components=tuple(ids.values()))
    bis = values.get("before_image_settings")
    if bis is not None and bis.enable_before_image and not bis.field_name:
        values["before_image_settings"] = dataclasses.replace(bis, field_name="before")
    return TaskSettings(**values)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)

__all__ = ["JsonObject", "LogComponent", "json_values", "model", "table_mappings", "task_settings"]
