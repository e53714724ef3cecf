"""``cutover --task-arn``: the ARN's form before anything runs, and AWS's clients with a verdict-less failure.

A malformed ARN is a usage error (exit 2) naming the form; no credentials, or an AWS endpoint that
cannot be reached, leaves the gate without a verdict (exit 3, as a verify that lost a server): the
message names the service and what to configure. Neither is ever a traceback after the quiet wait.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: ``arn:PARTITION:dms:REGION:ACCOUNT:task:ID`` (AWS General Reference, "Amazon Resource Names"; DMS's
#: resource type for a replication task is ``task``).
TASK_ARN = re.compile(r"arn:(aws[a-z-]*):dms:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):task:([A-Za-z0-9-]+)")
FORM = "arn:aws:dms:REGION:ACCOUNT:task:ID"
CONFIGURE = (
    "configure AWS credentials for the DMS and CloudWatch APIs (AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY, or an instance/task role) with dms:DescribeReplicationTasks, "
    "dms:DescribeReplicationInstances and cloudwatch:GetMetricStatistics, and network access to them"
)


class AwsUnavailable(Exception):
    """AWS could not be asked (no credentials, endpoint unreachable): the gate has no verdict (exit 3)."""


def task_region(arn: str) -> str:
    """The region of a DMS task ARN; a malformed one raises ValueError naming the form."""
    match = TASK_ARN.fullmatch(arn.strip())
    if match is None:
        raise ValueError(
            f"--task-arn {arn!r} is not a DMS task ARN: its form is {FORM} (e.g. "
            "arn:aws:dms:eu-west-1:123456789012:task:ABCDEFGHIJKLMNOPQRSTUVWXYZ; `terraform output "
            "replication_task_arn` prints it)"
        )
    return match.group(2)


@contextmanager
def asking(service: str) -> Iterator[None]:
    """Turn botocore's no-credentials and cannot-connect errors into :class:`AwsUnavailable` naming ``service``."""
    from botocore.exceptions import (
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
        ReadTimeoutError,
    )

    try:
        yield
    except (NoCredentialsError, PartialCredentialsError) as exc:
        raise AwsUnavailable(f"no usable AWS credentials to ask {service} ({exc}): {CONFIGURE}") from None
    except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError) as exc:
        raise AwsUnavailable(f"cannot reach {service} ({exc}): {CONFIGURE}") from None


def clients(region: str, session_factory: Callable[..., Any] | None = None) -> tuple[Any, Any]:
    """DMS and CloudWatch clients for ``region``; no credentials at all is :class:`AwsUnavailable` at once,
    before the gate waits for the source to be quiet."""
    import boto3

    session = (session_factory or boto3.session.Session)(region_name=region)
    with asking("AWS (credentials)"):
        credentials = session.get_credentials()
    if credentials is None:
        raise AwsUnavailable(f"no AWS credentials found for the DMS and CloudWatch APIs in {region}: {CONFIGURE}")
    return session.client("dms"), session.client("cloudwatch")
