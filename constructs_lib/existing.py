"""Defines the pieces of a migration that already exist: a MySQL database, a DynamoDB table, or endpoints.

Most migrations move a production database another team (or another Terraform state) owns. The
pipeline takes either kind of source and target through one typed protocol each
(:class:`~constructs_lib.interfaces.MigrationSource`, :class:`~constructs_lib.interfaces.MigrationTarget`): :class:`~constructs_lib.source_database.MySqlSource`
(a database this stack creates) and :class:`ExistingMySqlSource` (one it only reaches), and
:class:`~constructs_lib.single_table.DynamoDbSingleTable` and :class:`ExistingDynamoDbTable`. Or skip
an endpoint entirely with :class:`ExistingSourceEndpoint` / :class:`ExistingTargetEndpoint`.

Terraform cannot see an existing database's binlog settings or the DMS user's grants: run
``dms-dynamodb preflight --mysql-url ... --stack <stack>`` against it before the first task.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cdktf import Annotations, Token
from constructs import Construct

from constructs_lib.account import AccountContext
from constructs_lib.errors import ConstructValidationError, require
from constructs_lib.grants import GrantsByGrantee
from constructs_lib.interfaces import MigrationSource as MigrationSource  # re-exported: it was defined here
from constructs_lib.interfaces import MigrationTarget as MigrationTarget  # re-exported: it was defined here
from constructs_lib.single_table import dms_target_policy, read_items_policy
from constructs_lib.source_database import SourceEngine, SourceNetwork, SslMode, ingress_from_dms, read_secret_policy
from constructs_lib.table_props import SingleTableProps
from mappings.design import TableDesign

if TYPE_CHECKING:
    from constructs_lib.aws import IamRole, IamRolePolicy, VpcSecurityGroupIngressRule

__all__ = [
    "ExistingDynamoDbTable",
    "ExistingDynamoDbTableProps",
    "ExistingMySqlSource",
    "ExistingMySqlSourceProps",
    "ExistingSourceEndpoint",
    "ExistingTargetEndpoint",
    "MigrationSource",
    "MigrationTarget",
    "SourceNetwork",
]

_SECRET_ARN = re.compile(r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+")
_KMS_ARN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key/[0-9a-f-]+|alias/[A-Za-z0-9/_-]+)")
_DMS_ENDPOINT_ARN = re.compile(r"arn:aws[a-z-]*:dms:[a-z0-9-]+:\d{12}:endpoint:[A-Za-z0-9-]+")
_SECURITY_GROUP = re.compile(r"sg-[0-9a-f]{8}([0-9a-f]{9})?")
_HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")
_DATABASE = re.compile(r"[A-Za-z0-9_$]{1,64}")


def _check_arn(value: str | None, pattern: re.Pattern[str], prop: str, example: str) -> None:
    if value is None or Token.is_unresolved(value):
        return
    require(
        isinstance(value, str) and bool(pattern.fullmatch(value)),
        f"{prop}: {value!r} is not a valid ARN; expected e.g. {example!r}",
    )


def _check_enum(value: object, enum: type, prop: str) -> None:
    if not isinstance(value, enum):
        allowed = ", ".join(f"{enum.__name__}.{m.name}" for m in enum)  # type: ignore[attr-defined]
        raise ConstructValidationError(f"{prop}: {value!r} ({type(value).__name__}); allowed: {allowed}")


@dataclass(frozen=True, kw_only=True)
class ExistingMySqlSourceProps:
    """Props of :class:`ExistingMySqlSource`: a MySQL (or Aurora MySQL) database this stack does not manage.

    Give exactly one way in: ``security_group_id`` (the database's security group in the same VPC:
    the pipeline adds a rule letting DMS's security group in on ``port``) or ``cidr_blocks``
    (on-premises or peered networks: DMS may connect only to them, on ``port``; their firewall is
    yours to open). Default: port 3306, RDS MySQL engine, ``ssl_mode`` require.
    """

    #: Host name or IP address DMS connects to (also the ``host`` in the secret).
    server_name: str
    database_name: str
    #: A Secrets Manager secret with ``host``, ``port``, ``username`` and ``password`` of the DMS user.
    secret_arn: str
    port: int = 3306
    #: ``mysql`` (any MySQL, RDS included) or ``aurora`` (Aurora MySQL): the DMS endpoint engine.
    engine: SourceEngine = SourceEngine.RDS_MYSQL
    ssl_mode: SslMode = SslMode.REQUIRE
    #: The customer-managed key the secret is encrypted with. Default: - the AWS managed key (no grant needed).
    secret_kms_key_arn: str | None = None
    security_group_id: str | None = None
    cidr_blocks: Sequence[str] = ()

    def __post_init__(self) -> None:
        prefix = "ExistingMySqlSourceProps"
        _check_enum(self.engine, SourceEngine, f"{prefix}.engine")
        _check_enum(self.ssl_mode, SslMode, f"{prefix}.ssl_mode")
        require(
            Token.is_unresolved(self.server_name) or bool(_HOST.fullmatch(self.server_name or "")),
            f"{prefix}.server_name: {self.server_name!r}; give the database's host name or IP address",
        )
        require(
            Token.is_unresolved(self.database_name) or bool(_DATABASE.fullmatch(self.database_name or "")),
            f"{prefix}.database_name: {self.database_name!r}; a MySQL database name: 1-64 letters, digits, _ or $",
        )
        require(
            isinstance(self.port, int) and 1 <= self.port <= 65535,
            f"{prefix}.port: {self.port!r}; allowed: 1-65535",
        )
        _check_arn(
            self.secret_arn,
            _SECRET_ARN,
            f"{prefix}.secret_arn",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/dms-AbCdEf",
        )
        require(self.secret_arn is not None, f"{prefix}.secret_arn: required (the DMS user's credentials)")
        _check_arn(
            self.secret_kms_key_arn,
            _KMS_ARN,
            f"{prefix}.secret_kms_key_arn",
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        )
        if isinstance(self.cidr_blocks, str):
            raise ConstructValidationError(
                f"{prefix}.cidr_blocks: {self.cidr_blocks!r} is a string; give a tuple of CIDR blocks, e.g. ('10.20.0.0/16',)"
            )
        require(
            (self.security_group_id is None) != (not self.cidr_blocks),
            f"{prefix}: give exactly one of security_group_id (a database in this VPC) and cidr_blocks "
            f"(on-premises or peered); got security_group_id={self.security_group_id!r}, cidr_blocks={tuple(self.cidr_blocks)!r}",
        )
        if self.security_group_id is not None and not Token.is_unresolved(self.security_group_id):
            require(
                bool(_SECURITY_GROUP.fullmatch(self.security_group_id)),
                f"{prefix}.security_group_id: {self.security_group_id!r}; expected e.g. 'sg-0123456789abcdef0'",
            )
        for block in self.cidr_blocks:
            try:
                network = ipaddress.IPv4Network(block)
            except ValueError:
                raise ConstructValidationError(
                    f"{prefix}.cidr_blocks: {block!r} is not an IPv4 CIDR block (e.g. '10.20.0.0/16')"
                ) from None
            require(
                network.prefixlen > 0,
                f"{prefix}.cidr_blocks: {block!r} is the whole internet; name the source's network",
            )


class ExistingMySqlSource(Construct):
    """Defines DMS's way into a MySQL database this stack does not manage (and nothing of the database itself)."""

    def __init__(self, scope: Construct, id: str, props: ExistingMySqlSourceProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self._ingress: GrantsByGrantee[VpcSecurityGroupIngressRule] = GrantsByGrantee()
        self._secret_readers: GrantsByGrantee[IamRolePolicy] = GrantsByGrantee()
        Annotations.of(self).add_info(
            "an existing source: Terraform cannot check its binlog settings or the DMS user's grants; run "
            "`dms-dynamodb preflight --mysql-url mysql://<dms user>@<server>/ --stack <this stack>` before the first task"
        )

    @property
    def engine_name(self) -> str:
        return self.props.engine.value

    @property
    def database_name(self) -> str:
        return self.props.database_name

    @property
    def dms_secret_arn(self) -> str:
        return self.props.secret_arn

    @property
    def secret_kms_key_arn(self) -> str | None:
        return self.props.secret_kms_key_arn

    @property
    def endpoint_address(self) -> str:
        return self.props.server_name

    @property
    def network(self) -> SourceNetwork:
        return SourceNetwork(self.props.port, self.props.security_group_id, tuple(self.props.cidr_blocks))

    @property
    def ssl_mode(self) -> SslMode | None:
        return self.props.ssl_mode

    def allow_from(
        self, security_group_id: str, *, description: str = "MySQL from DMS (added by the migration stack)"
    ) -> None:
        """A rule of its own on the database's security group, once per group (the group stays the owner's)."""
        if self.props.security_group_id is None:
            return  # CIDR sources: their firewall is not in this stack
        ingress_from_dms(
            self, self._ingress, self.props.security_group_id, security_group_id, self.props.port, description
        )

    def grant_read_secret(self, role: IamRole) -> IamRolePolicy:
        """Let ``role`` read the DMS user's secret (and decrypt it with its key); once per role."""
        return read_secret_policy(
            self, self._secret_readers, role, self.props.secret_arn, self.props.secret_kms_key_arn
        )


@dataclass(frozen=True)
class ExistingSourceEndpoint:
    """A DMS MySQL source endpoint created elsewhere: the pipeline uses it as it is.

    ``network`` says where it points, so DMS's security group may connect there (and nowhere else).
    """

    endpoint_arn: str
    network: SourceNetwork

    def __post_init__(self) -> None:
        _check_arn(
            self.endpoint_arn,
            _DMS_ENDPOINT_ARN,
            "ExistingSourceEndpoint.endpoint_arn",
            "arn:aws:dms:eu-west-1:123456789012:endpoint:ABCDEFGHIJKLMNOP",
        )
        if not isinstance(self.network, SourceNetwork):
            raise ConstructValidationError(
                f"ExistingSourceEndpoint.network: {type(self.network).__name__}; give a SourceNetwork(port, "
                "security_group_id=... or cidr_blocks=(...))"
            )


@dataclass(frozen=True, kw_only=True)
class ExistingDynamoDbTableProps:
    """Props of :class:`ExistingDynamoDbTable`: the table's design (name, keys, GSIs) as it exists."""

    design: TableDesign
    #: The customer-managed key of the table. Default: - an AWS owned or managed key (no grant needed).
    kms_key_arn: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.design, TableDesign):
            raise ConstructValidationError(
                f"ExistingDynamoDbTableProps.design: {type(self.design).__name__}; give a mappings.design.TableDesign"
            )
        _check_arn(
            self.kms_key_arn,
            _KMS_ARN,
            "ExistingDynamoDbTableProps.kms_key_arn",
            "arn:aws:kms:eu-west-1:123456789012:key/...",
        )


class ExistingDynamoDbTable(Construct):
    """Defines DMS's access to a DynamoDB table this stack does not manage; the mapping checks still run on it."""

    def __init__(self, scope: Construct, id: str, props: ExistingDynamoDbTableProps) -> None:
        super().__init__(scope, id)
        self.existing = props
        self._grants: GrantsByGrantee[IamRolePolicy] = GrantsByGrantee()
        self._readers: GrantsByGrantee[IamRolePolicy] = GrantsByGrantee()
        self._props = SingleTableProps.from_design(props.design, kms_key_arn=props.kms_key_arn)

    @property
    def props(self) -> SingleTableProps:
        return self._props

    @property
    def table_name(self) -> str:
        return self.existing.design.table_name

    @property
    def table_arn(self) -> str:
        return AccountContext.of(self).arn("dynamodb", f"table/{self.table_name}")

    def grant_dms_target(self, role: IamRole) -> IamRolePolicy:
        """Let DMS (through ``role``) load this table and keep its control tables next to it; once per role."""
        return dms_target_policy(self, self._grants, role, self.table_arn, self.existing.kms_key_arn)

    def grant_read_items(self, role: IamRole) -> IamRolePolicy:
        """Let ``role`` read single items (``GetItem``, and decrypt them with the table's key); once per role."""
        return read_items_policy(self, self._readers, role, self.table_arn, self.existing.kms_key_arn)


@dataclass(frozen=True)
class ExistingTargetEndpoint:
    """A DMS DynamoDB target endpoint created elsewhere, and the table it writes (for the mapping checks)."""

    endpoint_arn: str
    table: TableDesign

    def __post_init__(self) -> None:
        _check_arn(
            self.endpoint_arn,
            _DMS_ENDPOINT_ARN,
            "ExistingTargetEndpoint.endpoint_arn",
            "arn:aws:dms:eu-west-1:123456789012:endpoint:ABCDEFGHIJKLMNOP",
        )
        if not isinstance(self.table, TableDesign):
            raise ConstructValidationError(
                f"ExistingTargetEndpoint.table: {type(self.table).__name__}; give a mappings.design.TableDesign"
            )
