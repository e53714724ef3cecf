"""The item model's fast paths give what the general code gives, value for value, on varied rows.

``ItemBuilder.build`` prepares each table once and passes plain columns straight through; ``_checked``
decides flat items in one pass; ``canonical`` writes string-and-number items directly;
``canonical_number`` reads plain numbers without ``Decimal``. Each is compared here with the code it
replaced, kept below as it was (the reference), on rows of every column type, odd text and edge numbers.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mappings.design import GlobalSecondaryIndex, KeyAttribute, KeyType, TableDesign
from mappings.document.enums import AttributeSubType, AttributeType, ObjectMappingAction
from mappings.document.table_mappings import TableMappings
from mappings.dynamodb_limits import canonical_number, is_number, number_range_error, significant_digits, utf8_error
from mappings.items import ItemBuilder, LobPolicy, Rejection, canonical, normalize
from mappings.items.values import attribute, document_value, render, truncate
from mappings.schema import CLOB_TYPES, Column, SourceSchema, Table

# ------------------------------------------------------------------ the reference: the code as it was


def reference_canonical_number(text: str) -> str:
    try:
        number = decimal.Decimal(text)
    except (decimal.InvalidOperation, ValueError, TypeError):
        return text
    if not number.is_finite():
        return text
    if not number:
        return "0"
    return str(number.normalize(decimal.Context(prec=max(1, len(number.as_tuple().digits)))))


def reference_normalized(value: dict[str, Any]) -> dict[str, Any]:
    if len(value) == 1:
        ((kind, content),) = value.items()
        if kind == "N":
            return {"N": reference_canonical_number(str(content))}
        if kind == "M":
            return {"M": {k: reference_normalized(v) for k, v in content.items()}}
        if kind == "L":
            return {"L": [reference_normalized(v) for v in content]}
    return value


def reference_canonical(item: dict[str, Any]) -> str:
    return json.dumps({k: reference_normalized(v) for k, v in item.items()}, sort_keys=True, separators=(",", ":"))


def reference_build(builder: ItemBuilder, schema: str, table: str, row: Mapping[str, Any]) -> Any:
    """``ItemBuilder.build`` before the fast paths: every value through normalize() and attribute(), the
    general ``_check``."""
    rule = builder.rule_for(schema, table)
    assert rule is not None
    source = builder.table(schema, table)
    columns = {c.name.lower(): c for c in source.columns} if source else {}
    values = {name: normalize(value, columns.get(name.lower())) for name, value in row.items()}
    excluded = {c.lower() for c in rule.exclude_columns}
    copied: dict[str, Any] = {}
    for name, value in values.items():
        column = columns.get(name.lower())
        if name.lower() in excluded:
            continue
        if column is not None and column.data_type in CLOB_TYPES and value is not None:
            if not builder.lobs.support_lobs:
                continue
            limit = builder.lobs.max_bytes
            # The one change from the code before: a lone surrogate in a LOB column is refused, not a crash.
            if limit is not None and utf8_error(str(value)) is None and len(str(value).encode()) > limit:
                value = truncate(str(value), limit)
        converted = attribute(value, column, builder.assumptions)
        if converted is not None:
            copied[name] = converted
    item: dict[str, Any] = (
        {"_doc": {"M": copied}} if rule.rule_action is ObjectMappingAction.MAP_RECORD_TO_DOCUMENT else copied
    )
    for mapping in rule.attribute_mappings:
        if mapping.attribute_type is AttributeType.SCALAR and isinstance(mapping.value, str):
            item[mapping.target_attribute_name] = {"S": render(mapping.value, values, builder.assumptions)}
        elif mapping.attribute_sub_type in (AttributeSubType.DYNAMODB_MAP, AttributeSubType.DYNAMODB_LIST):
            item[mapping.target_attribute_name] = document_value(mapping.value, values, builder.assumptions)
    return builder._check(schema, table, rule, item, values)


# ------------------------------------------------------------------ the table and its mappings

COLUMNS = (
    Column("id", "int", False),
    Column("Name", "varchar", True, length=20),
    Column("code", "char", True, length=3),
    Column("price", "decimal", True, precision=40, scale=2),
    Column("ratio", "double", True),
    Column("weight", "float", True),
    Column("big", "bigint", True, unsigned=True),
    Column("active", "tinyint", True),
    Column("year", "year", True),
    Column("rating", "enum", True, values=("G", "PG")),
    Column("features", "set", True, values=("a", "b", "c")),
    Column("at", "datetime", True),
    Column("day", "date", True),
    Column("stamp", "timestamp", True),
    Column("duration", "time", True),
    Column("note", "text", True),
    Column("doc", "json", True),
    Column("raw", "binary", True, length=4),
    Column("blob", "blob", True),
    Column("flag", "bit", True, length=1),
    Column("bits", "bit", True, length=3),
    Column("extra", "varchar", True, length=65535),
)
SCHEMA = SourceSchema.of("db", [Table("t", COLUMNS, ("id",))])


def _mappings(action: str, exclude: list[str], document: bool = False) -> TableMappings:
    mappings = [
        {"target-attribute-name": "pk", "attribute-type": "scalar", "attribute-sub-type": "string",
         "value": "T#${id}"},
        {"target-attribute-name": "sk", "attribute-type": "scalar", "attribute-sub-type": "string",
         "value": "${NAME}#${code}${price}"},
        {"target-attribute-name": "gsi1pk", "attribute-type": "scalar", "attribute-sub-type": "string",
         "value": "N#${note}"},
        {"target-attribute-name": "info", "attribute-type": "document", "attribute-sub-type": "dynamodb-map",
         "value": {"M": {"name": {"S": "${name}"}, "when": {"S": "${at}"}}}},
    ][: 4 if document else 3]  # fmt: skip
    rules = [
        {"rule-type": "selection", "rule-id": "1", "rule-name": "s", "rule-action": "include",
         "object-locator": {"schema-name": "db", "table-name": "t"}},
        {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "m", "rule-action": action,
         "object-locator": {"schema-name": "db", "table-name": "t"}, "target-table-name": "tt",
         "mapping-parameters": {"partition-key-name": "pk", "sort-key-name": "sk", "exclude-columns": exclude,
                                "attribute-mappings": mappings}},
    ]  # fmt: skip
    return TableMappings.from_dict({"rules": rules})


TARGET = TableDesign(
    table_name="tt",
    indexes=(GlobalSecondaryIndex(name="gsi1", partition_key=KeyAttribute("gsi1pk")),),
)
BUILDERS = [
    ItemBuilder(_mappings("map-record-to-record", ["Code"]), {"tt": TARGET}, [SCHEMA]),
    ItemBuilder(_mappings("map-record-to-record", []), {}, [SCHEMA], lobs=LobPolicy(max_size_kb=1)),
    ItemBuilder(_mappings("map-record-to-document", ["blob"]), {"tt": TARGET}, [SCHEMA]),
    ItemBuilder(_mappings("map-record-to-record", ["blob"], document=True), {"tt": TARGET}, [SCHEMA]),
    ItemBuilder(
        _mappings("map-record-to-record", []),
        {  # an index keyed on a column of the other type: rejected when the row has a name
            "tt": TableDesign(
                table_name="tt",
                indexes=(GlobalSecondaryIndex(name="g", partition_key=KeyAttribute("Name", KeyType.NUMBER)),),
            )
        },
        [SCHEMA],
        lobs=LobPolicy(support_lobs=False),
    ),
]

# ------------------------------------------------------------------ varied values

ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "${id}", "${code}", "a\ud800b", '\x00\n"\\', "é" * 700, "x" * 2100, "1000", "-0.0"]),
)
NUMBER_TEXT = st.one_of(
    st.from_regex(r"-?[0-9]{1,45}(\.[0-9]{0,45})?", fullmatch=True),
    st.sampled_from(["0", "-0", "1000", "0.0000001", "0.000001", "10.50", "5.", ".5", "1e5", "1E-131", "NaN", "inf"]),
    st.sampled_from(["1_000", " 5", "+5", "٣", "9" * 39, "9.9999999999999999999999999999999999999E+126"]),
)
DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2),
    NUMBER_TEXT.filter(is_number).map(Decimal),
)
DATETIMES = st.datetimes(min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31))
VALUES: dict[str, Any] = {
    "id": st.one_of(st.integers(-(2**70), 2**70), st.booleans()),
    "Name": ODD_TEXT,
    "code": ODD_TEXT,
    "price": DECIMALS,
    "ratio": st.floats(allow_nan=True, allow_infinity=True),
    "weight": st.floats(width=32),
    "big": st.integers(0, 2**64),
    "active": st.integers(-128, 127),
    "year": st.integers(1901, 2155),
    "rating": st.sampled_from(["G", "PG", ""]),
    "features": st.one_of(st.sampled_from(["a,b", "", "c"]), st.frozensets(st.sampled_from("abc"))),
    "at": st.one_of(DATETIMES, st.sampled_from(["0000-00-00 00:00:00", "2024-02-30 00:00:00"])),
    "day": st.one_of(st.dates(), st.just("0000-00-00")),
    "stamp": st.one_of(DATETIMES, st.just(dt.datetime(1970, 1, 1))),
    "duration": st.timedeltas(min_value=dt.timedelta(hours=-838), max_value=dt.timedelta(hours=838)),
    "note": ODD_TEXT,
    "doc": st.one_of(ODD_TEXT, st.just(json.dumps({"k": [1, 2]}))),
    "raw": st.binary(max_size=4),
    "blob": st.binary(max_size=8),
    "flag": st.one_of(st.binary(min_size=1, max_size=1), st.sampled_from(["1", "0"])),
    "bits": st.one_of(st.binary(min_size=1, max_size=1), st.just("101")),
    "extra": st.one_of(ODD_TEXT, st.just("y" * 410_000)),  # an item over 400 KB
}
ROWS = st.fixed_dictionaries({}, optional={name: st.one_of(st.none(), values) for name, values in VALUES.items()})


def _same(left: Any, right: Any) -> bool:
    """Equal, NaN included (a float NaN is not equal to itself)."""
    return json.dumps(left, default=repr, sort_keys=True) == json.dumps(right, default=repr, sort_keys=True)


def _outcome(build: Any, builder: ItemBuilder, row: dict[str, Any]) -> Any:
    try:
        return build("db", "t", row) if build == builder.build else build(builder, "db", "t", row)
    except Exception as error:  # compared with the reference's
        return error


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(row=ROWS, which=st.integers(0, len(BUILDERS) - 1))
def test_build_gives_what_the_general_code_gives(row: dict[str, Any], which: int) -> None:
    builder = BUILDERS[which]
    built, expected = _outcome(builder.build, builder, row), _outcome(reference_build, builder, row)
    assert type(built) is type(expected)
    if isinstance(expected, Exception):  # the general code's failures too (a lone surrogate in a LOB column)
        assert repr(built) == repr(expected)
        return
    if isinstance(expected, Rejection):
        assert built == expected
    else:
        assert _same(built, expected)
        assert canonical(built) == reference_canonical(expected)


@settings(max_examples=2000, deadline=None)
@given(text=NUMBER_TEXT)
def test_canonical_number_gives_what_decimal_gives(text: str) -> None:
    assert canonical_number(text) == reference_canonical_number(text)


def test_canonical_number_of_plain_numbers_by_hand() -> None:
    cases = {"1000": "1E+3", "10.50": "10.5", "-0.00": "0", "0.000001": "0.000001", "0.0000001": "1E-7", "5.": "5"}
    assert {text: canonical_number(text) for text in cases} == cases


@settings(max_examples=1000, deadline=None)
@given(
    item=st.dictionaries(
        st.text(max_size=8),
        st.one_of(
            st.builds(lambda s: {"S": s}, st.text(max_size=20)),
            st.builds(lambda n: {"N": n}, NUMBER_TEXT),
            st.builds(lambda b: {"BOOL": b}, st.booleans()),
            st.builds(lambda n: {"M": {"n": {"N": n}}}, NUMBER_TEXT),
            st.builds(lambda n: {"L": [{"N": n}, {"S": "x"}]}, NUMBER_TEXT),
            st.builds(lambda n: {"NS": [n]}, NUMBER_TEXT),
        ),
        max_size=6,
    )
)
def test_canonical_gives_what_the_encoder_gives(item: dict[str, Any]) -> None:
    assert canonical(item) == reference_canonical(item)


@settings(max_examples=2000, deadline=None)
@given(text=st.one_of(NUMBER_TEXT, st.from_regex(r"-?(0|[1-9][0-9]{0,40})(\.0{0,7}[0-9]{0,30})?", fullmatch=True)))
def test_a_number_that_looks_canonical_is_its_canonical_form(text: str) -> None:
    from mappings.dynamodb_limits import PLAIN_CANONICAL

    if PLAIN_CANONICAL.fullmatch(text):
        assert reference_canonical_number(text) == text


def test_which_numbers_look_canonical_by_hand() -> None:
    from mappings.dynamodb_limits import PLAIN_CANONICAL

    own = ["0", "7", "-5", "10.5", "0.000001", "-0.25", "9" * 38, "123.0001"]
    other = ["10", "-0", "0.0000001", "1.50", "01", "1E+3", "+5", "5.", ".5", "0.0", "1000", "٣"]
    assert [t for t in own if PLAIN_CANONICAL.fullmatch(t)] == own
    assert [t for t in other if PLAIN_CANONICAL.fullmatch(t)] == []
    assert [reference_canonical_number(t) for t in own] == own


FLAT_TEXT = st.one_of(ODD_TEXT, st.text(st.characters(max_codepoint=0x7F), max_size=20), st.just('{"n": 1}\t\x7f/'))


@settings(max_examples=1500, deadline=None)
@given(
    item=st.dictionaries(
        st.one_of(st.text(st.characters(max_codepoint=0x7F), max_size=6), st.text(max_size=4)),
        st.one_of(st.builds(lambda s: {"S": s}, FLAT_TEXT), st.builds(lambda n: {"N": n}, NUMBER_TEXT)),
        max_size=8,
    )
)
def test_a_flat_items_text_written_by_orjson_is_the_encoders(item: dict[str, Any]) -> None:
    # Strings and numbers only: orjson writes those whose text is ASCII with no \u escape, and numbers already
    # in their canonical form; the encoder's text either way (json.dumps, sort_keys, as the reference).
    from mappings.items import comparison

    expected = reference_canonical(item)
    assert comparison.flat_canonical(item) == expected
    written = comparison._dumped(item)
    assert written is None or written == expected
    with patch.object(comparison, "_DUMPS", None):  # where orjson is absent (a Glue job's zip): its own loop
        assert comparison.flat_canonical(item) == expected


def test_a_plain_ascii_item_is_written_by_orjson_and_others_are_not() -> None:
    from mappings.items import comparison

    plain = {"pk": {"S": 'A#1 "q" \\ \n'}, "n": {"N": "12.5"}, "z": {"N": "0"}}
    assert comparison._dumped(plain) == reference_canonical(plain)
    written_here: list[dict[str, Any]] = [
        {"pk": {"S": "caf\u00e9"}},  # not ASCII: the encoder writes \u00e9
        {"pk": {"S": "a\x01"}},  # a \u0001 escape
        {"pk": {"S": "a\x7f"}},  # DEL: the encoder writes \u007f, orjson the character
        {"n": {"N": "1.50"}},  # not in its canonical form
        {"pk": {"S": "a\ud800"}},  # orjson refuses a lone surrogate
    ]
    for item in written_here:
        assert comparison._dumped(item) is None, item
        assert comparison.flat_canonical(item) == reference_canonical(item)
    not_flat: dict[str, Any]
    for not_flat in ({"b": {"BOOL": True}}, {"s": {"S": 1}}, {"m": {"M": {}}}):
        assert comparison._dumped(not_flat) is None and comparison.flat_canonical(not_flat) is None


def test_checks_of_numbers_in_one_parse_agree_with_the_three_checks() -> None:
    from mappings.dynamodb_limits import NUMBER_DIGITS, number_problem

    for text in ["1", "NaN", "abc", "9" * 39, "1E+126", "1E-131", "-0", "1e-130", "12.5000"]:
        if not is_number(text):
            expected: Any = ("not-a-number", None)
        elif significant_digits(text) > NUMBER_DIGITS:
            expected = ("number-too-precise", None)
        else:
            error = number_range_error(text)
            expected = None if error is None else ("number-out-of-range", error)
        assert number_problem(text) == expected, text


def test_a_lone_surrogate_in_a_lob_column_is_refused_not_a_crash() -> None:
    # DynamoDB strings are UTF-8 (HowItWorks.NamingRulesDataTypes); a lone surrogate has no UTF-8 bytes, so the
    # LOB size check cannot count them: the row is rejected as invalid-utf8 whatever the LOB limit.
    for builder in (BUILDERS[0], BUILDERS[1]):  # no LOB limit kept / LimitedSizeLobMode of 1 KB
        built = builder.build("db", "t", {"id": 1, "Name": "n", "code": "c", "note": "caf\udce9" + "x" * 2000})
        assert isinstance(built, Rejection), built
        assert built.reason == "invalid-utf8"
        assert "lone surrogate U+DCE9 at character 3" in built.error


def test_a_null_lob_is_left_out_under_lob_max_size_zero() -> None:
    # A NULL column writes no attribute whatever the LOB limit: it is not the 4-byte text "None" truncated to "".
    builder = ItemBuilder(_mappings("map-record-to-record", []), {}, [SCHEMA], lobs=LobPolicy(max_size_kb=0))
    built = builder.build("db", "t", {"id": 1, "Name": "n", "code": "c", "note": None})
    assert not isinstance(built, Rejection)
    assert "note" not in built
    assert builder.truncations == []
