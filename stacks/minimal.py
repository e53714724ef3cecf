"""The smallest complete pipeline: one MySQL table into a DynamoDB table without indexes.

It assumes the account's DMS roles already exist (``createAccountRoles=false`` style), as a
second migration stack in the same account would.
"""

from __future__ import annotations

from cdktf import TerraformStack
from constructs import Construct

from constructs_lib.dms_roles import DmsAccountRoles, DmsAccountRolesProps
from constructs_lib.kms import MigrationKey
from constructs_lib.pipeline import DmsMigrationPipeline, DmsMigrationPipelineProps
from constructs_lib.single_table import DynamoDbSingleTable
from constructs_lib.source_database import MySqlSource, MySqlSourceProps
from constructs_lib.table_props import SingleTableProps
from mappings import TableMappingsBuilder
from stacks.base import configure_stack
from stacks.config import StackConfig
from stacks.sakila import network_inputs, pipeline_outputs


class MinimalStack(TerraformStack):
    """Defines one source table (``shop.customer``) migrated into ``customers``."""

    def __init__(self, scope: Construct, id: str, config: StackConfig) -> None:
        super().__init__(scope, id)
        configure_stack(self, id, config)
        vpc_id, subnet_ids = network_inputs(self)
        roles = DmsAccountRoles(self, "DmsAccountRoles", DmsAccountRolesProps(create=False))
        key = MigrationKey(self, "Key", name="shop-migration")
        source = MySqlSource(
            self,
            "Source",
            MySqlSourceProps(
                identifier="shop-source",
                vpc_id=vpc_id,
                subnet_ids=subnet_ids,
                database_name="shop",
                kms_key_arn=key.key_arn,
            ),
        )
        table = DynamoDbSingleTable(self, "Table", SingleTableProps(table_name="customers", kms_key_arn=key.key_arn))
        mappings = (
            TableMappingsBuilder(schema="shop")
            .explicit("customer")
            .to_dynamodb("customers")
            .map_table("customer", pk="CUSTOMER#${customer_id}")
            .build()
        )
        pipeline = DmsMigrationPipeline(
            self,
            "Migration",
            DmsMigrationPipelineProps(
                identifier="shop",
                vpc_id=vpc_id,
                subnet_ids=subnet_ids,
                source=source,
                target=table,
                table_mappings=mappings,
                account_roles=roles,
                kms_key_arn=key.key_arn,
            ),
        )
        pipeline_outputs(self, source, pipeline)
