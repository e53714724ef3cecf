"""One finding type, one text and one JSON renderer; the incomplete document's check list is derived."""

from __future__ import annotations

import json
from typing import Any

from mappings import Issue, Severity
from mappings.document.table_mappings import issues_for
from mappings.findings import Finding, render_json, render_text
from mappings.validation import rule_checks
from mappings.validation.object_mapping_checks import check_object_mappings


def test_an_issue_is_a_finding_and_prints_as_before() -> None:
    issue = Issue(Severity.ERROR, "unknown-value", "$.rules[0].rule-action", "'bogus' is not allowed", "2", "sel")
    assert isinstance(issue, Finding)
    assert (issue.where, issue.path, issue.fix) == ("$.rules[0].rule-action", "$.rules[0].rule-action", None)
    assert str(issue) == (
        "error[unknown-value] $.rules[0].rule-action (rule-id '2', rule-name 'sel'): 'bogus' is not allowed"
    )
    assert str(Issue(Severity.WARNING, "c", "$", "m")) == "warning[c] $: m"


def test_text_puts_the_fix_under_its_finding() -> None:
    findings = [
        Finding(Severity.ERROR, "binlog-format", "server", "binlog_format is MIXED", fix="set binlog_format=ROW"),
        Finding(Severity.OK, "server-id", "server", "server_id is 7"),
    ]
    assert render_text(findings) == (
        "error[binlog-format] server: binlog_format is MIXED\n"
        "    fix: set binlog_format=ROW\n"
        "ok[server-id] server: server_id is 7"
    )
    assert render_text([]) == ""


def test_json_holds_the_five_fields_and_an_issues_rule() -> None:
    findings: list[Finding] = [
        Finding(Severity.WARNING, "retention", "server", "12 h", fix="24 h"),
        Issue(Severity.ERROR, "no-rules", "$.rules", "no rules", "1", None),
    ]
    parsed: list[dict[str, Any]] = json.loads(render_json(findings))
    assert parsed == [
        {"severity": "warning", "code": "retention", "where": "server", "message": "12 h", "fix": "24 h"},
        {
            "severity": "error",
            "code": "no-rules",
            "where": "$.rules",
            "message": "no rules",
            "fix": None,
            "rule_id": "1",
            "rule_name": None,
        },
    ]


def test_the_incomplete_documents_checks_are_the_whole_list_less_the_cross_rule_ones() -> None:
    assert tuple(c for c in rule_checks._CHECKS if c not in rule_checks._WHOLE) == rule_checks._PER_RULE_CHECKS
    assert set(rule_checks._WHOLE) == {rule_checks._rule_ids, check_object_mappings}


def _doc(first_action: str) -> dict[str, Any]:
    explicit = {"schema-name": "shop", "table-name": "a%"}
    mapped = {"schema-name": "shop", "table-name": "t2"}
    return {
        "rules": [
            {"rule-type": "selection", "rule-id": "2", "rule-name": "s", "object-locator": mapped,
             "rule-action": first_action},
            {"rule-type": "object-mapping", "rule-id": "3", "rule-name": "map", "rule-action": "map-record-to-record",
             "object-locator": mapped, "target-table-name": "shop-table",
             "mapping-parameters": {"partition-key-name": "pk", "attribute-mappings": [
                 {"target-attribute-name": "pk", "attribute-type": "scalar", "attribute-sub-type": "string",
                  "value": "${id}"}]}},
            {"rule-type": "selection", "rule-id": "4", "rule-name": "w", "object-locator": explicit,
             "rule-action": "explicit"},
        ]
    }  # fmt: skip


def test_a_broken_rule_still_gets_the_per_rule_checks_and_no_cross_rule_echo() -> None:
    codes = [i.code for i in issues_for(_doc("bogus"))]
    assert codes == ["unknown-value", "wildcard-in-explicit"]  # not also "object-mapping-not-selected"
    assert [i.code for i in issues_for(_doc("exclude"))] == ["wildcard-in-explicit", "object-mapping-excluded"]
