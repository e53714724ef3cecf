"""Defines the MySQL source: an RDS MySQL 8.0 instance or an Aurora MySQL cluster, ready for DMS CDC.

What DMS needs from a MySQL source, and what this construct sets (DMS "Using MySQL as a source"):
- ``binlog_format=ROW`` and ``binlog_row_image=FULL`` in a parameter group (a *cluster* parameter
  group for Aurora); changing them needs a reboot, the article's only downtime.
- automated backups on: RDS writes binary logs only when backups are enabled.
- a security group whose 3306 ingress comes only from the DMS security group (see
  :meth:`MySqlSource.allow_from`).
The master password is managed by RDS in Secrets Manager (never in Terraform). DMS cannot use that
secret (it holds no host or port), so the construct also defines an *empty* secret for the DMS
user, which you fill after deploy (README, post-deploy checklist): no password reaches Terraform.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from cdktf import Token
from constructs import Construct

from constructs_lib.account import AccountContext
from constructs_lib.aws import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementPrincipals,
    DbInstance,
    DbParameterGroup,
    DbParameterGroupParameter,
    DbSubnetGroup,
    IamRole,
    IamRolePolicy,
    IamRolePolicyAttachment,
    RdsCluster,
    RdsClusterInstance,
    RdsClusterParameterGroup,
    RdsClusterParameterGroupParameter,
    SecretsmanagerSecret,
    SecurityGroup,
    VpcSecurityGroupEgressRule,
    VpcSecurityGroupIngressRule,
)
from constructs_lib.errors import require
from constructs_lib.grants import GrantsByGrantee, grantee_key, granter_suffix, role_policy_grant
from constructs_lib.naming import rds_identifier
from constructs_lib.terraform import literal, literal_tags

MYSQL_PORT = 3306


@dataclass(frozen=True)
class SourceNetwork:
    """How DMS reaches a source: its port, and either a security group or CIDR blocks."""

    port: int
    security_group_id: str | None = None
    cidr_blocks: tuple[str, ...] = ()


#: Parameters DMS CDC needs on a MySQL source.
BINLOG_PARAMETERS = {"binlog_format": "ROW", "binlog_row_image": "FULL"}
#: TLS only: DMS connects with ssl_mode require (or stricter), so nothing else needs plain text.
TRANSPORT_PARAMETERS = {"require_secure_transport": "1"}
ENHANCED_MONITORING_POLICY = "service-role/AmazonRDSEnhancedMonitoringRole"


class SslMode(StrEnum):
    """How the source endpoint encrypts its connection to MySQL."""

    NONE = "none"
    REQUIRE = "require"
    VERIFY_CA = "verify-ca"
    VERIFY_FULL = "verify-full"


class SourceEngine(StrEnum):
    """Which kind of MySQL: the value is the DMS endpoint ``engine_name``."""

    RDS_MYSQL = "mysql"
    AURORA_MYSQL = "aurora"


@dataclass(frozen=True, kw_only=True)
class MySqlSourceProps:
    """Props of :class:`MySqlSource`.

    Default: RDS MySQL 8.0, 20 GB gp3, Multi-AZ, 7-day backups, enhanced monitoring, TLS only,
    deletion protection and a final snapshot.
    """

    identifier: str
    vpc_id: str
    subnet_ids: Sequence[str]
    database_name: str
    engine: SourceEngine = SourceEngine.RDS_MYSQL
    engine_version: str = "8.0"
    #: Default: - db.t3.micro for RDS MySQL, db.r6g.large for Aurora (Performance Insights is on).
    instance_class: str | None = None
    allocated_storage_gb: int = 20
    backup_retention_days: int = 7
    multi_az: bool = True
    deletion_protection: bool = True
    #: Enhanced monitoring interval in seconds (0 turns it off).
    monitoring_interval: int = 60
    master_username: str = "admin"
    #: Name of the database user DMS connects as (you create it after deploy, see README).
    dms_username: str = "dms_user"
    #: Default: - the AWS managed keys.
    kms_key_arn: str | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rds_identifier(self.identifier, prop="MySqlSourceProps.identifier")
        require(
            self.monitoring_interval in (0, 1, 5, 10, 15, 30, 60),
            f"MySqlSourceProps.monitoring_interval: {self.monitoring_interval}; allowed: 0, 1, 5, 10, 15, 30, 60",
        )
        require(
            self.backup_retention_days >= 1,
            f"MySqlSourceProps.backup_retention_days: {self.backup_retention_days}; must be at least 1, because "
            "RDS writes binary logs (which DMS CDC reads) only while automated backups are on",
        )
        require(
            Token.is_unresolved(self.subnet_ids) or len(self.subnet_ids) >= 2,
            "MySqlSourceProps.subnet_ids: an RDS subnet group needs subnets in at least two availability zones",
        )
        require(
            self.engine_version.startswith("8.") or Token.is_unresolved(self.engine_version),
            f"MySqlSourceProps.engine_version: {self.engine_version!r}; use MySQL 8.0 or later (8.x)",
        )


class MySqlSource(Construct):
    """Defines the MySQL source database, its binlog settings, network and DMS credentials secret."""

    def __init__(self, scope: Construct, id: str, props: MySqlSourceProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self._ingress: GrantsByGrantee[VpcSecurityGroupIngressRule] = GrantsByGrantee()
        self._secret_readers: GrantsByGrantee[IamRolePolicy] = GrantsByGrantee()
        tags = literal_tags(props.tags) or None
        self.security_group = SecurityGroup(
            self,
            "SecurityGroup",
            name=f"{props.identifier}-mysql",
            description=literal(f"MySQL source {props.identifier}: 3306 only from DMS"),
            vpc_id=props.vpc_id,
            tags=tags,
        )
        subnet_group = DbSubnetGroup(
            self, "SubnetGroup", name=f"{props.identifier}-mysql", subnet_ids=list(props.subnet_ids), tags=tags
        )
        if props.engine is SourceEngine.AURORA_MYSQL:
            self._define_aurora(props, subnet_group, tags)
        else:
            self._define_rds(props, subnet_group, tags)
        self.dms_secret = SecretsmanagerSecret(
            self,
            "DmsUserSecret",
            name=f"{props.identifier}/dms-source",
            description=literal(
                "Credentials DMS uses to read the MySQL source: put {username, password, host, port} here after "
                "deploy (see README); Terraform never holds the value"
            ),
            kms_key_id=props.kms_key_arn,
            tags=tags,
        )

    def _define_rds(self, props: MySqlSourceProps, subnet_group: DbSubnetGroup, tags: dict[str, str] | None) -> None:
        family = f"mysql{'.'.join(props.engine_version.split('.')[:2])}"
        parameters = DbParameterGroup(
            self,
            "BinlogParameters",
            name=f"{props.identifier}-binlog",
            family=family,
            description="binlog settings DMS CDC needs",
            parameter=[
                DbParameterGroupParameter(name=k, value=v, apply_method="pending-reboot")
                for k, v in (BINLOG_PARAMETERS | TRANSPORT_PARAMETERS).items()
            ],
            tags=tags,
        )
        self.resource: DbInstance | RdsCluster = DbInstance(
            self,
            "Resource",
            identifier=props.identifier,
            engine="mysql",
            engine_version=props.engine_version,
            instance_class=self.instance_class,
            allocated_storage=props.allocated_storage_gb,
            storage_type="gp3",
            db_name=props.database_name,
            username=props.master_username,
            manage_master_user_password=True,
            parameter_group_name=parameters.name,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[self.security_group.id],
            publicly_accessible=False,
            storage_encrypted=True,
            kms_key_id=props.kms_key_arn,
            backup_retention_period=props.backup_retention_days,
            multi_az=props.multi_az,
            deletion_protection=props.deletion_protection,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{props.identifier}-final",
            copy_tags_to_snapshot=True,
            auto_minor_version_upgrade=True,
            iam_database_authentication_enabled=True,
            enabled_cloudwatch_logs_exports=["error", "slowquery"],
            monitoring_interval=props.monitoring_interval,
            monitoring_role_arn=self._monitoring_role_arn(props),
            tags=tags,
        )
        self.parameter_group_name = parameters.name
        self.endpoint_address: str = self.resource.address
        self.master_user_secret_arn: str = self.resource.master_user_secret.get(0).secret_arn

    def _define_aurora(self, props: MySqlSourceProps, subnet_group: DbSubnetGroup, tags: dict[str, str] | None) -> None:
        parameters = RdsClusterParameterGroup(
            self,
            "BinlogParameters",
            name=f"{props.identifier}-binlog",
            family="aurora-mysql8.0",
            description="binlog settings DMS CDC needs",
            parameter=[
                RdsClusterParameterGroupParameter(name=k, value=v, apply_method="pending-reboot")
                for k, v in (BINLOG_PARAMETERS | TRANSPORT_PARAMETERS).items()
            ],
            tags=tags,
        )
        engine_version = props.engine_version if props.engine_version != "8.0" else None
        cluster = RdsCluster(
            self,
            "Resource",
            cluster_identifier=props.identifier,
            engine="aurora-mysql",
            engine_version=engine_version,
            database_name=props.database_name,
            master_username=props.master_username,
            manage_master_user_password=True,
            db_cluster_parameter_group_name=parameters.name,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[self.security_group.id],
            storage_encrypted=True,
            kms_key_id=props.kms_key_arn,
            backup_retention_period=props.backup_retention_days,
            deletion_protection=props.deletion_protection,
            skip_final_snapshot=False,
            final_snapshot_identifier=f"{props.identifier}-final",
            copy_tags_to_snapshot=True,
            iam_database_authentication_enabled=True,
            enabled_cloudwatch_logs_exports=["audit", "error", "slowquery"],
            tags=tags,
        )
        monitoring_role_arn = self._monitoring_role_arn(props)
        for index in range(2 if props.multi_az else 1):
            RdsClusterInstance(
                self,
                f"Instance{index + 1}",
                identifier=f"{props.identifier}-{index + 1}",
                cluster_identifier=cluster.id,
                engine="aurora-mysql",
                instance_class=self.instance_class,
                db_subnet_group_name=subnet_group.name,
                publicly_accessible=False,
                auto_minor_version_upgrade=True,
                monitoring_interval=props.monitoring_interval,
                monitoring_role_arn=monitoring_role_arn,
                performance_insights_enabled=True,
                performance_insights_kms_key_id=props.kms_key_arn,
                tags=tags,
            )
        self.resource = cluster
        self.parameter_group_name = parameters.name
        self.endpoint_address = cluster.endpoint
        self.master_user_secret_arn = cluster.master_user_secret.get(0).secret_arn

    @property
    def instance_class(self) -> str:
        if self.props.instance_class:
            return self.props.instance_class
        # Aurora: the smallest class with Performance Insights for Aurora MySQL 8.0.
        return "db.r6g.large" if self.props.engine is SourceEngine.AURORA_MYSQL else "db.t3.micro"

    def _monitoring_role_arn(self, props: MySqlSourceProps) -> str | None:
        """The role RDS enhanced monitoring publishes OS metrics with (None when turned off)."""
        if props.monitoring_interval == 0:
            return None
        context = AccountContext.of(self)
        trust = DataAwsIamPolicyDocument(
            self,
            "MonitoringTrust",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    actions=["sts:AssumeRole"],
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(
                            type="Service", identifiers=["monitoring.rds.amazonaws.com"]
                        )
                    ],
                )
            ],
        )
        role = IamRole(self, "MonitoringRole", name=f"{props.identifier}-rds-monitoring", assume_role_policy=trust.json)
        IamRolePolicyAttachment(
            self,
            "MonitoringPolicy",
            role=role.name,
            policy_arn=f"arn:{context.partition}:iam::aws:policy/{ENHANCED_MONITORING_POLICY}",
        )
        arn: str = role.arn
        return arn

    @property
    def engine_name(self) -> str:
        """The DMS endpoint ``engine_name`` for this source."""
        return self.props.engine.value

    @property
    def database_name(self) -> str:
        return self.props.database_name

    @property
    def dms_secret_arn(self) -> str:
        arn: str = self.dms_secret.arn
        return arn

    @property
    def secret_kms_key_arn(self) -> str | None:
        return self.props.kms_key_arn

    @property
    def network(self) -> SourceNetwork:
        group: str = self.security_group.id
        return SourceNetwork(MYSQL_PORT, security_group_id=group)

    @property
    def ssl_mode(self) -> None:
        """None: the pipeline's ``source_ssl_mode`` applies (this database accepts TLS only)."""
        return None

    def allow_from(self, security_group_id: str, *, description: str = "MySQL from DMS") -> None:
        """Open 3306 to one security group (a DMS pipeline's, a verify job's), and nothing else; once per group."""
        ingress_from_dms(self, self._ingress, self.security_group.id, security_group_id, MYSQL_PORT, description)

    def grant_read_secret(self, role: IamRole) -> IamRolePolicy:
        """Let ``role`` read the DMS user's secret (and decrypt it with its key); once per role."""
        return read_secret_policy(self, self._secret_readers, role, self.dms_secret_arn, self.secret_kms_key_arn)


