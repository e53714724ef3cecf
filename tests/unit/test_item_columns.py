"""``ColumnBuilder`` (a batch of rows given as columns) gives what ``ItemBuilder.build`` gives row by row.

The Spark verify builds its expected items column by column; its plain rows are put together from pieces,
every other row goes through ``build``. Here each row of generated batches (every column type, odd text,
edge numbers, NULLs, LOB limits, documents, map templates, index keys) is compared with ``build`` and
``canonical``: a plain row's key text and canonical text, any other row's item or rejection itself.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mappings.document.table_mappings import TableMappings
from mappings.items import ItemBuilder, LobPolicy, Rejection, canonical, normalized
from mappings.items.columns import ColumnBuilder
from tests.unit.test_item_model_fast_paths import BUILDERS, SCHEMA, VALUES

NAMES = list(VALUES)


def _key_text(item: dict[str, Any], names: tuple[str, ...]) -> str:
    """The key part of ``verify``'s key text (``recheck.key_text`` without the table), written out here."""
    return "\x1f".join("" if item.get(n) is None else str(next(iter(normalized(item[n]).values()))) for n in names)


def _row_by_row(builder: ItemBuilder, names: list[str], rows: list[list[Any]]) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        try:
            out.append(builder.build("db", "t", dict(zip(names, row, strict=True))))
        except Exception as error:  # compared with the column path's
            out.append(error)
    return out


@st.composite
def batches(draw: Any) -> tuple[list[str], list[list[Any]]]:
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, min_size=1, max_size=len(NAMES)))
    count = draw(st.integers(1, 6))
    rows = [[draw(st.one_of(st.none(), VALUES[name])) for name in names] for _ in range(count)]
    return names, rows


def _record_to_record(parameters: dict[str, Any], lobs: LobPolicy | None = None) -> ItemBuilder:
    """A builder of ``db.t`` mapped record to record into ``tt`` with these mapping parameters."""
    rules = [
        {"rule-type": "selection", "rule-id": "1", "rule-name": "s", "rule-action": "include",
         "object-locator": {"schema-name": "db", "table-name": "t"}},
        {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "m", "rule-action": "map-record-to-record",
         "object-locator": {"schema-name": "db", "table-name": "t"}, "target-table-name": "tt",
         "mapping-parameters": parameters},
    ]  # fmt: skip
    return ItemBuilder(TableMappings.from_dict({"rules": rules}), {}, [SCHEMA], lobs=lobs or LobPolicy())


def _lob_under_template() -> ItemBuilder:
    """A template named like a LOB column (``note``): it replaces the column's attribute, which build truncates."""
    return _record_to_record(
        {"partition-key-name": "pk", "attribute-mappings": [
            {"target-attribute-name": "pk", "attribute-type": "scalar", "attribute-sub-type": "string",
             "value": "T#${id}"},
            {"target-attribute-name": "note", "attribute-type": "scalar", "attribute-sub-type": "string",
             "value": "${code}"}]},
        LobPolicy(max_size_kb=1),
    )  # fmt: skip


def _all_excluded() -> ItemBuilder:
    """Every column excluded and no template: build's item has no key (a rejection)."""
    return _record_to_record({"partition-key-name": "pk", "exclude-columns": NAMES})


MORE = [*BUILDERS, _lob_under_template(), _all_excluded()]
#: The key names verify joins on are the target's (the plan's), which need not be the rule's.
KEY_NAMES = [None, ("pk",), ("sk", "pk"), ("Name",), ("absent",)]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    batch=batches(),
    which=st.integers(0, len(MORE) - 1),
    key_names=st.sampled_from(KEY_NAMES),
)
def test_a_batch_by_columns_is_build_row_by_row(
    batch: tuple[list[str], list[list[Any]]], which: int, key_names: tuple[str, ...] | None
) -> None:
    names, rows = batch
    builder = MORE[which]
    keys = key_names or builder.prepared("db", "t").key_names
    expected = _row_by_row(builder, names, rows)
    columns = [list(column) for column in zip(*rows, strict=True)]
    failures = [e for e in expected if isinstance(e, Exception)]
    if failures:  # build's failure is the batch's too (nothing half-built)
        with pytest.raises(type(failures[0])):
            ColumnBuilder(builder, "db", "t", names, keys).build(columns)
        return
    truncations = len(builder.truncations)
    _row_by_row(builder, names, rows)
    recorded = builder.truncations[truncations:]  # what build records of these rows (the load reports them)
    built = ColumnBuilder(builder, "db", "t", names, keys).build(columns)
    assert builder.truncations[truncations + len(recorded) :] == recorded
    assert len(built) == len(expected)
    for got, want in zip(built, expected, strict=True):
        if isinstance(want, Rejection):
            assert got == want
        elif type(got) is tuple:  # a plain row: its key text and canonical text
            assert got == (_key_text(want, keys), canonical(want))
        else:
            assert json.dumps(got, default=repr, sort_keys=True) == json.dumps(want, default=repr, sort_keys=True)


def test_plain_rows_are_put_together_from_columns() -> None:
    # The column path's point: ordinary rows do not go through build. Written out by hand from the mappings:
    # pk "T#${id}", sk "${NAME}#${code}${price}" (code excluded as an attribute), gsi1pk "N#${note}".
    builder = BUILDERS[0]
    names = ["id", "Name", "code", "price", "note"]
    columns: list[list[Any]] = [[7, 1000], ["Ann", "Bo"], ["x", None], [None, None], ["hi", "é"]]
    built = ColumnBuilder(builder, "db", "t", names, ("pk", "sk")).build(columns)
    assert built == [
        (
            "T#7\x1fAnn#x",
            '{"Name":{"S":"Ann"},"gsi1pk":{"S":"N#hi"},"id":{"N":"7"},"note":{"S":"hi"},'
            '"pk":{"S":"T#7"},"sk":{"S":"Ann#x"}}',
        ),
        (
            "T#1000\x1fBo#",
            '{"Name":{"S":"Bo"},"gsi1pk":{"S":"N#\\u00e9"},"id":{"N":"1E+3"},"note":{"S":"\\u00e9"},'
            '"pk":{"S":"T#1000"},"sk":{"S":"Bo#"}}',
        ),
    ]


def test_a_row_build_would_reject_is_builds_rejection() -> None:
    builder = BUILDERS[0]
    names = ["id", "Name", "code"]
    columns: list[list[Any]] = [
        [1, 2],
        ["a", ""],
        ["b", ""],
    ]  # the second row's sort key "${NAME}#${code}${price}" is "#": kept
    built = ColumnBuilder(builder, "db", "t", names, ("pk", "sk")).build(columns)
    assert all(type(b) is tuple for b in built)
    columns = [[1, 2], ["a", "x" * 2100], ["b", "c"]]  # a sort key over 1,024 bytes
    first, second = ColumnBuilder(builder, "db", "t", names, ("pk", "sk")).build(columns)
    assert type(first) is tuple
    assert isinstance(second, Rejection) and second.reason == "key-too-long"
    assert second == builder.build("db", "t", {"id": 2, "Name": "x" * 2100, "code": "c"})


def test_a_batch_of_rows_without_attributes_is_every_row_built() -> None:
    builder = _all_excluded()
    built = ColumnBuilder(builder, "db", "t", ["id", "Name"], ("pk",)).build([[1, 2, 3], ["a", None, "c"]])
    assert len(built) == 3
    assert all(isinstance(b, Rejection) and b.reason == "missing-key" for b in built)
