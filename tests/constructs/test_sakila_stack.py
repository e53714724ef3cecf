"""The Sakila stack, one focused assertion per invariant."""

from __future__ import annotations

import json
from typing import Any

from constructs_lib.terraform import unescape
from tests.synth import only, ref, resources


def _task(doc: dict[str, Any]) -> dict[str, Any]:
    return only(doc, "aws_dms_replication_task")


def test_binlog_parameters(sakila: dict[str, Any]) -> None:
    params = {p["name"]: p["value"] for p in only(sakila, "aws_db_parameter_group")["parameter"]}
    assert (params["binlog_format"], params["binlog_row_image"]) == ("ROW", "FULL")


def test_db_instance_uses_the_binlog_parameter_group(sakila: dict[str, Any]) -> None:
    assert only(sakila, "aws_db_instance")["parameter_group_name"] == ref("aws_db_parameter_group", sakila, "name")


def test_automated_backups_on(sakila: dict[str, Any]) -> None:
    assert only(sakila, "aws_db_instance")["backup_retention_period"] >= 1


def test_source_not_public_and_encrypted(sakila: dict[str, Any]) -> None:
    db = only(sakila, "aws_db_instance")
    assert (db["publicly_accessible"], db["storage_encrypted"]) == (False, True)


def test_source_deletion_protection_and_final_snapshot(sakila: dict[str, Any]) -> None:
    db = only(sakila, "aws_db_instance")
    assert (db["deletion_protection"], db["skip_final_snapshot"], db["final_snapshot_identifier"]) == (
        True,
        False,
        "sakila-source-final",
    )


def test_master_password_is_managed_by_rds(sakila: dict[str, Any]) -> None:
    db = only(sakila, "aws_db_instance")
    assert db["manage_master_user_password"] is True
    assert "password" not in db


def test_source_ingress_only_from_the_dms_and_the_verify_jobs_security_groups(sakila: dict[str, Any]) -> None:
    groups = {g["name"]: n for n, g in resources(sakila, "aws_security_group").items()}
    rules = [
        r
        for r in resources(sakila, "aws_vpc_security_group_ingress_rule").values()
        if r["security_group_id"] == f"${{aws_security_group.{groups['sakila-source-mysql']}.id}}"
    ]
    assert sorted(r["referenced_security_group_id"] for r in rules) == sorted(
        f"${{aws_security_group.{groups[name]}.id}}" for name in ("sakila-dms", "sakila-verify-glue")
    )
    for rule in rules:
        assert (rule["from_port"], rule["to_port"], "cidr_ipv4" in rule) == (3306, 3306, False)


def test_table_keys_and_indexes(sakila: dict[str, Any]) -> None:
    table = only(sakila, "aws_dynamodb_table")
    assert (table["name"], table["hash_key"], table["range_key"]) == ("migration-target-table", "pk", "sk")
    assert [(g["name"], g["hash_key"], g["range_key"]) for g in table["global_secondary_index"]] == [
        ("GSI1", "gsi1pk", "gsi1sk"),
        ("GSI2", "gsi2pk", "gsi2sk"),
    ]


def test_table_pitr_encryption_protection_on_demand(sakila: dict[str, Any]) -> None:
    table = only(sakila, "aws_dynamodb_table")
    assert table["point_in_time_recovery"] == {"enabled": True}
    assert table["server_side_encryption"]["enabled"] is True
    assert (table["deletion_protection_enabled"], table["billing_mode"]) == (True, "PAY_PER_REQUEST")


def test_account_role_names_and_managed_policies(sakila: dict[str, Any]) -> None:
    roles = {r["name"] for r in resources(sakila, "aws_iam_role").values()}
    assert {"dms-vpc-role", "dms-cloudwatch-logs-role"} <= roles
    policies = sorted(
        a["policy_arn"]
        for a in resources(sakila, "aws_iam_role_policy_attachment").values()
        if "AmazonDMS" in a["policy_arn"]
    )
    partition = ref("aws_partition", sakila, "partition", "data")
    assert policies == [
        f"arn:{partition}:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole",
        f"arn:{partition}:iam::aws:policy/service-role/AmazonDMSVPCManagementRole",
    ]


def test_subnet_group_and_instance_wait_for_iam(sakila: dict[str, Any]) -> None:
    (wait_name,) = resources(sakila, "time_sleep")
    wait = f"time_sleep.{wait_name}"
    assert wait in only(sakila, "aws_dms_replication_subnet_group")["depends_on"]
    assert wait in only(sakila, "aws_dms_replication_instance")["depends_on"]
    sleep = only(sakila, "time_sleep")
    assert sleep["create_duration"] == "10s"
    assert all(d.startswith("aws_iam_role_policy_attachment.") for d in sleep["depends_on"])


