"""Items of a batch of one table's rows, column by column: :meth:`ItemBuilder.build` for rows that come as columns.

Spark hands its executors Arrow batches, column by column, and building each row as a dict and walking
it (``build``, then ``canonical``) was most of the Spark verify's time. Here each column of a batch is
converted once, by the same value functions ``build`` calls (``normalize``, ``attribute``,
``number_text``, ``text``, ``render_lowered``'s substitution), and a row whose item is *plain* is put
together from its columns' pieces: every attribute a string or a number, valid UTF-8, a valid Number,
its keys accepted by the same ``_key_problem`` and the item within 400 KB, exactly the items
``build``'s one-pass check returns as they are. Any other row (a rejection, a LOB to truncate, a
binary, a boolean, a set, a map or list template, a document) is given to ``build`` itself, so every
rejection is ``build``'s. ``tests/unit/test_item_columns.py`` compares the two row for row on
generated rows of every column type.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii as _quoted
from typing import Any

from mappings.dynamodb_limits import ITEM_BYTES, canonical_number, number_problem
from mappings.items.builder import ItemBuilder, _key_problem, _Prepared
from mappings.items.values import (
    AttributeValue,
    Item,
    Rejection,
    attribute,
    normalize,
    number_size,
    number_text,
    text,
)
from mappings.schema import CLOB_TYPES

#: A plain row's item as the comparison uses it: its key values joined by ``\x1f`` (numbers by value, an
#: absent key attribute as the empty text) and its :func:`~mappings.items.canonical` text.
Plain = tuple[str, str]
#: A value whose row is not plain (``build`` decides it).
_OUT = object()


class ColumnBuilder:
    """The items of one table's rows given as columns (``columns``: the rows' column names, in order).

    ``key_names``: the target's key attribute names, for each plain row's key text (``verify``'s join key).
    """

    def __init__(self, builder: ItemBuilder, schema: str, table: str, columns: Sequence[str], key_names: Sequence[str]):
        self.builder, self.schema, self.table = builder, schema, table
        self.columns = tuple(columns)
        self.key_names = tuple(key_names)
        self.prepared: _Prepared = builder.prepared(schema, table)
        prepared = self.prepared
        lowers = [name.lower() for name in self.columns]
        #: Row by row only: a document, a map or list template, or two columns whose names differ in case only.
        self.by_row = (
            prepared.document
            or any(names is None for _, _, names in prepared.templates)
            or len(set(lowers)) != len(lowers)
        )
        self.checked_keys = (
            set(prepared.key_names)
            | set(prepared.key_types)
            | set(prepared.index_key_names)
            | {name for _, names in prepared.index_keys for name in names}
        )

    def build(self, columns: Sequence[Sequence[Any]]) -> list[Plain | Item | Rejection]:
        """Per row, in order: a :data:`Plain` item, or what ``build`` returns for the row (an item or a rejection)."""
        count = len(columns[0]) if columns else 0
        if self.by_row or not count:
            return [self._by_row(row) for row in zip(*columns, strict=True)]
        out: set[int] = set()
        attributes: dict[str, list[Any]] = {}
        lowered: dict[str, list[Any]] = {}
        for name, values in zip(self.columns, columns, strict=True):
            found, attrs = self._column(name, values)
            lowered[name.lower()] = found
            if attrs is not None:
                attributes[name] = attrs
        for target_name, template, names in self.prepared.templates:
            assert names is not None, "a map or list template is built row by row"
            # A template replaces a column's attribute of its name; a LOB build would truncate (and record) still
            # goes to build.
            out.update(i for i, value in enumerate(attributes.get(target_name, ())) if value is _OUT)
            attributes[target_name] = [{"S": s} for s in self._rendered(template, names, lowered, count)]
        if not attributes:  # every column excluded and no template: build's item of nothing (or its rejection)
            return [self._by_row(row) for row in zip(*columns, strict=True)]
        pieces, sizes = [], []
        for name in sorted(attributes):
            piece, size = _pieces(name, attributes[name], out)
            pieces.append(piece)
            sizes.append(size)
        checked = [(name, attributes[name]) for name in sorted(self.checked_keys) if name in attributes]
        keys = [attributes.get(name) for name in self.key_names]
        prepared = self.prepared
        built: list[Plain | Item | Rejection] = []
        rows = zip(zip(*pieces, strict=True), zip(*sizes, strict=True), strict=True)
        for index, (row_pieces, row_sizes) in enumerate(rows):
            if index in out or sum(row_sizes) > ITEM_BYTES:
                built.append(self._by_row([column[index] for column in columns]))
                continue
            relevant = {name: values[index] for name, values in checked if values[index] is not None}
            if _key_problem(
                prepared.key_names, prepared.key_types, prepared.index_keys, prepared.index_key_names, relevant
            ):
                built.append(self._by_row([column[index] for column in columns]))
                continue
            key = "\x1f".join(_key_value(values[index]) if values is not None else "" for values in keys)
            built.append((key, "{" + ",".join(filter(None, row_pieces)) + "}"))
        return built

    def _by_row(self, row: Sequence[Any]) -> Item | Rejection:
        return self.builder.build(self.schema, self.table, dict(zip(self.columns, row, strict=True)))

    def _column(self, name: str, values: Sequence[Any]) -> tuple[list[Any], list[Any] | None]:
        """A column's values as templates see them (``build``'s ``lowered``) and as attributes (None: excluded;
        :data:`_OUT` marks a value only ``build`` can decide)."""
        prepared, assumptions = self.prepared, self.builder.assumptions
        lower = name.lower()
        column = prepared.columns.get(lower)
        excluded = lower in prepared.excluded
        if lower in prepared.passed:
            # build's shortcut for a type without a rule: the value, its number or its text (a set is normalized)
            found = [normalize(v, column) if isinstance(v, (set, frozenset)) else v for v in values]
            if excluded:
                return found, None
            if any(isinstance(v, (set, frozenset)) for v in values):
                return found, [_OUT if v is not None else None for v in values]
            numeric = lower in prepared.numeric
            return found, [_passed(v, numeric, assumptions) for v in values]
        found = [normalize(v, column) for v in values]
        if excluded:
            return found, None
        if column is not None and column.data_type in CLOB_TYPES:
            lobs = self.builder.lobs
            if not lobs.support_lobs:
                return found, [None] * len(found)
            limit = lobs.max_bytes
            return found, [_lob(v, column, limit, assumptions) for v in found]
        return found, [attribute(v, column, assumptions) for v in found]

    def _rendered(self, template: str, names: tuple[str, ...], lowered: dict[str, list[Any]], count: int) -> list[str]:
        """``render_lowered`` of every row: each ``${name}`` replaced by ``text`` of the row's value."""
        assumptions = self.builder.assumptions
        none = [None] * count
        out = [template] * count
        for name in names:
            mark = "${" + name + "}"
            values = lowered.get(name.lower(), none)
            out = [s.replace(mark, text(v, assumptions)) for s, v in zip(out, values, strict=True)]
        return out


