"""Checks of table-settings rules: parallel load and LOB settings (spec section 4)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from mappings.document.enums import (
    ParallelLoadType,
    TargetEngine,
)
from mappings.document.rules import (
    TableSettingsRule,
)
from mappings.document.wildcards import has_wildcard
from mappings.errors import Issue
from mappings.validation.located import Located
from mappings.validation.selection_checks import locator_needs


def check_table_settings(rules: Sequence[Located], target: TargetEngine | None) -> Iterator[Issue]:
    for item in rules:
        rule = item.rule
        if not isinstance(rule, TableSettingsRule):
            continue
        loc = rule.object_locator
        yield from locator_needs(item, loc, ("schema_name", "table_name"))
        for attr in ("schema_name", "table_name"):
            value = getattr(loc, attr)
            if value and has_wildcard(value):
                yield item.error(
                    "wildcard-in-table-settings",
                    f".object-locator.{attr.replace('_', '-')}",
                    f"{value!r} has a wildcard; DMS fails with 'Exact schema and table name required when "
                    "using table settings rule'. Write one rule per table",
                )
        if rule.parallel_load is None and rule.lob_settings is None:
            yield item.warning(
                "empty-table-settings", "", "the rule sets neither parallel-load nor lob-settings, so it does nothing"
            )
        if rule.parallel_load is not None:
            yield from _parallel_load(item, rule)


def _parallel_load(item: Located, rule: TableSettingsRule) -> Iterator[Issue]:
    pl = rule.parallel_load
    assert pl is not None
    path = ".parallel-load"
    kind = pl.type
    if kind is ParallelLoadType.PARTITIONS_LIST and not pl.partitions:
        yield item.error("parallel-load-fields", path, "type 'partitions-list' needs a non-empty 'partitions' list")
    if pl.subpartitions is not None and kind is not ParallelLoadType.PARTITIONS_LIST:
        yield item.error(
            "parallel-load-fields", path + ".subpartitions", "'subpartitions' goes with type 'partitions-list' only"
        )
    if kind is ParallelLoadType.RANGES:
        if not pl.columns or not pl.boundaries:
            yield item.error("parallel-load-fields", path, "type 'ranges' needs 'columns' and 'boundaries'")
        elif len(pl.columns) > 10:
            yield item.error(
                "parallel-load-fields", path + ".columns", f"{len(pl.columns)} columns; 'ranges' takes at most 10"
            )
        else:
            for b_index, bound in enumerate(pl.boundaries):
                if len(bound) != len(pl.columns):
                    yield item.error(
                        "parallel-load-fields",
                        f"{path}.boundaries[{b_index}]",
                        f"boundary has {len(bound)} values for {len(pl.columns)} columns; give one value per column",
                    )
    else:
        for attr in ("columns", "boundaries"):
            if getattr(pl, attr) is not None:
                yield item.error("parallel-load-fields", f"{path}.{attr}", f"{attr!r} goes with type 'ranges' only")
    if kind is not ParallelLoadType.PARTITIONS_AUTO:
        for attr in (
            "number_of_partitions",
            "collection_count_from_metadata",
            "max_records_skip_per_page",
            "batch_size",
        ):
            if getattr(pl, attr) is not None:
                key = attr.replace("_", "-")
                yield item.error(
                    "parallel-load-fields",
                    f"{path}.{key}",
                    f"{key!r} tunes MongoDB/DocumentDB autosegmentation and goes with type 'partitions-auto' only",
                )
