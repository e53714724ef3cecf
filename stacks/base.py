"""What every example stack shares: provider, backend, and the required_providers source."""

from __future__ import annotations

from cdktf import LocalBackend, S3Backend, TerraformStack

from constructs_lib.aws import AwsProvider, AwsProviderDefaultTags
from constructs_lib.guardrails import attach_guardrails
from stacks.config import StackConfig


def configure_stack(stack: TerraformStack, name: str, config: StackConfig) -> None:
    """Add the AWS provider (with default tags), the state backend and the guard-rails to ``stack``."""
    attach_guardrails(stack)
    AwsProvider(
        stack,
        "aws",
        region=config.region,
        default_tags=[AwsProviderDefaultTags(tags={"project": "dms-dynamodb-migration", "stack": name})],
    )
    # Fully qualified, so the same JSON works with OpenTofu's registry too.
    stack.add_override("terraform.required_providers.aws.source", "hashicorp/aws")
    if config.state_bucket:
        backend = S3Backend(
            stack,
            bucket=config.state_bucket,
            key=f"{config.state_key_prefix}/{name}.tfstate",
            region=config.region,
            encrypt=True,
            dynamodb_table=config.state_lock_table,
        )
        if not config.state_lock_table:
            backend.add_override("use_lockfile", True)
    else:
        # A relative path keeps the synthesized JSON identical on every machine.
        LocalBackend(stack, path=f"terraform.{name}.tfstate")
