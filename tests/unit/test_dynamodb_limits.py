"""DynamoDB's number rule in one place: the engine and the document checks agree (NaN is no number)."""

from __future__ import annotations

import pytest

from mappings import TargetEngine, issues_for
from mappings.dynamodb_limits import (
    NUMBER_OVERFLOW,
    NUMBER_UNDERFLOW,
    canonical_number,
    is_number,
    number_range_error,
    significant_digits,
    utf8_error,
)


@pytest.mark.parametrize("text", ["0", "-1", "2.50", "1e5", "123456789012345678901234567890123456789"])
def test_numbers(text: str) -> None:
    assert is_number(text)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-Infinity", "", "1,5", "x"])
def test_not_numbers(text: str) -> None:
    assert not is_number(text)


def test_significant_digits() -> None:
    assert (significant_digits("-00120.0500"), significant_digits("0")) == (5, 0)  # 1, 2, 0, 0, 5
    assert (significant_digits("1e300"), significant_digits("1E-130"), significant_digits("1.25E+10")) == (1, 1, 3)
    assert significant_digits("123456789012345678901234567890123456789") == 39


# HowItWorks.NamingRulesDataTypes: positive 1E-130 to 9.9999999999999999999999999999999999999E+125, negative
# likewise, and zero.
@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("1e300", NUMBER_OVERFLOW),
        ("-1e300", NUMBER_OVERFLOW),
        ("1E+126", NUMBER_OVERFLOW),
        ("1e-300", NUMBER_UNDERFLOW),
        ("-1E-131", NUMBER_UNDERFLOW),
        ("9.9999999999999999999999999999999999999E+125", None),
        ("-9.9999999999999999999999999999999999999E+125", None),
        ("9.99E+125", None),
        ("1E-130", None),
        ("-1E-130", None),
        ("0", None),
        ("-0.000", None),
    ],
)
def test_the_number_range(text: str, error: str | None) -> None:
    assert number_range_error(text) == error


def test_numbers_are_compared_by_value_exactly() -> None:
    assert canonical_number("2.50") == canonical_number("2.5") == "2.5"
    assert canonical_number("-0.0") == canonical_number("0") == "0"
    # 38 digits that differ in the last one stay apart (the default decimal context would round both to 28)
    assert canonical_number("1234567890123456789012345678901234567.1") != canonical_number(
        "1234567890123456789012345678901234567.2"
    )


def test_utf8() -> None:
    assert utf8_error("café ✓ 𝄞") is None
    assert utf8_error("ab\udc80") == "a lone surrogate U+DC80 at character 2"


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
