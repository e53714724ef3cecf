"""The stack reader: tables and tasks from Terraform JSON, exactly as Terraform hands them to DMS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.stack import StackError, parse_stack, read_stack, stack_path
from mappings.design import KeyAttribute, KeyType, ProjectionType
from mappings.document.enums import MigrationType
from mappings.document.rules import ObjectMappingRule
from tests.conftest import stack_file


def _task(task_id: str, mappings: dict[str, Any], kind: str = "full-load") -> dict[str, Any]:
    return {
        "replication_task_id": task_id,
        "migration_type": kind,
        "table_mappings": json.dumps(mappings).replace("${", "$${"),
    }


def _mapping(table: str, target: str, pk: str = "pk") -> dict[str, Any]:
    return {
        "rules": [
            {
                "rule-type": "selection",
                "rule-id": "1",
                "rule-name": "s",
                "rule-action": "include",
                "object-locator": {"schema-name": "db", "table-name": table},
            },
            {
                "rule-type": "object-mapping",
                "rule-id": "2",
                "rule-name": "m",
                "rule-action": "map-record-to-record",
                "object-locator": {"schema-name": "db", "table-name": table},
                "target-table-name": target,
                "mapping-parameters": {
                    "partition-key-name": pk,
                    "attribute-mappings": [
                        {
                            "target-attribute-name": pk,
                            "attribute-type": "scalar",
                            "attribute-sub-type": "string",
                            "value": "X#${id}",
                        }
                    ],
                },
            },
        ]
    }


def test_sakila_stack_tables_and_task() -> None:
    stack = read_stack(stack_file("sakila"))
    (table,) = stack.tables.values()
    assert table.table_name == "migration-target-table"
    assert (table.partition_key, table.sort_key) == (KeyAttribute("pk"), KeyAttribute("sk"))
    assert [
        (i.name, i.partition_key.name, i.sort_key.name if i.sort_key else None, i.projection) for i in table.indexes
    ] == [
        ("GSI1", "gsi1pk", "gsi1sk", ProjectionType.ALL),
        ("GSI2", "gsi2pk", "gsi2sk", ProjectionType.ALL),
    ]
    (task,) = stack.tasks
    assert (task.task_id, task.migration_type) == ("sakila", MigrationType.FULL_LOAD_AND_CDC)
    assert task.address.startswith("aws_dms_replication_task.")
    assert task.target_table_names == ("migration-target-table",)
    assert task.schema_names == ("yourdb",)
    film = next(r for r in task.object_mappings if r.object_locator.table_name == "film")
    # Terraform's escape undone: DMS receives ${film_id}, not $${film_id}.
    assert [m.value for m in film.attribute_mappings if m.target_attribute_name == "pk"] == ["FILM#${film_id}"]
    assert (
        task.settings.target_table_prep_mode is not None and task.settings.target_table_prep_mode.value == "DO_NOTHING"
    )


def test_serverless_replication_config_is_a_task() -> None:
    (task,) = read_stack(stack_file("aurora-serverless")).tasks
    assert task.address.startswith("aws_dms_replication_config.")
    assert (task.task_id, task.migration_type) == ("sakila-serverless", MigrationType.FULL_LOAD_AND_CDC)


def test_both_terraform_json_block_forms_are_read() -> None:
    listed = {
        "resource": [
            {
                "aws_dynamodb_table": {
                    "t": [
                        {
                            "name": "orders",
                            "hash_key": "id",
                            "attribute": [{"name": "id", "type": "N"}],
                        }
                    ]
                }
            },
            {"aws_dms_replication_task": {"a": [_task("a", _mapping("t", "orders"))]}},
        ]
    }
    stack = parse_stack(listed)
    assert stack.tables["orders"].partition_key == KeyAttribute("id", KeyType.NUMBER)
    assert stack.tables["orders"].sort_key is None
    assert [t.task_id for t in stack.tasks] == ["a"]


def test_a_target_the_stack_does_not_define_is_reported() -> None:
    stack = parse_stack({"resource": {"aws_dms_replication_task": {"a": _task("a", _mapping("t", "elsewhere"))}}})
    assert stack.undefined_targets(stack.task(None)) == ("elsewhere",)


def test_several_tasks_need_task_and_the_message_lists_them() -> None:
    resources = {
        "aws_dms_replication_task": {"a": _task("one", _mapping("t", "x")), "b": _task("two", _mapping("u", "x"))}
    }
    stack = parse_stack({"resource": resources})
    with pytest.raises(StackError, match="defines 2 DMS tasks; choose one with --task: one, two"):
        stack.task(None)
    with pytest.raises(StackError, match="has no DMS task 'three'; its tasks: one, two"):
        stack.task("three")
    assert stack.task("two").task_id == "two"


def test_a_terraform_expression_cannot_be_read_and_says_so() -> None:
    resources = {"aws_dynamodb_table": {"t": {"name": "${var.table}", "hash_key": "pk", "attribute": []}}}
    with pytest.raises(StackError, match=r"aws_dynamodb_table.t: name is a Terraform expression .*literal values"):
        parse_stack({"resource": resources})


def test_a_bad_migration_type_names_the_allowed_values() -> None:
    resources = {"aws_dms_replication_task": {"a": _task("a", _mapping("t", "x"), kind="load")}}
    with pytest.raises(StackError, match="migration_type is 'load'; allowed: full-load, cdc, full-load-and-cdc"):
        parse_stack({"resource": resources})


def test_bad_mappings_in_a_stack_name_the_task_and_rule() -> None:
    mappings = _mapping("t", "x")
    mappings["rules"][1]["rule-id"] = "1"
    resources = {"aws_dms_replication_task": {"a": _task("a", mappings)}}
    with pytest.raises(StackError, match=r"(?s)aws_dms_replication_task.a \(a\):.*duplicate-rule-id.*rule-name .m."):
        parse_stack({"resource": resources})


def test_a_missing_stack_says_how_to_synthesize_it(tmp_path: Path) -> None:
    (tmp_path / "cdktf.out" / "stacks" / "other").mkdir(parents=True)
    (tmp_path / "cdktf.out" / "stacks" / "other" / "cdk.tf.json").write_text("{}")
    with pytest.raises(
        StackError,
        match=r"stack 'shop' is not synthesized: .* \(synthesized stacks: other\). Synthesize it with `make synth`",
    ):
        stack_path("shop", root=tmp_path)
    with pytest.raises(StackError, match="no such Terraform JSON file"):
        stack_path(str(tmp_path / "nothing.json"))


def test_object_mappings_are_typed() -> None:
    (task,) = read_stack(stack_file("shop")).tasks
    assert all(isinstance(r, ObjectMappingRule) for r in task.object_mappings)
