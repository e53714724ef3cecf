"""Can two ``${column}`` key templates produce the same text? And with which example value?

A template is read as a small automaton: literal characters, and placeholders that match one or
more characters of the column's alphabet (digits for integer columns, anything otherwise). Two
templates overlap when the product automaton accepts a string; breadth-first search finds the
shortest such string, which becomes the concrete example in the error message.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

DIGITS = frozenset("0123456789")
SIGNED_DIGITS = DIGITS | {"-"}
ANY: frozenset[str] = frozenset()  # the empty set stands for "any character"


@dataclass(frozen=True, slots=True)
class Segment:
    """A literal character, or a placeholder over an alphabet (ANY: every character)."""

    literal: str | None = None
    alphabet: frozenset[str] = ANY
    column: str = ""


def segments(template: str, alphabet_of: Callable[[str], frozenset[str]]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    index = 0
    while index < len(template):
        start = template.find("${", index)
        end = template.find("}", start + 2) if start != -1 else -1
        if start == -1 or end == -1:
            out += [Segment(literal=ch) for ch in template[index:]]
            break
        out += [Segment(literal=ch) for ch in template[index:start]]
        column = template[start + 2 : end]
        out.append(Segment(alphabet=alphabet_of(column), column=column))
        index = end + 1
    return tuple(out)


def literal_prefix(parts: tuple[Segment, ...]) -> str:
    prefix = []
    for part in parts:
        if part.literal is None:
            break
        prefix.append(part.literal)
    return "".join(prefix)


State = tuple[int, bool]  # (segment index, inside a placeholder that has consumed a character)


def _closure(state: State, parts: tuple[Segment, ...]) -> list[State]:
    index, inside = state
    return [state, (index + 1, False)] if inside else [state]


def _steps(state: State, parts: tuple[Segment, ...]) -> list[tuple[Segment, State]]:
    index, inside = state
    if index >= len(parts):
        return []
    part = parts[index]
    if part.literal is not None:
        return [] if inside else [(part, (index + 1, False))]
    return [(part, (index, True))]


def _common_char(a: Segment, b: Segment) -> str | None:
    if a.literal is not None and b.literal is not None:
        return a.literal if a.literal == b.literal else None
    if a.literal is not None:
        return a.literal if (not b.alphabet or a.literal in b.alphabet) else None
    if b.literal is not None:
        return b.literal if (not a.alphabet or b.literal in a.alphabet) else None
    if not a.alphabet and not b.alphabet:
        return "x"
    shared = (a.alphabet or b.alphabet) if not (a.alphabet and b.alphabet) else a.alphabet & b.alphabet
    if not shared:
        return None
    return "1" if "1" in shared else min(shared)


def shared_value(a: tuple[Segment, ...], b: tuple[Segment, ...]) -> str | None:
    """The shortest text both templates can produce, or None when they never coincide."""
    start = ((0, False), (0, False))
    parents: dict[tuple[State, State], tuple[tuple[State, State], str] | None] = {start: None}
    queue = deque([start])
    while queue:
        pair = queue.popleft()
        for sa in _closure(pair[0], a):
            for sb in _closure(pair[1], b):
                if sa == (len(a), False) and sb == (len(b), False):
                    return _path(parents, pair)
                for part_a, next_a in _steps(sa, a):
                    for part_b, next_b in _steps(sb, b):
                        char = _common_char(part_a, part_b)
                        following = (next_a, next_b)
                        if char is not None and following not in parents:
                            parents[following] = (pair, char)
                            queue.append(following)
    return None


def _path(parents: dict[tuple[State, State], tuple[tuple[State, State], str] | None], end: tuple[State, State]) -> str:
    chars = []
    node = parents[end]
    while node is not None:
        previous, char = node
        chars.append(char)
        node = parents[previous]
    return "".join(reversed(chars))
