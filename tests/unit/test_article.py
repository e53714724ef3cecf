"""The article's ten rules, written with the builder, are exactly the article's JSON."""

from __future__ import annotations

import json
from typing import Any

from mappings import ObjectMappingRule, SelectionRule, TableMappings, TargetEngine
from stacks.sakila_mappings import sakila_table_mappings


def test_article_literal_is_read_from_the_seed(article_mappings: dict[str, Any]) -> None:
    rules = article_mappings["rules"]
    assert len(rules) == 10
    assert [r["rule-id"] for r in rules] == ["1", "2", "10", "11", "12", "13", "14", "15", "16", "17"]


def test_builder_output_equals_the_article(article_mappings: dict[str, Any]) -> None:
    assert sakila_table_mappings().to_dict() == article_mappings


def test_builder_output_has_the_articles_key_order(article_mappings: dict[str, Any]) -> None:
    # Same keys in the same order as the article, so a reviewer's diff against it is empty.
    built = sakila_table_mappings().to_dict()["rules"]
    for ours, theirs in zip(built, article_mappings["rules"], strict=True):
        if ours["rule-type"] == "object-mapping":
            assert list(ours) == list(theirs)


def test_article_mappings_check_clean_for_dynamodb(article_mappings: dict[str, Any]) -> None:
    mappings = TableMappings.from_dict(article_mappings, target=TargetEngine.DYNAMODB)
    assert mappings.check(TargetEngine.DYNAMODB) == []
    assert len(mappings.rules_of(SelectionRule)) == 2
    assert len(mappings.rules_of(ObjectMappingRule)) == 8


def test_to_json_is_deterministic_and_compact() -> None:
    first, second = sakila_table_mappings().to_json(), sakila_table_mappings().to_json()
    assert first == second
    assert "\n" not in first and ": " not in first
    assert json.loads(first) == sakila_table_mappings().to_dict()
