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
        stack = TerraformStack.of(scope)
        holder = stack.node.try_find_child(_ID)
        if holder is None:
            holder = Construct(stack, _ID)
            partition = DataAwsPartition(holder, "partition")
            region = DataAwsRegion(holder, "region")
            caller = DataAwsCallerIdentity(holder, "caller")
            holder.node.add_metadata("context", "shared lookups")
            context = AccountContext(partition.partition, region.region, caller.account_id, partition.dns_suffix)
            _CACHE[stack.node.addr] = context
        return _CACHE[stack.node.addr]

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        """An ARN in this partition, region and account, e.g. ``arn("dynamodb", "table/x")``."""
        return (
            f"arn:{self.partition}:{service}:{self.region if region else ''}:"
            f"{self.account_id if account else ''}:{resource}"
        )


_CACHE: dict[str, AccountContext] = {}
