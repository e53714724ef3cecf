"""Every construct-time error: each names the prop, the value and what is allowed."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import pytest

from constructs_lib.errors import ConstructValidationError
from constructs_lib.network import NetworkProps
from constructs_lib.pipeline import DmsMigrationPipeline, DmsMigrationPipelineProps, MigrationType
from constructs_lib.pipeline_props import ServerlessCompute
from constructs_lib.single_table import DynamoDbSingleTable
from constructs_lib.source_database import MySqlSource, MySqlSourceProps
from constructs_lib.table_props import BillingMode, GlobalSecondaryIndex, KeyAttribute, KeyType, SingleTableProps
from constructs_lib.terraform import literal
from mappings import TargetTablePrepMode, TaskSettings
from stacks.sakila import SAKILA_TABLE
from stacks.sakila_mappings import sakila_table_mappings
from tests.synth import new_stack

SUBNETS = ["subnet-a", "subnet-b"]


def pipeline(table: SingleTableProps = SAKILA_TABLE, **overrides: Any) -> DmsMigrationPipeline:
    stack = new_stack()
    source = MySqlSource(
        stack, "Source", MySqlSourceProps(identifier="src", vpc_id="vpc-1", subnet_ids=SUBNETS, database_name="yourdb")
    )
    target = DynamoDbSingleTable(stack, "Table", table)
    props: dict[str, Any] = {
        "identifier": "sakila",
        "vpc_id": "vpc-1",
        "subnet_ids": SUBNETS,
        "source": source,
        "target": target,
        "table_mappings": sakila_table_mappings(),
        **overrides,
    }
    return DmsMigrationPipeline(stack, "Migration", DmsMigrationPipelineProps(**props))


def test_a_valid_pipeline_builds() -> None:
    assert pipeline().task_settings.target_table_prep_mode is TargetTablePrepMode.DO_NOTHING


def test_mappings_for_another_table() -> None:
    with pytest.raises(
        ConstructValidationError,
        match=r"writes to target-table-name 'migration-target-table'; the "
        r"pipeline's target table is 'other-table'",
    ):
        pipeline(dataclasses.replace(SAKILA_TABLE, table_name="other-table"))


def test_mappings_key_names_must_match_the_key_schema() -> None:
    table = dataclasses.replace(SAKILA_TABLE, partition_key=KeyAttribute("PK"))
    with pytest.raises(ConstructValidationError, match=r"partition-key-name 'pk'; the table's partition key is 'PK'"):
        pipeline(table)


def test_missing_sort_key_in_table() -> None:
    with pytest.raises(ConstructValidationError, match=r"sort-key-name 'sk'; the table's sort key is None"):
        pipeline(dataclasses.replace(SAKILA_TABLE, sort_key=None))


def test_gsi_attribute_without_an_index() -> None:
    table = dataclasses.replace(SAKILA_TABLE, global_secondary_indexes=SAKILA_TABLE.global_secondary_indexes[:1])
    with pytest.raises(ConstructValidationError, match=r"writes 'gsi2pk', which looks like a GSI key, but no index"):
        pipeline(table)


def test_string_template_into_a_number_key() -> None:
    table = dataclasses.replace(SAKILA_TABLE, sort_key=KeyAttribute("sk", KeyType.NUMBER))
    with pytest.raises(
        ConstructValidationError,
        match=r"writes attribute 'sk' as a string, but the table declares it "
        r"as a NUMBER \(N\) key",
    ):
        pipeline(table)


def test_drop_and_create_is_refused() -> None:
    settings = TaskSettings().with_target_table_prep_mode(TargetTablePrepMode.DROP_AND_CREATE)
    with pytest.raises(ConstructValidationError, match="DROP_AND_CREATE would make DMS drop and re-create"):
        pipeline(task_settings=settings)


def test_settings_without_prep_mode_get_do_nothing() -> None:
    built = pipeline(task_settings=TaskSettings().with_max_full_load_sub_tasks(4))
    assert built.task_settings.to_dict()["FullLoadSettings"] == {
        "MaxFullLoadSubTasks": 4,
        "TargetTablePrepMode": "DO_NOTHING",
    }


def test_invalid_mapping_json_names_the_prop() -> None:
    with pytest.raises(
        ConstructValidationError, match=r"(?s)DmsMigrationPipelineProps.table_mappings: .*Duplicate ruleid"
    ):
        pipeline(
            table_mappings='{"rules": ['
            + ",".join(
                [
                    '{"rule-type": "selection", "rule-id": "1", "rule-name": "a", "rule-action": "include",'
                    ' "object-locator": {"schema-name": "s", "table-name": "%"}}'
                ]
                * 2
            )
            + "]}"
        )


def test_dynamodb_checks_apply_to_python_mappings_too() -> None:
    from mappings import ObjectMappingRule, TableMappings

    rules = list(sakila_table_mappings().rules)
    mapping = rules[2]
    assert isinstance(mapping, ObjectMappingRule)
    rules[2] = dataclasses.replace(mapping, kafka_target_topic="x")
    with pytest.raises(ConstructValidationError, match="'kafka-target-topic' is for Kafka/Kinesis targets"):
        pipeline(table_mappings=TableMappings(tuple(rules)))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"identifier": "Sakila"}, r"identifier: 'Sakila' is not a valid DMS identifier"),
        ({"identifier": "a--b"}, r"identifier: 'a--b' is not a valid DMS identifier"),
        ({"allocated_storage_gb": 2}, r"allocated_storage_gb: 2; allowed: 5-6144"),
        ({"log_retention_days": 10}, r"log_retention_days: 10; allowed: 1, 3, 5"),
        ({"cdc_start_time": "2026-01-01T00:00:00Z"}, r"cdc_start_\*: only for migration_type CDC"),
        (
            {"migration_type": MigrationType.CDC, "cdc_start_time": "yesterday"},
            r"cdc_start_time: 'yesterday'; give RFC",
        ),
        ({"migration_type": MigrationType.CDC, "cdc_start_time": datetime(2026, 1, 1)}, "timezone-aware"),
        (
            {"migration_type": MigrationType.CDC, "cdc_start_time": "1700000000", "cdc_start_position": "b.1:4"},
            "conflict; set one of them",
        ),
        ({"migration_type": MigrationType.CDC, "cdc_start_position": "somewhere"}, r"'mysql-bin-changelog.000024:373'"),
        (
            {
                "serverless": ServerlessCompute(),
                "migration_type": MigrationType.CDC,
                "cdc_start_position": "b.1:4",
                "network": NetworkProps(nat=False, route_table_ids=["rtb-1"]),
            },
            "DMS Serverless does not support custom CDC start points",
        ),
    ],
)
def test_pipeline_prop_errors(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ConstructValidationError, match=message):
        pipeline(**overrides)


def test_cdc_start_time_is_written_as_rfc3339() -> None:
    from datetime import UTC

    built = pipeline(migration_type=MigrationType.CDC, cdc_start_time=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert built.props.cdc_start_time_value == "2026-01-02T03:04:05Z"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_capacity_units": 3}, r"max_capacity_units: 3; allowed: 1, 2, 4"),
        ({"max_capacity_units": 4, "min_capacity_units": 8}, "min_capacity_units 8 exceeds max_capacity_units 4"),
    ],
)
def test_serverless_capacity_errors(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ConstructValidationError, match=message):
        ServerlessCompute(**kwargs)  # type: ignore[arg-type]  # the parametrized fields are all ints


GSI = GlobalSecondaryIndex(name="GSI1", partition_key=KeyAttribute("g"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"table_name": "x"}, r"table_name: 'x' is not a valid DynamoDB table name"),
        ({"global_secondary_indexes": (GSI, GSI)}, r"SingleTableProps: indexes: index name 'GSI1' is used twice"),
        (
            {"global_secondary_indexes": tuple(dataclasses.replace(GSI, name=f"G{i:02d}") for i in range(21))},
            "21 indexes; DynamoDB allows at most 20",
        ),
        (
            {"global_secondary_indexes": (dataclasses.replace(GSI, partition_key=KeyAttribute("pk", KeyType.NUMBER)),)},
            "attribute 'pk' is declared both as STRING and NUMBER",
        ),
        (
            {"billing_mode": BillingMode.PROVISIONED},
            r"billing_mode PROVISIONED needs read_capacity and write_capacity; got neither",
        ),
        (
            {"read_capacity": 5},  # on-demand by default: a capacity alone used to be synthesized silently
            r"SingleTableProps.read_capacity: capacities are for billing_mode PROVISIONED; an on-demand",
        ),
        (
            {"billing_mode": "PROVISIONED", "read_capacity": 5, "write_capacity": 5},
            r"SingleTableProps.billing_mode: 'PROVISIONED' is a str; allowed: BillingMode.PAY_PER_REQUEST",
        ),
        (
            {"global_secondary_indexes": [GSI]},
            r"SingleTableProps.global_secondary_indexes: a list; give a tuple of GlobalSecondaryIndex",
        ),
        (
            {"global_secondary_indexes": (dataclasses.replace(GSI, non_key_attributes=("a",)),)},
            r"indexes \(GSI1\): non_key_attributes are only valid with projection INCLUDE",
        ),
    ],
)
def test_table_prop_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConstructValidationError, match=message):
        SingleTableProps(**{"table_name": "table", **kwargs})


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"backup_retention_days": 0}, "RDS writes binary logs .* only while automated backups are on"),
        ({"engine_version": "5.7"}, r"engine_version: '5.7'; use MySQL 8.0 or later"),
        ({"subnet_ids": ["subnet-a"]}, "at least two availability zones"),
        ({"identifier": "My_DB"}, r"identifier: 'My_DB' is not a valid RDS identifier"),
    ],
)
def test_source_prop_errors(kwargs: dict[str, Any], message: str) -> None:
    base: dict[str, Any] = {"identifier": "src", "vpc_id": "v", "subnet_ids": SUBNETS, "database_name": "d"}
    with pytest.raises(ConstructValidationError, match=message):
        MySqlSourceProps(**{**base, **kwargs})


def test_literal_refuses_terraform_references() -> None:
    stack = new_stack()
    table = DynamoDbSingleTable(stack, "T", SingleTableProps(table_name="ttt"))
    with pytest.raises(ConstructValidationError, match="is a Terraform reference"):
        literal(table.table_arn)


def test_add_task_shares_instance_and_endpoints() -> None:
    from mappings import TableMappingsBuilder

    built = pipeline()
    extra = (
        TableMappingsBuilder(schema="yourdb")
        .include("payment")
        .to_dynamodb("migration-target-table")
        .map_table("payment", pk="CUSTOMER#${customer_id}", sk="PAYMENT#${payment_id}")
        .build()
    )
    task = built.add_task("payments", extra)
    from cdktf import TerraformStack

    from tests.synth import synth

    doc = synth(TerraformStack.of(built))
    tasks = {t["replication_task_id"]: t for t in doc["resource"]["aws_dms_replication_task"].values()}
    assert sorted(tasks) == ["sakila", "sakila-payments"]
    assert tasks["sakila"]["replication_instance_arn"] == tasks["sakila-payments"]["replication_instance_arn"]
    assert tasks["sakila"]["source_endpoint_arn"] == tasks["sakila-payments"]["source_endpoint_arn"]
    alarms = {a["alarm_name"] for a in doc["resource"]["aws_cloudwatch_metric_alarm"].values()}
    assert {"sakila-cdc-latency-source-payments", "sakila-cdc-latency-target-payments"} <= alarms
    assert task is not None


def test_add_task_checks_its_mappings() -> None:
    from mappings import TableMappingsBuilder

    wrong = (
        TableMappingsBuilder(schema="yourdb")
        .include("payment")
        .to_dynamodb("elsewhere")
        .map_table("payment", pk="P#${payment_id}")
        .build()
    )
    with pytest.raises(ConstructValidationError, match="target-table-name 'elsewhere'"):
        pipeline().add_task("payments", wrong)


def test_add_task_is_refused_for_serverless() -> None:
    with pytest.raises(ConstructValidationError, match="DMS Serverless replication config is a single task"):
        pipeline(serverless=ServerlessCompute(), network=NetworkProps(route_table_ids=["rtb-1"])).add_task(
            "more", sakila_table_mappings()
        )


def test_from_design_takes_any_props_field_and_may_rename_the_table() -> None:
    from stacks.shop_design import SHOP_DESIGN

    props = SingleTableProps.from_design(SHOP_DESIGN, table_name="shop-table-staging", deletion_protection=False)
    assert (props.table_name, props.deletion_protection) == ("shop-table-staging", False)
    assert props.global_secondary_indexes == SHOP_DESIGN.indexes and props.partition_key == SHOP_DESIGN.partition_key
    with pytest.raises(ConstructValidationError, match=r"unknown override\(s\) billing; allowed: table_name"):
        SingleTableProps.from_design(SHOP_DESIGN, billing="cheap")


def test_dynamodb_task_settings_warnings_are_shown_at_synth_time() -> None:
    from mappings import TaskSettings

    built = pipeline(task_settings=TaskSettings().with_parallel_load_threads(30))
    warnings = [str(entry.data) for entry in built.node.metadata if entry.type == "@cdktf/warn"]
    assert warnings == [
        "task_settings TargetMetadata.ParallelLoadThreads: 8 tables at once x 30 threads = 240 writer threads; DMS "
        "warns that large values can make the task run out of memory. Size the replication instance for it, or lower "
        "MaxFullLoadSubTasks"
    ]
    assert [e for e in pipeline().node.metadata if e.type == "@cdktf/warn"] == []
