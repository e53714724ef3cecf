"""Values as DMS writes them to DynamoDB: attribute types, template text, item sizes, LOB limits.

Sources: CHAP_Target.DynamoDB ("Target data types for DynamoDB"), CHAP_Source.MySQL ("Source data
types for MySQL"), the DynamoDB item-size rules; assumptions are fields of :class:`Assumptions`.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mappings.document.templates import placeholders
from mappings.schema import BLOB_TYPES, Column
from mappings.settings import TaskSettings

AttributeValue = dict[str, Any]  # DynamoDB JSON: {"S": "x"}, {"N": "1"}, {"M": {...}}
Item = dict[str, AttributeValue]


@dataclass(frozen=True)
class Assumptions:
    """Choices where DMS's documentation is silent (open-question numbers in brackets)."""

    #: Text of a NULL column inside a ``${}`` template [3].
    null_in_template: str = ""
    #: DATETIME/TIMESTAMP text: "YYYY-MM-DD HH:MM:SS", fraction digits only when non-zero [1].
    datetime_format: str = "%Y-%m-%d %H:%M:%S"
    #: Types outside DMS's DynamoDB type table (BLOB, BINARY, TIME, BIT(n>1), GEOMETRY) are left out of
    #: copied columns [12]; inside templates they are rendered as text (a BIT(1) inside ``${}`` as 1/0).
    drop_unsupported: bool = True


#: Column types whose values are calendar dates (and times).
DATE_TYPES = frozenset({"date", "datetime", "timestamp"})
#: What mysql-replication decodes a zero TIMESTAMP to (its binlog value is 0 seconds after the epoch).
_ZERO_TIMESTAMP = dt.datetime(1970, 1, 1)


def on_calendar(value: Any, column: Column | None) -> Any:
    """A DATE, DATETIME or TIMESTAMP value as every path sees it: None for one the calendar does not have.

    Such values (``0000-00-00``, a zero month or day, ``2024-02-30`` under ``ALLOW_INVALID_DATES``) exist
    under a permissive ``sql_mode``. SELECT (PyMySQL) gives them as their text, the binlog reader as None
    (DATE, DATETIME) or, for a zero TIMESTAMP, as the epoch, which no real TIMESTAMP is (its range
    starts at 1970-01-01 00:00:01 UTC, MySQL manual "The DATE, DATETIME, and TIMESTAMP Types").
    Assumption (open question 9; DMS documents zero dates as NULL for some targets): such a value is
    NULL, in the full load, in CDC, in the source filters and in ``verify``: the attribute is left out.
    """
    if value is None or column is None or column.data_type not in DATE_TYPES:
        return value
    if isinstance(value, str):
        try:
            (dt.datetime if " " in value.strip() else dt.date).fromisoformat(value.strip())
        except ValueError:
            return None
        return value
    if column.data_type == "timestamp" and value == _ZERO_TIMESTAMP:
        return None
    return value


# Settled by the documentation (CHAP_Source.MySQL "Source data types for MySQL", CHAP_Target.DynamoDB
# "Target data types for DynamoDB"), so facts, not assumptions: BIT(1) -> BOOLEAN -> BOOL;
# TINYINT(1)/BOOLEAN are INT1 -> Number; TIMESTAMP is written in UTC (the readers open their sessions
# with time_zone '+00:00', and the binlog carries TIMESTAMPs as UTC epochs); DATETIME without a
# fraction is written without one; NULL columns are left out.


DEFAULTS = Assumptions()
_UNSUPPORTED = BLOB_TYPES | {
    "binary",
    "varbinary",
    "geometry",
    "point",
    "linestring",
    "polygon",
    "time",
}
#: The column types a copied column is left out for (assumption [12]): what ``check-stack`` and ``init`` name.
UNSUPPORTED_TYPES = frozenset(_UNSUPPORTED)


@dataclass(frozen=True)
class Rejection:
    """A row DMS would not write, shaped like a row of DMS's ``awsdms_apply_exceptions`` table."""

    table_owner: str
    table_name: str
    reason: str
    error: str
    statement: str

    def as_exception_row(self, task_name: str, when: dt.datetime) -> dict[str, str]:
        return {
            "TASK_NAME": task_name,
            "TABLE_OWNER": self.table_owner,
            "TABLE_NAME": self.table_name,
            "ERROR_TIME": when.strftime("%Y-%m-%d %H:%M:%S"),
            "STATEMENT": self.statement,
            "ERROR": self.error,
        }


