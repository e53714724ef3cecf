"""Defines the DMS pipeline of the article in one call: network, roles, instance, endpoints, task.

    DmsMigrationPipeline(self, "Migration", DmsMigrationPipelineProps(
        identifier="sakila", vpc_id=vpc_id, subnet_ids=subnets,
        source=mysql, target=table, table_mappings=sakila_table_mappings()))

Before anything is synthesized it checks the mappings for a DynamoDB target and against the
table (name, key schema, GSI keys), the task settings (``DROP_AND_CREATE`` would drop the table
this stack manages) and every identifier.
"""

from __future__ import annotations

from cdktf import Annotations
from constructs import Construct

from constructs_lib.account import AccountContext
from constructs_lib.aws import (
    CloudwatchLogGroup,
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
    DmsEndpoint,
    DmsReplicationConfig,
    DmsReplicationConfigComputeConfig,
    DmsReplicationInstance,
    DmsReplicationSubnetGroup,
    DmsReplicationTask,
    IamRole,
    IamRolePolicy,
    SecurityGroup,
    VpcSecurityGroupEgressRule,
)
from constructs_lib.errors import ConstructValidationError
from constructs_lib.existing import ExistingSourceEndpoint, ExistingTargetEndpoint
from constructs_lib.interfaces import MigrationSource, MigrationTarget
from constructs_lib.mapping_fit import mapping_fit_problems
from constructs_lib.monitoring import MigrationMonitoring, MonitoringProps
from constructs_lib.naming import dms_identifier
from constructs_lib.network import NetworkProps, ServiceEndpoints
from constructs_lib.pipeline_props import (
    DmsMigrationPipelineProps,
    MigrationType,
    ReplicationInstanceClass,
    ServerlessCompute,
    SslMode,
)
from constructs_lib.source_database import egress_to_source, secret_read_statements
from constructs_lib.table_props import SingleTableProps
from constructs_lib.terraform import literal, literal_tags
from mappings import TableMappings, TargetTablePrepMode, TaskSettings
from mappings.settings.dynamodb import dynamodb_settings_issues

__all__ = [
    "DmsMigrationPipeline",
    "DmsMigrationPipelineProps",
    "MigrationType",
    "MonitoringProps",
    "NetworkProps",
    "ReplicationInstanceClass",
    "ServerlessCompute",
    "SslMode",
    "default_task_settings",
]

HTTPS_PORT = 443


def default_task_settings() -> TaskSettings:
    """Keep the table this stack manages (DO_NOTHING) and log the task to CloudWatch."""
    return TaskSettings().with_target_table_prep_mode(TargetTablePrepMode.DO_NOTHING).with_logging(True)


def resolve_task_settings(settings: TaskSettings | None) -> TaskSettings:
    """Fill in DO_NOTHING when unset (DMS's default, DROP_AND_CREATE, would drop our table)."""
    if settings is None:
        return default_task_settings()
    mode = settings.target_table_prep_mode
    if mode is TargetTablePrepMode.DROP_AND_CREATE:
        raise ConstructValidationError(
            "DmsMigrationPipelineProps.task_settings: TargetTablePrepMode DROP_AND_CREATE would make DMS drop and "
            "re-create the DynamoDB table this stack manages (losing its GSIs and fighting Terraform); use "
            "TargetTablePrepMode.DO_NOTHING"
        )
    if mode is None:
        return settings.with_target_table_prep_mode(TargetTablePrepMode.DO_NOTHING)
    return settings


