"""Real-world documents (../shared/corpus): valid ones round-trip exactly and check clean,
invalid ones are rejected with an error that names the offending rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mappings import MappingError, TableMappings, parse_rule_fragment
from mappings.document._json import loads_strict
from mappings.document._wire import ParseContext, parse_model
from mappings.document.rules import AttributeMapping
from mappings.document.table_mappings import issues_for
from mappings.validation.rule_checks import check_rules
from tests.conftest import CORPUS

pytestmark = pytest.mark.shared  # reads the corpus in ../shared

# The corpus's file names, committed (never its contents), so the cases exist even without ../shared
# and a clone without it counts every case it did not run; the first test keeps the list true.
MANIFEST = (Path(__file__).parent.parent / "corpus_manifest.txt").read_text().split()
VALID = [CORPUS / n for n in MANIFEST if "/" not in n and n.endswith(".json") and "fragment" not in n]
FRAGMENTS = [CORPUS / n for n in MANIFEST if "/" not in n and "fragment" in n and n.endswith(".json")]
INVALID = [CORPUS / n for n in MANIFEST if n.startswith("invalid/")]

# Warnings some valid documents earn, and why (everything else must check without any issue).
EXPECTED_WARNINGS = {
    "41-docs-kinesis-map-record-to-record-default.json": set(),
    "57-gh-tf-hhs-simpler-grants-rename-lowercase-remove-addcolumn.json": {"duplicate-rule-name"},
}


def test_corpus_is_present_and_the_manifest_lists_it() -> None:
    """After the corpus changed, regenerate the manifest from the checkout:
    ``(cd ../shared/corpus/dms-table-mappings && find . -type f | sed 's#^./##' | sort) > tests/corpus_manifest.txt``"""
    listed = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file())
    assert listed == sorted(MANIFEST)
    assert len(VALID) == 55 and len(FRAGMENTS) == 5 and len(INVALID) == 15


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_document_round_trips_exactly(path: Path) -> None:
    text = path.read_text()
    assert TableMappings.from_json(text).to_dict() == json.loads(text)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_document_checks_clean(path: Path) -> None:
    issues = TableMappings.from_json(path.read_text()).check()
    assert [i for i in issues if i.is_error] == []
    assert {i.code for i in issues} == EXPECTED_WARNINGS.get(path.name, set())


@pytest.mark.parametrize("path", FRAGMENTS, ids=lambda p: p.name)
def test_fragment_round_trips(path: Path) -> None:
    data = json.loads(path.read_text())
    if "rule-type" in data:
        rule = parse_rule_fragment(data)
        assert [i for i in check_rules([rule]) if i.is_error and i.code != "no-selection-rule"] == []
        assert rule.to_dict() == data
    else:
        ctx = ParseContext([])
        mapping = parse_model(AttributeMapping, data, ctx)
        assert ctx.issues == []
        assert mapping.to_dict() == data


def _errors(path: Path) -> list[str]:
    try:
        data = loads_strict(path.read_text())
    except MappingError as exc:
        return [str(i) for i in exc.issues]
    if isinstance(data, dict) and "rule-type" in data:  # a one-rule fragment
        try:
            rule = parse_rule_fragment(data)
        except MappingError as exc:
            return [str(i) for i in exc.issues]
        return [str(i) for i in check_rules([rule]) if i.is_error and i.code != "no-selection-rule"]
    return [str(i) for i in issues_for(data) if i.is_error]


# What each invalid document must be rejected for (a fragment of the message, and the rule it names).
INVALID_EXPECTATIONS = {
    "01-docs-expression-case-curly-quotes.json": ("typographic quotes", "rule-id '2'"),
    "02-docs-expression-metadata-duplicate-rule-action.json": ("'rule-action' appears twice", "rule-id '2'"),
    "04-docs-table-settings-wildcard-table-name.json": ("Exact schema and table name required", "rule-id '8'"),
    "05-gh-kuettai-object-mapping-no-rule-action-function-templates.json": (
        "missing required key 'rule-action'",
        "rule-id '2'",
    ),
    "06-gh-kuettai-object-mapping-no-hash-key.json": ("unknown key 'rule-target'", "rule-id '3'"),
    "07-gh-kuettai-object-mapping-only-no-selection-no-action.json": ("At least one selection rule is required", ""),
    "08-gh-dynamodb-labs-filter-conditions-placeholder-string.json": ("expected a JSON object", "rule-id '1'"),
    "09-aws-recorded-duplicate-rule-id.json": ("Duplicate ruleid 1", "rule-id '1'"),
    "10-aws-recorded-missing-object-locator.json": ("object locator cannot be null", "rule-id '1'"),
    "11-aws-recorded-unknown-rule-type-select.json": ("rule-type 'select' is not allowed", "rule-id '1'"),
    "12-aws-recorded-unknown-rule-action-including.json": ("'including' is not allowed", "rule-id '1'"),
    "13-aws-recorded-no-rules-key.json": ("Valid Table mappings is required", ""),
    "14-aws-recorded-malformed-json.txt": ("Invalid json", ""),
    "15-issue-botocore-1121-legacy-TableMappings-shape.json": ("Valid Table mappings is required", ""),
    "16-docs-kinesis-constant-partition-key-duplicate-rule-id.json": (
        "Duplicate ruleid 1",
        "rule-name 'TransformToKinesis'",
    ),
}


def test_every_invalid_document_has_an_expectation() -> None:
    assert {p.name for p in INVALID} == set(INVALID_EXPECTATIONS)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_document_is_rejected_naming_the_rule(path: Path) -> None:
    message, rule = INVALID_EXPECTATIONS[path.name]
    errors = _errors(path)
    assert any(message in e and rule in e for e in errors), errors


def test_invalid_documents_raise_from_json() -> None:
    for path in INVALID:
        if "fragment" in path.name or path.name.startswith(("01-", "02-", "04-")):
            continue  # bare rules, not documents
        with pytest.raises(MappingError):
            TableMappings.from_json(path.read_text())