# --------------------------------------------------------------------------------- values


def normalize(value: Any, column: Column | None = None) -> Any:
    """One form for a value read by SELECT (PyMySQL) or decoded from the binlog (mysql-replication).

    SET: SELECT gives 'a,b', the binlog a Python set; BIT: SELECT gives bytes, the binlog '101'; a date the
    calendar does not have is None (:func:`on_calendar`).
    FLOAT (single precision): SELECT gives the server's short text (656.844), the binlog the exact
    binary value (656.843994140625); both become the shortest text that is the same FLOAT.
    BINARY(n): SELECT gives the n bytes MySQL stores (padded with 0x00), the binlog the value without the
    trailing 0x00 bytes; both become the n bytes.
    """
    value = on_calendar(value, column)
    if column is not None and column.data_type == "binary" and isinstance(value, (bytes, bytearray)) and column.length:
        return bytes(value).ljust(column.length, b"\x00")
    if column is not None and column.data_type == "float" and isinstance(value, float):
        return _shortest_single(value)
    if isinstance(value, (set, frozenset)):
        order = list(column.values) if column is not None and column.values else sorted(value)
        return ",".join(v for v in order if v in value)
    if column is not None and column.data_type == "bit":
        if isinstance(value, str):
            return int(value, 2)
        if isinstance(value, (bytes, bytearray)):
            return int.from_bytes(value, "big")
    if column is not None and column.data_type == "set" and value is None:
        return None
    return value


def _shortest_single(value: float) -> float:
    """The float with the fewest significant digits that is still the same single-precision number."""
    import struct

    if value != value or value in (float("inf"), float("-inf")):
        return value
    exact = struct.pack("<f", value)
    for digits in range(6, 10):
        shorter = float(f"{value:.{digits}g}")
        if struct.pack("<f", shorter) == exact:
            return shorter
    return value


