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

import datetime as dt
import decimal
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mappings.design import KeyAttribute, KeyType, TableDesign
from mappings.document import TableMappings
from mappings.dynamodb_limits import ITEM_BYTES, KEY_BYTES, NUMBER_DIGITS, is_number, significant_digits
from mappings.enums import AttributeSubType, AttributeType, ObjectMappingAction, SelectionAction
from mappings.filters import TableFilter
from mappings.rules import ObjectMappingRule, SelectionRule, TableSettingsRule, TransformationRule
from mappings.schema import BLOB_TYPES, CLOB_TYPES, Column, Table
from mappings.task_settings import TaskSettings
from mappings.templates import placeholders
from mappings.wildcards import matches

AttributeValue = dict[str, Any]  # DynamoDB JSON: {"S": "x"}, {"N": "1"}, {"M": {...}}
Item = dict[str, AttributeValue]


@dataclass(frozen=True)
class Assumptions:
    """Choices where DMS's documentation is silent (open-question numbers in brackets)."""

    #: Text of a NULL column inside a ``${}`` template [3].
    null_in_template: str = ""
    #: DATETIME/TIMESTAMP text: "YYYY-MM-DD HH:MM:SS", fraction digits only when non-zero [1].
    datetime_format: str = "%Y-%m-%d %H:%M:%S"
    #: Types outside DMS's DynamoDB type table (BLOB, BINARY, TIME, BIT(n>1), GEOMETRY) are left out of
    #: copied columns [12]; inside templates they are rendered as text (a BIT(1) inside ``${}`` as 1/0).
    drop_unsupported: bool = True


# Settled by the documentation (CHAP_Source.MySQL "Source data types for MySQL", CHAP_Target.DynamoDB
# "Target data types for DynamoDB"), so facts, not assumptions: BIT(1) -> BOOLEAN -> BOOL;
# TINYINT(1)/BOOLEAN are INT1 -> Number; TIMESTAMP is written in UTC (the readers open their sessions
# with time_zone '+00:00', and the binlog carries TIMESTAMPs as UTC epochs); DATETIME without a
# fraction is written without one; NULL columns are left out.


DEFAULTS = Assumptions()
_UNSUPPORTED = BLOB_TYPES | {
    "binary",
    "varbinary",
    "geometry",
    "point",
    "linestring",
    "polygon",
    "time",
}


@dataclass(frozen=True)
class Rejection:
    """A row DMS would not write, shaped like a row of DMS's ``awsdms_apply_exceptions`` table."""

    table_owner: str
    table_name: str
    reason: str
    error: str
    statement: str

    def as_exception_row(self, task_name: str, when: dt.datetime) -> dict[str, str]:
        return {
            "TASK_NAME": task_name,
            "TABLE_OWNER": self.table_owner,
            "TABLE_NAME": self.table_name,
            "ERROR_TIME": when.strftime("%Y-%m-%d %H:%M:%S"),
            "STATEMENT": self.statement,
            "ERROR": self.error,
        }


# --------------------------------------------------------------------------------- values


def normalize(value: Any, column: Column | None = None) -> Any:
    """One form for a value read by SELECT (PyMySQL) or decoded from the binlog (mysql-replication).

    SET: SELECT gives 'a,b', the binlog a Python set; BIT: SELECT gives bytes, the binlog '101'.
    """
    if isinstance(value, (set, frozenset)):
        order = list(column.values) if column is not None and column.values else sorted(value)
        return ",".join(v for v in order if v in value)
    if column is not None and column.data_type == "bit":
        if isinstance(value, str):
            return int(value, 2)
        if isinstance(value, (bytes, bytearray)):
            return int.from_bytes(value, "big")
    if column is not None and column.data_type == "set" and value is None:
        return None
    return value


def _number_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


def text(value: Any, assumptions: Assumptions = DEFAULTS) -> str:
    """A value as DMS writes it inside a ``${}`` template (and as S attributes)."""
    if value is None:
        return assumptions.null_in_template
    if isinstance(value, dt.datetime):
        rendered = value.strftime(assumptions.datetime_format)
        return f"{rendered}.{value.microsecond:06d}" if value.microsecond else rendered
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, (int, float, decimal.Decimal)):
        return _number_text(value)
    return str(value)


