"""The cutover gate's AWS path, on botocore's Stubber (no AWS account here): a DMS task's status and its
CDCLatencySource/CDCLatencyTarget from CloudWatch (namespace AWS/DMS, dimensions as DMS publishes them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from dms_dynamodb.cutover.checks import dms_task_caught_up

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)
TASK_ARN = "arn:aws:dms:eu-west-1:123456789012:task:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
INSTANCE_ARN = "arn:aws:dms:eu-west-1:123456789012:rep:INSTANCE0000000000000000000"


@pytest.fixture
def aws() -> Iterator[tuple[Any, Any, Stubber, Stubber]]:
    session = boto3.Session(aws_access_key_id="k", aws_secret_access_key="s", region_name="eu-west-1")
    dms, cloudwatch = session.client("dms"), session.client("cloudwatch")
    with Stubber(dms) as dms_stub, Stubber(cloudwatch) as cw_stub:
        yield dms, cloudwatch, dms_stub, cw_stub
        dms_stub.assert_no_pending_responses()
        cw_stub.assert_no_pending_responses()


def _task(dms_stub: Stubber, status: str) -> None:
    dms_stub.add_response(
        "describe_replication_tasks",
        {"ReplicationTasks": [{"ReplicationTaskIdentifier": "sakila-task", "Status": status,
                               "ReplicationInstanceArn": INSTANCE_ARN, "ReplicationTaskArn": TASK_ARN}]},
        {"Filters": [{"Name": "replication-task-arn", "Values": [TASK_ARN]}]},
    )  # fmt: skip


def _latency(cw_stub: Stubber, metric: str, points: list[tuple[int, float]]) -> None:
    cw_stub.add_response(
        "get_metric_statistics",
        {"Datapoints": [{"Timestamp": NOW - dt.timedelta(minutes=m), "Maximum": v} for m, v in points]},
        {
            "Namespace": "AWS/DMS",
            "MetricName": metric,
            "Dimensions": [
                {"Name": "ReplicationInstanceIdentifier", "Value": "sakila-instance"},
                {"Name": "ReplicationTaskIdentifier", "Value": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
            ],
            "StartTime": NOW - dt.timedelta(minutes=10),
            "EndTime": NOW,
            "Period": 60,
            "Statistics": ["Maximum"],
        },
    )


def _instance(dms_stub: Stubber) -> None:
    dms_stub.add_response(
        "describe_replication_instances",
        {"ReplicationInstances": [{"ReplicationInstanceIdentifier": "sakila-instance"}]},
        {"Filters": [{"Name": "replication-instance-arn", "Values": [INSTANCE_ARN]}]},
    )


def test_a_running_task_whose_latest_latencies_are_zero_is_caught_up(aws: tuple[Any, Any, Stubber, Stubber]) -> None:
    dms, cloudwatch, dms_stub, cw_stub = aws
    _task(dms_stub, "running")
    _instance(dms_stub)
    _latency(cw_stub, "CDCLatencySource", [(3, 12.0), (1, 0.0)])  # the latest datapoint counts, not the worst
    _latency(cw_stub, "CDCLatencyTarget", [(1, 0.0), (2, 4.0)])
    check = dms_task_caught_up(dms, cloudwatch, TASK_ARN, 0.0, NOW)
    assert check.passed
    assert check.render() == "PASS  caught up: task sakila-task running; CDCLatencySource 0 s, CDCLatencyTarget 0 s"


def test_a_target_latency_above_the_threshold_fails_with_its_figure(aws: tuple[Any, Any, Stubber, Stubber]) -> None:
    dms, cloudwatch, dms_stub, cw_stub = aws
    _task(dms_stub, "running")
    _instance(dms_stub)
    _latency(cw_stub, "CDCLatencySource", [(1, 0.0)])
    _latency(cw_stub, "CDCLatencyTarget", [(1, 7.0)])
    check = dms_task_caught_up(dms, cloudwatch, TASK_ARN, 5.0, NOW)
    assert not check.passed
    assert check.figure == ("task sakila-task: CDCLatencySource 0 s, CDCLatencyTarget 7 s (at most 5 s needed)")


def test_no_datapoint_is_not_caught_up(aws: tuple[Any, Any, Stubber, Stubber]) -> None:
    dms, cloudwatch, dms_stub, cw_stub = aws
    _task(dms_stub, "running")
    _instance(dms_stub)
    _latency(cw_stub, "CDCLatencySource", [])
    _latency(cw_stub, "CDCLatencyTarget", [(1, 0.0)])
    check = dms_task_caught_up(dms, cloudwatch, TASK_ARN, 0.0, NOW)
    assert not check.passed and "CDCLatencySource no datapoint in 10 min" in check.figure


def test_a_stopped_task_fails_before_any_metric_is_read(aws: tuple[Any, Any, Stubber, Stubber]) -> None:
    dms, cloudwatch, dms_stub, _ = aws
    _task(dms_stub, "stopped")
    check = dms_task_caught_up(dms, cloudwatch, TASK_ARN, 0.0, NOW)
    assert not check.passed and check.figure == "the DMS task sakila-task is stopped, not running"


@pytest.mark.parametrize(
    ("arn", "region"),
    [
        (TASK_ARN, "eu-west-1"),
        ("arn:aws-us-gov:dms:us-gov-west-1:123456789012:task:ABC-1", "us-gov-west-1"),
        ("arn:aws-cn:dms:cn-north-1:123456789012:task:ABC", "cn-north-1"),
    ],
)
def test_a_task_arn_gives_its_region(arn: str, region: str) -> None:
    from dms_dynamodb.cutover.aws import task_region

    assert task_region(arn) == region


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:dms:eu-west-1:123456789012:rep:ABC",  # an instance, not a task
        "arn:aws:dms:eu-west-1:1234:task:ABC",  # the account is 12 digits
        "arn:aws:s3:eu-west-1:123456789012:task:ABC",
        "arn:aws:dms:eu-west-1:123456789012:task:",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    ],
)
def test_a_malformed_task_arn_names_the_form(arn: str) -> None:
    from dms_dynamodb.cutover.aws import task_region

    with pytest.raises(ValueError, match=r"its form is arn:aws:dms:REGION:ACCOUNT:task:ID"):
        task_region(arn)


def test_no_credentials_while_asking_is_no_verdict_naming_the_service() -> None:
    from botocore.exceptions import EndpointConnectionError, NoCredentialsError

    from dms_dynamodb.cutover.aws import AwsUnavailable, asking

    no_credentials = r"^no usable AWS credentials to ask DMS \(DescribeReplicationTasks\)"
    with pytest.raises(AwsUnavailable, match=no_credentials), asking("DMS (DescribeReplicationTasks)"):
        raise NoCredentialsError()
    unreachable = r"^cannot reach CloudWatch \(GetMetricStatistics\) \(Could not connect"
    with pytest.raises(AwsUnavailable, match=unreachable), asking("CloudWatch (GetMetricStatistics)"):
        raise EndpointConnectionError(endpoint_url="https://monitoring.eu-west-1.amazonaws.com/")