def _passed(value: Any, numeric: bool, assumptions: Any) -> AttributeValue | None:
    if value is None:
        return None
    if numeric or isinstance(value, (int, float, decimal.Decimal)):
        return {"N": number_text(value)}
    return {"S": value if type(value) is str else text(value, assumptions)}


def _lob(value: Any, column: Any, limit: int | None, assumptions: Any) -> Any:
    """A LOB column's attribute, or :data:`_OUT` when ``build`` would truncate it (or refuse its text)."""
    if value is None:
        return attribute(value, column, assumptions)
    if limit is not None:
        try:
            if len(str(value).encode()) > limit:
                return _OUT
        except UnicodeEncodeError:
            return _OUT
    return attribute(value, column, assumptions)


def _pieces(name: str, values: list[Any], out: set[int]) -> tuple[list[str | None], list[int]]:
    """One attribute's canonical pieces (``"name":{"S":"..."}``) and item-size bytes, row by row; a row whose
    value is not a valid string or number joins ``out``."""
    quoted = _quoted(name)
    try:
        name_bytes = len(name.encode())
    except UnicodeEncodeError:  # a name that is not UTF-8: build refuses the rows that have this attribute
        out.update(index for index, value in enumerate(values) if value is not None)
        return [None] * len(values), [0] * len(values)
    pieces: list[str | None] = [None] * len(values)
    sizes = [0] * len(values)
    for index, value in enumerate(values):
        if value is None:
            continue
        if value is not _OUT and len(value) == 1:
            ((kind, content),) = value.items()
            if type(content) is str:
                if kind == "S":
                    try:
                        sizes[index] = name_bytes + len(content.encode())
                    except UnicodeEncodeError:
                        out.add(index)
                        continue
                    pieces[index] = f'{quoted}:{{"S":{_quoted(content)}}}'
                    continue
                if kind == "N" and number_problem(content) is None:
                    sizes[index] = name_bytes + number_size(content)
                    pieces[index] = f'{quoted}:{{"N":{_quoted(canonical_number(content))}}}'
                    continue
        out.add(index)
    return pieces, sizes


def _key_value(value: Any) -> str:
    """A key attribute's value as ``verify``'s key text has it (numbers by value)."""
    if value is None:
        return ""
    ((kind, content),) = value.items()
    return canonical_number(content) if kind == "N" else str(content)
