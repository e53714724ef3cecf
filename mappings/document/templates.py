"""``${column}`` templates of object-mapping attribute values.

DMS substitutes source column values into the text and does nothing else: "There is no
formatting done other than what the user specifies in the template" (DynamoDB target page).
Functions such as ``${date(x)}`` do not exist; computed values need an ``add-column``
transformation with an SQLite ``expression``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mappings.document._wire import JsonObject

_FORBIDDEN_IN_NAME = set("(){}$'\",")


@dataclass(frozen=True, slots=True)
class TemplateProblem:
    position: int
    message: str


def placeholders(template: str) -> tuple[str, ...]:
    """Column names referenced by a template, in order (malformed parts are skipped)."""
    names: list[str] = []
    start = template.find("${")
    while start != -1:
        end = template.find("}", start + 2)
        if end == -1:
            break
        name = template[start + 2 : end]
        if name and not (_FORBIDDEN_IN_NAME & set(name)):
            names.append(name)
        start = template.find("${", end + 1)
    return tuple(names)


def template_problems(template: str) -> list[TemplateProblem]:
    """Everything wrong with a template, each with its character position."""
    problems: list[TemplateProblem] = []
    start = template.find("${")
    while start != -1:
        end = template.find("}", start + 2)
        if end == -1:
            problems.append(TemplateProblem(start, f"'${{' at position {start} is never closed with '}}'"))
            break
        name = template[start + 2 : end]
        if not name:
            problems.append(TemplateProblem(start, f"empty placeholder '${{}}' at position {start}"))
        elif "(" in name or ")" in name:
            problems.append(
                TemplateProblem(
                    start,
                    f"'${{{name}}}' looks like a function call; templates take only column names "
                    "(compute values with an add-column transformation and its 'expression')",
                )
            )
        elif _FORBIDDEN_IN_NAME & set(name) or name != name.strip():
            problems.append(
                TemplateProblem(
                    start, f"'${{{name}}}' is not a column name (no quotes, braces, '$', ',' or edge spaces)"
                )
            )
        start = template.find("${", end + 1)
    return problems


def string_leaves(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string inside a (frozen) JSON value with its JSON path: where templates live."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, JsonObject):
        for key, item in value.items():
            yield from string_leaves(item, f"{path}.{key}")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from string_leaves(item, f"{path}[{index}]")
