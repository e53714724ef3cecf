"""Meaning checks of a parsed table-mapping document: everything DMS would reject (errors)
and what it would accept but probably not do what the author meant (warnings).

Each check is a small function over the rules that yields :class:`Issue`s, named after what it
checks. Sources: the DMS user guide pages cited in ``docs/`` and the design notes in
``shared/design/dms-table-mapping-spec.md`` (section numbers in comments).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence

from mappings.document.enums import (
    AttributeSubType,
    TargetEngine,
)
from mappings.document.rules import (
    ObjectMappingRule,
    PostProcessingRule,
    Rule,
    SelectionRule,
)
from mappings.errors import Issue, Severity
from mappings.validation.located import Check, Entry, Located
from mappings.validation.object_mapping_checks import check_dynamodb_target, check_object_mappings
from mappings.validation.selection_checks import check_selections, locator_needs
from mappings.validation.table_settings_checks import check_table_settings
from mappings.validation.transformation_checks import check_transformations

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # "AWS DMS can only process table mapping JSON files up to 2 MB"


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


def _locate(rules: Sequence[Rule], indexes: Sequence[int] | None) -> list[Located]:
    positions = indexes if indexes is not None else range(len(rules))
    return [Located(i, r) for i, r in zip(positions, rules, strict=True)]


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


def _document_level(rules: Sequence[Located], size: int | None) -> Iterator[Issue]:
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


def _rule_ids(rules: Sequence[Located], target: TargetEngine | None) -> Iterator[Issue]:
    return rule_id_issues([(r.index, r.rule.rule_id, r.rule.rule_name) for r in rules])


def rule_id_issues(entries: Sequence[tuple[int, object, object]]) -> Iterator[Issue]:
    """Duplicate and non-numeric rule ids, and duplicate names, from (index, id, name) triples.

    Works on raw rules too, so a duplicate id is reported even when one of the rules is broken.
    """
    first_by_id: dict[str, Entry] = {}
    names: dict[str, list[Entry]] = defaultdict(list)
    for index, raw_id, raw_name in entries:
        item = Entry(index, raw_id, raw_name)
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


# ----------------------------------------------------------------------- post-processing


def _post_processing(rules: Sequence[Located], target: TargetEngine | None) -> Iterator[Issue]:
    for item in rules:
        rule = item.rule
        if not isinstance(rule, PostProcessingRule):
            continue
        yield from locator_needs(item, rule.object_locator, ("schema_name", "table_name"))
        if not rule.tag_set:
            yield item.error("empty-tag-set", ".tag-set", "tag-set needs at least one {key, value}")
        elif len(rule.tag_set) > 10:
            yield item.error("too-many-tags", ".tag-set", f"{len(rule.tag_set)} tags; S3 objects take at most 10")


def _s3_only(rules: Sequence[Located], target: TargetEngine | None) -> Iterator[Issue]:
    if target in (None, TargetEngine.S3):
        return
    for item in rules:
        if isinstance(item.rule, PostProcessingRule):
            yield item.error("not-for-target", "", "post-processing rules apply to S3 targets only")


_TARGET_CHECKS: tuple[Check, ...] = (check_dynamodb_target, _s3_only)
#: Every check over the rules, in report order, and whether it needs the whole document: a check that
#: looks across rules would report a rule that failed to parse a second time (an object mapping whose
#: selection rule is the broken one is "not selected"), so it runs only on a complete document.
_ALL_CHECKS: tuple[tuple[Check, bool], ...] = (
    (_rule_ids, True),  # duplicates across rules; an incomplete document gets rule_id_issues over its raw rules
    (check_selections, False),
    (check_transformations, False),
    (check_table_settings, False),
    (check_object_mappings, True),  # each mapping against the selection rules
    (_post_processing, False),
)
_CHECKS: tuple[Check, ...] = tuple(check for check, _ in _ALL_CHECKS)
_WHOLE: tuple[Check, ...] = tuple(check for check, whole_document in _ALL_CHECKS if whole_document)
#: The checks of an incomplete document: derived, so a new check is in both lists or said not to be.
_PER_RULE_CHECKS: tuple[Check, ...] = tuple(check for check in _CHECKS if check not in _WHOLE)
