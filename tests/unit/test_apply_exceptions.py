"""Apply exceptions read as the source spells its columns, with their real values (the text an operator reads)."""

from __future__ import annotations

import json
from typing import Any

from dms_dynamodb.cdc.follower import ChangeApplier
from dms_dynamodb.plan import Plan
from dms_dynamodb.stack import parse_stack
from mappings.items import ItemBuilder
from mappings.schema import Column, SourceSchema, Table
from mappings.terraform import escape

RULES = [
    {"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
     "object-locator": {"schema-name": "music", "table-name": "Artist"}},
    {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "artist", "rule-action": "map-record-to-record",
     "object-locator": {"schema-name": "music", "table-name": "Artist"}, "target-table-name": "music",
     "mapping-parameters": {"partition-key-name": "pk", "sort-key-name": "sk", "attribute-mappings": [
         {"target-attribute-name": "pk", "attribute-type": "scalar", "attribute-sub-type": "string",
          "value": "ARTIST#${artistid}"},
         {"target-attribute-name": "sk", "attribute-type": "scalar", "attribute-sub-type": "string",
          "value": "#METADATA"}]}},
]  # fmt: skip


class _Writer:
    def __init__(self) -> None:
        self.puts: list[Any] = []

    def put(self, *args: Any, **kwargs: Any) -> None:
        self.puts.append(args)

    def __len__(self) -> int:
        return len(self.puts)


def test_a_base_key_update_names_the_columns_as_the_source_spells_them_with_their_values() -> None:
    stack = parse_stack(
        {"resource": {"aws_dms_replication_task": {"t": {
            "replication_task_id": "music", "migration_type": "cdc",
            "table_mappings": escape(json.dumps({"rules": RULES})), "replication_task_settings": "{}"}}}}
    )  # fmt: skip
    task = stack.task(None)
    artist = Table("Artist", (Column("ArtistId", "int", False), Column("Name", "varchar", length=120)), ("ArtistId",))
    builder = ItemBuilder(task.table_mappings, schemas=[SourceSchema.of("music", [artist])])
    plan = Plan(task, builder, [("music", "Artist")], [], {}, ())
    applier = ChangeApplier(plan, None, writer=_Writer())  # type: ignore[arg-type]
    applier.apply("update", "music", "Artist", {"ArtistId": 7, "Name": "A"}, {"ArtistId": 8, "Name": "A"})
    (exception,) = applier.stats.exceptions
    assert exception.STATEMENT == "UPDATE music.Artist SET ArtistId = 8 WHERE ArtistId = 7 (was ArtistId = 7)"
    assert "base-table key column(s) ArtistId" in exception.ERROR
