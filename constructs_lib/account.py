"""Per-stack lookups of the partition, region and account, created once and shared."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import TerraformStack
from constructs import Construct

from constructs_lib.aws import DataAwsCallerIdentity, DataAwsPartition, DataAwsRegion

_ID = "AccountContext"


@dataclass(frozen=True)
class AccountContext:
    """Terraform references to ``data.aws_partition``, ``data.aws_region`` and the caller's account."""

    partition: str
    region: str
    account_id: str
    dns_suffix: str

    @staticmethod
    def of(scope: Construct) -> AccountContext:
        """The stack's lookups, defined on first use (one set per stack, however many constructs ask)."""
        stack = TerraformStack.of(scope)
        holder = stack.node.try_find_child(_ID)
        if not isinstance(holder, _AccountLookups):
            holder = _AccountLookups(stack, _ID)
        return holder.context

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        """An ARN in this partition, region and account, e.g. ``arn("dynamodb", "table/x")``."""
        return (
            f"arn:{self.partition}:{service}:{self.region if region else ''}:"
            f"{self.account_id if account else ''}:{resource}"
        )


class _AccountLookups(Construct):
    """Holds the data sources, and the context built from them, inside the stack they belong to."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        partition = DataAwsPartition(self, "partition")
        region = DataAwsRegion(self, "region")
        caller = DataAwsCallerIdentity(self, "caller")
        self.context = AccountContext(partition.partition, region.region, caller.account_id, partition.dns_suffix)
