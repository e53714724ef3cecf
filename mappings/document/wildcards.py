"""DMS name patterns: ``%`` is any run of characters, ``_`` exactly one, ``[ab]``/``[a-d]`` a set.

The docs describe the tokens but not the matcher; this follows SQL ``LIKE`` with the bracket
extension on case-sensitive names, which is what the tokens describe.
"""

from __future__ import annotations

import re
from functools import lru_cache


def has_wildcard(name: str) -> bool:
    """True when ``name`` contains ``%`` (the wildcard DMS refuses where exact names are needed)."""
    return "%" in name


@lru_cache(maxsize=4096)
def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif ch == "[":
            close = pattern.find("]", i + 1)
            if close == -1:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : close]
                out.append("[" + "".join("\\" + c if c in "\\^]" else c for c in body) + "]")
                i = close
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def matches(pattern: str, name: str, *, ignore_case: bool = False) -> bool:
    """Whether a DMS pattern selects ``name``."""
    return _compile(pattern, ignore_case).fullmatch(name) is not None
