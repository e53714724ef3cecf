"""Defines the alarms and notifications of a running migration: one SNS topic for everything.

During a zero-downtime migration a silent stall is data loss at cutover, so operators hear within
minutes when CDC falls behind (source or target latency), the instance runs low on storage or
CPU, or DMS reports a task or instance failure. Thresholds are typed props with defaults.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import Fn
from constructs import Construct

from constructs_lib.aws import CloudwatchMetricAlarm, DmsEventSubscription, SnsTopic, SnsTopicSubscription
from constructs_lib.errors import require
from constructs_lib.terraform import literal

GIB = 1024**3


@dataclass(frozen=True, kw_only=True)
class MonitoringProps:
    """Alarm thresholds. Default: CDC latency over 5 minutes, under 5 GiB free, CPU over 80 %,
    each sustained for 3 periods of 5 minutes; no email subscription."""

    cdc_latency_seconds: int = 300
    free_storage_bytes: int = 5 * GIB
    cpu_percent: int = 80
    period_seconds: int = 300
    evaluation_periods: int = 3
    #: Also send the alarms to this address (AWS emails a confirmation link first).
    email: str | None = None

    def __post_init__(self) -> None:
        require(
            self.cdc_latency_seconds > 0,
            f"MonitoringProps.cdc_latency_seconds: {self.cdc_latency_seconds}; must be > 0",
        )
        require(0 < self.cpu_percent <= 100, f"MonitoringProps.cpu_percent: {self.cpu_percent}; allowed: 1-100")
        require(
            self.period_seconds % 60 == 0 and self.period_seconds >= 60,
            f"MonitoringProps.period_seconds: {self.period_seconds}; use a multiple of 60",
        )
        require(self.evaluation_periods >= 1, "MonitoringProps.evaluation_periods: must be at least 1")
        require(self.email is None or "@" in self.email, f"MonitoringProps.email: {self.email!r} is not an address")


INSTANCE_EVENTS = ("failure", "low storage", "failover")
TASK_EVENTS = ("failure", "state change")


class MigrationMonitoring(Construct):
    """Defines the alert topic, the CloudWatch alarms and the DMS event subscriptions."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        identifier: str,
        props: MonitoringProps,
        kms_key_arn: str | None,
        instance_id: str | None,
        task_arns: Sequence[str],
    ) -> None:
        super().__init__(scope, id)
        self.props = props
        self._identifier, self._instance_id = identifier, instance_id
        self._watched: list[str] = []
        self.topic = SnsTopic(
            self, "Topic", name=f"{identifier}-alerts", kms_master_key_id=kms_key_arn or "alias/aws/sns"
        )
        if props.email:
            SnsTopicSubscription(
                self, "Email", topic_arn=self.topic.arn, protocol="email", endpoint=literal(props.email, what="email")
            )
        self.alarms: list[CloudwatchMetricAlarm] = []
        if instance_id is not None:
            instance = {"ReplicationInstanceIdentifier": instance_id}
            self._alarm(
                "FreeStorage",
                f"{identifier}-free-storage",
                "FreeStorageSpace",
                instance,
                "Minimum",
                "LessThanThreshold",
                props.free_storage_bytes,
                "the replication instance is running out of "
                "storage (DMS spills changes to disk when the target falls behind)",
            )
            self._alarm(
                "Cpu",
                f"{identifier}-cpu",
                "CPUUtilization",
                instance,
                "Average",
                "GreaterThanThreshold",
                props.cpu_percent,
                "the replication instance is CPU-bound",
            )
            for arn in task_arns:
                self.watch_task(arn)
            DmsEventSubscription(
                self,
                "InstanceEvents",
                name=f"{identifier}-instance",
                sns_topic_arn=self.topic.arn,
                source_type="replication-instance",
                source_ids=[instance_id],
                event_categories=list(INSTANCE_EVENTS),
                enabled=True,
            )
        if task_arns:
            DmsEventSubscription(
                self,
                "TaskEvents",
                name=f"{identifier}-task",
                sns_topic_arn=self.topic.arn,
                source_type="replication-task",
                event_categories=list(TASK_EVENTS),
                enabled=True,
            )

    def watch_task(self, task_arn: str, suffix: str = "") -> None:
        """CDC-latency alarms (source and target) for one task on the monitored instance."""
        if self._instance_id is None:
            return  # DMS Serverless: its metrics have other dimensions (not covered)
        props = self.props
        suffix = suffix or ("" if not self._watched else str(len(self._watched) + 1))
        self._watched.append(task_arn)
        # DMS names task metrics by the task's resource id: the last part of its ARN.
        dimensions = {
            "ReplicationInstanceIdentifier": self._instance_id,
            "ReplicationTaskIdentifier": Fn.element(Fn.split(":", task_arn), 6),
        }
        for side in ("Source", "Target"):
            self._alarm(
                f"CdcLatency{side}{'-' + suffix if suffix else ''}",
                f"{self._identifier}-cdc-latency-{side.lower()}{'-' + suffix if suffix else ''}",
                f"CDCLatency{side}",
                dimensions,
                "Maximum",
                "GreaterThanThreshold",
                props.cdc_latency_seconds,
                f"CDC is more than {props.cdc_latency_seconds} s behind the {side.lower()}",
            )

    def _alarm(
        self,
        id: str,
        name: str,
        metric: str,
        dimensions: dict[str, str],
        statistic: str,
        comparison: str,
        threshold: float,
        why: str,
    ) -> None:
        props = self.props
        self.alarms.append(
            CloudwatchMetricAlarm(
                self,
                id,
                alarm_name=name,
                alarm_description=literal(why),
                namespace="AWS/DMS",
                metric_name=metric,
                dimensions=dimensions,
                statistic=statistic,
                comparison_operator=comparison,
                threshold=threshold,
                period=props.period_seconds,
                evaluation_periods=props.evaluation_periods,
                treat_missing_data="notBreaching",
                alarm_actions=[self.topic.arn],
                ok_actions=[self.topic.arn],
            )
        )
