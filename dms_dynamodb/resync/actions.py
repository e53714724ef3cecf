"""The plan of a resync: for every target key involved, read both sides again and decide one action.

A key's expected item is what its source rows map to *now* (re-read by primary key, built by the item
model the load and CDC use); the target's item is read with a strongly consistent read. Then:
- ``put``: a source row maps to the key and the item is missing or differs;
- ``delete``: the item's source rows were all read again and none maps to this key any more (the row
  is gone, left the source filter, or its key changed: the item was left behind);
- ``agrees``: nothing to do (a second resync plans only these);
- ``left``: resync will not decide it, and says why: a row DMS would reject (never written), an item
  that names no source row, two rows that map to one key (a design finding).

Which rows an item can come from: the mapped tables writing its table whose primary-key columns it
copies (:meth:`KeyReader.refs_from_item`, the assumption ``verify --settle`` makes too); only those whose
key templates fit the item's key can own it, so an item no such row owns is left, never deleted. Rows named by
``--key`` or an apply exception may have left items at keys no finding names (a key change): the
target tables they write are scanned once for items that copy their primary key.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dms_dynamodb.dynamodb.scan import scan
from dms_dynamodb.resync.inputs import Finding, ref_id, unique
from dms_dynamodb.verify.recheck import MISSING_SOURCE, KeyReader, SourceRef, differences, key_text, key_values
from mappings.items import Item, Rejection, canonical

PUT, DELETE, AGREES, LEFT = "put", "delete", "agrees", "left"


@dataclass
class Action:
    """One key's decision: what the target holds (before), what it will hold (after), and why."""

    kind: str
    table: str
    key: dict[str, Any]
    before: Item | None
    after: Item | None
    why: str
    #: The source rows that can produce this key: the re-verify reads them again.
    refs: list[SourceRef] = field(default_factory=list)

    def render(self) -> str:
        key = ", ".join(f"{n}={next(iter(v.values()))}" for n, v in self.key.items()) or "-"
        return f"  {self.kind.upper():6} {self.table} {key}: {self.why}"


@dataclass
class Current:
    """A source row read again: the key text and item it maps to now, or why it maps to none."""

    ref: SourceRef
    key: str | None = None
    item: Item | None = None
    state: str = "maps"  # maps, gone, filtered, rejected
    error: str = ""


def read_current(reader: KeyReader, ref: SourceRef) -> Current:
    row = reader.source_row(ref)
    if row is None:
        return Current(ref, state="gone")
    builder = reader.plan.builder
    if not builder.filter_for(ref.schema, ref.table).admits(row):
        return Current(ref, state="filtered")
    built = builder.build(ref.schema, ref.table, row)
    if isinstance(built, Rejection):
        return Current(ref, state="rejected", error=f"{built.reason}: {built.error}")
    target = reader.plan.target_of(ref.schema, ref.table).table_name
    return Current(ref, key_text(target, built, reader.key_names[target]), built)


