"""The other choices: Aurora, DMS Serverless, skipping the account roles, an S3 backend, tags."""

from __future__ import annotations

import json
from typing import Any

from cdktf import Testing as TfTesting

from constructs_lib.single_table import DynamoDbSingleTable
from constructs_lib.table_props import SingleTableProps
from stacks.config import StackConfig
from stacks.sakila import SakilaMigrationStack
from tests.synth import new_stack, only, resources, synth


def test_aurora_binlog_settings_are_in_a_cluster_parameter_group(stack_docs: dict[str, Any]) -> None:
    doc = stack_docs["aurora-serverless"]
    group = only(doc, "aws_rds_cluster_parameter_group")
    params = {p["name"]: p["value"] for p in group["parameter"]}
    assert (params["binlog_format"], params["binlog_row_image"]) == ("ROW", "FULL")
    assert resources(doc, "aws_db_parameter_group") == {}
    cluster = only(doc, "aws_rds_cluster")
    assert (cluster["engine"], cluster["manage_master_user_password"], cluster["storage_encrypted"]) == (
        "aurora-mysql",
        True,
        True,
    )
    assert cluster["backup_retention_period"] >= 1


def test_aurora_instances_are_private_and_big_enough(stack_docs: dict[str, Any]) -> None:
    instances = resources(stack_docs["aurora-serverless"], "aws_rds_cluster_instance").values()
    assert len(instances) == 2  # Multi-AZ by default: a writer and a reader in another zone
    for instance in instances:
        assert (instance["publicly_accessible"], instance["instance_class"]) == (False, "db.r6g.large")
        assert instance["performance_insights_enabled"] is True


def test_aurora_source_endpoint_engine(stack_docs: dict[str, Any]) -> None:
    endpoints = resources(stack_docs["aurora-serverless"], "aws_dms_endpoint").values()
    assert {e["endpoint_type"]: e["engine_name"] for e in endpoints} == {"source": "aurora", "target": "dynamodb"}


def test_serverless_uses_a_replication_config_instead_of_instance_and_task(stack_docs: dict[str, Any]) -> None:
    doc = stack_docs["aurora-serverless"]
    config = only(doc, "aws_dms_replication_config")
    assert resources(doc, "aws_dms_replication_instance") == {} and resources(doc, "aws_dms_replication_task") == {}
    assert config["compute_config"]["max_capacity_units"] == 8
    assert config["replication_type"] == "full-load-and-cdc"
    assert json.loads(config["replication_settings"])["FullLoadSettings"]["TargetTablePrepMode"] == "DO_NOTHING"


def test_minimal_stack_skips_account_roles(stack_docs: dict[str, Any]) -> None:
    doc = stack_docs["minimal"]
    assert {r["name"] for r in resources(doc, "aws_iam_role").values()} == {
        "shop-dms-dynamodb",
        "shop-dms-secrets",
        "shop-source-rds-monitoring",
    }
    assert resources(doc, "time_sleep") == {}
    assert "depends_on" not in only(doc, "aws_dms_replication_subnet_group")


def test_s3_backend_with_native_lock_file() -> None:
    doc = synth(
        SakilaMigrationStack(TfTesting.app(), "sakila", StackConfig(state_bucket="tf-state", region="eu-west-1"))
    )
    assert doc["terraform"]["backend"] == {
        "s3": {
            "bucket": "tf-state",
            "key": "dms-migration/sakila.tfstate",
            "region": "eu-west-1",
            "encrypt": True,
            "use_lockfile": True,
        }
    }
    assert doc["provider"]["aws"][0]["region"] == "eu-west-1"


def test_s3_backend_with_dynamodb_lock_table() -> None:
    config = StackConfig(state_bucket="tf-state", state_lock_table="tf-locks")
    backend = synth(SakilaMigrationStack(TfTesting.app(), "sakila", config))["terraform"]["backend"]["s3"]
    assert (backend["dynamodb_table"], "use_lockfile" in backend) == ("tf-locks", False)


def test_config_reads_environment_before_context() -> None:
    app = TfTesting.app(context={"region": "ap-south-1", "createAccountRoles": "false"})
    assert StackConfig.load(app, {}) == StackConfig(region="ap-south-1", create_account_roles=False)
    assert StackConfig.load(app, {"DMS_REGION": "eu-central-1"}).region == "eu-central-1"


def test_user_strings_with_template_syntax_are_escaped() -> None:
    stack = new_stack()
    DynamoDbSingleTable(stack, "Table", SingleTableProps(table_name="t-x", tags={"owner": "${user}", "%{k}": "v"}))
    tags = only(synth(stack), "aws_dynamodb_table")["tags"]
    assert tags == {"owner": "$${user}", "%%{k}": "v"}
