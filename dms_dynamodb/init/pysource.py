"""Python source text already in ``ruff format``'s shape, so generated stacks need no formatter at run time.

A node renders on one line when that line fits in 120 columns and holds no comment; otherwise it is
exploded, one element per line, each followed by a comma. The formatter keeps both shapes as they are
(an exploded construct keeps its "magic trailing comma"), so the output is stable under ``ruff format``.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

LINE = 120
INDENT = "    "


def literal(text: str) -> str:
    """A string literal the way the formatter writes it: double quotes unless that needs escapes."""
    if '"' in text and "'" not in text:
        return repr(text)
    return json.dumps(text, ensure_ascii=False)


def comment(text: str, indent: str) -> list[str]:
    """``text`` as ``#`` lines that fit in the line length at ``indent``."""
    width = LINE - len(indent) - 2
    return [f"{indent}# {line}" for line in textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)]


@dataclass(frozen=True)
class Raw:
    text: str


@dataclass(frozen=True)
class Item:
    """An element of a call, tuple, list or dict: ``key`` is ``name=`` or a dict key; comments go above it."""

    value: Node
    key: str = ""
    comments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """``head(`` items ``)``: a call (head is its name), a tuple (``(``), a list (``[``) or a dict (``{``)."""

    head: str
    items: Sequence[Item] = field(default_factory=tuple)
    #: Explode even when one line would fit (a tuple of entities reads better one per line); not a 1-tuple.
    exploded: bool = False

    @property
    def close(self) -> str:
        return {"[": "]", "{": "}"}.get(self.head[-1:], ")")

    @property
    def opening(self) -> str:
        return self.head if self.head[-1:] in ("(", "[", "{") else self.head + "("


Node = Raw | Group


def flat(node: Node) -> str:
    if isinstance(node, Raw):
        return node.text
    inner = ", ".join(_flat_item(i) for i in node.items)
    if node.head == "(" and len(node.items) == 1:
        inner += ","
    return f"{node.opening}{inner}{node.close}"


def _flat_item(item: Item) -> str:
    if not item.key:
        return flat(item.value)
    separator = ": " if item.key.startswith(('"', "'")) else "="
    return f"{item.key}{separator}{flat(item.value)}"


def _has_comments(node: Node) -> bool:
    return isinstance(node, Group) and any(i.comments or _has_comments(i.value) for i in node.items)


def render(node: Node, indent: str = "", prefix: str = "", suffix: str = "") -> list[str]:
    """Lines of ``prefix`` + node + ``suffix`` at ``indent``: one line when it fits, else exploded."""
    one = f"{indent}{prefix}{flat(node)}{suffix}"
    if isinstance(node, Raw):
        return [one]
    # A one-element tuple's comma is not a "magic" trailing comma: the formatter joins it when it fits.
    exploded = node.exploded and not (node.head == "(" and len(node.items) == 1)
    if len(one) <= LINE and not exploded and not _has_comments(node):
        return [one]
    lines = [f"{indent}{prefix}{node.opening}"]
    inner = indent + INDENT
    for item in node.items:
        for text in item.comments:
            lines += comment(text, inner)
        key = "" if not item.key else item.key + (": " if item.key.startswith(('"', "'")) else "=")
        lines += render(item.value, inner, key, ",")
    lines.append(f"{indent}{node.close}{suffix}")
    return lines


def call(callee: str, /, *positional: Node, **keywords: Node) -> Group:
    """``callee(positional..., key=value...)``."""
    return Group(callee, (*(Item(v) for v in positional), *(Item(v, key=k) for k, v in keywords.items())))


def string(text: str) -> Raw:
    return Raw(literal(text))
