"""What the pipeline needs of a source and of a target: two Protocols, and they are real extension points.

Why extension points and not sealed unions: the library is composed into other teams' stacks,
where the database or the table often comes from their own construct or module (aws-cdk's
``ITable`` pattern: anything with the members is a table). So :class:`DmsMigrationPipelineProps`
accepts any object that has every member of :class:`MigrationSource` (or :class:`MigrationTarget`)
and checks it by those members, naming the missing ones; it never asks for a class. The members
the pipeline reads values from (``network``, ``ssl_mode``, ``props``) are checked for their type too,
because a wrong value there would fail deep inside the synthesis. The endpoint dataclasses
(:class:`~constructs_lib.existing.ExistingSourceEndpoint`, ``ExistingTargetEndpoint``) are the one
sealed alternative: they replace the endpoint instead of feeding it.

The implementations in this library: :class:`~constructs_lib.source_database.MySqlSource`,
:class:`~constructs_lib.existing.ExistingMySqlSource`,
:class:`~constructs_lib.single_table.DynamoDbSingleTable`,
:class:`~constructs_lib.existing.ExistingDynamoDbTable`.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Protocol

from constructs_lib.source_database import SourceNetwork, SslMode
from constructs_lib.table_props import SingleTableProps

if TYPE_CHECKING:
    from constructs_lib.aws import IamRole, IamRolePolicy

__all__ = ["ItemReadableTable", "MigrationSource", "MigrationTarget", "VerifiableSource", "interface_problems"]


class MigrationSource(Protocol):
    """What the pipeline needs from a MySQL source it creates an endpoint for."""

    @property
    def engine_name(self) -> str:
        """The DMS endpoint ``engine_name``: ``mysql`` or ``aurora``."""
        ...

    @property
    def database_name(self) -> str: ...

    @property
    def dms_secret_arn(self) -> str:
        """The Secrets Manager secret with the DMS user's ``host``, ``port``, ``username``, ``password``."""
        ...

    @property
    def secret_kms_key_arn(self) -> str | None:
        """The customer-managed key of that secret; None: an AWS managed key (no grant needed)."""
        ...

    @property
    def endpoint_address(self) -> str: ...

    @property
    def network(self) -> SourceNetwork:
        """Where DMS connects: its egress rules go there and nowhere else."""
        ...

    @property
    def ssl_mode(self) -> SslMode | None:
        """The source's own SSL mode; None: the pipeline's ``source_ssl_mode``."""
        ...

    def allow_from(self, security_group_id: str) -> None:
        """Let DMS's security group in on the source's port, where the stack may change the source's network.

        Called once per pipeline: it must be keyed by the group (a second call for the same group
        changes nothing; another group gets a rule of its own).
        """
        ...


class MigrationTarget(Protocol):
    """What the pipeline needs from a DynamoDB target table it creates an endpoint for."""

    @property
    def props(self) -> SingleTableProps:
        """The table's keys and GSIs: the mappings are checked against them before synthesis."""
        ...

    @property
    def table_name(self) -> str: ...

    @property
    def table_arn(self) -> str: ...

    def grant_dms_target(self, role: IamRole) -> IamRolePolicy:
        """Let DMS, through ``role``, load the table; keyed by the role as aws-cdk's ``grant*`` are."""
        ...


class VerifiableSource(MigrationSource, Protocol):
    """A source the Glue verify job (:class:`~constructs_lib.export_verify.ExportVerifyJob`) reads: what DMS needs,
    plus an ingress rule described as the job's and a grant on its secret. Both library sources are one."""

    def allow_from(self, security_group_id: str, *, description: str = "MySQL from DMS") -> None:
        """As :meth:`MigrationSource.allow_from`, with the rule's description (what the group is)."""
        ...

    def grant_read_secret(self, role: IamRole) -> IamRolePolicy:
        """Let ``role`` read the secret (``dms_secret_arn``) and decrypt it; keyed by the role, as aws-cdk's
        ``grant*`` are (a second call for the same role returns the same policy)."""
        ...


class ItemReadableTable(Protocol):
    """A table whose single items a role may read (the verify job's ``--settle``)."""

    @property
    def table_arn(self) -> str: ...

    def grant_read_items(self, role: IamRole) -> IamRolePolicy:
        """``dynamodb:GetItem`` on the table (and its key) for ``role``; keyed by the role."""
        ...


#: Members whose value the pipeline uses as a typed value, and the types they must have.
_VALUE_TYPES: dict[str, tuple[type, ...]] = {
    "network": (SourceNetwork,),
    "ssl_mode": (SslMode, type(None)),
    "props": (SingleTableProps,),
}


def members(protocol: type) -> tuple[str, ...]:
    """The public members a Protocol declares, in declaration order."""
    return tuple(name for name in vars(protocol) if not name.startswith("_"))


def interface_problems(value: object, protocol: type) -> list[str]:
    """What ``value`` lacks to be a ``protocol``: missing members, a method that is not callable, a wrong type."""
    problems = []
    for name in members(protocol):
        declared = inspect.getattr_static(protocol, name)
        if not hasattr(value, name):
            problems.append(f"no {name!r}")
            continue
        member = getattr(value, name)
        if callable(declared) and not isinstance(declared, property):
            if not callable(member):
                problems.append(f"{name!r} is not a method")
        elif name in _VALUE_TYPES and not isinstance(member, _VALUE_TYPES[name]):
            allowed = " or ".join("None" if t is type(None) else t.__name__ for t in _VALUE_TYPES[name])
            problems.append(f"{name!r} is a {type(member).__name__}, not a {allowed}")
    return problems
