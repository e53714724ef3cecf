"""Monitoring, private networking and the customer-managed key: one focused assertion each."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.errors import ConstructValidationError
from constructs_lib.monitoring import MonitoringProps
from constructs_lib.network import NetworkProps
from constructs_lib.pipeline_props import ServerlessCompute
from tests.constructs.test_validation import pipeline
from tests.synth import only, ref, resources, synth


def _alarms(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["alarm_name"]: a for a in resources(doc, "aws_cloudwatch_metric_alarm").values()}


def test_cdc_latency_alarms_on_both_sides(sakila: dict[str, Any]) -> None:
    alarms = _alarms(sakila)
    for side in ("source", "target"):
        alarm = alarms[f"sakila-cdc-latency-{side}"]
        assert (alarm["namespace"], alarm["metric_name"], alarm["threshold"]) == (
            "AWS/DMS",
            f"CDCLatency{side.title()}",
            300,
        )
        assert alarm["dimensions"]["ReplicationInstanceIdentifier"] == "sakila"
        task_arn = ref("aws_dms_replication_task", sakila, "replication_task_arn")[2:-1]
        assert alarm["dimensions"]["ReplicationTaskIdentifier"] == f'${{element(split(":", {task_arn}), 6)}}'


def test_instance_storage_and_cpu_alarms(sakila: dict[str, Any]) -> None:
    alarms = _alarms(sakila)
    storage, cpu = alarms["sakila-free-storage"], alarms["sakila-cpu"]
    assert (storage["metric_name"], storage["comparison_operator"], storage["threshold"]) == (
        "FreeStorageSpace",
        "LessThanThreshold",
        5 * 1024**3,
    )
    assert (cpu["metric_name"], cpu["threshold"], cpu["evaluation_periods"]) == ("CPUUtilization", 80, 3)


def test_all_alarms_and_events_go_to_one_encrypted_topic(sakila: dict[str, Any]) -> None:
    topic = only(sakila, "aws_sns_topic")
    topic_arn = ref("aws_sns_topic", sakila, "arn")
    assert topic["kms_master_key_id"] == ref("aws_kms_key", sakila, "arn")
    assert all(a["alarm_actions"] == [topic_arn] for a in _alarms(sakila).values())
    events = {e["source_type"]: e for e in resources(sakila, "aws_dms_event_subscription").values()}
    assert events["replication-task"]["event_categories"] == ["failure", "state change"]
    assert events["replication-instance"]["event_categories"] == ["failure", "low storage", "failover"]
    assert {e["sns_topic_arn"] for e in events.values()} == {topic_arn}


def test_email_subscription_is_optional() -> None:
    from cdktf import TerraformStack

    from tests.synth import synth as synth_doc

    built = pipeline(monitoring=MonitoringProps(email="oncall@example.com", cdc_latency_seconds=60))
    doc = synth_doc(TerraformStack.of(built))
    subscription = only(doc, "aws_sns_topic_subscription")
    assert (subscription["protocol"], subscription["endpoint"]) == ("email", "oncall@example.com")
    assert _alarms(doc)["sakila-cdc-latency-source"]["threshold"] == 60


def test_monitoring_can_be_turned_off() -> None:
    from cdktf import TerraformStack

    doc = synth(TerraformStack.of(pipeline(monitoring=None)))
    assert resources(doc, "aws_cloudwatch_metric_alarm") == {} and resources(doc, "aws_sns_topic") == {}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cpu_percent": 120}, r"cpu_percent: 120; allowed: 1-100"),
        ({"period_seconds": 90}, "use a multiple of 60"),
        ({"email": "nobody"}, "is not an address"),
    ],
)
def test_monitoring_prop_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConstructValidationError, match=message):
        MonitoringProps(**kwargs)


def _endpoints_by_service(doc: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {e["service_name"].rsplit(".", 1)[1]: (n, e) for n, e in resources(doc, "aws_vpc_endpoint").items()}


def test_isolated_subnets_get_dynamodb_and_secrets_manager_endpoints(sakila: dict[str, Any]) -> None:
    endpoints = {service: e for service, (_, e) in _endpoints_by_service(sakila).items()}
    # s3: the Glue verify job's (tests/constructs/test_export_verify.py); DMS needs none
    assert sorted(endpoints) == ["dynamodb", "s3", "secretsmanager"]
    assert endpoints["dynamodb"]["vpc_endpoint_type"] == "Gateway"
    assert endpoints["dynamodb"]["route_table_ids"] == "${var.private_route_table_ids}"
    assert endpoints["secretsmanager"]["vpc_endpoint_type"] == "Interface"
    assert endpoints["secretsmanager"]["private_dns_enabled"] is True


def test_isolated_dms_egress_goes_only_to_the_endpoints(sakila: dict[str, Any]) -> None:
    endpoints = {service: n for service, (n, _) in _endpoints_by_service(sakila).items()}
    groups = {g["name"]: n for n, g in resources(sakila, "aws_security_group").items()}
    dms = f"${{aws_security_group.{groups['sakila-dms']}.id}}"
    egress = [
        e for e in resources(sakila, "aws_vpc_security_group_egress_rule").values() if e["security_group_id"] == dms
    ]
    # Every destination and port, exactly: MySQL's group on 3306, the DynamoDB gateway's prefix list and
    # the Secrets Manager endpoint's group on 443. Nothing to a CIDR, nothing else.
    destinations = sorted(
        (e.get("referenced_security_group_id") or e.get("prefix_list_id") or e.get("cidr_ipv4"), e["ip_protocol"],
         e["from_port"], e["to_port"])
        for e in egress
    )  # fmt: skip
    assert destinations == sorted(
        [
            (f"${{aws_security_group.{groups['sakila-source-mysql']}.id}}", "tcp", 3306, 3306),
            (f"${{aws_vpc_endpoint.{endpoints['dynamodb']}.prefix_list_id}}", "tcp", 443, 443),
            (f"${{aws_security_group.{groups['sakila-endpoints']}.id}}", "tcp", 443, 443),
        ]
    )


def test_interface_endpoint_admits_dms_and_the_verify_job_only(sakila: dict[str, Any]) -> None:
    groups = {g["name"]: n for n, g in resources(sakila, "aws_security_group").items()}
    rules = [
        r
        for r in resources(sakila, "aws_vpc_security_group_ingress_rule").values()
        if r["security_group_id"] == f"${{aws_security_group.{groups['sakila-endpoints']}.id}}"
    ]
    assert sorted((r["referenced_security_group_id"], r["from_port"], r["to_port"]) for r in rules) == sorted(
        [
            (f"${{aws_security_group.{groups['sakila-dms']}.id}}", 443, 443),
            (f"${{aws_security_group.{groups['sakila-verify-glue']}.id}}", 443, 443),
        ]
    )


def test_isolated_subnets_without_route_tables_are_rejected() -> None:
    with pytest.raises(
        ConstructValidationError,
        match=r"isolated subnets \(nat=False\) need a DynamoDB gateway "
        r"endpoint.*give their ids",
    ):
        pipeline(network=NetworkProps(nat=False))


def test_serverless_needs_endpoints() -> None:
    with pytest.raises(ConstructValidationError, match="DMS Serverless needs a DynamoDB gateway endpoint"):
        pipeline(serverless=ServerlessCompute())
    with pytest.raises(ConstructValidationError, match="reaches DynamoDB and Secrets Manager only through VPC"):
        pipeline(serverless=ServerlessCompute(), network=NetworkProps(vpc_endpoints=False))


def test_one_customer_managed_key_encrypts_the_data(sakila: dict[str, Any]) -> None:
    key = ref("aws_kms_key", sakila, "arn")
    assert only(sakila, "aws_kms_key")["enable_key_rotation"] is True
    assert only(sakila, "aws_dynamodb_table")["server_side_encryption"]["kms_key_arn"] == key
    assert only(sakila, "aws_db_instance")["kms_key_id"] == key
    assert only(sakila, "aws_dms_replication_instance")["kms_key_arn"] == key
    assert only(sakila, "aws_secretsmanager_secret")["kms_key_id"] == key
    assert only(sakila, "aws_cloudwatch_log_group")["kms_key_id"] == key
    assert {e["kms_key_arn"] for e in resources(sakila, "aws_dms_endpoint").values()} == {key}


def test_dms_role_may_use_the_table_key(sakila: dict[str, Any]) -> None:
    document = next(
        d for n, d in resources(sakila, "aws_iam_policy_document", "data").items() if "DmsTargetPolicyDocument" in n
    )
    statement = next(s for s in document["statement"] if s["sid"] == "DmsTableKey")
    assert statement["resources"] == [ref("aws_kms_key", sakila, "arn")]


def test_key_policy_lets_logs_alarms_and_dms_events_use_the_key(sakila: dict[str, Any]) -> None:
    policy = next(d for n, d in resources(sakila, "aws_iam_policy_document", "data").items() if n.startswith("Key_"))
    by_sid = {s["sid"]: s for s in policy["statement"]}
    assert by_sid["CloudWatchLogsForThisAccount"]["principals"][0]["identifiers"][0].startswith("logs.")
    assert by_sid["AlarmsAndDmsEventsPublishToEncryptedTopic"]["principals"][0]["identifiers"] == [
        "cloudwatch.amazonaws.com",
        "dms.amazonaws.com",
    ]


def test_source_is_tls_only_and_monitored(sakila: dict[str, Any]) -> None:
    params = {p["name"]: p["value"] for p in only(sakila, "aws_db_parameter_group")["parameter"]}
    db = only(sakila, "aws_db_instance")
    assert params["require_secure_transport"] == "1"
    assert (db["multi_az"], db["monitoring_interval"]) == (True, 60)
    assert db["monitoring_role_arn"].startswith("${aws_iam_role.")