def test_target_policy_covers_table_control_tables_and_list_tables(sakila: dict[str, Any]) -> None:
    document = next(
        d for n, d in resources(sakila, "aws_iam_policy_document", "data").items() if "DmsTargetPolicyDocument" in n
    )
    by_sid = {s["sid"]: s for s in document["statement"]}
    assert by_sid["DmsTargetTable"]["resources"] == [ref("aws_dynamodb_table", sakila, "arn")]
    control = by_sid["DmsControlTables"]["resources"]
    assert [r.rsplit("/", 1)[1] for r in control] == ["awsdms_apply_exceptions", "awsdms_full_load_exceptions"]
    assert "dynamodb:CreateTable" in by_sid["DmsControlTables"]["actions"]
    assert (by_sid["DmsListTables"]["actions"], by_sid["DmsListTables"]["resources"]) == (
        ["dynamodb:ListTables"],
        ["*"],
    )


def test_task_references_its_endpoints_and_instance(sakila: dict[str, Any]) -> None:
    task = _task(sakila)
    endpoints = {e["endpoint_type"]: n for n, e in resources(sakila, "aws_dms_endpoint").items()}
    assert task["source_endpoint_arn"] == f"${{aws_dms_endpoint.{endpoints['source']}.endpoint_arn}}"
    assert task["target_endpoint_arn"] == f"${{aws_dms_endpoint.{endpoints['target']}.endpoint_arn}}"
    assert task["replication_instance_arn"] == ref("aws_dms_replication_instance", sakila, "replication_instance_arn")


def test_task_is_full_load_and_cdc_and_not_started(sakila: dict[str, Any]) -> None:
    task = _task(sakila)
    assert (task["migration_type"], task["start_replication_task"]) == ("full-load-and-cdc", False)


def test_prep_mode_is_do_nothing(sakila: dict[str, Any]) -> None:
    settings = json.loads(unescape(_task(sakila)["replication_task_settings"]))
    assert settings["FullLoadSettings"]["TargetTablePrepMode"] == "DO_NOTHING"


def test_table_mappings_reach_dms_as_the_article_wrote_them(
    sakila: dict[str, Any], article_mappings: dict[str, Any]
) -> None:
    raw = _task(sakila)["table_mappings"]
    assert "${" not in raw.replace("$${", "")  # nothing Terraform would interpolate
    assert json.loads(unescape(raw)) == article_mappings


def test_log_group_is_the_one_dms_writes(sakila: dict[str, Any]) -> None:
    group = only(sakila, "aws_cloudwatch_log_group")
    assert (group["name"], group["retention_in_days"]) == ("dms-tasks-sakila", 365)
    assert only(sakila, "aws_dms_replication_instance")["replication_instance_id"] == "sakila"


def test_replication_instance_private(sakila: dict[str, Any]) -> None:
    instance = only(sakila, "aws_dms_replication_instance")
    assert (instance["publicly_accessible"], instance["replication_instance_class"]) == (False, "dms.t3.medium")


def test_source_endpoint_reads_credentials_from_secrets_manager(sakila: dict[str, Any]) -> None:
    source = next(e for e in resources(sakila, "aws_dms_endpoint").values() if e["endpoint_type"] == "source")
    assert source["secrets_manager_arn"] == ref("aws_secretsmanager_secret", sakila, "arn")
    assert source["secrets_manager_access_role_arn"].startswith("${aws_iam_role.")
    assert not {"password", "username", "server_name", "port"} & set(source)
    assert (source["engine_name"], source["database_name"], source["ssl_mode"]) == ("mysql", "yourdb", "require")


def test_target_endpoint_uses_the_service_access_role(sakila: dict[str, Any]) -> None:
    target = next(e for e in resources(sakila, "aws_dms_endpoint").values() if e["endpoint_type"] == "target")
    role = next(n for n, r in resources(sakila, "aws_iam_role").items() if r["name"] == "sakila-dms-dynamodb")
    assert (target["engine_name"], target["service_access_role"]) == ("dynamodb", f"${{aws_iam_role.{role}.arn}}")


def test_secrets_role_trusts_the_regional_dms_principal(sakila: dict[str, Any]) -> None:
    document = next(
        d for n, d in resources(sakila, "aws_iam_policy_document", "data").items() if "SecretsTrustPolicy" in n
    )
    principals = document["statement"][0]["principals"][0]["identifiers"]
    region = ref("aws_region", sakila, "region", "data")
    assert principals == ["dms.amazonaws.com", f"dms.{region}.amazonaws.com"]


def test_provider_source_is_fully_qualified(sakila: dict[str, Any]) -> None:
    assert sakila["terraform"]["required_providers"]["aws"]["source"] == "hashicorp/aws"
    assert sakila["terraform"]["required_providers"]["time"]["source"] == "hashicorp/time"


def test_local_backend_by_default_with_relative_path(sakila: dict[str, Any]) -> None:
    assert sakila["terraform"]["backend"] == {"local": {"path": "terraform.sakila.tfstate"}}


def test_outputs_have_static_names(sakila: dict[str, Any]) -> None:
    assert set(sakila["output"]) == {
        "replication_task_arn",
        "target_table_name",
        "source_endpoint_arn",
        "target_endpoint_arn",
        "dms_source_secret_arn",
        "source_address",
        "verify_job_name",
    }
    assert sakila["output"]["replication_task_arn"]["value"] == ref(
        "aws_dms_replication_task", sakila, "replication_task_arn"
    )