def attribute(value: Any, column: Column | None, assumptions: Assumptions = DEFAULTS) -> AttributeValue | None:
    """The DynamoDB attribute DMS writes for a copied column, or None when it writes none."""
    if value is None:
        return None
    kind = column.data_type if column is not None else ""
    if kind in _UNSUPPORTED and assumptions.drop_unsupported:
        return None
    if kind == "bit" and column is not None:
        if (column.length or 1) == 1:
            return {"BOOL": bool(value)}
        if assumptions.drop_unsupported:
            return None
    if (
        isinstance(value, bool)
        or (column is not None and column.is_numeric)
        or isinstance(value, (int, float, decimal.Decimal))
    ):
        return {"N": _number_text(value)}
    return {"S": text(value, assumptions)}


def render(template: str, row: Mapping[str, Any], assumptions: Assumptions = DEFAULTS) -> str:
    """Substitute ``${column}`` (column names match case-insensitively, as MySQL's do)."""
    lowered = {k.lower(): v for k, v in row.items()}
    out = template
    for name in placeholders(template):
        out = out.replace("${" + name + "}", text(lowered.get(name.lower()), assumptions))
    return out


def _document(node: Any, row: Mapping[str, Any], assumptions: Assumptions) -> Any:
    if isinstance(node, str):
        return render(node, row, assumptions)
    if isinstance(node, Mapping):
        return {k: _document(v, row, assumptions) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_document(v, row, assumptions) for v in node]
    return node


# --------------------------------------------------------------------------------- size


def _number_size(text_value: str) -> int:
    digits = text_value.lstrip("-").replace(".", "").lstrip("0") or "0"
    return (len(digits.rstrip("0") or "0") + 1) // 2 + 1


def value_size(value: AttributeValue) -> int:
    """Bytes of one attribute value, by DynamoDB's item-size rules."""
    ((kind, content),) = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        return _number_size(content)
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(v) + 1 for k, v in content.items())
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in content)
    return sum(len(str(v).encode()) for v in content)  # SS, NS, BS


def item_size(item: Item) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


# --------------------------------------------------------------------------------- LOBs


@dataclass(frozen=True)
class LobPolicy:
    """The task's LOB settings (TargetMetadata; CHAP_Tasks.CustomizingTasks.TaskSettings.TargetMetadata).

    DMS defaults: ``SupportLobs`` true, limited-size LOB mode with ``LobMaxSize`` 32 (KB). In
    limited-size mode DMS truncates a LOB to ``LobMaxSize``; without LOB support it leaves LOB
    columns out. Assumption: the truncation keeps whole UTF-8 characters (DMS does not say).
    """

    support_lobs: bool = True
    full_lob_mode: bool = False
    max_size_kb: int = 32

    @classmethod
    def from_settings(cls, settings: TaskSettings) -> LobPolicy:
        target = settings.target_metadata
        if target is None:
            return cls()
        full = bool(target.full_lob_mode) and not target.limited_size_lob_mode
        return cls(
            support_lobs=target.support_lobs is not False,
            full_lob_mode=full,
            max_size_kb=target.lob_max_size if target.lob_max_size is not None else 32,
        )

    @property
    def max_bytes(self) -> int | None:
        return None if self.full_lob_mode else self.max_size_kb * 1024


@dataclass(frozen=True)
class Truncation:
    """A LOB value DMS would truncate in limited-size LOB mode."""

    table: str
    key: tuple[str, ...]
    column: str
    original_bytes: int
    kept_bytes: int

    def render(self) -> str:
        return (
            f"{self.table} {'|'.join(self.key)} column {self.column}: {self.original_bytes} bytes truncated "
            f"to {self.kept_bytes} (LobMaxSize)"
        )


def _truncate(value: str, limit: int) -> str:
    return value.encode()[:limit].decode("utf-8", "ignore")


# --------------------------------------------------------------------------------- items