def egress_to_source(scope: Construct, security_group_id: str, network: SourceNetwork) -> None:
    """A client's way out to the source: its port to the source's group, and to each of its CIDR blocks
    (ids ``EgressToMySql``, ``EgressToMySql0``...; one client per scope: DMS's group, a verify job's)."""
    if network.security_group_id is not None:
        VpcSecurityGroupEgressRule(
            scope,
            "EgressToMySql",
            security_group_id=security_group_id,
            referenced_security_group_id=network.security_group_id,
            ip_protocol="tcp",
            from_port=network.port,
            to_port=network.port,
            description="MySQL source",
        )
    for position, block in enumerate(network.cidr_blocks):
        VpcSecurityGroupEgressRule(
            scope,
            f"EgressToMySql{position}",
            security_group_id=security_group_id,
            cidr_ipv4=block,
            ip_protocol="tcp",
            from_port=network.port,
            to_port=network.port,
            description=literal(f"MySQL source in {block}"),
        )


def ingress_from_dms(
    scope: Construct,
    rules: GrantsByGrantee[VpcSecurityGroupIngressRule],
    group_id: str,
    dms_group_id: str,
    port: int,
    description: str,
) -> VpcSecurityGroupIngressRule:
    """One ingress rule per DMS security group: ``port`` on ``group_id`` from that group only."""
    return rules.get_or_make(
        grantee_key(scope, dms_group_id),
        lambda construct_id: VpcSecurityGroupIngressRule(
            scope,
            construct_id("IngressFromDms"),
            security_group_id=group_id,
            referenced_security_group_id=dms_group_id,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            description=literal(description),
        ),
    )