class DmsMigrationPipeline(Construct):
    """Defines a DMS migration from a MySQL source into a DynamoDB single table.

    Any number of pipelines may share one source and one table: the source lets each pipeline's
    security group in by a rule of its own, and the table grants each pipeline's role a policy of
    its own (both keyed by the grantee). Every attribute below exists on every pipeline; the ones a
    mode does not create are None there (a serverless pipeline has no instance, task or log group;
    an existing endpoint is not created).
    """

    #: The props as given.
    props: DmsMigrationPipelineProps
    #: The first task's mappings, checked for a DynamoDB target and against the table.
    table_mappings: TableMappings
    #: The first task's settings, with ``TargetTablePrepMode=DO_NOTHING`` filled in.
    task_settings: TaskSettings
    #: DMS's security group: out to the source and to AWS APIs, nothing in.
    security_group: SecurityGroup
    #: VPC endpoints for DynamoDB and Secrets Manager; None: the subnets reach them through a NAT gateway.
    service_endpoints: ServiceEndpoints | None
    subnet_group: DmsReplicationSubnetGroup
    #: The source endpoint this pipeline created; None: ``props.source`` is an ExistingSourceEndpoint.
    source_endpoint: DmsEndpoint | None
    #: The target endpoint this pipeline created; None: ``props.target`` is an ExistingTargetEndpoint.
    target_endpoint: DmsEndpoint | None
    #: The source endpoint's ARN, created here or given.
    source_endpoint_arn: str
    #: The target endpoint's ARN, created here or given.
    target_endpoint_arn: str
    #: The task's log group (retention, key); None on DMS Serverless, which names its own.
    log_group: CloudwatchLogGroup | None
    #: The replication instance; None on DMS Serverless.
    replication_instance: DmsReplicationInstance | None
    #: The first replication task; None on DMS Serverless (the replication config is the task).
    replication_task: DmsReplicationTask | None
    #: The DMS Serverless replication config; None with a replication instance.
    replication_config: DmsReplicationConfig | None
    #: The ARN of the first task, or of the serverless replication config: what the alarms watch.
    replication_arn: str
    #: Alarms and events; None: ``props.monitoring`` is None.
    monitoring: MigrationMonitoring | None

    def __init__(self, scope: Construct, id: str, props: DmsMigrationPipelineProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self.log_group = None
        self.replication_instance = None
        self.replication_task = None
        self.replication_config = None
        self.table_mappings: TableMappings = props.resolved_mappings()
        problems = mapping_fit_problems(self.table_mappings, self.target_props)
        if problems:
            raise ConstructValidationError("\n  ".join(["mappings do not fit the target table:", *problems]), self)
        self.task_settings = resolve_task_settings(props.task_settings)
        for issue in dynamodb_settings_issues(self.task_settings):  # shown by cdktf synth, with the construct path
            Annotations.of(self).add_warning(f"task_settings {issue.path.removeprefix('$.')}: {issue.message}")
        self._tags = literal_tags(props.tags) or None
        self._context = AccountContext.of(self)
        waits = list(props.account_roles.dependables) if props.account_roles else []

        self.security_group = self._define_security_group()
        if not isinstance(props.source, ExistingSourceEndpoint):
            props.source.allow_from(self.security_group.id)
        serverless = props.serverless is not None
        self.service_endpoints = (
            ServiceEndpoints(
                self,
                "ServiceEndpoints",
                identifier=props.identifier,
                vpc_id=props.vpc_id,
                subnet_ids=props.subnet_ids,
                route_table_ids=props.network.route_table_ids,
                dms_security_group=self.security_group,
            )
            if props.network.needs_endpoints(serverless)
            else None
        )
        self.subnet_group = DmsReplicationSubnetGroup(
            self,
            "SubnetGroup",
            replication_subnet_group_id=props.identifier,
            replication_subnet_group_description=literal(f"DMS subnets for {props.identifier}"),
            subnet_ids=list(props.subnet_ids),
            tags=self._tags,
            depends_on=waits or None,
        )
        # Roles first, then endpoints: the synthesized order (and so the HCL) stays as reviewers know it.
        target = props.target if not isinstance(props.target, ExistingTargetEndpoint) else None
        source = props.source if not isinstance(props.source, ExistingSourceEndpoint) else None
        target_role, target_policy = self._define_target_role(target) if target else (None, None)
        secrets_role, secrets_policy = self._define_secrets_role(source) if source else (None, None)
        self.source_endpoint, self.source_endpoint_arn = self._define_source_endpoint(
            source, secrets_role, secrets_policy
        )
        self.target_endpoint, self.target_endpoint_arn = self._define_target_endpoint(target_role, target_policy)
        task_dependencies = [*(p for p in (target_policy, secrets_policy) if p is not None), *waits]
        if props.serverless is None:
            self.log_group, self.replication_instance = self._define_instance()
            self._task_dependencies = [*task_dependencies, self.log_group]
            self.replication_task = self._define_task(
                "ReplicationTask", props.identifier, self.table_mappings, self.task_settings, props.migration_type
            )
            self.replication_arn = self.replication_task.replication_task_arn
        else:
            self._task_dependencies = task_dependencies
            self.replication_config = self._define_serverless(props.serverless, task_dependencies)
            self.replication_arn = self.replication_config.arn
        self.monitoring = (
            MigrationMonitoring(
                self,
                "Monitoring",
                identifier=props.identifier,
                props=props.monitoring,
                kms_key_arn=props.kms_key_arn,
                instance_id=None if serverless else props.identifier,
                task_arns=[] if serverless else [self.replication_arn],
            )
            if props.monitoring is not None
            else None
        )

    def _define_source_endpoint(
        self, source: MigrationSource | None, role: IamRole | None, policy: IamRolePolicy | None
    ) -> tuple[DmsEndpoint | None, str]:
        """The MySQL source endpoint and its ARN: a new endpoint reading the source's secret, or the existing ARN."""
        props = self.props
        if source is None or role is None:
            assert isinstance(props.source, ExistingSourceEndpoint)
            return None, props.source.endpoint_arn
        endpoint = DmsEndpoint(
            self,
            "SourceEndpoint",
            endpoint_id=f"{props.identifier}-source",
            endpoint_type="source",
            engine_name=source.engine_name,
            database_name=source.database_name,
            secrets_manager_arn=source.dms_secret_arn,
            secrets_manager_access_role_arn=role.arn,
            ssl_mode=(source.ssl_mode or props.source_ssl_mode).value,
            kms_key_arn=props.kms_key_arn,
            tags=self._tags,
            depends_on=[policy] if policy is not None else None,
        )
        arn: str = endpoint.endpoint_arn
        return endpoint, arn

    def _define_target_endpoint(
        self, role: IamRole | None, policy: IamRolePolicy | None
    ) -> tuple[DmsEndpoint | None, str]:
        """The DynamoDB target endpoint and its ARN: a new endpoint with the service access role, or the existing ARN."""
        props = self.props
        if role is None:
            assert isinstance(props.target, ExistingTargetEndpoint)
            return None, props.target.endpoint_arn
        endpoint = DmsEndpoint(
            self,
            "TargetEndpoint",
            endpoint_id=f"{props.identifier}-target",
            endpoint_type="target",
            engine_name="dynamodb",
            service_access_role=role.arn,
            kms_key_arn=props.kms_key_arn,
            tags=self._tags,
            depends_on=[policy] if policy is not None else None,
        )
        arn: str = endpoint.endpoint_arn
        return endpoint, arn

    @property
    def target_props(self) -> SingleTableProps:
        """The target table as the mapping checks see it (from an existing endpoint's design too)."""
        target = self.props.target
        if isinstance(target, ExistingTargetEndpoint):
            return SingleTableProps.from_design(target.table)
        return target.props

    # ------------------------------------------------------------------ network and roles

    def _define_security_group(self) -> SecurityGroup:
        props = self.props
        group = SecurityGroup(
            self,
            "SecurityGroup",
            name=f"{props.identifier}-dms",
            description=literal(f"DMS {props.identifier}: out to MySQL and to AWS APIs over HTTPS, nothing in"),
            vpc_id=props.vpc_id,
            tags=self._tags,
        )
        egress_to_source(self, group.id, props.source.network)
        if not props.network.needs_endpoints(props.serverless is not None):
            VpcSecurityGroupEgressRule(
                self,
                "EgressHttps",
                security_group_id=group.id,
                cidr_ipv4="0.0.0.0/0",
                ip_protocol="tcp",
                from_port=HTTPS_PORT,
                to_port=HTTPS_PORT,
                description="DynamoDB and Secrets Manager APIs through the NAT gateway",
            )
        return group

    def _trust_policy(self, id: str, *, regional: bool) -> DataAwsIamPolicyDocument:
        services = ["dms.amazonaws.com"]
        if regional:  # DMS assumes secret-access roles through its regional principal
            services.append(f"dms.{self._context.region}.amazonaws.com")
        return DataAwsIamPolicyDocument(
            self,
            id,
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    actions=["sts:AssumeRole"],
                    principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="Service", identifiers=services)],
                    condition=[
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals", variable="aws:SourceAccount", values=[self._context.account_id]
                        )
                    ],
                )
            ],
        )

    def _define_target_role(self, target: MigrationTarget) -> tuple[IamRole, IamRolePolicy]:
        role = IamRole(
            self,
            "TargetAccessRole",
            name=f"{self.props.identifier}-dms-dynamodb",
            description="Lets DMS write the target DynamoDB table and its control tables",
            assume_role_policy=self._trust_policy("TargetTrustPolicy", regional=False).json,
            tags=self._tags,
        )
        return role, target.grant_dms_target(role)

    def _define_secrets_role(self, source: MigrationSource) -> tuple[IamRole, IamRolePolicy]:
        props = self.props
        role = IamRole(
            self,
            "SecretsAccessRole",
            name=f"{props.identifier}-dms-secrets",
            description="Lets DMS read the MySQL source credentials from Secrets Manager",
            assume_role_policy=self._trust_policy("SecretsTrustPolicy", regional=True).json,
            tags=self._tags,
        )
        # DMS's own role and policy (their addresses predate the grant): the grant's statements, plus DescribeSecret
        statements = secret_read_statements(source.dms_secret_arn, source.secret_kms_key_arn, describe=True)
        document = DataAwsIamPolicyDocument(self, "SecretsPolicyDocument", statement=statements)
        policy = IamRolePolicy(
            self, "SecretsAccessPolicy", name="dms-source-secret", role=role.id, policy=document.json
        )
        return role, policy

    # ------------------------------------------------------------------ replication

    def _define_instance(self) -> tuple[CloudwatchLogGroup, DmsReplicationInstance]:
        """The task log group and the replication instance the tasks run on."""
        props = self.props
        # DMS writes task logs to this group; creating it first gives it a retention (and a Terraform owner).
        log_group = CloudwatchLogGroup(
            self,
            "TaskLogs",
            name=f"dms-tasks-{props.identifier}",
            retention_in_days=props.log_retention_days,
            kms_key_id=props.kms_key_arn,
            tags=self._tags,
        )
        instance = DmsReplicationInstance(
            self,
            "ReplicationInstance",
            replication_instance_id=props.identifier,
            replication_instance_class=props.replication_instance_class.value,
            allocated_storage=props.allocated_storage_gb,
            multi_az=props.multi_az,
            engine_version=props.engine_version,
            publicly_accessible=False,
            auto_minor_version_upgrade=True,
            kms_key_arn=props.kms_key_arn,
            replication_subnet_group_id=self.subnet_group.replication_subnet_group_id,
            vpc_security_group_ids=[self.security_group.id],
            tags=self._tags,
            depends_on=(list(props.account_roles.dependables) if props.account_roles else []) or None,
        )
        return log_group, instance

    def _define_task(
        self,
        id: str,
        identifier: str,
        mappings: TableMappings,
        settings: TaskSettings,
        migration_type: MigrationType,
    ) -> DmsReplicationTask:
        """A task on the instance; everything it reads was set before ``__init__`` defined the first task."""
        props = self.props
        instance = self.replication_instance
        if instance is None:  # only add_task can get here without one, and it refuses serverless first
            raise ConstructValidationError("a replication task needs a replication instance (not DMS Serverless)", self)
        return DmsReplicationTask(
            self,
            id,
            replication_task_id=identifier,
            migration_type=migration_type.value,
            replication_instance_arn=instance.replication_instance_arn,
            source_endpoint_arn=self.source_endpoint_arn,
            target_endpoint_arn=self.target_endpoint_arn,
            table_mappings=literal(mappings.to_json(), what="table_mappings"),
            replication_task_settings=literal(settings.to_json(), what="task_settings"),
            start_replication_task=props.start_replication_task,
            cdc_start_time=props.cdc_start_time_value if migration_type is MigrationType.CDC else None,
            cdc_start_position=props.cdc_start_position if migration_type is MigrationType.CDC else None,
            tags=self._tags,
            depends_on=self._task_dependencies,
        )

    def add_task(
        self,
        suffix: str,
        table_mappings: TableMappings,
        *,
        task_settings: TaskSettings | None = None,
        migration_type: MigrationType | None = None,
    ) -> DmsReplicationTask:
        """Another task on the same instance and endpoints, e.g. for the next 2 MB of mappings.

        Its id is ``<identifier>-<suffix>``; its mappings get the same checks as the first task's.
        """
        if self.props.serverless is not None:
            raise ConstructValidationError(
                "DmsMigrationPipeline.add_task: a DMS Serverless replication config is a single task; define "
                "another DmsMigrationPipeline for more tables",
                self,
            )
        identifier = dms_identifier(
            f"{self.props.identifier}-{suffix}", prop="DmsMigrationPipeline.add_task(suffix)", max_length=255
        )
        mappings = self.props.check_mappings(table_mappings, prop=f"add_task({suffix!r}).table_mappings")
        problems = mapping_fit_problems(mappings, self.target_props)
        if problems:
            raise ConstructValidationError("\n  ".join(["mappings do not fit the target table:", *problems]), self)
        task = self._define_task(
            f"ReplicationTask-{suffix}",
            identifier,
            mappings,
            resolve_task_settings(task_settings) if task_settings else self.task_settings,
            migration_type or self.props.migration_type,
        )
        if self.monitoring is not None:
            self.monitoring.watch_task(task.replication_task_arn, suffix)
        return task

    def _define_serverless(self, compute: ServerlessCompute, dependencies: list) -> DmsReplicationConfig:  # type: ignore[type-arg]
        """The serverless replication config: the one task of a DMS Serverless pipeline."""
        props = self.props
        return DmsReplicationConfig(
            self,
            "ReplicationConfig",
            replication_config_identifier=props.identifier,
            replication_type=props.migration_type.value,
            source_endpoint_arn=self.source_endpoint_arn,
            target_endpoint_arn=self.target_endpoint_arn,
            table_mappings=literal(self.table_mappings.to_json(), what="table_mappings"),
            replication_settings=literal(self.task_settings.to_json(), what="task_settings"),
            start_replication=props.start_replication_task,
            compute_config=DmsReplicationConfigComputeConfig(
                replication_subnet_group_id=self.subnet_group.replication_subnet_group_id,
                vpc_security_group_ids=[self.security_group.id],
                max_capacity_units=compute.max_capacity_units,
                min_capacity_units=compute.min_capacity_units,
                multi_az=compute.multi_az,
                kms_key_id=props.kms_key_arn,
            ),
            tags=self._tags,
            depends_on=dependencies,
        )