@dataclass
class ItemBuilder:
    """Builds the items DMS would write for one task's mappings, into any of the tables they name."""

    mappings: TableMappings
    #: The target tables the stack defines, by name (key names and types, index keys). A table an
    #: object mapping names that is not here is the one DMS creates from the mapping's key names.
    targets: Mapping[str, TableDesign] = field(default_factory=dict)
    tables: Mapping[str, Table] = field(default_factory=dict)
    assumptions: Assumptions = DEFAULTS
    lobs: LobPolicy = field(default_factory=LobPolicy)
    #: LOB values truncated so far (``build`` appends; the load reports them).
    truncations: list[Truncation] = field(default_factory=list)
    _rules: dict[tuple[str, str], ObjectMappingRule | None] = field(default_factory=dict, init=False)
    _filters: dict[tuple[str, str], TableFilter] = field(default_factory=dict, init=False)
    _derived: dict[str, TableDesign] = field(default_factory=dict, init=False)

    def rule_for(self, schema: str, table: str) -> ObjectMappingRule | None:
        """The object-mapping rule DMS applies to a selected table (None: not selected or not mapped)."""
        key = (schema, table)
        if key not in self._rules:
            self._rules[key] = self._find_rule(schema, table)
        return self._rules[key]

    def selected_by(self, schema: str, table: str) -> list[SelectionRule] | None:
        """The selection rules that include the table, or None when it is not selected (or excluded)."""
        hits = []
        for rule in self.mappings.rules:
            if isinstance(rule, SelectionRule):
                loc = rule.object_locator
                hit = matches(loc.schema_name or "", schema) and (
                    loc.table_name == table
                    if rule.rule_action is SelectionAction.EXPLICIT
                    else matches(loc.table_name or "", table)
                )
                if hit and rule.rule_action is SelectionAction.EXCLUDE:
                    return None
                if hit:
                    hits.append(rule)
        return hits or None

    def _find_rule(self, schema: str, table: str) -> ObjectMappingRule | None:
        if self.selected_by(schema, table) is None:
            return None
        for rule in self.mappings.rules:
            if isinstance(rule, ObjectMappingRule):
                loc = rule.object_locator
                if matches(loc.schema_name or "", schema) and matches(loc.table_name or "", table):
                    return rule
        return None

    def filter_for(self, schema: str, table: str) -> TableFilter:
        """The source filters of every selection rule that includes the table (all AND-ed).

        Assumption: filters of several include rules matching one table are AND-ed, like the
        filters of one rule (DMS documents filters on tables with exact names only).
        """
        key = (schema, table)
        if key not in self._filters:
            rules = self.selected_by(schema, table) or []
            found = tuple(f for r in rules for f in (r.filters or ()))
            self._filters[key] = TableFilter(self.tables.get(table), found)
        return self._filters[key]

    def mapped_tables(self, schema: str, tables: Iterable[str]) -> list[str]:
        return [t for t in tables if self.rule_for(schema, t) is not None]

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

    def target(self, rule: ObjectMappingRule, table: str) -> TableDesign:
        """The target table's design: the stack's, or the one DMS would create from the mapping's keys.

        Assumption for a table the stack does not define: its key attributes are strings, except a
        key the mapping copies from a numeric column (no attribute mapping), which is a number.
        """
        name = self.target_name(rule, table)
        if name in self.targets:
            return self.targets[name]
        if name not in self._derived:  # called for every row: make the design once
            self._derived[name] = self._derived_target(name, rule, table)
        return self._derived[name]

    def _derived_target(self, name: str, rule: ObjectMappingRule, table: str) -> TableDesign:
        source = self.tables.get(table)
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
        rule = self.rule_for(schema, table)
        if rule is None:
            raise ValueError(f"table {schema}.{table} is not mapped by these table mappings")
        source = self.tables.get(table)
        columns = {c.name.lower(): c for c in source.columns} if source else {}
        values = {name: normalize(value, columns.get(name.lower())) for name, value in row.items()}
        excluded = {c.lower() for c in rule.exclude_columns}
        copied: Item = {}
        long_values: list[tuple[str, int]] = []
        for name, value in values.items():
            column = columns.get(name.lower())
            if name.lower() in excluded:
                continue
            if column is not None and column.data_type in CLOB_TYPES and value is not None:
                if not self.lobs.support_lobs:
                    continue
                limit = self.lobs.max_bytes
                size = len(str(value).encode())
                if limit is not None and size > limit:
                    value = _truncate(str(value), limit)
                    long_values.append((name, size))
            converted = attribute(value, column, self.assumptions)
            if converted is not None:
                copied[name] = converted
        item: Item = (
            {"_doc": {"M": copied}} if rule.rule_action is ObjectMappingAction.MAP_RECORD_TO_DOCUMENT else copied
        )
        for mapping in rule.attribute_mappings:
            if mapping.attribute_type is AttributeType.SCALAR and isinstance(mapping.value, str):
                item[mapping.target_attribute_name] = {"S": render(mapping.value, values, self.assumptions)}
            elif mapping.attribute_sub_type in (AttributeSubType.DYNAMODB_MAP, AttributeSubType.DYNAMODB_LIST):
                item[mapping.target_attribute_name] = _document(mapping.value, values, self.assumptions)
        built = self._check(schema, table, rule, item, values)
        if not isinstance(built, Rejection):
            key = item_key(built, self.key_names(rule))
            limit = self.lobs.max_bytes or 0
            self.truncations += [Truncation(table, key, name, size, limit) for name, size in long_values]
        return built

    def _check(
        self, schema: str, table: str, rule: ObjectMappingRule, item: Item, row: Mapping[str, Any]
    ) -> Item | Rejection:
        def reject(reason: str, error: str) -> Rejection:
            statement = f"INSERT INTO {schema}.{table} " + json.dumps({k: text(v) for k, v in row.items()})[:1000]
            return Rejection(schema, table, reason, error, statement)

        target = self.target(rule, table)
        limits = KEY_BYTES
        for key, limit in zip(self.key_names(rule), limits, strict=False):
            value = item.get(key)
            content = next(iter(value.values())) if value else ""
            if content in ("", None):
                return reject(
                    "missing-key",
                    f"One or more parameter values were invalid: Missing the key {key} in "
                    "the item (or its value is empty)",
                )
            if len(str(content).encode()) > limit:
                return reject(
                    "key-too-long",
                    f"One or more parameter values were invalid: Size of key {key} exceeds {limit} bytes",
                )
        key_types = {k.name: k.type for k in target.key_attributes}
        for key in key_types.keys() & item.keys():
            kind = next(iter(item[key]))
            if kind != key_types[key].value:
                return reject(
                    "key-type-mismatch",
                    f"One or more parameter values were invalid: Type mismatch for key {key} expected: "
                    f"{key_types[key].value} actual: {kind}",
                )
        for index in target.indexes:
            for key, limit in zip((k.name for k in index.keys), limits, strict=False):
                value = item.get(key)
                if value is not None and len(str(next(iter(value.values()))).encode()) > limit:
                    return reject(
                        "index-key-too-long",
                        f"One or more parameter values were invalid: Size of key {key} exceeds {limit} bytes "
                        f"(index {index.name})",
                    )
        for key in target.index_key_names & item.keys():
            if item[key] == {"S": ""}:
                return reject(
                    "empty-index-key",
                    f"One or more parameter values are not valid. The AttributeValue for a "
                    f"key attribute cannot contain an empty string value. IndexName key: {key}",
                )
        for name, value in item.items():
            if "N" in value and not is_number(value["N"]):
                return reject(
                    "not-a-number", f"The parameter cannot be converted to a numeric value: {name} = {value['N']!r}"
                )
            if "N" in value and significant_digits(value["N"]) > NUMBER_DIGITS:
                return reject(
                    "number-too-precise", f"Attempting to store more than 38 significant digits in a Number ({name})"
                )
        size = item_size(item)
        if size > ITEM_BYTES:
            return reject("item-too-large", f"Item size has exceeded the maximum allowed size ({size} bytes)")
        return item


def item_key(item: Item, key_names: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(next(iter(item[k].values()))) for k in key_names if k in item)


def normalized(value: AttributeValue) -> AttributeValue:
    """An attribute value as DynamoDB returns it: numbers by value (``2.50`` reads back as ``2.5``)."""
    if len(value) == 1:
        ((kind, content),) = value.items()
        if kind == "N":
            number = decimal.Decimal(content)
            return {"N": str(number.normalize()) if number else "0"}
        if kind == "M":
            return {"M": {k: normalized(v) for k, v in content.items()}}
        if kind == "L":
            return {"L": [normalized(v) for v in content]}
    return value


def canonical(item: Item) -> str:
    """A text form for comparing items: numbers by value, maps by key."""
    return json.dumps({k: normalized(v) for k, v in item.items()}, sort_keys=True, separators=(",", ":"))
