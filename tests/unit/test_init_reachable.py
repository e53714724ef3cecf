"""Every table ``init`` migrates can be fetched by its primary key, read from the built mappings and GSIs.

Not from the draft's notes: the object-mapping rules ``table_mappings()`` builds give each attribute's template,
the design's indexes say which attributes are keys. A table is reachable when one key pair (the table's, or a
GSI's) is made of exactly its primary key's columns, so one GetItem or one Query finds the row's item. Over every
schema of the DDL corpus and both example schemas; plus the rules that keep GSIs readable (no two entities under
one partition-key prefix of a GSI) and secrets out of the items.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mappings.design.draft import draft_design
from mappings.design.draft_columns import is_secret
from mappings.document.rules import ObjectMappingRule
from mappings.document.templates import placeholders
from mappings.schema import SourceSchema
from tests.conftest import DDL_CORPUS, ROOT

EXAMPLES = sorted((ROOT / "stacks" / "sql").glob("*.sql"))
CORPUS = sorted(p for p in DDL_CORPUS.glob("*.sql") if not p.name.endswith(".mysqldump.sql"))


def _built(
    path: Path,
) -> tuple[SourceSchema, dict[str, dict[str, str]], dict[str, tuple[str, ...]], list[tuple[str, str]]]:
    """The schema; per mapped table its attribute templates and excluded columns; the key pairs (table + GSIs)."""
    schema = SourceSchema.from_ddl(path.read_text(), name="db")
    design = draft_design(schema, table_name="t").design
    templates: dict[str, dict[str, str]] = {}
    excluded: dict[str, tuple[str, ...]] = {}
    for rule in design.table_mappings("db").rules_of(ObjectMappingRule):
        assert isinstance(rule, ObjectMappingRule)
        table = rule.object_locator.table_name or ""
        templates[table] = {m.target_attribute_name: str(m.value) for m in rule.attribute_mappings}
        excluded[table] = rule.exclude_columns
    pairs = [(design.partition_key.name, design.sort_key.name if design.sort_key else "")]
    pairs += [(i.partition_key.name, i.sort_key.name if i.sort_key else "") for i in design.indexes]
    return schema, templates, excluded, pairs


def _check(path: Path) -> None:
    schema, templates, excluded, pairs = _built(path)
    keyed = [t for t in schema.tables.values() if not t.is_view and t.primary_key]
    assert keyed and {t.name for t in keyed} == set(templates), "every table with a primary key is mapped"
    for table in keyed:
        attributes = templates[table.name]
        reachable = [
            (pk, sk)
            for pk, sk in pairs
            if pk in attributes
            and set(placeholders(attributes[pk])) <= set(table.primary_key)
            and set(placeholders(attributes[pk]) + placeholders(attributes.get(sk, ""))) == set(table.primary_key)
        ]
        assert reachable, f"{path.name}: {table.name} ({', '.join(table.primary_key)}) is not reachable by its key"
        secrets = {c.name for c in table.columns if is_secret(c.name)}
        assert secrets <= set(excluded[table.name]), f"{path.name}: {table.name} copies {secrets}"
    for pk, _ in pairs[1:]:
        owners: dict[str, set[str]] = {}
        for name, attributes in templates.items():
            if pk in attributes:
                prefix = re.split(r"#|\$\{", attributes[pk])[0]
                owners.setdefault(prefix, set()).add(name)
        shared = {p: o for p, o in owners.items() if len(o) > 1}
        assert not shared, f"{path.name}: {pk} prefixes shared by entities: {shared}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_table_is_reachable_by_its_key(path: Path) -> None:
    _check(path)


@pytest.mark.shared
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_corpus_table_is_reachable_by_its_key(path: Path) -> None:
    _check(path)


def test_a_secret_column_is_left_out_of_the_items_and_said_why() -> None:
    schema = SourceSchema.from_ddl(
        "CREATE TABLE users (id INT NOT NULL, user_pass VARCHAR(64), api_key CHAR(40), passenger VARCHAR(9),"
        " PRIMARY KEY (id));",
        name="db",
    )
    (entity,) = draft_design(schema, table_name="t").entities
    assert entity.entity.exclude_columns == ("user_pass", "api_key")  # "passenger" says nothing of a secret
    assert any(n.startswith("user_pass, api_key: the name says it holds a secret") for n in entity.notes)
