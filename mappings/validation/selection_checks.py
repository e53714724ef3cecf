"""Checks of selection rules: locators, table types and source filters (spec section 2)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from mappings.document.enums import (
    SelectionAction,
    TargetEngine,
)
from mappings.document.rules import (
    ObjectLocator,
    SelectionRule,
)
from mappings.document.wildcards import has_wildcard
from mappings.errors import Issue
from mappings.validation.located import Located


def check_selections(rules: Sequence[Located], target: TargetEngine | None) -> Iterator[Issue]:
    for item in rules:
        rule = item.rule
        if not isinstance(rule, SelectionRule):
            continue
        loc = rule.object_locator
        yield from locator_needs(item, loc, ("schema_name", "table_name"))
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


def _filters(item: Located, rule: SelectionRule) -> Iterator[Issue]:
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


def locator_needs(item: Located, loc: ObjectLocator, attrs: Sequence[str]) -> Iterator[Issue]:
    for attr in attrs:
        if not getattr(loc, attr):
            key = attr.replace("_", "-")
            yield item.error(
                "locator-missing-name",
                ".object-locator",
                f"object-locator needs {key!r} for this rule (use '%' for all where patterns are allowed)",
            )
