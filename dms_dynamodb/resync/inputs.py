"""What ``resync`` is asked to repair: the findings of a verify report, source rows named on the command
line (``--key``), and the rows the apply exceptions name (``--exceptions``).

Nothing here is trusted as the truth: a finding only says *where* to look. Every key is read again on
both sides before anything is written, so a report older than the follower's checkpoint cannot write
a stale value.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dms_dynamodb.plan import Plan
from dms_dynamodb.verify.recheck import MISSING_SOURCE, MISSING_TARGET, RECORD_DIFF, SourceRef
from dms_dynamodb.verify.settle import IN_FLIGHT, NOT_COMPARABLE
from mappings.items import Item

OVERWRITE, REJECTED, INCOMPLETE = "OVERWRITE", "REJECTED", "INCOMPLETE"
#: Report records that name a target key to make agree again.
KEYED = (MISSING_TARGET, MISSING_SOURCE, RECORD_DIFF, OVERWRITE, NOT_COMPARABLE)


class InputError(Exception):
    """A report, a ``--key`` or an option resync cannot use: one message naming it (exit 2)."""


@dataclass(frozen=True)
class Finding:
    """A target key a verify report named: its table, typed key, what verify expected there (if it says)."""

    kind: str
    table: str
    key: dict[str, Any]
    expected: Item | None
    where: str


@dataclass
class Wanted:
    """Everything resync was asked to look at."""

    findings: list[Finding]
    refs: list[SourceRef]
    #: Report records resync never writes for (rows DMS would reject), shown as they are.
    rejected: list[dict[str, Any]]
    in_flight: int = 0


def read_report(path: Path, plan: Plan) -> Wanted:
    """The findings of a ``verify --report`` file; any line resync does not understand stops it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the report {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"the report {path} is not UTF-8 (byte {exc.start}: {exc.reason})") from None
    wanted = Wanted([], [], [])
    for number, line in enumerate(lines, 1):
        where = f"{path}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where} is not a JSON line ({exc.msg}): is it a verify --report file?") from None
        kind = record.get("type") if isinstance(record, dict) else None
        if kind == IN_FLIGHT:
            wanted.in_flight += 1
        elif kind == REJECTED:
            wanted.rejected.append(record)
        elif kind == INCOMPLETE:
            raise InputError(
                f"{where}: the report ends with an INCOMPLETE record (verify lost the {record.get('server') or 'run'}"
                f": {record.get('error')}): it is no verdict and may miss findings; run verify again and resync "
                "from its report"
            )
        elif kind in KEYED:
            wanted.findings.append(_finding(record, plan, where))
        else:
            raise InputError(
                f"{where}: a record of type {kind!r} is not a verify finding resync knows "
                f"({', '.join(KEYED)}, {REJECTED}, {IN_FLIGHT}, {INCOMPLETE})"
            )
    return wanted


def _finding(record: dict[str, Any], plan: Plan, where: str) -> Finding:
    table, key = record.get("table"), record.get("key")
    if table not in plan.targets:
        raise InputError(
            f"{where}: table {table!r} is not a target of task {plan.task.task_id!r} "
            f"(its target tables: {', '.join(sorted(plan.targets))}); was the report written for another stack or task?"
        )
    design = plan.targets[table]
    names = [k.name for k in design.key_attributes[: 2 if design.sort_key else 1]]
    if not isinstance(key, dict) or sorted(key) != sorted(names) or not all(_typed(v) for v in key.values()):
        raise InputError(f"{where}: the key {key!r} is not a typed key of {table} ({', '.join(names)})")
    expected = record.get("expected")
    return Finding(str(record["type"]), table, key, expected if isinstance(expected, dict) else None, where)


