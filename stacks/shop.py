"""An online shop migrated into one DynamoDB table: the example that is not the article's.

RDS MySQL source ``shop`` (binlog ROW/FULL), table ``shop-table`` (pk/sk, GSI1), a full load and
CDC of four tables, orders filtered by date, the audit table left behind. Its DDL is
``stacks/sql/shop-schema.sql``; ``dms-dynamodb rehearse --stack shop`` rehearses it.
"""

from __future__ import annotations

from cdktf import TerraformStack
from constructs import Construct

from constructs_lib.dms_roles import DmsAccountRoles, DmsAccountRolesProps
from constructs_lib.existing import MigrationSource
from constructs_lib.kms import MigrationKey
from constructs_lib.network import NetworkProps
from constructs_lib.pipeline import DmsMigrationPipeline, DmsMigrationPipelineProps, MigrationType
from constructs_lib.pipeline_props import ReplicationInstanceClass
from constructs_lib.single_table import DynamoDbSingleTable
from constructs_lib.source_database import MySqlSource, MySqlSourceProps
from constructs_lib.table_props import SingleTableProps
from stacks.base import configure_stack
from stacks.config import StackConfig
from stacks.sakila import network_inputs, pipeline_outputs, route_table_input
from stacks.shop_design import SHOP_DESIGN, SHOP_SCHEMA, shop_table_mappings


class ShopMigrationStack(TerraformStack):
    """Defines the shop's migration, end to end (a second stack in an account that has the DMS roles)."""

    def __init__(self, scope: Construct, id: str, config: StackConfig) -> None:
        super().__init__(scope, id)
        configure_stack(self, id, config)
        vpc_id, subnet_ids = network_inputs(self)
        roles = DmsAccountRoles(self, "DmsAccountRoles", DmsAccountRolesProps(create=False))
        key = MigrationKey(self, "Key", name="shop-orders-migration")
        source = MySqlSource(
            self,
            "Source",
            MySqlSourceProps(
                identifier="shop-orders-source",
                vpc_id=vpc_id,
                subnet_ids=subnet_ids,
                database_name=SHOP_SCHEMA,
                kms_key_arn=key.key_arn,
            ),
        )
        pipeline = shop_pipeline(self, "shop-orders", source, key, roles, vpc_id, subnet_ids)
        pipeline_outputs(self, source, pipeline)


def shop_pipeline(
    stack: TerraformStack,
    identifier: str,
    source: MigrationSource,
    key: MigrationKey,
    roles: DmsAccountRoles,
    vpc_id: str,
    subnet_ids: list[str],
) -> DmsMigrationPipeline:
    """The shop's table and its full-load-and-CDC pipeline from ``source`` (managed or existing)."""
    table = DynamoDbSingleTable(stack, "Table", SingleTableProps.from_design(SHOP_DESIGN, kms_key_arn=key.key_arn))
    return DmsMigrationPipeline(
        stack,
        "Migration",
        DmsMigrationPipelineProps(
            identifier=identifier,
            vpc_id=vpc_id,
            subnet_ids=subnet_ids,
            source=source,
            target=table,
            table_mappings=shop_table_mappings(),
            migration_type=MigrationType.FULL_LOAD_AND_CDC,
            replication_instance_class=ReplicationInstanceClass.T3_MEDIUM,
            account_roles=roles,
            kms_key_arn=key.key_arn,
            network=NetworkProps(nat=False, route_table_ids=route_table_input(stack)),
        ),
    )