def plan_actions(
    reader: KeyReader, findings: list[Finding], named: list[SourceRef], *, segments: int = 4
) -> list[Action]:
    """One action per target key the findings and the named rows involve, in a stable order."""
    keys: dict[str, tuple[str, dict[str, Any]]] = {}
    expected_then: dict[str, Item] = {}
    wanted_items: set[str] = set()  # keys a finding says should hold an item
    for found in findings:
        text = _text(reader, found.table, found.key)
        keys.setdefault(text, (found.table, found.key))
        if found.kind != MISSING_SOURCE:
            wanted_items.add(text)
        if found.expected is not None:
            expected_then[text] = found.expected
    actual = _read_actual(reader, keys)
    refs: list[SourceRef] = list(named)
    # The rows whose items resync makes agree: the named ones, and those whose key templates fit an item
    # involved (an order's item copies its customer's key too: that row is read, its item left alone).
    owners = {ref_id(ref) for ref in named}

    def involve(table: str, item: Item) -> None:
        found = reader.refs_from_item(table, item)
        refs.extend(found)
        owners.update(ref_id(ref) for ref in found if _fits(reader, ref, table, item))

    for text, (table, _) in keys.items():
        for item in (actual.get(text), expected_then.get(text)):
            if item is not None:
                involve(table, item)
    if named:  # items a key change left behind, at keys no finding names
        for text, (table, key, item) in _copies_of(reader, named, segments).items():
            keys.setdefault(text, (table, key))
            actual[text] = item
            involve(table, item)
    current = {ref_id(ref): read_current(reader, ref) for ref in unique(refs)}
    actions = [_rejected(reader, c) for i, c in current.items() if c.state == "rejected" and i in owners]
    for i, row in current.items():
        if row.key is not None and row.item is not None and i in owners:
            table = row.key.split("\x1f", 1)[0]
            keys.setdefault(row.key, (table, key_values(row.item, reader.key_names[table])))
    actual |= _read_actual(reader, {k: v for k, v in keys.items() if k not in actual})
    for text, (table, key) in sorted(keys.items()):
        action = _decide(reader, text, table, key, actual.get(text), current, expected_then.get(text))
        if action.kind == AGREES and not action.refs and text in wanted_items:
            why = (
                "no source row can be named for this key (the report's record carries no expected "
                "item, and the target holds none): run verify again (its records carry it) or name the row with --key"
            )
            action = Action(LEFT, table, key, None, None, why)
        actions.append(action)
    return actions


def _decide(
    reader: KeyReader,
    text: str,
    table: str,
    key: dict[str, Any],
    held: Item | None,
    current: dict[tuple[str, str, tuple[str, ...]], Current],
    reported: Item | None,
) -> Action:
    producers = [c for c in current.values() if c.key == text]
    named = reader.refs_from_item(table, held) if held is not None else []
    refs = unique([*(c.ref for c in producers), *named])
    if len(producers) > 1:
        rows = " and ".join(_row(c.ref) for c in producers)
        why = (
            f"{rows} all map to this key (OVERWRITE): the design must give them distinct keys; resync will not pick one"
        )
        return Action(LEFT, table, key, held, held, why, refs)
    if producers:
        after = producers[0].item
        assert after is not None
        if held is not None and canonical(held) == canonical(after):
            return Action(AGREES, table, key, held, held, "the target agrees with the source", refs)
        if held is None:
            why = f"the target has no item for {_row(producers[0].ref)}"
        else:
            why = "attributes differ: " + ", ".join(d["attribute"] for d in differences(after, held))
        if reported is not None and canonical(reported) != canonical(after):
            why += "; the source row changed since the report: written with its current value"
        return Action(PUT, table, key, held, after, why, refs)
    if held is None:  # without refs: a MISSING_SOURCE whose item is gone, nothing left to read again
        return Action(AGREES, table, key, None, None, "no source row maps to this key and the target has no item", refs)
    if not named:
        why = (
            "no source row maps to this key, and the item names none (it copies no mapped table's primary key): "
            "resync cannot tell whether it is an orphan; delete it by hand if it is"
        )
        return Action(LEFT, table, key, held, held, why, refs)
    # Only a row whose table's key templates fit this key can have written it: an item that merely copies a
    # column named like a primary key (another task's LEDGER#1 with id=1) is not a mapped row's orphan.
    owners = [ref for ref in named if _fits(reader, ref, table, held)]
    if not owners:
        why = (
            "no source row maps to this key, and its key fits no key template of the mapped tables whose "
            f"primary key it copies ({', '.join(sorted({f'{r.schema}.{r.table}' for r in named}))}): "
            "resync cannot tell whose item it is; delete it by hand if it is an orphan"
        )
        return Action(LEFT, table, key, held, held, why, refs)
    states = [current[ref_id(ref)] for ref in owners if ref_id(ref) in current]
    if len(states) < len(owners):
        why = "not every source row this item can come from was read again: run resync with its report finding"
        return Action(LEFT, table, key, held, held, why, refs)
    if any(s.state == "rejected" for s in states):
        why = "its source row is one DMS would reject (listed apart): the item is left as it is"
        return Action(LEFT, table, key, held, held, why, refs)
    fates = "; ".join(_fate(reader, s) for s in states)
    return Action(DELETE, table, key, held, None, "an orphan: " + fates, refs)


