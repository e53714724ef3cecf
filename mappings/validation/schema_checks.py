"""Checks of table mappings against the real source schema: what DMS does not report.

Two mistakes cost DMS users the most and DMS reports neither: keys that do not cover the source
primary key (items silently overwrite each other: the migration "succeeds" with rows missing),
and mappings that drift from the table's key schema. Each finding names the rule, the table, the
column and gives a concrete example of the failure.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mappings.design import KeyType, TableDesign
from mappings.design.keyspace import ANY, DIGITS, SIGNED_DIGITS, Segment, literal_prefix, segments, shared_value
from mappings.document import TableMappings
from mappings.document.enums import AttributeSubType, AttributeType, ObjectMappingAction, SelectionAction
from mappings.document.rules import ObjectMappingRule, SelectionRule
from mappings.document.templates import placeholders, string_leaves
from mappings.document.wildcards import matches
from mappings.dynamodb_limits import ITEM_BYTES, PARTITION_KEY_BYTES, SORT_KEY_BYTES
from mappings.errors import Issue, Severity
from mappings.resolver import NearMissKind, Resolution, resolve
from mappings.schema import BLOB_TYPES, CLOB_TYPES, Column, SourceSchema, Table

#: One design for every mapping, or the designs of several target tables by table name (a stack's).
Designs = TableDesign | Mapping[str, TableDesign] | None


@dataclass(frozen=True, slots=True)
class _Mapped:
    """An object-mapping rule with what the checks derive from it."""

    index: int
    rule: ObjectMappingRule
    table: Table
    keys: dict[str, str]  # key attribute name -> template (a copied key column becomes "${column}")
    task: int | None = None  # which task document, when several are checked together

    def issue(self, severity: Severity, code: str, suffix: str, message: str) -> Issue:
        prefix = "" if self.task is None else f"tasks[{self.task}]."
        return Issue(
            severity,
            code,
            f"{prefix}$.rules[{self.index}]{suffix}",
            message,
            None if self.rule.rule_id is None else str(self.rule.rule_id),
            self.rule.rule_name,
        )


def check_against_schema(
    mappings: TableMappings, schema: SourceSchema, *, design: Designs = None, lob_max_bytes: int | None = None
) -> list[Issue]:
    """Every finding for ``mappings`` on ``schema``; ``design`` supplies key types and GSI keys.

    ``lob_max_bytes``: the task's limited-size LOB mode cap (``LobMaxSize``), which bounds CLOB
    columns in the item-size estimate. Default: - no cap (full LOB mode, the worst case).
    """
    issues, mapped = _check_one(mappings, schema, design, lob_max_bytes, False)
    return issues + _collisions(mapped)


def check_tasks_against_schema(
    documents: Sequence[TableMappings],
    schema: SourceSchema,
    *,
    design: Designs = None,
    lob_max_bytes: Sequence[int | None] | None = None,
    migrated_only: bool = False,
) -> list[Issue]:
    """Check the mappings of several tasks (DMS takes 2 MB per task) that may share target tables.

    Key collisions are searched across all tasks: two tasks writing one table can overwrite each
    other just as two rules of one task can. Paths are prefixed with ``tasks[i]``.
    ``migrated_only``: object mappings are checked on the tables a task migrates only (selected, not
    excluded), as the gate before a load needs; by default on every table their locators match.
    """
    issues: list[Issue] = []
    all_mapped: list[_Mapped] = []
    for position, document in enumerate(documents):
        cap = lob_max_bytes[position] if lob_max_bytes else None
        found, mapped = _check_one(document, schema, design, cap, migrated_only)
        issues += [dataclasses.replace(i, path=f"tasks[{position}].{i.path}") for i in found]
        all_mapped += [dataclasses.replace(m, task=position) for m in mapped]
    return issues + _collisions(all_mapped)


def _design_for(item: _Mapped, design: Designs) -> TableDesign | None:
    """The design of the table the rule writes (one design, or the stack's tables by name)."""
    if design is None or isinstance(design, TableDesign):
        return design
    return design.get(item.rule.target_table_name or item.table.name)


def _check_one(
    mappings: TableMappings, schema: SourceSchema, design: Designs, lob_max_bytes: int | None, migrated_only: bool
) -> tuple[list[Issue], list[_Mapped]]:
    resolution = resolve(mappings.rules, [schema])
    issues = list(_locator_issues(mappings, schema, resolution))
    mapped = list(_mapped(mappings, resolution))
    if migrated_only:  # the gate before a load: a table the task excludes cannot stop it
        mapped = [m for m in mapped if (r := resolution.get(schema.name, m.table.name)) is not None and r.included]
    for item in mapped:
        issues += _placeholders(item)
        issues += _coverage(item)
        issues += _nullable_keys(item, _design_for(item, design))
        issues += _key_types(item, _design_for(item, design))
        issues += _sizes(item, lob_max_bytes)
    if any(isinstance(r, ObjectMappingRule) for r in mappings.rules):
        for unmapped in resolution.unmapped:
            name = unmapped.table.name
            issues.append(
                Issue(
                    Severity.WARNING,
                    "selected-not-mapped",
                    "$.rules",
                    f"table {name!r} is selected but has no object-mapping rule; DMS then migrates it to a DynamoDB "
                    f"table named {name!r} that it creates itself (needs dynamodb:CreateTable; an assumption, see the "
                    f"README's Assumptions). Exclude it or map it",
                )
            )
    return issues, mapped


# ------------------------------------------------------------------------------- selection


def _locator_issues(mappings: TableMappings, schema: SourceSchema, resolution: Resolution) -> Iterable[Issue]:
    """The resolver's near misses, and patterns whose ``_`` matches more than the author wrote.

    Rules for another schema are not this schema's business (a task may name several).
    """
    for miss in resolution.near_misses:
        at = miss.rule
        if schema.name and not matches(at.locator.schema_name or "", schema.name, ignore_case=True):
            continue
        rid = None if at.rule.rule_id is None else str(at.rule.rule_id)
        path = f"{at.path}.object-locator.table-name"
        pattern = at.locator.table_name or ""
        if miss.kind is NearMissKind.CASE_MISMATCH:
            yield Issue(Severity.WARNING, miss.kind.value, path, miss.message, rid, at.rule.rule_name)
        elif isinstance(at.rule, ObjectMappingRule):
            close = difflib.get_close_matches(pattern, list(schema.tables), n=3)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            yield Issue(
                Severity.ERROR,
                "unknown-table",
                path,
                f"schema {schema.name!r} has no table {pattern!r}{hint}",
                rid,
                at.rule.rule_name,
            )
        else:
            yield Issue(
                Severity.WARNING,
                "selects-nothing",
                path,
                f"no table of schema {schema.name or '(any)'!r} matches {pattern!r}; DMS reports 'No tables were found "
                "at task initialization'",
                rid,
                at.rule.rule_name,
            )
    for index, rule in enumerate(mappings.rules):
        if not isinstance(rule, SelectionRule) or rule.rule_action is SelectionAction.EXPLICIT:
            continue
        pattern = rule.object_locator.table_name or ""
        if "%" in pattern or "[" in pattern or "_" not in pattern:
            continue
        extra = sorted(r.table.name for r in resolution.matched_by(index) if r.table.name != pattern)
        if extra:
            escaped = pattern.replace("_", "[_]")
            yield Issue(
                Severity.WARNING,
                "underscore-wildcard",
                f"$.rules[{index}].object-locator.table-name",
                f"{pattern!r} is a pattern: '_' matches any one character, so this rule also "
                f"{rule.rule_action.value}s {', '.join(map(repr, extra))}; write {escaped!r} to match only "
                f"{pattern!r}",
                None if rule.rule_id is None else str(rule.rule_id),
                rule.rule_name,
            )


def _mapped(mappings: TableMappings, resolution: Resolution) -> Iterable[_Mapped]:
    """Each object-mapping rule with each table its locator matches (selected or not: both are checked)."""
    for index, rule in enumerate(mappings.rules):
        if not isinstance(rule, ObjectMappingRule):
            continue
        for found in resolution.matched_by(index):
            if not any(at.index == index for at in found.mappings):
                continue
            yield _Mapped(index, rule, found.table, _key_templates(rule, found.table))


def _key_templates(rule: ObjectMappingRule, table: Table) -> dict[str, str]:
    """Key attribute name -> template; a copied key column becomes ``${column}``."""
    keys: dict[str, str] = {}
    params = rule.mapping_parameters
    templates = {a.target_attribute_name: a.value for a in rule.attribute_mappings if isinstance(a.value, str)}
    for key_name in (params.partition_key_name, params.sort_key_name) if params else ():
        if key_name is None:
            continue
        if key_name in templates:
            keys[key_name] = templates[key_name]
        elif rule.rule_action is ObjectMappingAction.MAP_RECORD_TO_RECORD:
            keys[key_name] = "${" + key_name + "}"  # DMS copies the column of that name
    if params is None or params.partition_key_name is None:
        keys = {column: "${" + column + "}" for column in table.primary_key}  # DMS uses the source key
    return keys


# ------------------------------------------------------------------------------- per rule


def _null_in_index_key(template: str, column: str) -> str:
    """What the rehearsal does with a NULL in a GSI key template: the literal text stays, or the key is empty."""
    literal = template.replace("${" + column + "}", "")
    if literal:
        return f"rows where it is NULL are indexed under {literal!r} (the template's other text)"
    return "rows where it is NULL get an empty index key, which DynamoDB refuses: the row is rejected"


def _placeholders(item: _Mapped) -> list[Issue]:
    issues = []
    for position, mapping in enumerate(item.rule.attribute_mappings):
        texts = [mapping.value] if isinstance(mapping.value, str) else _leaves(mapping.value)
        for text in texts:
            for column in placeholders(text):
                if item.table.column(column) is None:
                    close = difflib.get_close_matches(column, [c.name for c in item.table.columns], n=3)
                    hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
                    issues.append(
                        item.issue(
                            Severity.ERROR,
                            "unknown-column",
                            f".mapping-parameters.attribute-mappings[{position}].value",
                            f"'${{{column}}}' names no column of table {item.table.name!r}{hint}",
                        )
                    )
    for column in item.rule.exclude_columns:
        if item.table.column(column) is None:
            issues.append(
                item.issue(
                    Severity.WARNING,
                    "unknown-excluded-column",
                    ".mapping-parameters.exclude-columns",
                    f"exclude-columns lists {column!r}, which table {item.table.name!r} does not have",
                )
            )
    return issues


def _leaves(value: object) -> list[str]:
    return [text for _, text in string_leaves(value, "")]


def _key_columns(item: _Mapped) -> list[Column]:
    columns = []
    for template in item.keys.values():
        for name in placeholders(template):
            column = item.table.column(name)
            if column is not None and column not in columns:
                columns.append(column)
    return columns


def _coverage(item: _Mapped) -> list[Issue]:
    used = {c.name.lower() for c in _key_columns(item)}
    table = item.table
    candidates = [table.primary_key, *table.unique_keys] if table.primary_key else list(table.unique_keys)
    if not candidates:
        return [
            item.issue(
                Severity.WARNING,
                "no-source-key",
                ".object-locator",
                f"table {table.name!r} has no primary or unique key, so nothing proves its rows get distinct items "
                "(and DMS needs a primary key for CDC)",
            )
        ]
    if any(key and {c.lower() for c in key} <= used for key in candidates):
        return []
    missing = [c for c in table.primary_key or candidates[0] if c.lower() not in used]
    described = ", ".join(f"{name} {template!r}" for name, template in item.keys.items()) or "no key template"
    uses = ", ".join(sorted(used)) or "no column"
    example = _overwrite_example(item, used)
    return [
        item.issue(
            Severity.ERROR,
            "key-overwrites-rows",
            ".mapping-parameters",
            f"items of table {table.name!r} are keyed by {described}, which use only {uses}; rows that share those "
            f"values {example}overwrite one another and DMS reports success with rows missing. Put the primary key "
            f"column(s) {', '.join(missing)} into the key, e.g. a sort key "
            f"'{missing[0].removesuffix('_id').upper()}#${{{missing[0]}}}'",
        )
    ]


def _overwrite_example(item: _Mapped, used: set[str]) -> str:
    if not used:
        return "(every row) "
    shared = ", ".join(f"{c} = 1" for c in sorted(used))
    return f"(e.g. two rows with {shared}) "


def _nullable_keys(item: _Mapped, design: TableDesign | None) -> list[Issue]:
    issues = []
    for column in _key_columns(item):
        if column.nullable:
            issues.append(
                item.issue(
                    Severity.ERROR,
                    "nullable-key-column",
                    ".mapping-parameters",
                    f"key template uses {item.table.name}.{column.name}, which can be NULL; DMS fails every row where it "
                    "is NULL (a key attribute cannot be empty). Use a NOT NULL column",
                )
            )
    gsi_names = (
        design.index_key_names
        if design
        else {
            a.target_attribute_name
            for a in item.rule.attribute_mappings
            if a.target_attribute_name.lower().startswith("gsi")
        }
    )
    for mapping in item.rule.attribute_mappings:
        if mapping.target_attribute_name in gsi_names and isinstance(mapping.value, str):
            for name in placeholders(mapping.value):
                index_column = item.table.column(name)
                if index_column is not None and index_column.nullable:
                    issues.append(
                        item.issue(
                            Severity.WARNING,
                            "nullable-index-key",
                            ".mapping-parameters",
                            f"index key {mapping.target_attribute_name!r} uses {item.table.name}.{index_column.name}, which can be "
                            f"NULL; {_null_in_index_key(mapping.value, index_column.name)} (an assumption: DMS does not "
                            "document a NULL inside ${}; the rehearsal renders it as the empty string)",
                        )
                    )
    return issues


def produced_key_type(rule: ObjectMappingRule, key: str, table: Table | None) -> KeyType | None:
    """The DynamoDB type DMS writes for attribute ``key`` (None: not known without more facts).

    A scalar string attribute mapping (a template) is a string; a column DMS copies under the key's
    name is a number when the column is numeric; without the source ``table`` a copied key is unknown.
    The one key-type rule of the project: the schema checks and the pipeline's mapping fit both use it.
    """
    for mapping in rule.attribute_mappings:
        if mapping.target_attribute_name == key:
            scalar_string = mapping.attribute_type is AttributeType.SCALAR and mapping.attribute_sub_type in (
                None,
                AttributeSubType.STRING,
            )
            return KeyType.STRING if scalar_string else None
    column = table.column(key) if table is not None else None
    if column is None:
        return None
    return KeyType.NUMBER if column.is_numeric else KeyType.STRING


def _key_types(item: _Mapped, design: TableDesign | None) -> list[Issue]:
    if design is None:
        return []
    declared = {k.name: k.type for k in design.key_attributes}
    issues = []
    for key in item.keys:
        expected, produced = declared.get(key), produced_key_type(item.rule, key, item.table)
        if expected is not None and produced is not None and expected is not produced:
            issues.append(
                item.issue(
                    Severity.ERROR,
                    "key-type-mismatch",
                    ".mapping-parameters",
                    f"key {key!r} is declared {expected.name} ({expected.value}) but DMS writes a {produced.name} "
                    f"({produced.value}) for table {item.table.name!r}; DynamoDB rejects every such item",
                )
            )
    return issues


def _max_bytes(template: str, table: Table) -> int:
    total = len(template.encode())
    for name in placeholders(template):
        column = table.column(name)
        total += (column.max_text_bytes if column else 0) - len(name) - 3
    return total


def _sizes(item: _Mapped, lob_max_bytes: int | None) -> list[Issue]:
    issues = []
    params = item.rule.mapping_parameters
    limits = {}
    if params and params.partition_key_name:
        limits[params.partition_key_name] = PARTITION_KEY_BYTES
    if params and params.sort_key_name:
        limits[params.sort_key_name] = SORT_KEY_BYTES
    for key, limit in limits.items():
        template = item.keys.get(key)
        if template is not None and (size := _max_bytes(template, item.table)) > limit:
            issues.append(
                item.issue(
                    Severity.WARNING,
                    "key-too-long",
                    ".mapping-parameters",
                    f"key {key!r} ({template!r}) can reach {size} bytes for table {item.table.name!r} (utf8mb4, longest "
                    f"values); DynamoDB keys take at most {limit} bytes, and DMS fails longer rows",
                )
            )

    # Copied columns count the same whether they are top-level attributes or inside '_doc'. In limited-size
    # LOB mode DMS truncates CLOBs to LobMaxSize; other LOBs it does not write to DynamoDB at all.
    def column_bytes(column: Column) -> int:
        if lob_max_bytes is not None and column.data_type in CLOB_TYPES:
            return min(column.max_text_bytes, lob_max_bytes)
        return 0 if column.data_type in BLOB_TYPES else column.max_text_bytes

    copied = sum(column_bytes(c) + len(c.name) for c in item.table.columns if c.name not in item.rule.exclude_columns)
    mapped = sum(
        _max_bytes(a.value, item.table) + len(a.target_attribute_name)
        for a in item.rule.attribute_mappings
        if isinstance(a.value, str)
    )
    if copied + mapped > ITEM_BYTES:
        big = sorted((c for c in item.table.columns if column_bytes(c) > 10_000), key=lambda c: -column_bytes(c))
        names = ", ".join(f"{c.name} ({c.data_type})" for c in big[:3])
        issues.append(
            item.issue(
                Severity.WARNING,
                "item-too-large",
                ".mapping-parameters",
                f"items of table {item.table.name!r} can exceed DynamoDB's 400 KB limit (up to {copied + mapped} bytes; "
                f"largest columns: {names}); DMS fails those rows. Exclude or limit the large columns",
            )
        )
    return issues


# ------------------------------------------------------------------------------- across rules


def _alphabet(table: Table) -> object:
    def alphabet(name: str) -> frozenset[str]:
        column = table.column(name)
        if column is None or not column.is_integer:
            return ANY
        return DIGITS if column.unsigned else SIGNED_DIGITS

    return alphabet


def _collisions(mapped: Sequence[_Mapped]) -> list[Issue]:
    by_target: dict[str | None, list[tuple[_Mapped, tuple[Segment, ...], tuple[Segment, ...] | None, str]]] = {}
    for item in mapped:
        params = item.rule.mapping_parameters
        pk_name = params.partition_key_name if params else None
        sk_name = params.sort_key_name if params else None
        if pk_name is None or pk_name not in item.keys:
            continue
        alphabet = _alphabet(item.table)
        pk = segments(item.keys[pk_name], alphabet)  # type: ignore[arg-type]
        sk = segments(item.keys[sk_name], alphabet) if sk_name and sk_name in item.keys else None  # type: ignore[arg-type]
        by_target.setdefault(item.rule.target_table_name, []).append((item, pk, sk, literal_prefix(pk)))
    issues = []
    for entries in by_target.values():
        entries.sort(key=lambda e: e[3])
        for i, (a, pk_a, sk_a, prefix_a) in enumerate(entries):
            for b, pk_b, sk_b, prefix_b in entries[i + 1 :]:
                if not prefix_b.startswith(prefix_a):
                    break  # sorted: no later prefix can start with prefix_a either
                pk_value = shared_value(pk_a, pk_b)
                if pk_value is None:
                    continue
                sk_value = "" if sk_a is None or sk_b is None else shared_value(sk_a, sk_b)
                if sk_value is None:
                    continue
                example = f"pk {pk_value!r}" + (f", sk {sk_value!r}" if sk_a is not None else "")
                issues.append(
                    b.issue(
                        Severity.ERROR,
                        "cross-table-overwrite",
                        ".mapping-parameters",
                        f"items of table {b.table.name!r} and of table {a.table.name!r} (rule-id {a.rule.rule_id!r}"
                        f"{'' if a.task is None else f' of tasks[{a.task}]'}) can get "
                        f"the same key, e.g. {example}, and overwrite each other in {b.rule.target_table_name!r}. Give each "
                        "entity its own constant prefix (e.g. 'FILM#', 'ACTOR#')",
                    )
                )
    return issues
