"""Compile-checks of transformation ``expression``s with the standard library's SQLite.

DMS evaluates expressions with SQLite; ``$NAME`` is a source column (and, conveniently, SQLite's
own named-parameter syntax, so the statement compiles with any column names). ``EXPLAIN`` compiles
without evaluating, so nothing user-written runs. DMS's own functions are registered as stubs so
that only unknown functions are reported.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

# Functions DMS adds to SQLite (Expressions page), with their arities (-1: any).
_DMS_FUNCTIONS: dict[str, int] = {
    "hash_sha256": 1,
    "operation_indicator": 3,
    "replacechars": -1,
}

_local = threading.local()


class _AnyParameter(dict[str, Any]):
    """Supplies NULL for every ``$COLUMN`` so binding never fails."""

    def __missing__(self, key: str) -> None:
        return None


def _connection() -> sqlite3.Connection:
    conn: sqlite3.Connection | None = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(":memory:")
        for name, arity in _DMS_FUNCTIONS.items():
            conn.create_function(name, arity, lambda *args: None)
        _local.conn = conn
    return conn


def expression_problem(expression: str) -> str | None:
    """Why SQLite cannot compile ``expression``, or None when it compiles."""
    if not expression.strip():
        return "the expression is empty"
    if any(q in expression for q in "\u2018\u2019\u201c\u201d"):
        return (
            "the expression contains typographic quotes (\u2018 \u2019 \u201c \u201d); SQLite string "
            "literals need ASCII single quotes, e.g. 'SENIOR'"
        )
    try:
        _connection().execute(f"EXPLAIN SELECT {expression}", _AnyParameter())
    except (sqlite3.Error, sqlite3.Warning, ValueError, OverflowError) as exc:
        return f"SQLite cannot compile it: {exc}"
    return None
