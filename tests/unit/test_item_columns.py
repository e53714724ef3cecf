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

from mappings.items import ItemBuilder, Rejection, canonical, normalized
from mappings.items.columns import ColumnBuilder
from tests.unit.test_item_model_fast_paths import BUILDERS, VALUES

NAMES = list(VALUES)


def _key_text(item: dict[str, Any], names: tuple[str, ...]) -> str:
    """The key part of ``verify``'s key text (``recheck.key_text`` without the table), written out here."""
    return "\x1f".join("" if item.get(n) is None else str(next(iter(normalized(item[n]).values()))) for n in names)


def _row_by_row(builder: ItemBuilder, names: list[str], rows: list[list[Any]]) -> list[Any]:
    out = []
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


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batch=batches(), which=st.integers(0, len(BUILDERS) - 1))
def test_a_batch_by_columns_is_build_row_by_row(batch: tuple[list[str], list[list[Any]]], which: int) -> None:
    names, rows = batch
    builder = BUILDERS[which]
    keys = builder.prepared("db", "t").key_names
    expected = _row_by_row(builder, names, rows)
    columns = [list(column) for column in zip(*rows, strict=True)]
    failures = [e for e in expected if isinstance(e, Exception)]
    if failures:  # build's failure is the batch's too (nothing half-built)
        with pytest.raises(type(failures[0])):
            ColumnBuilder(builder, "db", "t", names, keys).build(columns)
        return
    built = ColumnBuilder(builder, "db", "t", names, keys).build(columns)
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
    columns = [[7, 1000], ["Ann", "Bo"], ["x", None], [None, None], ["hi", "é"]]
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
    columns = [[1, 2], ["a", ""], ["b", ""]]  # the second row's sort key "${NAME}#${code}${price}" is "#": kept
    built = ColumnBuilder(builder, "db", "t", names, ("pk", "sk")).build(columns + [])
    assert all(type(b) is tuple for b in built)
    columns = [[1, 2], ["a", "x" * 2100], ["b", "c"]]  # a sort key over 1,024 bytes
    first, second = ColumnBuilder(builder, "db", "t", names, ("pk", "sk")).build(columns)
    assert type(first) is tuple
    assert isinstance(second, Rejection) and second.reason == "key-too-long"
    assert second == builder.build("db", "t", {"id": 2, "Name": "x" * 2100, "code": "c"})
