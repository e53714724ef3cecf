"""Meaning checks of a parsed table-mapping document: everything DMS would reject (errors)
and what it would accept but probably not do what the author meant (warnings).

Each check is a small function over the rules that yields :class:`Issue`s, named after what it
checks. Sources: the DMS user guide pages cited in ``docs/`` and the design notes in
``shared/design/dms-table-mapping-spec.md`` (section numbers in comments).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from mappings._wire import JsonObject
from mappings.dynamodb_limits import is_number
from mappings.enums import (
    AttributeSubType,
    AttributeType,
    ObjectMappingAction,
    ParallelLoadType,
    RuleTarget,
    SelectionAction,
    TargetEngine,
    TransformationAction,
)
from mappings.errors import Issue, Severity
from mappings.expressions import expression_problem
from mappings.rules import (
    AttributeMapping,
    ObjectLocator,
    ObjectMappingRule,
    PostProcessingRule,
    Rule,
    SelectionRule,
    TableSettingsRule,
    TransformationRule,
)
from mappings.templates import string_leaves, template_problems
from mappings.wildcards import has_wildcard, matches

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # "AWS DMS can only process table mapping JSON files up to 2 MB"


@dataclass(frozen=True, slots=True)
class _Located:
    """A rule with its index, for paths and messages."""

    index: int
    rule: Rule

    @property
    def path(self) -> str:
        return f"$.rules[{self.index}]"

    def issue(self, severity: Severity, code: str, suffix: str, message: str) -> Issue:
        rule_id = None if self.rule.rule_id is None else str(self.rule.rule_id)
        return Issue(severity, code, self.path + suffix, message, rule_id, self.rule.rule_name)

    def error(self, code: str, suffix: str, message: str) -> Issue:
        return self.issue(Severity.ERROR, code, suffix, message)

    def warning(self, code: str, suffix: str, message: str) -> Issue:
        return self.issue(Severity.WARNING, code, suffix, message)


@dataclass(frozen=True, slots=True)
class _Entry:
    """A rule known only by position, id and name (it may not have parsed)."""

    index: int
    rule_id: object
    rule_name: object

    def _issue(self, severity: Severity, code: str, suffix: str, message: str) -> Issue:
        rule_id = str(self.rule_id) if isinstance(self.rule_id, (str, int)) else None
        name = self.rule_name if isinstance(self.rule_name, str) else None
        return Issue(severity, code, f"$.rules[{self.index}]{suffix}", message, rule_id, name)

    def error(self, code: str, suffix: str, message: str) -> Issue:
        return self._issue(Severity.ERROR, code, suffix, message)

    def warning(self, code: str, suffix: str, message: str) -> Issue:
        return self._issue(Severity.WARNING, code, suffix, message)


Check = Callable[[Sequence[_Located], TargetEngine | None], Iterable[Issue]]


def check_rules(
    rules: Sequence[Rule],
    target: TargetEngine | None = None,
    *,
    indexes: Sequence[int] | None = None,
    complete: bool = True,
    document_size: int | None = None,
) -> list[Issue]:
    """Run every check over ``rules``; ``target`` adds the checks of one target engine.

    ``indexes`` are the rules' positions in the document when some rules failed to parse
    (``complete=False``); checks that need the whole document are then skipped, so a rule that
    did not parse is not reported a second time as, say, a missing selection.
    """
    located = _locate(rules, indexes)
    issues: list[Issue] = []
    if complete:
        issues.extend(_document_level(located, document_size))
    for check in _CHECKS if complete else _PER_RULE_CHECKS:
        issues.extend(check(located, target))
    issues.extend(check_target(rules, target, indexes=indexes))
    return issues


def check_target(
    rules: Sequence[Rule], target: TargetEngine | None, *, indexes: Sequence[int] | None = None
) -> list[Issue]:
    """Only the checks that depend on the target engine (the others do not change with it)."""
    if target is None:
        return []
    located = _locate(rules, indexes)
    return [issue for check in _TARGET_CHECKS for issue in check(located, target)]


def _locate(rules: Sequence[Rule], indexes: Sequence[int] | None) -> list[_Located]:
    positions = indexes if indexes is not None else range(len(rules))
    return [_Located(i, r) for i, r in zip(positions, rules, strict=True)]


def document_size(rules: Sequence[Rule]) -> int:
    """Bytes of the compact JSON document, as DMS measures its 2 MB limit."""
    return len(json.dumps({"rules": [r.to_dict() for r in rules]}, separators=(",", ":")).encode())


def infer_target(rules: Sequence[Rule]) -> TargetEngine | None:
    """Guess the target engine from target-specific features, or None when nothing tells."""
    object_mappings = [r for r in rules if isinstance(r, ObjectMappingRule)]
    if any(isinstance(r, PostProcessingRule) for r in rules):
        return TargetEngine.S3
    if any(r.kafka_target_topic for r in object_mappings):
        return TargetEngine.KAFKA
    for rule in object_mappings:
        params = rule.mapping_parameters
        if rule.partition_key or (params and (params.partition_key_type or params.partition_key)):
            return TargetEngine.KINESIS
        if any(a.attribute_sub_type is AttributeSubType.JSON for a in rule.attribute_mappings):
            return TargetEngine.KINESIS
    for rule in object_mappings:
        params = rule.mapping_parameters
        if rule.target_table_name or (params and (params.partition_key_name or params.sort_key_name)):
            return TargetEngine.DYNAMODB
    return None


# ------------------------------------------------------------------------------ document


def _document_level(rules: Sequence[_Located], size: int | None) -> Iterator[Issue]:
    if not rules:
        yield Issue(
            Severity.ERROR, "no-rules", "$.rules", "the document has no rules; DMS needs at least one selection rule"
        )
        return
    if not any(isinstance(r.rule, SelectionRule) for r in rules):
        yield Issue(
            Severity.ERROR,
            "no-selection-rule",
            "$.rules",
            "no selection rule; DMS fails with 'Error in mapping rules. At least one selection rule "
            "is required.' Add an include rule for the tables to migrate",
        )
    if size is None:
        size = document_size([r.rule for r in rules])
    if size > MAX_DOCUMENT_BYTES:
        yield Issue(
            Severity.ERROR,
            "document-too-large",
            "$",
            f"the document is {size} bytes; DMS processes table mappings up to {MAX_DOCUMENT_BYTES} "
            "bytes (2 MB): split the tables across several tasks",
        )


def _rule_ids(rules: Sequence[_Located], target: TargetEngine | None) -> Iterator[Issue]:
    return rule_id_issues([(r.index, r.rule.rule_id, r.rule.rule_name) for r in rules])


def rule_id_issues(entries: Sequence[tuple[int, object, object]]) -> Iterator[Issue]:
    """Duplicate and non-numeric rule ids, and duplicate names, from (index, id, name) triples.

    Works on raw rules too, so a duplicate id is reported even when one of the rules is broken.
    """
    first_by_id: dict[str, _Entry] = {}
    names: dict[str, list[_Entry]] = defaultdict(list)
    for index, raw_id, raw_name in entries:
        item = _Entry(index, raw_id, raw_name)
        rule_id = raw_id
        if isinstance(rule_id, bool):
            yield item.error("rule-id-not-numeric", ".rule-id", f"rule-id {rule_id!r} is not numeric")
        elif isinstance(rule_id, int) or (isinstance(rule_id, str) and rule_id.isdigit()):
            if isinstance(rule_id, int):
                yield item.warning(
                    "numeric-rule-id",
                    ".rule-id",
                    f"rule-id {rule_id} is a JSON number; every AWS example writes a string of digits "
                    f'("{rule_id}") and acceptance of numbers is undocumented',
                )
            key = str(rule_id)
            if key in first_by_id:
                other = first_by_id[key]
                yield item.error(
                    "duplicate-rule-id",
                    ".rule-id",
                    f"rule-id {key!r} is already used by $.rules[{other.index}]; DMS fails with "
                    f"'Error in mapping rules. Duplicate ruleid {key}'. Give each rule its own numeric id",
                )
            else:
                first_by_id[key] = item
        elif rule_id is not None:
            yield item.error(
                "rule-id-not-numeric",
                ".rule-id",
                f'rule-id {rule_id!r} is not numeric; DMS takes a numeric value such as "1"',
            )
        if isinstance(raw_name, str):
            names[raw_name].append(item)
    for name, holders in names.items():
        for dup in holders[1:]:
            yield dup.warning(
                "duplicate-rule-name",
                ".rule-name",
                f"rule-name {name!r} is also used by $.rules[{holders[0].index}]; DMS only checks ids, "
                "but unique names keep task logs readable",
            )


# ------------------------------------------------------------------------------ selection


def _selections(rules: Sequence[_Located], target: TargetEngine | None) -> Iterator[Issue]:
    for item in rules:
        rule = item.rule
        if not isinstance(rule, SelectionRule):
            continue
        loc = rule.object_locator
        yield from _locator_needs(item, loc, ("schema_name", "table_name"))
        for attr in ("column_name", "table_tablespace_name", "index_tablespace_name", "data_type"):
            if getattr(loc, attr) is not None:
                yield item.error(
                    "locator-key-not-allowed",
                    f".object-locator.{attr.replace('_', '-')}",
                    f"a selection locator takes schema-name, table-name and table-type only; "
                    f"remove {attr.replace('_', '-')!r} (filter columns with 'filters')",
                )
        if rule.rule_action is SelectionAction.EXPLICIT:
            for attr in ("schema_name", "table_name"):
                value = getattr(loc, attr)
                if value and has_wildcard(value):
                    yield item.error(
                        "wildcard-in-explicit",
                        f".object-locator.{attr.replace('_', '-')}",
                        f"{value!r} has a wildcard; an explicit selection names exactly one table or view. "
                        "Use rule-action 'include' for patterns",
                    )
        if rule.load_order is not None and not _is_positive_int(rule.load_order):
            yield item.error(
                "bad-load-order",
                ".load-order",
                f'load-order {rule.load_order!r} is not a positive integer (e.g. "1"; higher loads first)',
            )
        yield from _filters(item, rule)


def _filters(item: _Located, rule: SelectionRule) -> Iterator[Issue]:
    if not rule.filters:
        return
    if rule.rule_action is SelectionAction.EXCLUDE:
        yield item.error(
            "filter-on-exclude",
            ".filters",
            "filters apply only to rules that select rows (include or explicit); on an exclude rule they "
            "are meaningless. Move them to the include rule",
        )
    loc = rule.object_locator
    for attr in ("schema_name", "table_name"):
        value = getattr(loc, attr)
        if value and has_wildcard(value):
            yield item.error(
                "filter-on-wildcard",
                f".object-locator.{attr.replace('_', '-')}",
                f"{value!r} has a wildcard; DMS filters only support tables with exact names",
            )
    for f_index, flt in enumerate(rule.filters):
        f_path = f".filters[{f_index}]"
        if not flt.filter_conditions:
            yield item.error("empty-filter", f_path + ".filter-conditions", "a filter needs at least one condition")
        negatives = [c for c in flt.filter_conditions if c.filter_operator.is_negative]
        if negatives and len(flt.filter_conditions) > 1:
            ops = ", ".join(repr(c.filter_operator.value) for c in negatives)
            yield item.error(
                "negative-filter-not-alone",
                f_path + ".filter-conditions",
                f"negative operator {ops} must be the only condition of its filter (conditions are OR-ed); "
                "put it in a filter of its own (filters are AND-ed)",
            )
        for c_index, cond in enumerate(flt.filter_conditions):
            needed = set(cond.filter_operator.operands)
            given = {
                key
                for key, value in (
                    ("value", cond.value),
                    ("start-value", cond.start_value),
                    ("end-value", cond.end_value),
                )
                if value is not None
            }
            c_path = f"{f_path}.filter-conditions[{c_index}]"
            if needed != given:
                need = ", ".join(sorted(needed)) or "no operand"
                yield item.error(
                    "filter-operands",
                    c_path,
                    f"operator {cond.filter_operator.value!r} takes {need}; got {', '.join(sorted(given)) or 'none'}",
                )


def _is_positive_int(value: int | str) -> bool:
    if isinstance(value, int):
        return value >= 1
    return value.isdigit() and int(value) >= 1


def _locator_needs(item: _Located, loc: ObjectLocator, attrs: Sequence[str]) -> Iterator[Issue]:
    for attr in attrs:
        if not getattr(loc, attr):
            key = attr.replace("_", "-")
            yield item.error(
                "locator-missing-name",
                ".object-locator",
                f"object-locator needs {key!r} for this rule (use '%' for all where patterns are allowed)",
            )


# --------------------------------------------------------------------- transformation

_NAME_TARGETS = frozenset({RuleTarget.SCHEMA, RuleTarget.TABLE, RuleTarget.COLUMN})
_COLUMN_ONLY = frozenset({RuleTarget.COLUMN})
_A = TransformationAction
ALLOWED_TARGETS: dict[TransformationAction, frozenset[RuleTarget]] = {
    _A.RENAME: frozenset(RuleTarget),
    _A.CONVERT_LOWERCASE: _NAME_TARGETS,
    _A.CONVERT_UPPERCASE: _NAME_TARGETS,
    _A.ADD_PREFIX: _NAME_TARGETS,
    _A.REMOVE_PREFIX: _NAME_TARGETS,
    _A.REPLACE_PREFIX: _NAME_TARGETS,
    _A.ADD_SUFFIX: _NAME_TARGETS,
    _A.REMOVE_SUFFIX: _NAME_TARGETS,
    _A.REPLACE_SUFFIX: _NAME_TARGETS,
    _A.REMOVE_COLUMN: _COLUMN_ONLY,
    _A.INCLUDE_COLUMN: _COLUMN_ONLY,
    _A.ADD_COLUMN: _COLUMN_ONLY,
    _A.CHANGE_DATA_TYPE: _COLUMN_ONLY,
    _A.ADD_BEFORE_IMAGE_COLUMNS: _COLUMN_ONLY,
    _A.DATA_MASKING_DIGITS_MASK: _COLUMN_ONLY,
    _A.DATA_MASKING_DIGITS_RANDOMIZE: _COLUMN_ONLY,
    _A.DATA_MASKING_HASH_MASK: _COLUMN_ONLY,
    _A.DEFINE_PRIMARY_KEY: frozenset({RuleTarget.TABLE}),
}

# Which optional fields each action needs ("required") and which it may carry at all.
_REQUIRED_FIELDS: dict[TransformationAction, tuple[str, ...]] = {
    _A.RENAME: ("value",),
    _A.ADD_PREFIX: ("value",),
    _A.REMOVE_PREFIX: ("value",),
    _A.REPLACE_PREFIX: ("value", "old_value"),
    _A.ADD_SUFFIX: ("value",),
    _A.REMOVE_SUFFIX: ("value",),
    _A.REPLACE_SUFFIX: ("value", "old_value"),
    _A.ADD_COLUMN: ("value", "data_type"),
    _A.CHANGE_DATA_TYPE: ("data_type",),
    _A.DEFINE_PRIMARY_KEY: ("primary_key_def",),
    _A.ADD_BEFORE_IMAGE_COLUMNS: ("before_image_def",),
    _A.DATA_MASKING_DIGITS_MASK: ("value",),
}
_ALLOWED_FIELDS: dict[TransformationAction, frozenset[str]] = {
    action: frozenset(_REQUIRED_FIELDS.get(action, ())) for action in TransformationAction
}
_ALLOWED_FIELDS[_A.ADD_COLUMN] |= {"expression"}
_OPTIONAL_FIELDS = ("value", "old_value", "expression", "data_type", "primary_key_def", "before_image_def")

# Actions on a column target that name an existing column in the locator.
_NEEDS_COLUMN_NAME = frozenset(ALLOWED_TARGETS) - {_A.ADD_COLUMN, _A.ADD_BEFORE_IMAGE_COLUMNS, _A.DEFINE_PRIMARY_KEY}


def _transformations(rules: Sequence[_Located], target: TargetEngine | None) -> Iterator[Issue]:
    by_object: dict[tuple[object, ...], list[_Located]] = defaultdict(list)
    for item in rules:
        rule = item.rule
        if not isinstance(rule, TransformationRule):
            continue
        action, rule_target, loc = rule.rule_action, rule.rule_target, rule.object_locator
        allowed = ALLOWED_TARGETS[action]
        if rule_target not in allowed:
            yield item.error(
                "target-not-allowed",
                ".rule-target",
                f"rule-action {action.value!r} does not apply to rule-target {rule_target.value!r}; "
                f"allowed: {', '.join(repr(t.value) for t in RuleTarget if t in allowed)}",
            )
        for attr in _REQUIRED_FIELDS.get(action, ()):
            if getattr(rule, attr) is None:
                yield item.error(
                    "missing-field",
                    "",
                    f"rule-action {action.value!r} needs {attr.replace('_', '-')!r}",
                )
        for attr in _OPTIONAL_FIELDS:
            if getattr(rule, attr) is not None and attr not in _ALLOWED_FIELDS[action]:
                yield item.error(
                    "field-not-allowed",
                    f".{attr.replace('_', '-')}",
                    f"{attr.replace('_', '-')!r} has no meaning for rule-action {action.value!r}; remove it",
                )
        yield from _transformation_locator(item, rule)
        if rule.expression is not None:
            problem = expression_problem(rule.expression)
            if problem:
                yield item.error("bad-expression", ".expression", f"{rule.expression!r}: {problem}")
        if action is _A.DATA_MASKING_DIGITS_MASK and rule.value is not None and not _is_mask_char(rule.value):
            yield item.error(
                "bad-mask-character",
                ".value",
                f"mask {rule.value!r} must be exactly one printable, non-blank ASCII character such as '#'",
            )
        bid = rule.before_image_def
        if bid is not None and bid.column_prefix == "" and bid.column_suffix == "":
            yield item.error(
                "empty-before-image-affixes",
                ".before-image-def",
                "column-prefix and column-suffix are both empty; the before-image columns would collide "
                "with the originals (defaults: prefix 'BI_', suffix '')",
            )
        key = (
            rule_target,
            loc.schema_name,
            loc.table_name,
            loc.column_name,
            loc.table_tablespace_name,
            loc.index_tablespace_name,
            loc.data_type,
            rule.value if action is _A.ADD_COLUMN else None,
        )
        by_object[key].append(item)
    yield from _one_action_per_object(by_object)


def _is_mask_char(value: str) -> bool:
    return len(value) == 1 and 33 <= ord(value) <= 126


def _transformation_locator(item: _Located, rule: TransformationRule) -> Iterator[Issue]:
    loc, rule_target, action = rule.object_locator, rule.rule_target, rule.rule_action
    needed: list[str] = ["schema_name"]
    if rule_target in (RuleTarget.TABLE, RuleTarget.COLUMN):
        needed.append("table_name")
    if rule_target is RuleTarget.COLUMN and action in _NEEDS_COLUMN_NAME:
        needed.append("column_name")
    if rule_target is RuleTarget.TABLE_TABLESPACE:
        needed.append("table_tablespace_name")
    if rule_target is RuleTarget.INDEX_TABLESPACE:
        needed.append("index_tablespace_name")
    yield from _locator_needs(item, loc, needed)
    if loc.table_tablespace_name is not None and loc.index_tablespace_name is not None:
        yield item.error(
            "tablespace-names-exclusive",
            ".object-locator",
            "table-tablespace-name and index-tablespace-name are mutually exclusive; keep the one the "
            "rule-target names",
        )
    if loc.data_type is not None and rule_target is not RuleTarget.COLUMN:
        yield item.error(
            "locator-key-not-allowed",
            ".object-locator.data-type",
            "a data-type locator selects columns and needs rule-target 'column'",
        )
    if action is _A.DEFINE_PRIMARY_KEY:
        for attr in ("schema_name", "table_name"):
            value = getattr(loc, attr)
            if value and has_wildcard(value):
                yield item.error(
                    "wildcard-in-define-primary-key",
                    f".object-locator.{attr.replace('_', '-')}",
                    f"{value!r} has a wildcard; define-primary-key needs exact schema and table names",
                )


def _one_action_per_object(by_object: dict[tuple[object, ...], list[_Located]]) -> Iterator[Issue]:
    # "You can apply only one transformation rule action per object" (TRAN), except masking, which
    # combines with add-column and change-data-type. AWS workshops break the rule and run, so warn.
    combinable = {_A.ADD_COLUMN, _A.CHANGE_DATA_TYPE}
    for holders in by_object.values():
        plain = [
            h
            for h in holders
            if isinstance(h.rule, TransformationRule)
            and not h.rule.rule_action.is_masking
            and h.rule.rule_action not in combinable
        ]
        if len(plain) > 1:
            first = plain[0]
            for other in plain[1:]:
                yield other.warning(
                    "several-actions-one-object",
                    ".object-locator",
                    f"$.rules[{first.index}] also transforms this object; DMS documents one transformation "
                    "action per object and applies the rule with the lower rule-id first",
                )


# ----------------------------------------------------------------------- table-settings


def _table_settings(rules: Sequence[_Located], target: TargetEngine | None) -> Iterator[Issue]:
    for item in rules:
        rule = item.rule
        if not isinstance(rule, TableSettingsRule):
            continue
        loc = rule.object_locator
        yield from _locator_needs(item, loc, ("schema_name", "table_name"))
        for attr in ("schema_name", "table_name"):
            value = getattr(loc, attr)
            if value and has_wildcard(value):
                yield item.error(
                    "wildcard-in-table-settings",
                    f".object-locator.{attr.replace('_', '-')}",
                    f"{value!r} has a wildcard; DMS fails with 'Exact schema and table name required when "
                    "using table settings rule'. Write one rule per table",
                )
        if rule.parallel_load is None and rule.lob_settings is None:
            yield item.warning(
                "empty-table-settings", "", "the rule sets neither parallel-load nor lob-settings, so it does nothing"
            )
        if rule.parallel_load is not None:
            yield from _parallel_load(item, rule)


def _parallel_load(item: _Located, rule: TableSettingsRule) -> Iterator[Issue]:
    pl = rule.parallel_load
    assert pl is not None
    path = ".parallel-load"
    kind = pl.type
    if kind is ParallelLoadType.PARTITIONS_LIST and not pl.partitions:
        yield item.error("parallel-load-fields", path, "type 'partitions-list' needs a non-empty 'partitions' list")
    if pl.subpartitions is not None and kind is not ParallelLoadType.PARTITIONS_LIST:
        yield item.error(
            "parallel-load-fields", path + ".subpartitions", "'subpartitions' goes with type 'partitions-list' only"
        )
    if kind is ParallelLoadType.RANGES:
        if not pl.columns or not pl.boundaries:
            yield item.error("parallel-load-fields", path, "type 'ranges' needs 'columns' and 'boundaries'")
        elif len(pl.columns) > 10:
            yield item.error(
                "parallel-load-fields", path + ".columns", f"{len(pl.columns)} columns; 'ranges' takes at most 10"
            )
        else:
            for b_index, bound in enumerate(pl.boundaries):
                if len(bound) != len(pl.columns):
                    yield item.error(
                        "parallel-load-fields",
                        f"{path}.boundaries[{b_index}]",
                        f"boundary has {len(bound)} values for {len(pl.columns)} columns; give one value per column",
                    )
    else:
        for attr in ("columns", "boundaries"):
            if getattr(pl, attr) is not None:
                yield item.error("parallel-load-fields", f"{path}.{attr}", f"{attr!r} goes with type 'ranges' only")
    if kind is not ParallelLoadType.PARTITIONS_AUTO:
        for attr in (
            "number_of_partitions",
            "collection_count_from_metadata",
            "max_records_skip_per_page",
            "batch_size",
        ):
            if getattr(pl, attr) is not None:
                key = attr.replace("_", "-")
                yield item.error(
                    "parallel-load-fields",
                    f"{path}.{key}",
                    f"{key!r} tunes MongoDB/DocumentDB autosegmentation and goes with type 'partitions-auto' only",
                )


# ----------------------------------------------------------------------- object-mapping

_SCALAR_SUBTYPES = frozenset(
    {AttributeSubType.STRING, AttributeSubType.NUMBER, AttributeSubType.BOOLEAN, AttributeSubType.BINARY}
)
_DOCUMENT_SUBTYPES = frozenset({AttributeSubType.DYNAMODB_MAP, AttributeSubType.DYNAMODB_LIST, AttributeSubType.JSON})
_DDB_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_DDB_TYPES = frozenset({"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"})


def _object_mappings(rules: Sequence[_Located], target: TargetEngine | None) -> Iterator[Issue]:
    selections = [r for r in rules if isinstance(r.rule, SelectionRule)]
    seen: dict[tuple[str | None, str | None], _Located] = {}
    for item in rules:
        rule = item.rule
        if not isinstance(rule, ObjectMappingRule):
            continue
        loc = rule.object_locator
        yield from _locator_needs(item, loc, ("schema_name", "table_name"))
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


def _dynamodb_target(rules: Sequence[_Located], target: TargetEngine | None) -> Iterator[Issue]:
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


def _selected(item: _Located, loc: ObjectLocator, selections: Sequence[_Located]) -> Iterator[Issue]:
    schema, table = loc.schema_name or "", loc.table_name or ""
    # A locator with '%' is a pattern itself: take its shortest instance as a representative name.
    schema_probe, table_probe = schema.replace("%", ""), table.replace("%", "")

    def same(a: str, b: str, ignore_case: bool) -> bool:
        return a.lower() == b.lower() if ignore_case else a == b

    def selects(sel: SelectionRule, ignore_case: bool) -> bool:
        sel_loc = sel.object_locator
        if sel.rule_action is SelectionAction.EXPLICIT:
            return same(sel_loc.schema_name or "", schema, ignore_case) and same(
                sel_loc.table_name or "", table, ignore_case
            )
        return matches(sel_loc.schema_name or "", schema_probe, ignore_case=ignore_case) and matches(
            sel_loc.table_name or "", table_probe, ignore_case=ignore_case
        )

    includes = [
        s for s in selections if isinstance(s.rule, SelectionRule) and s.rule.rule_action is not SelectionAction.EXCLUDE
    ]
    excludes = [
        s for s in selections if isinstance(s.rule, SelectionRule) and s.rule.rule_action is SelectionAction.EXCLUDE
    ]
    including = [s for s in includes if isinstance(s.rule, SelectionRule) and selects(s.rule, False)]
    excluding = [s for s in excludes if isinstance(s.rule, SelectionRule) and selects(s.rule, False)]
    if excluding:
        yield item.error(
            "object-mapping-excluded",
            ".object-locator",
            f"table {schema}.{table} is excluded by $.rules[{excluding[0].index}] (rule-id "
            f"{excluding[0].rule.rule_id!r}), so this object-mapping never applies. Remove one of them",
        )
    elif not including:
        loose = [s for s in includes if isinstance(s.rule, SelectionRule) and selects(s.rule, True)]
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


def _attribute_mappings(item: _Located, rule: ObjectMappingRule) -> Iterator[Issue]:
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


def _attribute_shape(item: _Located, path: str, mapping: AttributeMapping) -> Iterator[Issue]:
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


def _dynamodb_json(item: _Located, path: str, node: object, expect: str | None = None) -> Iterator[Issue]:
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


def _keys_produced(item: _Located, rule: ObjectMappingRule) -> Iterator[Issue]:
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


def _dynamodb_object_mapping(item: _Located, rule: ObjectMappingRule) -> Iterator[Issue]:
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


# ----------------------------------------------------------------------- post-processing


def _post_processing(rules: Sequence[_Located], target: TargetEngine | None) -> Iterator[Issue]:
    for item in rules:
        rule = item.rule
        if not isinstance(rule, PostProcessingRule):
            continue
        yield from _locator_needs(item, rule.object_locator, ("schema_name", "table_name"))
        if not rule.tag_set:
            yield item.error("empty-tag-set", ".tag-set", "tag-set needs at least one {key, value}")
        elif len(rule.tag_set) > 10:
            yield item.error("too-many-tags", ".tag-set", f"{len(rule.tag_set)} tags; S3 objects take at most 10")


def _s3_only(rules: Sequence[_Located], target: TargetEngine | None) -> Iterator[Issue]:
    if target in (None, TargetEngine.S3):
        return
    for item in rules:
        if isinstance(item.rule, PostProcessingRule):
            yield item.error("not-for-target", "", "post-processing rules apply to S3 targets only")


_TARGET_CHECKS: tuple[Check, ...] = (_dynamodb_target, _s3_only)
_PER_RULE_CHECKS: tuple[Check, ...] = (
    _selections,
    _transformations,
    _table_settings,
    _post_processing,
)
_CHECKS: tuple[Check, ...] = (
    _rule_ids,
    _selections,
    _transformations,
    _table_settings,
    _object_mappings,
    _post_processing,
)
