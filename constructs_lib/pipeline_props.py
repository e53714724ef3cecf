"""Props and closed value sets of :class:`~constructs_lib.pipeline.DmsMigrationPipeline`.

Kept apart from the construct so single-field checks run (and are tested) without jsii.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cdktf import Token

from constructs_lib.errors import ConstructValidationError, require
from constructs_lib.existing import ExistingSourceEndpoint, ExistingTargetEndpoint
from constructs_lib.interfaces import MigrationSource, MigrationTarget, interface_problems
from constructs_lib.monitoring import MonitoringProps
from constructs_lib.naming import dms_identifier
from constructs_lib.network import NetworkProps
from constructs_lib.source_database import SslMode as SslMode  # re-exported: the pipeline's props name it
from mappings import MappingError, TableMappings, TargetEngine, TaskSettings
from mappings.document.enums import MigrationType as MigrationType  # re-exported: the constructs API names it

if TYPE_CHECKING:
    from constructs_lib.dms_roles import DmsAccountRoles


class ReplicationInstanceClass(StrEnum):
    """DMS replication instance classes (https://docs.aws.amazon.com/dms/latest/userguide/CHAP_ReplicationInstance.Types.html)."""

    T3_MICRO = "dms.t3.micro"
    T3_SMALL = "dms.t3.small"
    T3_MEDIUM = "dms.t3.medium"
    T3_LARGE = "dms.t3.large"
    C5_LARGE = "dms.c5.large"
    C5_XLARGE = "dms.c5.xlarge"
    C5_2XLARGE = "dms.c5.2xlarge"
    C5_4XLARGE = "dms.c5.4xlarge"
    C6I_LARGE = "dms.c6i.large"
    C6I_XLARGE = "dms.c6i.xlarge"
    C6I_2XLARGE = "dms.c6i.2xlarge"
    C6I_4XLARGE = "dms.c6i.4xlarge"
    R5_LARGE = "dms.r5.large"
    R5_XLARGE = "dms.r5.xlarge"
    R5_2XLARGE = "dms.r5.2xlarge"
    R5_4XLARGE = "dms.r5.4xlarge"
    R6I_LARGE = "dms.r6i.large"
    R6I_XLARGE = "dms.r6i.xlarge"
    R6I_2XLARGE = "dms.r6i.2xlarge"
    R6I_4XLARGE = "dms.r6i.4xlarge"


#: DMS Serverless capacity units DMS accepts.
DCU_VALUES = (1, 2, 4, 8, 16, 32, 64, 128, 192, 256, 384)
#: CloudWatch Logs retention values.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
_BINLOG_POSITION = re.compile(r"[A-Za-z0-9_.-]+:\d+")


@dataclass(frozen=True, kw_only=True)
class ServerlessCompute:
    """DMS Serverless capacity (``aws_dms_replication_config``). Default: 1-16 DCU, single AZ."""

    max_capacity_units: int = 16
    min_capacity_units: int | None = 1
    multi_az: bool = False

    def __post_init__(self) -> None:
        for name in ("max_capacity_units", "min_capacity_units"):
            value = getattr(self, name)
            require(
                value is None or value in DCU_VALUES,
                f"ServerlessCompute.{name}: {value}; allowed: {', '.join(map(str, DCU_VALUES))}",
            )
        require(
            self.min_capacity_units is None or self.min_capacity_units <= self.max_capacity_units,
            f"ServerlessCompute: min_capacity_units {self.min_capacity_units} exceeds max_capacity_units "
            f"{self.max_capacity_units}",
        )


@dataclass(frozen=True, kw_only=True)
class DmsMigrationPipelineProps:
    """Props of :class:`DmsMigrationPipeline`, the article's one-call construct.

    Default: a dms.t3.medium instance with 50 GB, full load and CDC, task settings with
    ``TargetTablePrepMode=DO_NOTHING`` and logging on, TLS to the source, the task not started.
    """

    #: Base of every DMS identifier (instance, endpoints, task, subnet group): lower case, 1-55 chars.
    identifier: str
    vpc_id: str
    subnet_ids: Sequence[str]
    #: A :class:`~constructs_lib.source_database.MySqlSource` (created here), an
    #: :class:`~constructs_lib.existing.ExistingMySqlSource`, any object with the members of
    #: :class:`~constructs_lib.interfaces.MigrationSource`, or an existing endpoint.
    source: MigrationSource | ExistingSourceEndpoint
    #: A :class:`~constructs_lib.single_table.DynamoDbSingleTable` (created here), an
    #: :class:`~constructs_lib.existing.ExistingDynamoDbTable`, any object with the members of
    #: :class:`~constructs_lib.interfaces.MigrationTarget`, or an existing endpoint.
    target: MigrationTarget | ExistingTargetEndpoint
    #: A :class:`~mappings.TableMappings`, or a DMS JSON document (validated the same way).
    table_mappings: TableMappings | str
    #: Default: - ``TargetTablePrepMode=DO_NOTHING``, logging on.
    task_settings: TaskSettings | None = None
    migration_type: MigrationType = MigrationType.FULL_LOAD_AND_CDC
    replication_instance_class: ReplicationInstanceClass = ReplicationInstanceClass.T3_MEDIUM
    allocated_storage_gb: int = 50
    multi_az: bool = False
    #: Default: - the version DMS currently defaults to.
    engine_version: str | None = None
    #: Use DMS Serverless instead of a replication instance. Default: - a replication instance.
    serverless: ServerlessCompute | None = None
    #: Start the task on ``terraform apply`` (and resume it after changes). Default: no; start it yourself.
    start_replication_task: bool = False
    #: For ``cdc`` tasks: where change capture starts (a time or a binlog position, not both).
    cdc_start_time: datetime | str | None = None
    cdc_start_position: str | None = None
    #: The account roles to wait for. Default: - assume they exist (create them with DmsAccountRoles).
    account_roles: DmsAccountRoles | None = None
    source_ssl_mode: SslMode = SslMode.REQUIRE
    log_retention_days: int = 365
    #: Customer-managed key for instance storage, endpoints, logs and the alert topic. Default: - AWS managed keys.
    kms_key_arn: str | None = None
    #: How the subnets reach DynamoDB and Secrets Manager. Default: - through a NAT gateway.
    network: NetworkProps = field(default_factory=NetworkProps)
    #: Alarms and DMS events to one SNS topic. None: no monitoring. Default: - the MonitoringProps defaults.
    monitoring: MonitoringProps | None = field(default_factory=MonitoringProps)
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._check_types()
        dms_identifier(self.identifier, prop="DmsMigrationPipelineProps.identifier", max_length=55)
        require(
            5 <= self.allocated_storage_gb <= 6144,
            f"DmsMigrationPipelineProps.allocated_storage_gb: {self.allocated_storage_gb}; allowed: 5-6144",
        )
        require(
            self.log_retention_days in LOG_RETENTION_DAYS,
            f"DmsMigrationPipelineProps.log_retention_days: {self.log_retention_days}; allowed: "
            f"{', '.join(map(str, LOG_RETENTION_DAYS))}",
        )
        self._check_cdc_start()
        for problem in self.network.problems(serverless=self.serverless is not None):
            raise ConstructValidationError(f"DmsMigrationPipelineProps.network: {problem}")
        if self.serverless is not None:
            require(
                self.cdc_start_time is None and self.cdc_start_position is None,
                "DmsMigrationPipelineProps.serverless: DMS Serverless does not support custom CDC start points; "
                "drop cdc_start_time/cdc_start_position or use a replication instance",
            )

    def _check_types(self) -> None:
        """Wrong types fail here, naming the prop and what is allowed (not later, deep in the construct)."""
        prefix = "DmsMigrationPipelineProps"
        for name, enum in (
            ("migration_type", MigrationType),
            ("replication_instance_class", ReplicationInstanceClass),
            ("source_ssl_mode", SslMode),
        ):
            value = getattr(self, name)
            if not isinstance(value, enum):
                close = next((m for m in enum if m.value == value), None)
                hint = f" (did you mean {enum.__name__}.{close.name}?)" if close is not None else ""
                raise ConstructValidationError(
                    f"{prefix}.{name}: {value!r} is a {type(value).__name__}, not a {enum.__name__}{hint}; allowed: "
                    + ", ".join(f"{enum.__name__}.{m.name}" for m in enum)
                )
        for name, value, protocol, endpoint in (
            ("source", self.source, MigrationSource, ExistingSourceEndpoint),
            ("target", self.target, MigrationTarget, ExistingTargetEndpoint),
        ):
            if isinstance(value, endpoint):
                continue
            problems = interface_problems(value, protocol)
            if problems:
                raise ConstructValidationError(
                    f"{prefix}.{name}: a {type(value).__name__} is not a {protocol.__name__} ({'; '.join(problems)}); "
                    f"give an object with every member of constructs_lib.interfaces.{protocol.__name__}, or an "
                    f"{endpoint.__name__}"
                )
        if isinstance(self.subnet_ids, str):
            raise ConstructValidationError(
                f"{prefix}.subnet_ids: {self.subnet_ids!r} is a string; give a list of subnet ids (or a Terraform list)"
            )

    def _check_cdc_start(self) -> None:
        time, position = self.cdc_start_time, self.cdc_start_position
        if time is None and position is None:
            return
        require(
            time is None or position is None,
            "DmsMigrationPipelineProps: cdc_start_time and cdc_start_position conflict; set one of them",
        )
        require(
            self.migration_type is MigrationType.CDC,
            f"DmsMigrationPipelineProps.cdc_start_*: only for migration_type CDC; got {self.migration_type.value!r} "
            "(a full load captures changes from its own start)",
        )
        if isinstance(time, datetime):
            require(time.tzinfo is not None, "DmsMigrationPipelineProps.cdc_start_time: use a timezone-aware datetime")
        elif isinstance(time, str) and not Token.is_unresolved(time):
            _parse_rfc3339_or_epoch(time)
        if position is not None and not Token.is_unresolved(position):
            require(
                bool(_BINLOG_POSITION.fullmatch(position)) or position.startswith("checkpoint:"),
                f"DmsMigrationPipelineProps.cdc_start_position: {position!r}; for MySQL give a binlog file and "
                "position such as 'mysql-bin-changelog.000024:373', or a DMS checkpoint ('checkpoint:V1#...')",
            )

    @property
    def cdc_start_time_value(self) -> str | None:
        """``cdc_start_time`` as the RFC 3339 text the provider accepts."""
        time = self.cdc_start_time
        if isinstance(time, datetime):
            return time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return time

    def resolved_mappings(self) -> TableMappings:
        """The table mappings, checked for a DynamoDB target (errors name this prop)."""
        return self.check_mappings(self.table_mappings, prop="DmsMigrationPipelineProps.table_mappings")

    @staticmethod
    def check_mappings(table_mappings: TableMappings | str, *, prop: str) -> TableMappings:
        try:
            mappings = (
                TableMappings.from_json(table_mappings, target=TargetEngine.DYNAMODB)
                if isinstance(table_mappings, str)
                else table_mappings
            )
            mappings.validate(TargetEngine.DYNAMODB)
        except MappingError as exc:
            raise ConstructValidationError(f"{prop}: {exc}") from None
        return mappings


def _parse_rfc3339_or_epoch(value: str) -> Any:
    if value.isdigit():
        return int(value)
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConstructValidationError(
            f"DmsMigrationPipelineProps.cdc_start_time: {value!r}; give RFC 3339 ('2026-01-31T12:00:00Z'), unix "
            "seconds, or a timezone-aware datetime"
        ) from None
