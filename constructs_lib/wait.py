"""``time_sleep`` from the hashicorp/time provider (not in the prebuilt AWS bindings).

IAM is eventually consistent: DMS rejects a subnet group or instance with "dms-vpc-role is not
configured properly" when the role's policy attachment is seconds old (terraform-provider-aws
#11025, #32824). terraform-aws-modules/dms waits 10 s after its roles; so do we, by default.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import (
    ITerraformDependable,
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformStack,
)
from constructs import Construct

from constructs_lib.terraform import literal

TIME_PROVIDER_VERSION = "0.13.1"
_METADATA = TerraformProviderGeneratorMetadata(
    provider_name="time", provider_version=TIME_PROVIDER_VERSION, provider_version_constraint=TIME_PROVIDER_VERSION
)


def _time_provider(scope: Construct) -> TerraformProvider:
    stack = TerraformStack.of(scope)
    existing = stack.node.try_find_child("time")
    if isinstance(existing, TerraformProvider):
        return existing
    return TerraformProvider(
        stack,
        "time",
        terraform_resource_type="time",
        terraform_generator_metadata=_METADATA,
        terraform_provider_source="hashicorp/time",
    )


class TimeSleep(TerraformResource):
    """Waits ``create_duration`` (e.g. ``"10s"``) after its dependencies are created."""

    def __init__(
        self, scope: Construct, id: str, *, create_duration: str, depends_on: Sequence[ITerraformDependable]
    ) -> None:
        super().__init__(
            scope,
            id,
            terraform_resource_type="time_sleep",
            terraform_generator_metadata=_METADATA,
            provider=_time_provider(scope),
            depends_on=list(depends_on),
        )
        self.add_override("create_duration", literal(create_duration))