def secret_read_statements(
    secret_arn: str, key_arn: str | None, *, describe: bool = False
) -> list[DataAwsIamPolicyDocumentStatement]:
    """Reading one secret: ``GetSecretValue`` (and ``DescribeSecret``, which DMS calls) on it, ``kms:Decrypt`` on its
    customer-managed key (an AWS managed key needs no grant)."""
    actions = ["secretsmanager:GetSecretValue", *(["secretsmanager:DescribeSecret"] if describe else [])]
    statements = [DataAwsIamPolicyDocumentStatement(sid="ReadSourceSecret", actions=actions, resources=[secret_arn])]
    if key_arn:
        statements.append(
            DataAwsIamPolicyDocumentStatement(sid="DecryptSourceSecret", actions=["kms:Decrypt"], resources=[key_arn])
        )
    return statements


def read_secret_policy(
    scope: Construct,
    grants: GrantsByGrantee[IamRolePolicy],
    role: IamRole,
    secret_arn: str,
    key_arn: str | None,
) -> IamRolePolicy:
    """One policy per role on ``role``: read the source's secret (:func:`secret_read_statements`)."""
    name = f"read-source-secret-{granter_suffix(scope)}"
    return role_policy_grant(
        scope, grants, role, "ReadSecretPolicy", name, lambda: secret_read_statements(secret_arn, key_arn)
    )
