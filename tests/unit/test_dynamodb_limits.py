"""DynamoDB's number rule in one place: the engine and the document checks agree (NaN is no number)."""

from __future__ import annotations

import pytest

from mappings import TargetEngine, issues_for
from mappings.dynamodb_limits import is_number, significant_digits


@pytest.mark.parametrize("text", ["0", "-1", "2.50", "1e5", "123456789012345678901234567890123456789"])
def test_numbers(text: str) -> None:
    assert is_number(text)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-Infinity", "", "1,5", "x"])
def test_not_numbers(text: str) -> None:
    assert not is_number(text)


def test_significant_digits() -> None:
    assert (significant_digits("-00120.0500"), significant_digits("0")) == (5, 0)  # 1, 2, 0, 0, 5


def test_a_nan_in_a_dynamodb_document_is_an_error_like_in_the_engine() -> None:
    document = {
        "rules": [
            {"rule-type": "selection", "rule-id": "1", "rule-name": "s", "rule-action": "include",
             "object-locator": {"schema-name": "db", "table-name": "t"}},
            {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "m", "rule-action": "map-record-to-record",
             "object-locator": {"schema-name": "db", "table-name": "t"}, "target-table-name": "t-t",
             "mapping-parameters": {"partition-key-name": "pk", "attribute-mappings": [
                 {"target-attribute-name": "pk", "attribute-type": "scalar", "attribute-sub-type": "string",
                  "value": "T#${id}"},
                 {"target-attribute-name": "doc", "attribute-type": "document", "attribute-sub-type": "dynamodb-map",
                  "value": {"M": {"score": {"N": "NaN"}}}}]}},
        ]
    }  # fmt: skip
    issues = issues_for(document, TargetEngine.DYNAMODB)
    assert [(i.code, i.message) for i in issues if i.code == "bad-dynamodb-json"] == [
        ("bad-dynamodb-json", "'NaN' is not a number")
    ]
