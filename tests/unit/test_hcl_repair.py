"""HCL repair at any depth: top-level strings, maps, lists and nested blocks, repaired and verified."""

from __future__ import annotations

import re
from typing import Any

import pytest

from dms_dynamodb.hcl_repair import HclRepairError, hcl_string, repair, verify

DOCUMENT: dict[str, Any] = {
    "resource": {
        "aws_thing": {
            "x": {
                "name": "plain",
                "mappings": '{"value":"F#$${id}"}',
                "tags": {"owner": "team $${x}", "plain": "a"},
                "list": ["a", "%%{if}"],
                "rule": [{"name": "first", "expr": "a"}, {"name": "second", "expr": "b $${c}"}],
                "nested": {"inner": {"deep": "d $${e}"}},
            }
        }
    }
}

# What a broken converter could write: every escaped string mangled, wherever it is.
MANGLED = """resource "aws_thing" "x" {
  name = "plain"
  mappings = "{" value ":" F#$${id} "}"
  tags = {
    owner = "team ${x}"
    plain = "a"
  }
  list = ["a", "%{if}"]
  rule {
    name = "first"
    expr = "a"
  }
  rule {
    name = "second"
    expr = "b ${c}"
  }
  nested {
    inner {
      deep = "d ${e}"
    }
  }
}
"""


def test_every_escaped_string_at_any_depth_is_repaired() -> None:
    repaired = repair(MANGLED, DOCUMENT)
    assert '  mappings = "{\\"value\\":\\"F#$${id}\\"}"' in repaired
    assert '  tags = {"owner" = "team $${x}", "plain" = "a"}' in repaired
    assert '  list = ["a", "%%{if}"]' in repaired
    assert '    expr = "a"' in repaired  # the first rule block had nothing to repair: untouched
    assert '    expr = "b $${c}"' in repaired  # the second rule block, found by its position
    assert '      deep = "d $${e}"' in repaired
    assert '  name = "plain"' in repaired


def test_verify_fails_on_any_wrong_escaped_string_naming_its_path() -> None:
    with pytest.raises(HclRepairError, match=r"resource.aws_thing.x.mappings is still wrong"):
        verify(MANGLED, DOCUMENT)
    only_deep_wrong = repair(MANGLED, DOCUMENT).replace('"d $${e}"', '"d ${e}"')
    with pytest.raises(HclRepairError, match=r"resource.aws_thing.x.nested.inner.deep is still wrong"):
        verify(only_deep_wrong, DOCUMENT)


def test_a_block_missing_from_the_hcl_is_an_error() -> None:
    with pytest.raises(HclRepairError, match=re.escape("""block 'resource "aws_thing" "x" {' not found""")):
        repair('resource "aws_other" "y" {\n}\n', DOCUMENT)


def test_hcl_strings_escape_quotes_backslashes_and_newlines() -> None:
    assert hcl_string('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'
