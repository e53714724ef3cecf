"""The Sakila mappings again, from an Aurora MySQL cluster through DMS Serverless.

Shows the two other choices the constructs offer: ``SourceEngine.AURORA_MYSQL`` (a cluster
parameter group carries the binlog settings) and ``ServerlessCompute`` instead of an instance.
DMS Serverless reaches DynamoDB and Secrets Manager only through VPC endpoints.
"""

from __future__ import annotations

import dataclasses

from cdktf import TerraformStack
from constructs import Construct

from constructs_lib.dms_roles import DmsAccountRoles, DmsAccountRolesProps
from constructs_lib.kms import MigrationKey
from constructs_lib.network import NetworkProps
from constructs_lib.pipeline import DmsMigrationPipeline, DmsMigrationPipelineProps
from constructs_lib.pipeline_props import ServerlessCompute
from constructs_lib.single_table import DynamoDbSingleTable
from constructs_lib.source_database import MySqlSource, MySqlSourceProps, SourceEngine
from stacks.base import configure_stack
from stacks.config import StackConfig
from stacks.sakila import SAKILA_TABLE, network_inputs, pipeline_outputs, route_table_input
from stacks.sakila_mappings import sakila_table_mappings


class AuroraServerlessStack(TerraformStack):
    """Defines the Sakila migration from Aurora MySQL with DMS Serverless."""

    def __init__(self, scope: Construct, id: str, config: StackConfig) -> None:
        super().__init__(scope, id)
        configure_stack(self, id, config)
        vpc_id, subnet_ids = network_inputs(self)
        roles = DmsAccountRoles(self, "DmsAccountRoles", DmsAccountRolesProps(create=False))
        key = MigrationKey(self, "Key", name="sakila-aurora-migration")
        source = MySqlSource(
            self,
            "Source",
            MySqlSourceProps(
                identifier="sakila-aurora",
                vpc_id=vpc_id,
                subnet_ids=subnet_ids,
                database_name="yourdb",
                engine=SourceEngine.AURORA_MYSQL,
                kms_key_arn=key.key_arn,
            ),
        )
        table = DynamoDbSingleTable(self, "Table", dataclasses.replace(SAKILA_TABLE, kms_key_arn=key.key_arn))
        pipeline = DmsMigrationPipeline(
            self,
            "Migration",
            DmsMigrationPipelineProps(
                identifier="sakila-serverless",
                vpc_id=vpc_id,
                subnet_ids=subnet_ids,
                source=source,
                target=table,
                table_mappings=sakila_table_mappings(),
                account_roles=roles,
                serverless=ServerlessCompute(max_capacity_units=8),
                kms_key_arn=key.key_arn,
                network=NetworkProps(nat=False, route_table_ids=route_table_input(self)),
            ),
        )
        pipeline_outputs(self, source, pipeline)
