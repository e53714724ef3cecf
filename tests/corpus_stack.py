"""A stack for any schema, written for the tests: one entity per table, keys from the primary key.

pk ``TABLE#${pk1}#${pk2}`` (the primary key's columns in order), sk ``#METADATA``, into one table;
tables without a primary key are excluded (CDC needs one), views are not selected (the default
table-type). Used to rehearse the real public schemas of ``../shared/corpus/mysql-ddl``.
"""

from __future__ import annotations

import json
from typing import Any

from mappings.schema import SourceSchema
from mappings.terraform import escape

TARGET = "corpus"


def _string(name: str, value: str) -> dict[str, str]:
    return {"target-attribute-name": name, "attribute-type": "scalar", "attribute-sub-type": "string", "value": value}


def corpus_stack(schema: SourceSchema, *, migration_type: str = "full-load-and-cdc") -> dict[str, Any]:
    rules: list[dict[str, Any]] = [
        {"rule-type": "selection", "rule-id": "1", "rule-name": "all", "rule-action": "include",
         "object-locator": {"schema-name": schema.name, "table-name": "%"}},
    ]  # fmt: skip
    for table in sorted(schema.tables.values(), key=lambda t: t.name):
        rule_id = str(len(rules) + 1)
        locator = {"schema-name": schema.name, "table-name": table.name.replace("_", "[_]")}
        if table.is_view:
            continue
        if not table.primary_key:
            rules.append({"rule-type": "selection", "rule-id": rule_id, "rule-name": f"no-primary-key-{table.name}",
                          "rule-action": "exclude", "object-locator": locator})  # fmt: skip
            continue
        key = "#".join("${" + column + "}" for column in table.primary_key)
        mapping = {
            "partition-key-name": "pk",
            "sort-key-name": "sk",
            "attribute-mappings": [_string("pk", f"{table.name.upper()}#{key}"), _string("sk", "#METADATA")],
        }
        rules.append({"rule-type": "object-mapping", "rule-id": rule_id, "rule-name": f"map-{table.name}",
                      "rule-action": "map-record-to-record",
                      "object-locator": {"schema-name": schema.name, "table-name": table.name},
                      "target-table-name": TARGET, "mapping-parameters": mapping})  # fmt: skip
    definition = {"name": TARGET, "hash_key": "pk", "range_key": "sk",
             "attribute": [{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}]}  # fmt: skip
    task = {"replication_task_id": "corpus", "migration_type": migration_type,
            "table_mappings": escape(json.dumps({"rules": rules})), "replication_task_settings": "{}"}  # fmt: skip
    return {"resource": {"aws_dynamodb_table": {TARGET: definition}, "aws_dms_replication_task": {"task": task}}}
