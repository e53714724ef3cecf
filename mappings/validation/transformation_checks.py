"""Checks of transformation rules: which actions take which targets and fields (spec section 3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from mappings.document.enums import (
    RuleTarget,
    TargetEngine,
    TransformationAction,
)
from mappings.document.rules import (
    TransformationRule,
)
from mappings.document.wildcards import has_wildcard
from mappings.errors import Issue
from mappings.validation.expressions import expression_problem
from mappings.validation.located import Located
from mappings.validation.selection_checks import locator_needs

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


def check_transformations(rules: Sequence[Located], target: TargetEngine | None) -> Iterator[Issue]:
    by_object: dict[tuple[object, ...], list[Located]] = defaultdict(list)
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


def _transformation_locator(item: Located, rule: TransformationRule) -> Iterator[Issue]:
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
    yield from locator_needs(item, loc, needed)
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


def _one_action_per_object(by_object: dict[tuple[object, ...], list[Located]]) -> Iterator[Issue]:
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