def _typed(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("S", "N", "B")


def parse_key(text: str, plan: Plan) -> SourceRef:
    """``--key TABLE:COLUMN=VALUE[,COLUMN=VALUE...]``: a source row by its whole primary key.

    ``TABLE`` is ``schema.table`` or a table name the task migrates from one schema only.
    """
    name, sep, pairs = text.partition(":")
    if not sep or not pairs:
        raise InputError(f"--key {text!r}: write TABLE:COLUMN=VALUE[,COLUMN=VALUE...] (the row's primary key)")
    schema, table = _source_table(name, plan, text)
    source = plan.builder.table(schema, table)
    primary = list(source.primary_key) if source is not None else []
    if not primary:
        raise InputError(f"--key {text!r}: {schema}.{table} has no primary key; resync reads rows by primary key")
    given: dict[str, str] = {}
    spelled: list[str] = []
    for pair in pairs.split(","):
        column, equals, value = pair.partition("=")
        if not equals:
            raise InputError(f"--key {text!r}: {pair!r} is not COLUMN=VALUE")
        given[column.strip().lower()] = value
        spelled.append(column.strip())
    if sorted(given) != sorted(c.lower() for c in primary) or len(spelled) != len(primary):
        raise InputError(
            f"--key {text!r}: give exactly the primary key of {schema}.{table}: {', '.join(primary)} "
            f"(given: {', '.join(spelled)})"
        )
    return SourceRef(schema, table, tuple(given[c.lower()] for c in primary))


def _source_table(name: str, plan: Plan, text: str) -> tuple[str, str]:
    schema, dot, table = name.rpartition(".")
    matches = [(s, t) for s, t in plan.tables if t == (table if dot else name) and (not dot or s == schema)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(f"{s}.{t}" for s, t in plan.tables)
    if not matches:
        raise InputError(f"--key {text!r}: task {plan.task.task_id!r} migrates no table {name!r}; it migrates {known}")
    raise InputError(f"--key {text!r}: {name!r} is a table of several schemas; write SCHEMA.TABLE ({known})")


# --------------------------------------------------------------------------------- apply exceptions

#: ``column = value`` in a statement; the identifier may be quoted, the value a quoted or bare literal.
_ASSIGNMENT = re.compile(
    r"""[`"]?([\w$]+)[`"]?\s*=\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|b'(?:[^'\\]|\\.)*'|[^\s,()]+)"""
)


def exception_refs(row: dict[str, str], plan: Plan) -> tuple[list[SourceRef], str]:
    """The source rows an ``awsdms_apply_exceptions`` row names (an UPDATE that changed the primary key
    names two: the row as it was and as it is), or no row and why not."""
    schema, table = row.get("TABLE_OWNER", ""), row.get("TABLE_NAME", "")
    source = plan.builder.table(schema, table)
    if (schema, table) not in plan.tables or source is None or not source.primary_key:
        return [], f"{schema}.{table} is not a table the task migrates with a primary key"
    statement = row.get("STATEMENT", "")
    named = _statement_table(statement)
    if named is not None and named.lower() not in (f"{schema}.{table}".lower(), table.lower()):
        # A cascade (applier.cascaded): the parent's statement on the child's record; its key is the parent's.
        return [], (
            f"cascade from {named}: verify {schema}.{table} in full (or resync --key each {table} row the "
            "cascade changed)"
        )
    primary = [c.lower() for c in source.primary_key]
    was = _values(statement.split(" WHERE ", 1)[1].split(" (was ", 1)[0]) if " WHERE " in statement else {}
    if not was:
        was = _json_values(statement) or _item_key_values(statement, plan, schema, table)
    if not all(c in was for c in primary):
        return [], (
            f"its STATEMENT does not name the primary key ({', '.join(source.primary_key)}) of {schema}.{table}; "
            f"resync the row with --key {table}:{'=...,'.join(source.primary_key)}=..."
        )
    refs = [SourceRef(schema, table, tuple(was[c] for c in primary))]
    if statement.startswith("UPDATE ") and " SET " in statement and " WHERE " in statement:
        now = {**was, **_values(statement.split(" SET ", 1)[1].split(" WHERE ", 1)[0])}
        moved = SourceRef(schema, table, tuple(now[c] for c in primary))
        if moved != refs[0]:
            refs.append(moved)
    return refs, ""


#: The table a STATEMENT acts on (``UPDATE FROM`` is how a cascade's UPDATE is written).
_STATEMENT_TABLE = re.compile(
    r"^\s*(?:(?:INSERT|REPLACE)(?:\s+INTO)?|DELETE\s+FROM|UPDATE(?:\s+FROM)?)\s+([^\s(]+)", re.I
)


def _statement_table(statement: str) -> str | None:
    """``schema.table`` a statement names (quotes dropped), or None when it names none resync can read."""
    found = _STATEMENT_TABLE.match(statement)
    return found.group(1).replace("`", "").replace('"', "") if found else None


def _values(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for column, literal in _ASSIGNMENT.findall(text):
        try:
            value = ast.literal_eval(literal) if literal[0] in "'\"b" else literal
        except (ValueError, SyntaxError):
            value = literal
        found[column.lower()] = value
    return found


def _json_values(statement: str) -> dict[str, Any]:
    """The row of an ``INSERT INTO s.t {json}`` statement (what the item model writes for a rejected row)."""
    start = statement.find("{")
    if start < 0:
        return {}
    try:
        row, _ = json.JSONDecoder().raw_decode(statement[start:])
    except json.JSONDecodeError:
        return {}
    return {str(k).lower(): v for k, v in row.items() if v is not None} if isinstance(row, dict) else {}


#: The follower's statement for a write DynamoDB refused: ``INSERT s.t (item key PK|SK)``.
_ITEM_KEY = re.compile(r"\(item key (.*)\)\s*$", re.DOTALL)
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def _item_key_values(statement: str, plan: Plan, schema: str, table: str) -> dict[str, Any]:
    """The columns an item key names, read back through the table's key templates (``ORDER#${order_id}``
    read against ``ORDER#17``); nothing when the key or a template cannot be read back unambiguously."""
    found = _ITEM_KEY.search(statement)
    rule = plan.builder.rule_for(schema, table)
    if found is None or rule is None:
        return {}
    names = plan.builder.key_names(rule)
    parts = found.group(1).split("|")
    if len(parts) != len(names):
        return {}  # a "|" inside a value: which part is which cannot be told
    templates = {m.target_attribute_name: m.value for m in rule.attribute_mappings if isinstance(m.value, str)}
    values: dict[str, Any] = {}
    for name, part in zip(names, parts, strict=True):
        template = templates.get(name, "${" + name + "}")  # no template: the column of that name, copied
        columns = _PLACEHOLDER.findall(template)
        groups = {column: f"g{n}" for n, column in enumerate(dict.fromkeys(columns))}
        pattern, seen = "", set()
        for text, column in zip(_PLACEHOLDER.split(template)[::2], [*columns, None], strict=True):
            pattern += re.escape(text)
            if column is not None:
                pattern += f"(?P={groups[column]})" if column in seen else f"(?P<{groups[column]}>.*)"
                seen.add(column)
        match = re.fullmatch(pattern, part, re.DOTALL)
        if match is None:
            return {}
        for column, group in groups.items():
            if values.setdefault(column.lower(), match.group(group)) != match.group(group):
                return {}
    return values


def ref_id(ref: SourceRef) -> tuple[str, str, tuple[str, ...]]:
    """A row's identity for comparing refs from different places (values as text, as MySQL compares them)."""
    return ref.schema, ref.table, tuple(v.hex() if isinstance(v, (bytes, bytearray)) else str(v) for v in ref.key)


def unique(refs: Iterable[SourceRef]) -> list[SourceRef]:
    seen: dict[tuple[str, str, tuple[str, ...]], SourceRef] = {}
    for ref in refs:
        seen.setdefault(ref_id(ref), ref)
    return list(seen.values())