def _fits(reader: KeyReader, ref: SourceRef, table: str, item: Item) -> bool:
    from dms_dynamodb.table_choice import key_patterns

    values = [str(next(iter(item[n].values()))) if n in item else "" for n in reader.key_names[table]]
    patterns = key_patterns(reader.plan, ref.schema, ref.table)
    return all(p.fullmatch(v) for p, v in zip(patterns, values, strict=False))


def _fate(reader: KeyReader, state: Current) -> str:
    if state.state == "gone":
        return f"{_row(state.ref)} is gone from the source"
    if state.state == "filtered":
        return f"{_row(state.ref)} is outside the task's source filters"
    if state.key is not None:
        table, *values = state.key.split("\x1f")
        where = ", ".join(f"{n}={v}" for n, v in zip(reader.key_names[table], values, strict=False))
        return f"{_row(state.ref)} maps to another key now ({table}: {where})"
    return f"{_row(state.ref)} maps to no item"


def _rejected(reader: KeyReader, found: Current) -> Action:
    table = reader.plan.target_of(found.ref.schema, found.ref.table).table_name
    why = f"{_row(found.ref)} is a row DMS would reject ({found.error}): reported, never written"
    return Action(LEFT, table, {}, None, None, why, [found.ref])


def _row(ref: SourceRef) -> str:
    return f"row {ref.schema}.{ref.table} ({', '.join(str(v) for v in ref.key)})"


def _text(reader: KeyReader, table: str, key: dict[str, Any]) -> str:
    return key_text(table, key, reader.key_names[table])


def _read_actual(reader: KeyReader, keys: dict[str, tuple[str, dict[str, Any]]]) -> dict[str, Item]:
    by_table: dict[str, list[dict[str, Any]]] = {}
    for table, key in keys.values():
        by_table.setdefault(table, []).append(key)
    found: dict[str, Item] = {}
    for table, wanted in by_table.items():
        found |= reader.actual(table, _distinct(wanted))
    return found


def _distinct(keys: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for key in keys:
        seen.setdefault(canonical(key), key)
    return list(seen.values())


def _copies_of(reader: KeyReader, named: list[SourceRef], segments: int) -> dict[str, tuple[str, dict[str, Any], Item]]:
    """Items of the named rows' target tables that copy one of their primary keys and whose key fits that
    row's table's key templates: where they are now (an item of another table that copies a like-named
    column is not theirs)."""
    wanted = {ref_id(ref) for ref in named}
    tables = sorted({reader.plan.target_of(ref.schema, ref.table).table_name for ref in named})
    found: dict[str, tuple[str, dict[str, Any], Item]] = {}
    for table in tables:
        names = reader.key_names[table]
        with contextlib.closing(scan(reader.ddb, table, segments)) as pages:
            for page in pages:
                for item in page:
                    refs = reader.refs_from_item(table, item)
                    if any(ref_id(ref) in wanted and _fits(reader, ref, table, item) for ref in refs):
                        found[key_text(table, item, names)] = (table, key_values(item, names), item)
    return found


def replan(reader: KeyReader, action: Action) -> Action:
    """One key decided again from both sides read now (a conditional write found the item changed under it)."""
    text = _text(reader, action.table, action.key)
    held = reader.actual(action.table, [action.key]).get(text)
    refs = unique([*action.refs, *(reader.refs_from_item(action.table, held) if held is not None else [])])
    current = {ref_id(ref): read_current(reader, ref) for ref in refs}
    return _decide(reader, text, action.table, action.key, held, current, None)
