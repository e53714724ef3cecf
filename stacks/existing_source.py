"""The shop migrated from a MySQL database that already exists, into a DynamoDB table this stack creates.

What Terraform creates: DMS's security group, a rule on the database's security group letting DMS
in on 3306 (a rule resource of its own; the group stays its owner's), the secret-access role (read
exactly the given secret, decrypt with exactly its key), the replication instance, the endpoints,
the task, the table, the KMS key and the monitoring. What it expects to exist: the database (with
``binlog_format=ROW``, ``binlog_row_image=FULL``, binlog retention and the DMS user's grants:
``dms-dynamodb preflight`` checks them) and a Secrets Manager secret holding the DMS user's
``{username, password, host, port}``. An alternative to ``stacks/shop.py``, not a companion: both
write ``shop-table``.
"""

from __future__ import annotations

from cdktf import TerraformStack, TerraformVariable
from constructs import Construct

from constructs_lib.dms_roles import DmsAccountRoles, DmsAccountRolesProps
from constructs_lib.existing import ExistingMySqlSource, ExistingMySqlSourceProps
from constructs_lib.kms import MigrationKey
from constructs_lib.pipeline_props import SslMode
from stacks.base import configure_stack
from stacks.config import StackConfig
from stacks.sakila import network_inputs, pipeline_outputs
from stacks.shop import shop_pipeline
from stacks.shop_design import SHOP_SCHEMA


def _variable(stack: TerraformStack, name: str, description: str) -> str:
    value: str = TerraformVariable(stack, name, type="string", description=description).string_value
    return value


class ExistingSourceStack(TerraformStack):
    """Defines the shop's migration from an existing MySQL database (its address, secret and group are inputs)."""

    def __init__(self, scope: Construct, id: str, config: StackConfig) -> None:
        super().__init__(scope, id)
        configure_stack(self, id, config)
        vpc_id, subnet_ids = network_inputs(self)
        roles = DmsAccountRoles(self, "DmsAccountRoles", DmsAccountRolesProps(create=False))
        key = MigrationKey(self, "Key", name="shop-existing-migration")
        source = ExistingMySqlSource(
            self,
            "Source",
            ExistingMySqlSourceProps(
                server_name=_variable(self, "source_server_name", "Host name of the existing MySQL database"),
                database_name=SHOP_SCHEMA,
                secret_arn=_variable(
                    self,
                    "source_secret_arn",
                    "Secrets Manager secret with the DMS user's username, password, host, port",
                ),
                secret_kms_key_arn=_variable(
                    self, "source_secret_kms_key_arn", "The customer-managed KMS key that encrypts that secret"
                ),
                security_group_id=_variable(
                    self, "source_security_group_id", "Security group of the database (DMS is let in on 3306)"
                ),
                ssl_mode=SslMode.VERIFY_FULL,
            ),
        )
        pipeline = shop_pipeline(self, "shop-existing", source, key, roles, vpc_id, subnet_ids)
        pipeline_outputs(self, source, pipeline)
