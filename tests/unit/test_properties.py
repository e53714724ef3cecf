"""Properties: generated models round-trip; arbitrary input raises only the package's own error."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mappings import MappingError, TableMappings, TaskSettings
from tests.unit.strategies import json_values, table_mappings, task_settings

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(table_mappings())
def test_table_mappings_round_trip(mappings: TableMappings) -> None:
    assert TableMappings.from_dict(mappings.to_dict()) == mappings
    assert TableMappings.from_json(mappings.to_json()) == mappings
    assert TableMappings.from_json(mappings.to_json(indent=2)).to_json() == mappings.to_json()


@FAST
@given(task_settings())
def test_task_settings_round_trip(settings_: TaskSettings) -> None:
    assert TaskSettings.from_dict(settings_.to_dict()) == settings_
    assert TaskSettings.from_json(settings_.to_json()) == settings_


@FAST
@given(json_values)
def test_arbitrary_json_raises_only_mapping_error(value: Any) -> None:
    for parse in (TableMappings.from_dict, TaskSettings.from_dict):
        with contextlib.suppress(MappingError):
            parse(value)


@FAST
@given(st.text(max_size=60) | st.binary(max_size=60))
def test_arbitrary_text_raises_only_mapping_error(text: str | bytes) -> None:
    for parse in (TableMappings.from_json, TaskSettings.from_json):
        with contextlib.suppress(MappingError):
            parse(text)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*path, index))
    return out


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    doc = copy.deepcopy(doc)
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


@FAST
@given(table_mappings(), st.data())
def test_corrupted_valid_documents_raise_only_mapping_error(mappings: TableMappings, data: st.DataObject) -> None:
    doc = mappings.to_dict()
    path = data.draw(st.sampled_from(_paths(doc)))
    corrupted = _replace(doc, path, data.draw(json_values))
    try:
        parsed = TableMappings.from_dict(corrupted)
    except MappingError as exc:
        assert exc.issues  # an error always says what is wrong
    else:
        assert parsed.to_dict() == json.loads(json.dumps(_strip_nulls(corrupted)))


def _strip_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return value
