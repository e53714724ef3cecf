"""What DMS writes to DynamoDB for a source row: the rehearsal's and ``verify``'s model of DMS.

It follows DMS's documented DynamoDB-target semantics (CHAP_Target.DynamoDB): with
``map-record-to-record`` every column not in ``exclude-columns`` becomes an attribute named after
it, next to the attribute mappings; with ``map-record-to-document`` the columns go into one map
``_doc``; ``${column}`` is plain text substitution; NULL columns are left out ("NULL data from the
source are ignored on the target"). Types follow "Target data types for DynamoDB".

Where the documentation is silent (shared/design/dms-dynamodb-open-questions.md) the choice is an
``Assumptions`` field, visible and changeable, never presented as fact.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any

from mappings.design import KeyAttribute, KeyType, TableDesign
from mappings.document.enums import AttributeSubType, AttributeType, ObjectMappingAction
from mappings.document.rules import ObjectMappingRule, SelectionRule, TableSettingsRule, TransformationRule
from mappings.document.table_mappings import TableMappings
from mappings.document.templates import placeholders
from mappings.dynamodb_limits import (
    ITEM_BYTES,
    KEY_BYTES,
    NUMBER_DIGITS,
    is_number,
    number_problem,
    number_range_error,
    significant_digits,
    utf8_error,
)
from mappings.items.filters import TableFilter
from mappings.items.values import (
    DATE_TYPES,
    DEFAULTS,
    UNSUPPORTED_TYPES,
    Assumptions,
    AttributeValue,
    Item,
    LobPolicy,
    Rejection,
    Truncation,
    attribute,
    document_value,
    item_size,
    normalize,
    number_size,
    number_text,
    render_lowered,
    scalars,
    text,
    truncate,
)
from mappings.resolver import Resolution, resolve
from mappings.schema import CLOB_TYPES, Column, SourceSchema, Table

# --------------------------------------------------------------------------------- items

#: Column types with a rule of their own in :func:`normalize` (dates, BINARY, FLOAT, BIT), in
#: :func:`attribute` (types left out, BIT) or in ``build`` (LOBs); any other column is a Number or text.
_RULED_TYPES = DATE_TYPES | {"binary", "float", "bit"} | UNSUPPORTED_TYPES | CLOB_TYPES


@dataclass
class ItemBuilder:
    """Builds the items DMS would write for one task's mappings, into any of the tables they name."""

    mappings: TableMappings
    #: The target tables the stack defines, by name (key names and types, index keys). A table an
    #: object mapping names that is not here is the one DMS creates from the mapping's key names.
    targets: Mapping[str, TableDesign] = field(default_factory=dict)
    #: The source schemas whose tables the task migrates (columns, keys, types).
    schemas: Sequence[SourceSchema] = ()
    assumptions: Assumptions = DEFAULTS
    lobs: LobPolicy = field(default_factory=LobPolicy)
    #: Whether the source compares table names case-insensitively (``lower_case_table_names``).
    ignore_case: bool = False
    #: LOB values truncated so far (``build`` appends; the load reports them).
    truncations: list[Truncation] = field(default_factory=list)
    resolution: Resolution = field(init=False)
    _filters: dict[tuple[str, str], TableFilter] = field(default_factory=dict, init=False)
    _derived: dict[str, TableDesign] = field(default_factory=dict, init=False)
    _prepared: dict[tuple[str, str], _Prepared] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.resolution = resolve(self.mappings.rules, self.schemas, ignore_case=self.ignore_case)

    def table(self, schema: str, table: str) -> Table | None:
        """The source table ``schema.table`` (None when no schema given has it)."""
        found = self.resolution.get(schema, table)
        return found.table if found is not None else None

    def rule_for(self, schema: str, table: str) -> ObjectMappingRule | None:
        """The object-mapping rule DMS applies to a selected table (None: not selected or not mapped)."""
        found = self.resolution.get(schema, table)
        return found.mapping if found is not None else None

    def selected_by(self, schema: str, table: str) -> list[SelectionRule] | None:
        """The selection rules that include the table, or None when it is not selected (or excluded)."""
        found = self.resolution.get(schema, table)
        if found is None or not found.included:
            return None
        return [at.rule for at in found.selected_by if isinstance(at.rule, SelectionRule)]

    def filter_for(self, schema: str, table: str) -> TableFilter:
        """The source filters of every selection rule that includes the table (all AND-ed).

        Assumption: filters of several include rules matching one table are AND-ed, like the
        filters of one rule (DMS documents filters on tables with exact names only).
        """
        key = (schema, table)
        if key not in self._filters:
            rules = self.selected_by(schema, table) or []
            found = tuple(f for r in rules for f in (r.filters or ()))
            self._filters[key] = TableFilter(self.table(schema, table), found)
        return self._filters[key]

    def base_key_columns(self, schema: str, table: str) -> set[str]:
        """Source columns (lower case) the base-table key templates use: updates to them DMS cannot apply."""
        rule = self.rule_for(schema, table)
        if rule is None:
            return set()
        templates = {m.target_attribute_name: m.value for m in rule.attribute_mappings if isinstance(m.value, str)}
        names = self.key_names(rule)
        return {c.lower() for name in names for c in placeholders(templates.get(name, "${" + name + "}"))}

    def key_names(self, rule: ObjectMappingRule) -> list[str]:
        params = rule.mapping_parameters
        return [n for n in ((params.partition_key_name, params.sort_key_name) if params else ()) if n]

    def target_name(self, rule: ObjectMappingRule, table: str) -> str:
        """DMS writes to ``target-table-name``, or to a table named like the source table."""
        return rule.target_table_name or table

    def target(self, rule: ObjectMappingRule, schema: str, table: str) -> TableDesign:
        """The target table's design: the stack's, or the one DMS would create from the mapping's keys.

        Assumption for a table the stack does not define: its key attributes are strings, except a
        key the mapping copies from a numeric column (no attribute mapping), which is a number.
        """
        name = self.target_name(rule, table)
        if name in self.targets:
            return self.targets[name]
        if name not in self._derived:  # called for every row: make the design once
            self._derived[name] = self._derived_target(name, rule, self.table(schema, table))
        return self._derived[name]

    def _derived_target(self, name: str, rule: ObjectMappingRule, source: Table | None) -> TableDesign:
        templated = {m.target_attribute_name for m in rule.attribute_mappings}

        def key(attribute: str) -> KeyAttribute:
            column = source.column(attribute) if source is not None and attribute not in templated else None
            return KeyAttribute(
                attribute, KeyType.NUMBER if column is not None and column.is_numeric else KeyType.STRING
            )

        names = self.key_names(rule) or ["pk"]
        return TableDesign(
            table_name=name, partition_key=key(names[0]), sort_key=key(names[1]) if len(names) > 1 else None
        )

    def not_modeled(self) -> list[str]:
        """Rules that can change items but are not part of this model, each with why (never a silent guess)."""
        notes = []
        for rule in self.mappings.rules:
            label = f"rule-id {rule.rule_id} ({rule.rule_name})"
            if isinstance(rule, TransformationRule):
                notes.append(
                    f"{label}: transformation {rule.rule_action.value} on {rule.rule_target.value} - DMS does not "
                    "document its effect on DynamoDB targets (open question 18); items are predicted without it"
                )
            elif isinstance(rule, TableSettingsRule) and rule.lob_settings is not None:
                notes.append(f"{label}: per-table lob-settings - items are predicted with the task's LOB settings")
            elif (
                isinstance(rule, ObjectMappingRule)
                and rule.mapping_parameters is not None
                and rule.mapping_parameters.condition_expression is not None
            ):
                notes.append(
                    f"{label}: condition-expression - a conditional write; items are predicted as if it held "
                    "(open question 20)"
                )
        return notes

    def build(self, schema: str, table: str, row: Mapping[str, Any]) -> Item | Rejection:
        found = self._prepared.get((schema, table))
        prepared = found if found is not None else self._prepare(schema, table)
        columns, excluded, assumptions = prepared.columns, prepared.excluded, self.assumptions
        values: dict[str, Any] = {}
        lowered: dict[str, Any] = {}
        copied: Item = {}
        long_values: list[tuple[str, int]] = []
        for name, raw in row.items():
            lower = name.lower()
            if lower in prepared.passed and not isinstance(raw, (set, frozenset)):
                # normalize() and attribute() have no rule for this column's type: the value or its text
                values[name] = lowered[lower] = raw
                if raw is None or lower in excluded:
                    continue
                if lower in prepared.numeric or isinstance(raw, (int, float, decimal.Decimal)):
                    copied[name] = {"N": number_text(raw)}
                else:
                    copied[name] = {"S": raw if type(raw) is str else text(raw, assumptions)}
                continue
            column = columns.get(lower)
            value = values[name] = normalize(raw, column)
            lowered[lower] = value
            if lower in excluded:
                continue
            if column is not None and column.data_type in CLOB_TYPES and value is not None:
                if not self.lobs.support_lobs:
                    continue
                limit = self.lobs.max_bytes
                # A lone surrogate has no UTF-8 bytes to count: not truncated, it is refused (invalid-utf8) below.
                if limit is not None and utf8_error(str(value)) is None:
                    size = len(str(value).encode())
                    if size > limit:
                        value = truncate(str(value), limit)
                        long_values.append((name, size))
            converted = attribute(value, column, assumptions)
            if converted is not None:
                copied[name] = converted
        item: Item = {"_doc": {"M": copied}} if prepared.document else copied
        for target_name, template, names in prepared.templates:
            if names is None:
                item[target_name] = document_value(template, values, assumptions)
            else:
                item[target_name] = {"S": render_lowered(template, names, lowered, assumptions)}
        built = self._checked(schema, table, prepared, item, values)
        if long_values and not isinstance(built, Rejection):
            key = item_key(built, prepared.key_names)
            limit = self.lobs.max_bytes or 0
            self.truncations += [Truncation(table, key, name, size, limit) for name, size in long_values]
        return built

    def prepared(self, schema: str, table: str) -> _Prepared:
        """What :meth:`build` needs of a table (for :class:`~mappings.items.columns.ColumnBuilder`, which builds
        the same items column by column)."""
        found = self._prepared.get((schema, table))
        return found if found is not None else self._prepare(schema, table)

    def _prepare(self, schema: str, table: str) -> _Prepared:
        """What :meth:`build` needs of a table, worked out on its first row (``build`` runs for every row)."""
        rule = self.rule_for(schema, table)
        if rule is None:
            raise ValueError(f"table {schema}.{table} is not mapped by these table mappings")
        source = self.table(schema, table)
        templates: list[tuple[str, Any, tuple[str, ...] | None]] = []
        for mapping in rule.attribute_mappings:
            if mapping.attribute_type is AttributeType.SCALAR and isinstance(mapping.value, str):
                templates.append((mapping.target_attribute_name, mapping.value, placeholders(mapping.value)))
            elif mapping.attribute_sub_type in (AttributeSubType.DYNAMODB_MAP, AttributeSubType.DYNAMODB_LIST):
                templates.append((mapping.target_attribute_name, mapping.value, None))
        target = self.target(rule, schema, table)
        columns = {c.name.lower(): c for c in source.columns} if source else {}
        prepared = _Prepared(
            rule=rule,
            columns=columns,
            excluded=frozenset(c.lower() for c in rule.exclude_columns),
            document=rule.rule_action is ObjectMappingAction.MAP_RECORD_TO_DOCUMENT,
            templates=tuple(templates),
            key_names=tuple(self.key_names(rule)),
            target=target,
            key_types={k.name: k.type for k in target.key_attributes},
            index_keys=tuple((index.name, tuple(k.name for k in index.keys)) for index in target.indexes),
            index_key_names=target.index_key_names,
            passed=frozenset(c.name.lower() for c in columns.values() if c.data_type not in _RULED_TYPES),
            numeric=frozenset(c.name.lower() for c in columns.values() if c.is_numeric),
        )
        self._prepared[(schema, table)] = prepared
        return prepared

    def _checked(
        self, schema: str, table: str, prepared: _Prepared, item: Item, row: Mapping[str, Any]
    ) -> Item | Rejection:
        """:meth:`_check` in one pass over a flat item (scalars only, the common case): the same checks in the
        same order, each value encoded once; anything else (or any problem) goes the general way."""
        numbers: list[tuple[str, str]] = []
        size = 0
        for name, value in item.items():
            if len(value) != 1:
                return self._check(schema, table, prepared.rule, item, row)
            ((kind, content),) = value.items()
            try:
                size += len(name.encode())
                if kind == "S" and isinstance(content, str):
                    size += len(content.encode())
                elif kind == "N" and isinstance(content, str):
                    numbers.append((name, content))
                    size += number_size(content)
                elif kind == "B" and isinstance(content, (bytes, bytearray)):
                    size += len(content)
                elif kind in ("BOOL", "NULL"):
                    size += 1
                else:
                    return self._check(schema, table, prepared.rule, item, row)
            except UnicodeEncodeError:
                return self._check(schema, table, prepared.rule, item, row)
        if _prepared_key_problem(prepared, item) is not None or size > ITEM_BYTES:
            return self._check(schema, table, prepared.rule, item, row)
        if any(number_problem(number) is not None for _, number in numbers):
            return self._check(schema, table, prepared.rule, item, row)
        return item

    def _check(
        self, schema: str, table: str, rule: ObjectMappingRule, item: Item, row: Mapping[str, Any]
    ) -> Item | Rejection:
        """The item, or the rejection DynamoDB would answer it with (its ValidationException, decided here).

        Rules: HowItWorks.NamingRulesDataTypes (UTF-8 strings; numbers of 38 digits, magnitudes 1E-130 to
        9.9999999999999999999999999999999999999E+125), ServiceQuotas (400 KB items, 2048/1024-byte keys),
        API_PutItem (keys present, non-empty, of their attribute-definition type). Strings first: the key
        and size checks count UTF-8 bytes, which a lone surrogate does not have.
        """

        def reject(reason: str, error: str) -> Rejection:
            statement = f"INSERT INTO {schema}.{table} " + json.dumps({k: text(v) for k, v in row.items()})[:1000]
            return Rejection(schema, table, reason, error, statement)

        leaves = list(scalars(item))
        for path, kind, content in leaves:
            why = utf8_error(content) if kind in ("S", "name") and isinstance(content, str) else None
            if why is not None:
                what = f"The attribute name {path!r}" if kind == "name" else f"The string value of {path}"
                return reject("invalid-utf8", f"{what} is not valid UTF-8 ({why}); DynamoDB strings are UTF-8")
        problem = self._key_problem(rule, self.target(rule, schema, table), item)
        if problem is not None:
            return reject(*problem)
        for path, kind, content in leaves:
            if kind != "N":
                continue
            number = str(content)
            if not is_number(number):
                return reject(
                    "not-a-number", f"The parameter cannot be converted to a numeric value: {path} = {number!r}"
                )
            if significant_digits(number) > NUMBER_DIGITS:
                return reject(
                    "number-too-precise", f"Attempting to store more than 38 significant digits in a Number ({path})"
                )
            out_of_range = number_range_error(number)
            if out_of_range is not None:
                return reject("number-out-of-range", f"{out_of_range} ({path} = {number})")
        size = item_size(item)
        if size > ITEM_BYTES:
            return reject("item-too-large", f"Item size has exceeded the maximum allowed size ({size} bytes)")
        return item

    def _key_problem(self, rule: ObjectMappingRule, target: TableDesign, item: Item) -> tuple[str, str] | None:
        """(reason, DynamoDB's message) for a base-table or index key DynamoDB refuses, or None."""
        return _key_problem(
            tuple(self.key_names(rule)),
            {k.name: k.type for k in target.key_attributes},
            tuple((index.name, tuple(k.name for k in index.keys)) for index in target.indexes),
            target.index_key_names,
            item,
        )


