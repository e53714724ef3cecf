"""One case per validation problem: each asserts the code, where it is, and what the message says."""

from __future__ import annotations

from typing import Any

import pytest

from mappings import Issue, MappingError, TableMappings, TargetEngine
from mappings.document.table_mappings import issues_for

DB = "db"


def sel(action: str = "include", table: str = "%", rule_id: str = "1", **extra: Any) -> dict[str, Any]:
    return {
        "rule-type": "selection",
        "rule-id": rule_id,
        "rule-name": f"sel-{rule_id}",
        "rule-action": action,
        "object-locator": {"schema-name": DB, "table-name": table},
        **extra,
    }


def om(table: str = "film", rule_id: str = "2", params: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    default = {
        "partition-key-name": "pk",
        "attribute-mappings": [
            {
                "target-attribute-name": "pk",
                "attribute-type": "scalar",
                "attribute-sub-type": "string",
                "value": "F#${id}",
            }
        ],
    }
    rule = {
        "rule-type": "object-mapping",
        "rule-id": rule_id,
        "rule-name": f"map-{table}",
        "rule-action": "map-record-to-record",
        "object-locator": {"schema-name": DB, "table-name": table},
        "target-table-name": "target",
        "mapping-parameters": default if params is None else params,
    }
    rule.update(extra)
    return rule


def tr(
    action: str, target: str = "column", rule_id: str = "3", locator: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    loc = locator if locator is not None else {"schema-name": DB, "table-name": "film", "column-name": "title"}
    return {
        "rule-type": "transformation",
        "rule-id": rule_id,
        "rule-name": f"tr-{rule_id}",
        "rule-action": action,
        "rule-target": target,
        "object-locator": loc,
        **extra,
    }


def attr(name: str, value: Any, kind: str = "scalar", sub: str | None = "string") -> dict[str, Any]:
    out: dict[str, Any] = {"target-attribute-name": name, "attribute-type": kind, "value": value}
    if sub is not None:
        out["attribute-sub-type"] = sub
    return out


def wire(fields: dict[str, Any]) -> dict[str, Any]:
    """Extra rule fields with DMS's dashed names, for ``**`` into the helpers above."""
    return fields


def doc(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"rules": list(rules)}


def only(issues: list[Issue], code: str) -> Issue:
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, f"expected one {code!r}, got {[str(i) for i in issues]}"
    return found[0]


CASES: list[tuple[str, dict[str, Any], TargetEngine | None, str, str]] = [
    # (code, document, target, expected path, message fragment)
    ("no-rules", doc(), None, "$.rules", "at least one selection rule"),
    ("no-rules-key", {"hello": "world"}, None, "$", "Valid Table mappings is required"),
    ("no-selection-rule", doc(om()), None, "$.rules", "At least one selection rule is required"),
    (
        "duplicate-rule-id",
        doc(sel(), sel("exclude", "x", rule_id="1")),
        None,
        "$.rules[1].rule-id",
        "Duplicate ruleid 1",
    ),
    ("rule-id-not-numeric", doc(sel(rule_id="one")), None, "$.rules[0].rule-id", "'one' is not numeric"),
    ("numeric-rule-id", doc(sel(rule_id=1)), None, "$.rules[0].rule-id", "is a JSON number"),  # type: ignore[arg-type]
    (
        "duplicate-rule-name",
        doc(sel(), {**sel("exclude", "x", "2"), "rule-name": "sel-1"}),
        None,
        "$.rules[1].rule-name",
        "'sel-1' is also used by $.rules[0]",
    ),
    (
        "unknown-key",
        doc(sel(**wire({"rule-target": "table"}))),
        None,
        "$.rules[0].rule-target",
        "unknown key 'rule-target' in a selection rule",
    ),
    (
        "missing-key",
        doc({k: v for k, v in sel().items() if k != "object-locator"}),
        None,
        "$.rules[0]",
        "object locator cannot be null",
    ),
    (
        "unknown-value",
        doc(sel("Include")),
        None,
        "$.rules[0].rule-action",
        "values are case-sensitive: did you mean 'include'?",
    ),
    ("wrong-type", doc(sel(filters={"column-name": "x"})), None, "$.rules[0].filters", "expected an array, got object"),
    (
        "locator-missing-name",
        doc({**sel(), "object-locator": {"schema-name": DB}}),
        None,
        "$.rules[0].object-locator",
        "needs 'table-name'",
    ),
    (
        "locator-key-not-allowed",
        doc({**sel(), "object-locator": {"schema-name": DB, "table-name": "t", "column-name": "c"}}),
        None,
        "$.rules[0].object-locator.column-name",
        "selection locator takes schema-name, table-name and table-type",
    ),
    (
        "wildcard-in-explicit",
        doc(sel("explicit", "film%")),
        None,
        "$.rules[0].object-locator.table-name",
        "explicit selection names exactly one table",
    ),
    (
        "bad-load-order",
        doc(sel(**wire({"load-order": "first"}))),
        None,
        "$.rules[0].load-order",
        "'first' is not a positive integer",
    ),
    (
        "filter-on-exclude",
        doc(
            sel(),
            sel(
                "exclude",
                "film",
                "2",
                filters=[
                    {"filter-type": "source", "column-name": "id", "filter-conditions": [{"filter-operator": "null"}]}
                ],
            ),
        ),
        None,
        "$.rules[1].filters",
        "filters apply only to rules that select rows",
    ),
    (
        "filter-on-wildcard",
        doc(
            sel(
                filters=[
                    {"filter-type": "source", "column-name": "id", "filter-conditions": [{"filter-operator": "null"}]}
                ]
            )
        ),
        None,
        "$.rules[0].object-locator.table-name",
        "filters only support tables with exact names",
    ),
    (
        "empty-filter",
        doc(sel(table="film", filters=[{"filter-type": "source", "column-name": "id", "filter-conditions": []}])),
        None,
        "$.rules[0].filters[0].filter-conditions",
        "at least one condition",
    ),
    (
        "negative-filter-not-alone",
        doc(
            sel(
                table="film",
                filters=[
                    {
                        "filter-type": "source",
                        "column-name": "id",
                        "filter-conditions": [
                            {"filter-operator": "noteq", "value": "1"},
                            {"filter-operator": "eq", "value": "2"},
                        ],
                    }
                ],
            )
        ),
        None,
        "$.rules[0].filters[0].filter-conditions",
        "'noteq' must be the only condition",
    ),
    (
        "filter-operands",
        doc(
            sel(
                table="film",
                filters=[
                    {
                        "filter-type": "source",
                        "column-name": "id",
                        "filter-conditions": [{"filter-operator": "between", "value": "1"}],
                    }
                ],
            )
        ),
        None,
        "$.rules[0].filters[0].filter-conditions[0]",
        "'between' takes end-value, start-value; got value",
    ),
    (
        "target-not-allowed",
        doc(sel(), tr("remove-column", "table")),
        None,
        "$.rules[1].rule-target",
        "'remove-column' does not apply to rule-target 'table'; allowed: 'column'",
    ),
    ("missing-field", doc(sel(), tr("rename")), None, "$.rules[1]", "'rename' needs 'value'"),
    (
        "field-not-allowed",
        doc(sel(), tr("remove-column", **wire({"old-value": "x"}))),
        None,
        "$.rules[1].old-value",
        "'old-value' has no meaning for rule-action 'remove-column'",
    ),
    (
        "bad-expression",
        doc(
            sel(),
            tr(
                "add-column",
                locator={"schema-name": DB, "table-name": "film"},
                value="c",
                expression="upper($a",
                **wire({"data-type": {"type": "string"}}),
            ),
        ),
        None,
        "$.rules[1].expression",
        "SQLite cannot compile it",
    ),
    (
        "bad-mask-character",
        doc(sel(), tr("data-masking-digits-mask", value="##")),
        None,
        "$.rules[1].value",
        "exactly one printable, non-blank ASCII character",
    ),
    (
        "empty-before-image-affixes",
        doc(
            sel(),
            tr(
                "add-before-image-columns",
                locator={"schema-name": DB, "table-name": "film"},
                **wire({"before-image-def": {"column-prefix": "", "column-suffix": ""}}),
            ),
        ),
        None,
        "$.rules[1].before-image-def",
        "both empty",
    ),
    (
        "tablespace-names-exclusive",
        doc(
            sel(),
            tr(
                "rename",
                "table-tablespace",
                value="x",
                locator={"schema-name": DB, "table-tablespace-name": "a", "index-tablespace-name": "b"},
            ),
        ),
        None,
        "$.rules[1].object-locator",
        "mutually exclusive",
    ),
    (
        "wildcard-in-define-primary-key",
        doc(
            sel(),
            tr(
                "define-primary-key",
                "table",
                locator={"schema-name": DB, "table-name": "f%"},
                **wire({"primary-key-def": {"name": "pk", "columns": ["a"]}}),
            ),
        ),
        None,
        "$.rules[1].object-locator.table-name",
        "define-primary-key needs exact schema and table names",
    ),
    (
        "several-actions-one-object",
        doc(sel(), tr("rename", value="a"), tr("convert-lowercase", rule_id="4")),
        None,
        "$.rules[2].object-locator",
        "one transformation action per object",
    ),
    (
        "wildcard-in-table-settings",
        doc(
            sel(),
            {
                "rule-type": "table-settings",
                "rule-id": "2",
                "rule-name": "ts",
                "object-locator": {"schema-name": DB, "table-name": "%"},
                "lob-settings": {"mode": "limited"},
            },
        ),
        None,
        "$.rules[1].object-locator.table-name",
        "Exact schema and table name required",
    ),
    (
        "empty-table-settings",
        doc(
            sel(),
            {
                "rule-type": "table-settings",
                "rule-id": "2",
                "rule-name": "ts",
                "object-locator": {"schema-name": DB, "table-name": "t"},
            },
        ),
        None,
        "$.rules[1]",
        "does nothing",
    ),
    (
        "parallel-load-fields",
        doc(
            sel(),
            {
                "rule-type": "table-settings",
                "rule-id": "2",
                "rule-name": "ts",
                "object-locator": {"schema-name": DB, "table-name": "t"},
                "parallel-load": {"type": "ranges", "columns": ["a", "b"], "boundaries": [["1"]]},
            },
        ),
        None,
        "$.rules[1].parallel-load.boundaries[0]",
        "boundary has 1 values for 2 columns",
    ),
    (
        "duplicate-object-mapping",
        doc(sel(), om(), om(rule_id="3")),
        None,
        "$.rules[2].object-locator",
        "already has an object-mapping rule at $.rules[1]",
    ),
    (
        "object-mapping-not-selected",
        doc(sel(table="actor"), om()),
        None,
        "$.rules[1].object-locator",
        "no include or explicit selection rule selects table db.film",
    ),
    (
        "object-mapping-excluded",
        doc(sel(), sel("exclude", "film", "3"), om()),
        None,
        "$.rules[2].object-locator",
        "excluded by $.rules[1]",
    ),
    (
        "object-mapping-case-only-selected",
        doc(sel(table="FILM"), om()),
        None,
        "$.rules[1].object-locator",
        "case-insensitively",
    ),
    (
        "empty-attribute-name",
        doc(sel(), om(params={"attribute-mappings": [attr("", "x")]})),
        None,
        "$.rules[1].mapping-parameters.attribute-mappings[0].target-attribute-name",
        "is empty",
    ),
    (
        "duplicate-attribute-mapping",
        doc(sel(), om(params={"attribute-mappings": [attr("a", "x"), attr("a", "y")]})),
        None,
        "$.rules[1].mapping-parameters.attribute-mappings[0].target-attribute-name",
        "mapped 2 times",
    ),
    (
        "bad-template",
        doc(sel(), om(params={"attribute-mappings": [attr("pk", "F#${date(x)}")]})),
        None,
        "$.rules[1].mapping-parameters.attribute-mappings[0].value",
        "looks like a function call",
    ),
    (
        "bad-sub-type",
        doc(sel(), om(params={"attribute-mappings": [attr("a", "x", sub="dynamodb-map")]})),
        None,
        "$.rules[1].mapping-parameters.attribute-mappings[0].attribute-sub-type",
        "is a document sub-type",
    ),
    (
        "bad-value",
        doc(sel(), om(params={"attribute-mappings": [attr("a", "x", "document", "dynamodb-map")]})),
        None,
        "$.rules[1].mapping-parameters.attribute-mappings[0].value",
        "is a JSON object",
    ),
    (
        "bad-dynamodb-json",
        doc(
            sel(),
            om(params={"attribute-mappings": [attr("a", {"M": {"x": {"Q": "${c}"}}}, "document", "dynamodb-map")]}),
        ),
        None,
        "$.rules[1].mapping-parameters.attribute-mappings[0].value.M.x",
        "unknown DynamoDB type 'Q'",
    ),
    (
        "duplicate-exclude-column",
        doc(sel(), om(params={"exclude-columns": ["a", "a"]})),
        None,
        "$.rules[1].mapping-parameters.exclude-columns",
        "'a' is listed 2 times",
    ),
    (
        "empty-key-name",
        doc(sel(), om(params={"partition-key-name": ""})),
        None,
        "$.rules[1].mapping-parameters.partition-key-name",
        "is empty",
    ),
    (
        "key-not-produced",
        doc(sel(), om(params={"partition-key-name": "id", "exclude-columns": ["id"]})),
        None,
        "$.rules[1].mapping-parameters.partition-key-name",
        "'id' is listed in exclude-columns",
    ),
    (
        "not-for-dynamodb",
        doc(sel(), om(**wire({"kafka-target-topic": "t"}))),
        TargetEngine.DYNAMODB,
        "$.rules[1].kafka-target-topic",
        "for Kafka/Kinesis targets",
    ),
    (
        "transformation-on-dynamodb",
        doc(sel(), om(), tr("rename", value="name")),
        TargetEngine.DYNAMODB,
        "$.rules[2]",
        "DMS does not document whether transformation rules take effect before object mapping on a DynamoDB target",
    ),
    (
        "no-target-table",
        doc(sel(), {k: v for k, v in om().items() if k != "target-table-name"}),
        TargetEngine.DYNAMODB,
        "$.rules[1]",
        "DMS creates a DynamoDB table named after the source table",
    ),
    (
        "bad-table-name",
        doc(sel(), om(**wire({"target-table-name": "my table"}))),
        TargetEngine.DYNAMODB,
        "$.rules[1].target-table-name",
        "not a DynamoDB table name",
    ),
    (
        "sort-key-without-partition-key",
        doc(sel(), om(params={"sort-key-name": "sk"})),
        TargetEngine.DYNAMODB,
        "$.rules[1].mapping-parameters.sort-key-name",
        "partition-key-name is not",
    ),
    (
        "no-partition-key",
        doc(sel(), om(params={})),
        TargetEngine.DYNAMODB,
        "$.rules[1]",
        "Object mapping doesn't have a hash key",
    ),
    (
        "missing-sub-type",
        doc(sel(), om(params={"partition-key-name": "pk", "attribute-mappings": [attr("pk", "x", sub=None)]})),
        TargetEngine.DYNAMODB,
        "$.rules[1].mapping-parameters.attribute-mappings[0]",
        "attribute-sub-type is required for DynamoDB",
    ),
    (
        "undocumented-sub-type",
        doc(sel(), om(params={"partition-key-name": "pk", "attribute-mappings": [attr("pk", "x", sub="number")]})),
        TargetEngine.DYNAMODB,
        "$.rules[1].mapping-parameters.attribute-mappings[0].attribute-sub-type",
        "not documented for DynamoDB",
    ),
    (
        "not-for-target",
        doc(
            sel(),
            {
                "rule-type": "post-processing",
                "rule-id": "2",
                "rule-name": "tag",
                "rule-action": "add-tag",
                "object-locator": {"schema-name": DB, "table-name": "t"},
                "tag-set": [{"key": "a", "value": "b"}],
            },
        ),
        TargetEngine.DYNAMODB,
        "$.rules[1]",
        "S3 targets only",
    ),
    (
        "empty-tag-set",
        doc(
            sel(),
            {
                "rule-type": "post-processing",
                "rule-id": "2",
                "rule-name": "tag",
                "rule-action": "add-tag",
                "object-locator": {"schema-name": DB, "table-name": "t"},
                "tag-set": [],
            },
        ),
        None,
        "$.rules[1].tag-set",
        "at least one",
    ),
    (
        "too-many-tags",
        doc(
            sel(),
            {
                "rule-type": "post-processing",
                "rule-id": "2",
                "rule-name": "tag",
                "rule-action": "add-tag",
                "object-locator": {"schema-name": DB, "table-name": "t"},
                "tag-set": [{"key": f"k{i}", "value": "v"} for i in range(11)],
            },
        ),
        None,
        "$.rules[1].tag-set",
        "at most 10",
    ),
]


@pytest.mark.parametrize(("code", "document", "target", "path", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_problem_is_reported(
    code: str, document: dict[str, Any], target: TargetEngine | None, path: str, fragment: str
) -> None:
    issue = only(issues_for(document, target), code)
    assert issue.path == path
    assert fragment in issue.message


def test_errors_name_rule_id_and_name() -> None:
    issue = only(issues_for(doc(sel(), tr("rename"))), "missing-field")
    assert (issue.rule_id, issue.rule_name) == ("3", "tr-3")
    assert "(rule-id '3', rule-name 'tr-3')" in str(issue)


def test_many_errors_are_reported_together() -> None:
    bad = doc(sel("explicit", "f%"), tr("rename"), tr("remove-column", "table", rule_id="4"))
    with pytest.raises(MappingError) as caught:
        TableMappings.from_dict(bad)
    codes = {i.code for i in caught.value.issues}
    assert {"wildcard-in-explicit", "missing-field", "target-not-allowed"} <= codes
    assert str(caught.value).startswith("3 errors in table mappings:")


def test_document_too_large() -> None:
    rules = [sel()] + [
        tr(
            "rename",
            rule_id=str(i),
            value="x" * 2000,
            locator={"schema-name": DB, "table-name": f"t{i}"},
            target="table",
        )
        for i in range(2, 1100)
    ]
    issue = only(issues_for(doc(*rules)), "document-too-large")
    assert "up to 2097152 bytes (2 MB)" in issue.message


def test_duplicate_json_key_is_located() -> None:
    text = (
        '{"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "a", "rule-action": "include",'
        ' "rule-action": "exclude", "object-locator": {"schema-name": "s", "table-name": "t"}}]}'
    )
    with pytest.raises(MappingError) as caught:
        TableMappings.from_json(text)
    (issue,) = caught.value.issues
    assert issue.code == "duplicate-key" and issue.path == "$.rules[0]" and issue.rule_id == "1"


def test_malformed_json() -> None:
    with pytest.raises(MappingError, match="Invalid json"):
        TableMappings.from_json('{"rules": ]')


def test_constructing_an_invalid_document_in_python_raises() -> None:
    from mappings import ObjectLocator, SelectionAction, SelectionRule

    rule = SelectionRule(
        rule_action=SelectionAction.EXPLICIT, object_locator=ObjectLocator(schema_name="s", table_name="%")
    )
    with pytest.raises(MappingError, match="explicit selection names exactly one table"):
        TableMappings((rule,))


def test_every_code_in_the_source_has_a_case() -> None:
    import re
    from pathlib import Path

    files = [*Path("mappings/validation").glob("*_checks.py"), Path("mappings/validation/rule_checks.py")]
    files += [Path(f"mappings/document/{m}.py") for m in ("table_mappings", "_wire", "_json")]
    # The checks against a source schema have their cases where a schema is built: test_schema_checks.py and
    # test_column_findings.py.
    source = "".join(path.read_text() for path in files if path.name not in {"schema_checks.py", "column_checks.py"})
    codes = set(re.findall(r'(?:\.error|\.warning|\.warn)\(\s*"([a-z-]+)"', source))
    codes |= set(re.findall(r'Severity\.\w+,\s*"([a-z-]+)"', source))
    codes -= {"invalid-rule"}  # the fragment parser's fallback, never reached with issues present
    tested = {c[0] for c in CASES} | {"document-too-large", "duplicate-key", "malformed-json"}
    assert len(codes) > 50
    assert codes - tested == set()
