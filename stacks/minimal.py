"""The smallest stack: the provider and the article's table mappings, validated at synth time."""

from __future__ import annotations

from cdktf import TerraformOutput, TerraformStack
from constructs import Construct

from constructs_lib.aws import AwsProvider
from stacks.sakila_mappings import sakila_table_mappings


class MinimalStack(TerraformStack):
    """Defines only the AWS provider and an output of the validated Sakila mappings."""

    def __init__(self, scope: Construct, id: str, *, region: str = "us-east-1") -> None:
        super().__init__(scope, id)
        AwsProvider(self, "aws", region=region)
        mappings = sakila_table_mappings()
        TerraformOutput(self, "table_mapping_rule_count", value=len(mappings.rules), static_id=True)