@dataclass(frozen=True)
class _Prepared:
    """One table's rule, columns and target, as :meth:`ItemBuilder.build` uses them for each of its rows."""

    rule: ObjectMappingRule
    columns: dict[str, Column]  # by lower-case name
    excluded: frozenset[str]  # lower-case names
    document: bool  # map-record-to-document: the columns go into ``_doc``
    #: Attribute mappings in order: (attribute, template, its placeholders) or, for a map or list, placeholders None.
    templates: tuple[tuple[str, Any, tuple[str, ...] | None], ...]
    key_names: tuple[str, ...]
    target: TableDesign
    key_types: dict[str, KeyType]
    index_keys: tuple[tuple[str, tuple[str, ...]], ...]  # (index name, its key names)
    index_key_names: Set[str]
    #: Columns (lower case) whose type neither :func:`normalize` nor :func:`attribute` has a rule for.
    passed: frozenset[str]
    numeric: frozenset[str]  # columns (lower case) of a numeric type


def _prepared_key_problem(prepared: _Prepared, item: Item) -> tuple[str, str] | None:
    return _key_problem(prepared.key_names, prepared.key_types, prepared.index_keys, prepared.index_key_names, item)


def _key_problem(
    key_names: tuple[str, ...],
    key_types: dict[str, KeyType],
    index_keys: tuple[tuple[str, tuple[str, ...]], ...],
    index_key_names: Set[str],
    item: Item,
) -> tuple[str, str] | None:
    """(reason, DynamoDB's message) for a base-table or index key DynamoDB refuses, or None."""
    for key, limit in zip(key_names, KEY_BYTES, strict=False):
        value = item.get(key)
        content = next(iter(value.values())) if value else None
        if content is None:
            return "missing-key", f"One or more parameter values were invalid: Missing the key {key} in the item"
        if content in ("", b""):
            return (
                "missing-key",
                "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                f"contain an empty string value. Key: {key}",
            )
        if value is not None and _key_bytes(value) > limit:
            return (
                "key-too-long",
                f"One or more parameter values were invalid: Size of key {key} exceeds {limit} bytes",
            )
    for key in key_types.keys() & item.keys():
        kind = next(iter(item[key]))
        if kind != key_types[key].value:
            return (
                "key-type-mismatch",
                f"One or more parameter values were invalid: Type mismatch for key {key} expected: "
                f"{key_types[key].value} actual: {kind}",
            )
    for index_name, names in index_keys:
        for key, limit in zip(names, KEY_BYTES, strict=False):
            value = item.get(key)
            if value is not None and _key_bytes(value) > limit:
                return (
                    "index-key-too-long",
                    f"One or more parameter values were invalid: Size of key {key} exceeds {limit} bytes "
                    f"(index {index_name})",
                )
    for key in index_key_names & item.keys():
        if item[key] in ({"S": ""}, {"B": b""}):
            return (
                "empty-index-key",
                "One or more parameter values are not valid. The AttributeValue for a "
                f"key attribute cannot contain an empty string value. IndexName key: {key}",
            )
    return None


def _key_bytes(value: AttributeValue) -> int:
    """A key value's size as the key limits count it: UTF-8 bytes of a string, bytes of a binary."""
    ((kind, content),) = value.items()
    if kind == "S":
        return len(str(content).encode())
    if kind == "B" and isinstance(content, (bytes, bytearray)):
        return len(content)
    return len(str(content).encode())


def item_key(item: Item, key_names: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(next(iter(item[k].values()))) for k in key_names if k in item)
