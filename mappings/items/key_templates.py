"""Reading column values back out of an item's templates: the key of a row whose key columns are not copied.

A primary-key column the items leave out (a TIME, assumption 12) or exclude is still in the item when a
``${}`` template holds it (``SCHEDULE#${flight}#${departs}``). A template can be read back when only one
reading exists: the shortest and the longest match of each placeholder agree, and a column read twice reads
the same. Otherwise the value is not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from mappings.document.rules import ObjectMappingRule

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def invert(template: str, text: str) -> dict[str, str] | None:
    """The column values ``text`` holds as a rendering of ``template``, or None when it is not one reading."""
    parts = _PLACEHOLDER.split(template)
    names = parts[1::2]
    if not names:
        return {}

    def pattern(group: str) -> str:
        return "".join(re.escape(p) if i % 2 == 0 else group for i, p in enumerate(parts))

    shortest = re.fullmatch(pattern("(.*?)"), text, re.DOTALL)
    longest = re.fullmatch(pattern("(.*)"), text, re.DOTALL)
    if shortest is None or longest is None or shortest.groups() != longest.groups():
        return None
    values: dict[str, str] = {}
    for name, value in zip(names, shortest.groups(), strict=True):
        if values.setdefault(name, value) != value:
            return None
    return values


def columns_from_templates(rule: ObjectMappingRule, item: Mapping[str, str]) -> dict[str, str]:
    """Every column value the item's string attributes hold through the rule's templates, read unambiguously."""
    found: dict[str, str] = {}
    for mapping in rule.attribute_mappings:
        text = item.get(mapping.target_attribute_name)
        if not isinstance(mapping.value, str) or text is None:
            continue
        values = invert(mapping.value, text)
        for name, value in (values or {}).items():
            found.setdefault(name, value)
    return found


def unnamed_reason(rule: ObjectMappingRule | None, columns: Sequence[str]) -> str:
    """Why an item's source row cannot be named: which key columns it neither copies nor holds readably."""
    held = {
        c
        for m in (rule.attribute_mappings if rule else ())
        if isinstance(m.value, str)
        for c in _PLACEHOLDER.findall(m.value)
    }
    where = [c for c in columns if c in held]
    text = f"its primary-key column(s) {', '.join(columns)} are not copied into the item"
    if where:
        return f"{text}, and the templates that hold {', '.join(where)} cannot be read back unambiguously"
    return f"{text} (excluded, or a type the items leave out: README assumption 12) and no key template holds them"