def number_text(value: Any) -> str:
    """A number as DMS writes it in an N attribute (a boolean as 1 or 0)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    return str(value)


def text(value: Any, assumptions: Assumptions = DEFAULTS) -> str:
    """A value as DMS writes it inside a ``${}`` template (and as S attributes)."""
    if value is None:
        return assumptions.null_in_template
    if isinstance(value, dt.datetime):
        rendered = value.strftime(assumptions.datetime_format)
        return f"{rendered}.{value.microsecond:06d}" if value.microsecond else rendered
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # MySQL manual, "The TIME Type": '-838:59:59' to '838:59:59'
        sign, seconds = ("-" if value < dt.timedelta(0) else ""), abs(int(value.total_seconds()))
        return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, (int, float, decimal.Decimal)):
        return number_text(value)
    return str(value)


def attribute(value: Any, column: Column | None, assumptions: Assumptions = DEFAULTS) -> AttributeValue | None:
    """The DynamoDB attribute DMS writes for a copied column, or None when it writes none."""
    if value is None:
        return None
    kind = column.data_type if column is not None else ""
    if kind in _UNSUPPORTED and assumptions.drop_unsupported:
        return None
    if kind == "bit" and column is not None:
        if (column.length or 1) == 1:
            return {"BOOL": bool(value)}
        if assumptions.drop_unsupported:
            return None
    if (
        isinstance(value, bool)
        or (column is not None and column.is_numeric)
        or isinstance(value, (int, float, decimal.Decimal))
    ):
        return {"N": number_text(value)}
    return {"S": text(value, assumptions)}


def render(template: str, row: Mapping[str, Any], assumptions: Assumptions = DEFAULTS) -> str:
    """Substitute ``${column}`` (column names match case-insensitively, as MySQL's do)."""
    return render_lowered(template, placeholders(template), {k.lower(): v for k, v in row.items()}, assumptions)


def render_lowered(
    template: str, names: tuple[str, ...], lowered: Mapping[str, Any], assumptions: Assumptions = DEFAULTS
) -> str:
    """:func:`render` with the template's placeholders and the row by lower-case name given (made once, not
    per template and row)."""
    out = template
    for name in names:
        out = out.replace("${" + name + "}", text(lowered.get(name.lower()), assumptions))
    return out


def document_value(node: Any, row: Mapping[str, Any], assumptions: Assumptions) -> Any:
    if isinstance(node, str):
        return render(node, row, assumptions)
    if isinstance(node, Mapping):
        return {k: document_value(v, row, assumptions) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [document_value(v, row, assumptions) for v in node]
    return node


# --------------------------------------------------------------------------------- walk


def scalars(item: Item) -> Iterator[tuple[str, str, Any]]:
    """Every scalar of an item with where it is (``doc.tags[2]``), nested maps and lists included.

    Attribute names and map keys come as kind ``"name"``; members of a set (SS, NS, BS) by their
    scalar kind (S, N, B), so one rule checks a number wherever it is.
    """
    for name, value in item.items():
        yield name, "name", name
        yield from _scalars(name, value)


def _scalars(path: str, value: Any) -> Iterator[tuple[str, str, Any]]:
    if not isinstance(value, Mapping) or len(value) != 1:
        return
    ((kind, content),) = value.items()
    if kind == "M" and isinstance(content, Mapping):
        for key, inner in content.items():
            yield f"{path}.{key}", "name", key
            yield from _scalars(f"{path}.{key}", inner)
    elif kind == "L" and isinstance(content, (list, tuple)):
        for index, inner in enumerate(content):
            yield from _scalars(f"{path}[{index}]", inner)
    elif kind in ("SS", "NS", "BS") and isinstance(content, (list, tuple, set, frozenset)):
        for member in content:
            yield path, kind[0], member
    else:
        yield path, kind, content


# --------------------------------------------------------------------------------- size


def number_size(text_value: str) -> int:
    """Bytes of a Number's text, by DynamoDB's item-size rules."""
    digits = text_value.lstrip("-").replace(".", "").lstrip("0") or "0"
    return (len(digits.rstrip("0") or "0") + 1) // 2 + 1


def value_size(value: AttributeValue) -> int:
    """Bytes of one attribute value, by DynamoDB's item-size rules."""
    ((kind, content),) = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        return number_size(content)
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + value_size(v) + 1 for k, v in content.items())
    if kind == "L":
        return 3 + sum(value_size(v) + 1 for v in content)
    return sum(len(str(v).encode()) for v in content)  # SS, NS, BS


def item_size(item: Item) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


# --------------------------------------------------------------------------------- LOBs


@dataclass(frozen=True)
class LobPolicy:
    """The task's LOB settings (TargetMetadata; CHAP_Tasks.CustomizingTasks.TaskSettings.TargetMetadata).

    DMS defaults: ``SupportLobs`` true, limited-size LOB mode with ``LobMaxSize`` 32 (KB). In
    limited-size mode DMS truncates a LOB to ``LobMaxSize``; without LOB support it leaves LOB
    columns out. Assumption: the truncation keeps whole UTF-8 characters (DMS does not say).
    """

    support_lobs: bool = True
    full_lob_mode: bool = False
    max_size_kb: int = 32

    @classmethod
    def from_settings(cls, settings: TaskSettings) -> LobPolicy:
        target = settings.target_metadata
        if target is None:
            return cls()
        full = bool(target.full_lob_mode) and not target.limited_size_lob_mode
        return cls(
            support_lobs=target.support_lobs is not False,
            full_lob_mode=full,
            max_size_kb=target.lob_max_size if target.lob_max_size is not None else 32,
        )

    @property
    def max_bytes(self) -> int | None:
        return None if self.full_lob_mode else self.max_size_kb * 1024


@dataclass(frozen=True)
class Truncation:
    """A LOB value DMS would truncate in limited-size LOB mode."""

    table: str
    key: tuple[str, ...]
    column: str
    original_bytes: int
    kept_bytes: int

    def render(self) -> str:
        return (
            f"{self.table} {'|'.join(self.key)} column {self.column}: {self.original_bytes} bytes truncated "
            f"to {self.kept_bytes} (LobMaxSize)"
        )


def truncate(value: str, limit: int) -> str:
    return value.encode()[:limit].decode("utf-8", "ignore")
