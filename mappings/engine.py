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

from mappings.design import TableDesign
from mappings.document import TableMappings
from mappings.enums import AttributeSubType, AttributeType, ObjectMappingAction, SelectionAction
from mappings.rules import ObjectMappingRule, SelectionRule
from mappings.schema import Column, Table
from mappings.templates import placeholders
from mappings.wildcards import matches

ITEM_LIMIT = 400 * 1024
PARTITION_KEY_LIMIT = 2048
SORT_KEY_LIMIT = 1024
NUMBER_DIGITS = 38

AttributeValue = dict[str, Any]  # DynamoDB JSON: {"S": "x"}, {"N": "1"}, {"M": {...}}
Item = dict[str, AttributeValue]


@dataclass(frozen=True)
class Assumptions:
    """Choices where DMS's documentation is silent (open-question numbers in brackets)."""

    #: Text of a NULL column inside a ``${}`` template [3].
    null_in_template: str = ""
    #: DATETIME/TIMESTAMP text: "YYYY-MM-DD HH:MM:SS", fraction digits only when non-zero [1].
    datetime_format: str = "%Y-%m-%d %H:%M:%S"
    #: MySQL BIT(1), TINYINT(1) and BOOLEAN become numbers, as the type table's INT1 -> N says [11].
    boolean_as_number: bool = True
    #: Types outside DMS's DynamoDB type table (BLOB, BINARY, TIME, BIT(n>1), GEOMETRY) are left out of
    #: copied columns [12]; inside templates they are rendered as text.
    drop_unsupported: bool = True


DEFAULTS = Assumptions()
_UNSUPPORTED = {
    "blob",
    "tinyblob",
    "mediumblob",
    "longblob",
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
    if kind == "bit" and column is not None and (column.length or 1) > 1 and assumptions.drop_unsupported:
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


# --------------------------------------------------------------------------------- items


@dataclass
class ItemBuilder:
    """Builds the items DMS would write for one task's mappings."""

    mappings: TableMappings
    #: The target table's design, for key names and which attributes are index keys.
    design: TableDesign | None = None
    tables: Mapping[str, Table] = field(default_factory=dict)
    assumptions: Assumptions = DEFAULTS
    _rules: dict[tuple[str, str], ObjectMappingRule | None] = field(default_factory=dict, init=False)

    def rule_for(self, schema: str, table: str) -> ObjectMappingRule | None:
        """The object-mapping rule DMS applies to a selected table (None: not selected or not mapped)."""
        key = (schema, table)
        if key not in self._rules:
            self._rules[key] = self._find_rule(schema, table)
        return self._rules[key]

    def _find_rule(self, schema: str, table: str) -> ObjectMappingRule | None:
        selected = False
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
                selected = selected or hit
        if not selected:
            return None
        for rule in self.mappings.rules:
            if isinstance(rule, ObjectMappingRule):
                loc = rule.object_locator
                if matches(loc.schema_name or "", schema) and matches(loc.table_name or "", table):
                    return rule
        return None

    def mapped_tables(self, schema: str, tables: Iterable[str]) -> list[str]:
        return [t for t in tables if self.rule_for(schema, t) is not None]

    def key_names(self, rule: ObjectMappingRule) -> list[str]:
        params = rule.mapping_parameters
        return [n for n in ((params.partition_key_name, params.sort_key_name) if params else ()) if n]

    def build(self, schema: str, table: str, row: Mapping[str, Any]) -> Item | Rejection:
        rule = self.rule_for(schema, table)
        if rule is None:
            raise ValueError(f"table {schema}.{table} is not mapped by these table mappings")
        source = self.tables.get(table)
        columns = {c.name.lower(): c for c in source.columns} if source else {}
        values = {name: normalize(value, columns.get(name.lower())) for name, value in row.items()}
        excluded = {c.lower() for c in rule.exclude_columns}
        copied: Item = {}
        for name, value in values.items():
            if name.lower() in excluded:
                continue
            converted = attribute(value, columns.get(name.lower()), self.assumptions)
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
        return self._check(schema, table, rule, item, values)

    def _check(
        self, schema: str, table: str, rule: ObjectMappingRule, item: Item, row: Mapping[str, Any]
    ) -> Item | Rejection:
        statement = f"INSERT INTO {schema}.{table} " + json.dumps({k: text(v) for k, v in row.items()})[:1000]

        def reject(reason: str, error: str) -> Rejection:
            return Rejection(schema, table, reason, error, statement)

        limits = [PARTITION_KEY_LIMIT, SORT_KEY_LIMIT]
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
        index_keys = self.design.index_key_names if self.design else set()
        for key in index_keys & item.keys():
            if item[key] == {"S": ""}:
                return reject(
                    "empty-index-key",
                    f"One or more parameter values are not valid. The AttributeValue for a "
                    f"key attribute cannot contain an empty string value. IndexName key: {key}",
                )
        for name, value in item.items():
            if "N" in value and not _is_number(value["N"]):
                return reject(
                    "not-a-number", f"The parameter cannot be converted to a numeric value: {name} = {value['N']!r}"
                )
            if "N" in value and len(value["N"].lstrip("-").replace(".", "").strip("0")) > NUMBER_DIGITS:
                return reject(
                    "number-too-precise", f"Attempting to store more than 38 significant digits in a Number ({name})"
                )
        size = item_size(item)
        if size > ITEM_LIMIT:
            return reject("item-too-large", f"Item size has exceeded the maximum allowed size ({size} bytes)")
        return item


def _is_number(content: str) -> bool:
    try:
        return decimal.Decimal(content).is_finite()
    except decimal.InvalidOperation:
        return False


def item_key(item: Item, key_names: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(next(iter(item[k].values()))) for k in key_names if k in item)


def canonical(item: Item) -> str:
    """A text form for comparing items: numbers by value, maps by key."""

    def norm(value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            ((kind, content),) = value.items()
            if kind == "N":
                return {"N": str(decimal.Decimal(content).normalize())}
            if kind == "M":
                return {"M": {k: norm(v) for k, v in sorted(content.items())}}
            if kind == "L":
                return {"L": [norm(v) for v in content]}
        return value

    return json.dumps({k: norm(v) for k, v in sorted(item.items())}, sort_keys=True, separators=(",", ":"))
