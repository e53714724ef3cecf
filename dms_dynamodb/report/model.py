"""The report's data: the target table as item collections, built from what was read (pure: no server here).

One JSON-able dict feeds both renderers (the HTML page embeds it, ``report.md`` is written from it), so the
page and the Markdown cannot say different things. Items are whole (every attribute, every GSI key), plain
values as :func:`plain_item` shows them. An item belongs to the entity whose pk and sk templates it matches
(literal text as written, each ``${column}`` any text).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dms_dynamodb.rehearsal.patterns import plain_item, plain_value
from mappings.design import TableDesign
from mappings.document.rules import ObjectMappingRule
from mappings.document.table_mappings import TableMappings

#: Partitions shown per entity and per GSI, items per partition and per pattern: a page a reviewer reads.
PARTITIONS = 3
ITEMS = 12


@dataclass(frozen=True, slots=True)
class EntityKeys:
    """One object mapping into the table: its source table and its key templates (table and GSI keys)."""

    table: str
    rule: str
    templates: Mapping[str, str]
    excluded: tuple[str, ...]

    def matches(self, item: Mapping[str, Any], pk: str, sk: str) -> bool:
        return (
            all(
                _pattern(self.templates[name]).fullmatch(str(item.get(name, ""))) is not None
                for name in (pk, sk)
                if name in self.templates
            )
            and pk in self.templates
        )


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\$\{[^}]*\}", template)
    return re.compile("(.*?)".join(re.escape(p) for p in parts), re.DOTALL)


def entity_keys(mappings: TableMappings, design: TableDesign) -> list[EntityKeys]:
    """Every object mapping that writes into ``design``'s table, with its key templates."""
    keys = {design.partition_key.name, *(k.name for k in [design.sort_key] if k)}
    keys |= {k.name for index in design.indexes for k in index.keys}
    found = []
    for rule in mappings.rules_of(ObjectMappingRule):
        assert isinstance(rule, ObjectMappingRule)
        if (rule.target_table_name or rule.object_locator.table_name) != design.table_name:
            continue
        templates = {
            m.target_attribute_name: str(m.value)
            for m in rule.attribute_mappings
            if m.target_attribute_name in keys and isinstance(m.value, str)
        }
        name = rule.object_locator.table_name or ""
        found.append(EntityKeys(name, rule.rule_name or name, templates, rule.exclude_columns))
    return found


#: Reads one partition whole: (index name or None for the table, key attribute, its typed value) -> raw items.
Reader = Callable[[str | None, str, Mapping[str, Any]], Sequence[Mapping[str, Any]]]


def build_report(
    *,
    stack: str,
    task: str,
    design: TableDesign,
    entities: Sequence[EntityKeys],
    items: Sequence[Mapping[str, Any]],
    read: Reader,
    patterns: Sequence[tuple[str, str, str, Sequence[Mapping[str, Any]]]],
    left_out: Mapping[str, Sequence[str]],
    findings: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The report: ``items`` are raw DynamoDB items (a sample of the table) that choose which partitions to show,
    each then read whole with ``read``; ``patterns`` are (name, where, key condition, the raw items the query
    returned); ``left_out`` per source table; ``findings`` verify's records."""
    pk = design.partition_key.name
    sk = design.sort_key.name if design.sort_key else ""
    base = (pk, sk)
    notes = _findings_by_key(findings, pk, sk)
    by_entity: dict[str, list[Mapping[str, Any]]] = {e.table: [] for e in entities}
    for raw in items:
        owner = next((e for e in entities if e.matches(plain_item(dict(raw)), pk, sk)), None)
        if owner is not None:
            by_entity[owner.table].append(raw)
    shown = []
    for entity in entities:
        values = _first_values(by_entity[entity.table], pk)
        shown.append(
            {
                "table": entity.table,
                "rule": entity.rule,
                "templates": dict(entity.templates),
                "excluded": list(entity.excluded),
                "left_out": list(left_out.get(entity.table, ())),
                "count": len(by_entity[entity.table]),
                "collections": [_collection(base, pk, v, read(None, pk, v), sk, notes) for v in values],
            }
        )
    indexes = []
    for index in design.indexes:
        ipk, isk = index.partition_key.name, index.sort_key.name if index.sort_key else ""
        values = _first_values(items, ipk)
        indexes.append(
            {
                "name": index.name,
                "keys": [ipk, isk] if isk else [ipk],
                "collections": [_collection(base, ipk, v, read(index.name, ipk, v), isk, notes) for v in values],
            }
        )
    return {
        "stack": stack,
        "task": task,
        "table": design.table_name,
        "keys": [pk, sk] if sk else [pk],
        "sampled": len(items),
        "entities": shown,
        "indexes": indexes,
        "patterns": [
            {
                "name": name,
                "where": where,
                "condition": condition,
                "count": len(found),
                "items": [_noted(plain_item(dict(i)), pk, sk, notes) for i in found[:ITEMS]],
            }
            for name, where, condition, found in patterns
        ],
        "findings": [dict(f) for f in findings_list(notes)],
    }


def _first_values(items: Iterable[Mapping[str, Any]], key: str) -> list[Mapping[str, Any]]:
    """The first :data:`PARTITIONS` distinct typed values of ``key`` among ``items``."""
    seen: dict[str, Mapping[str, Any]] = {}
    for raw in items:
        if key in raw:
            seen.setdefault(json.dumps(raw[key], sort_keys=True), raw[key])
    return list(seen.values())[:PARTITIONS]


def _collection(
    base: tuple[str, str],
    key: str,
    value: Mapping[str, Any],
    found: Sequence[Mapping[str, Any]],
    sort: str,
    notes: Mapping[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    """One partition of the table or a GSI, whole as read, in sort-key order (the first :data:`ITEMS` shown)."""
    members = sorted((plain_item(dict(i)) for i in found), key=lambda i: str(i.get(sort, "")))
    return {
        "key": key,
        "value": plain_item({key: dict(value)})[key],
        "count": len(members),
        "items": [_noted(i, *base, notes) for i in members[:ITEMS]],
    }


def _noted(item: dict[str, Any], pk: str, sk: str, notes: Mapping[str, list[dict[str, Any]]]) -> dict[str, Any]:
    found = notes.get(_key_text(item.get(pk), item.get(sk)), [])
    return {"attributes": item, "findings": [_finding_text(f) for f in found]}


def _key_text(pk: Any, sk: Any) -> str:
    return json.dumps([pk, sk], default=str)


def _findings_by_key(findings: Iterable[Mapping[str, Any]], pk: str, sk: str) -> dict[str, list[dict[str, Any]]]:
    by_key: dict[str, list[dict[str, Any]]] = {}
    for record in findings:
        key = record.get("key")
        if isinstance(key, Mapping):
            values = [_plain(key.get(name)) for name in (pk, sk)]
            by_key.setdefault(_key_text(*values), []).append(dict(record))
        else:
            by_key.setdefault("", []).append(dict(record))
    return by_key


def _plain(value: Any) -> Any:
    """A key value as verify writes it (typed, ``{"S": "A#1"}``) or plain, as the items here show it."""
    if isinstance(value, Mapping) and len(value) == 1:
        return plain_value(dict(value))
    return value


def findings_list(notes: Mapping[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every finding, as one line each, for the section that lists them all."""
    return [{"key": key, "text": _finding_text(f)} for key, found in notes.items() for f in found]


def _finding_text(record: Mapping[str, Any]) -> str:
    kind = record.get("type", "FINDING")
    rest = {k: v for k, v in record.items() if k not in ("type", "key")}
    return f"{kind} {json.dumps(rest, sort_keys=True, default=str)}"
