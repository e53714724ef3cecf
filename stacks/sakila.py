"""The article's migration: the Sakila video-rental MySQL database into one DynamoDB table.

RDS MySQL 8.0 source (binlog ROW/FULL), table ``migration-target-table`` (pk/sk, GSI1, GSI2),
the ten mapping rules, a full load followed by CDC. The VPC and its private subnets are inputs
(``terraform plan -var vpc_id=... -var 'private_subnet_ids=[...]'``). With ``export_verify_job`` (on)
the stack also defines the Glue job that runs ``verify --export --engine spark`` (its buckets, the JDBC
driver's jar and the CA bundle are inputs too).
"""

from __future__ import annotations

import dataclasses

from cdktf import Fn, TerraformOutput, TerraformStack, TerraformVariable
from constructs import Construct

from constructs_lib.dms_roles import DmsAccountRoles, DmsAccountRolesProps
from constructs_lib.existing import MigrationSource
from constructs_lib.export_verify import ExportVerifyJob, ExportVerifyJobProps
from constructs_lib.kms import MigrationKey
from constructs_lib.network import NetworkProps
from constructs_lib.pipeline import DmsMigrationPipeline, DmsMigrationPipelineProps, MigrationType
from constructs_lib.pipeline_props import ReplicationInstanceClass
from constructs_lib.single_table import DynamoDbSingleTable
from constructs_lib.source_database import MySqlSource, MySqlSourceProps
from constructs_lib.table_props import SingleTableProps
from stacks.base import configure_stack
from stacks.config import StackConfig
from stacks.sakila_design import SAKILA_DESIGN
from stacks.sakila_mappings import sakila_table_mappings

SAKILA_TABLE = SingleTableProps.from_design(SAKILA_DESIGN)


def network_inputs(stack: TerraformStack) -> tuple[str, list[str]]:
    """The VPC and private subnets, as Terraform variables."""
    vpc_id = TerraformVariable(stack, "vpc_id", type="string", description="VPC of the source database and DMS")
    subnets = TerraformVariable(
        stack,
        "private_subnet_ids",
        type="list(string)",
        description="At least two private subnets in different availability zones",
    )
    return vpc_id.string_value, subnets.list_value


def route_table_input(stack: TerraformStack) -> list[str]:
    """Route tables of isolated subnets, for the DynamoDB gateway endpoint."""
    tables = TerraformVariable(
        stack,
        "private_route_table_ids",
        type="list(string)",
        description="Route tables of the private subnets (the DynamoDB gateway endpoint attaches to them)",
    )
    return tables.list_value


def pipeline_outputs(stack: TerraformStack, source: MigrationSource, pipeline: DmsMigrationPipeline) -> None:
    """Outputs with static names, so scripts can read them (terraform output -raw replication_task_arn)."""
    outputs = {
        "replication_task_arn": (pipeline.replication_arn, "Start it with aws dms start-replication-task"),
        "target_table_name": (pipeline.target_props.table_name, "The DynamoDB single table"),
        "source_endpoint_arn": (pipeline.source_endpoint_arn, "DMS MySQL source endpoint"),
        "target_endpoint_arn": (pipeline.target_endpoint_arn, "DMS DynamoDB target endpoint"),
        "dms_source_secret_arn": (source.dms_secret_arn, "Fill with {username, password, host, port} after deploy"),
        "source_address": (source.endpoint_address, "MySQL host, for the secret and the DMS user's grants"),
    }
    for name, (value, description) in outputs.items():
        TerraformOutput(stack, name, value=value, description=description, static_id=True)


def export_verify_job(
    stack: TerraformStack, pipeline: DmsMigrationPipeline, source: MySqlSource, subnet_id: str, key_arn: str
) -> ExportVerifyJob:
    """The Glue job that verifies the migration against a DynamoDB export; its buckets and files are inputs."""

    def variable(name: str, description: str) -> str:
        value: str = TerraformVariable(stack, name, type="string", description=description).string_value
        return value

    job = ExportVerifyJob(
        stack,
        "ExportVerify",
        ExportVerifyJobProps(
            identifier="sakila-verify",
            pipeline=pipeline,
            source=source,
            subnet_id=subnet_id,
            assets_bucket=variable("verify_assets_bucket", "Bucket the verify job's script, package and plan go to"),
            export_bucket=variable("export_bucket", "Bucket DynamoDB exports go to (the verify job reads them)"),
            jdbc_driver_s3_uri=variable("jdbc_driver_s3_uri", "s3://BUCKET/KEY of the MariaDB Connector/J jar"),
            ca_bundle_s3_uri=variable("ca_bundle_s3_uri", "s3://BUCKET/KEY of the RDS CA bundle of the region"),
            kms_key_arn=key_arn,
        ),
    )
    TerraformOutput(
        stack, "verify_job_name", value=job.job_name, description="aws glue start-job-run --job-name", static_id=True
    )
    return job


class SakilaMigrationStack(TerraformStack):
    """Defines the article's Sakila migration, end to end."""

    def __init__(self, scope: Construct, id: str, config: StackConfig, *, with_export_verify_job: bool = True) -> None:
        super().__init__(scope, id)
        configure_stack(self, id, config)
        vpc_id, subnet_ids = network_inputs(self)
        roles = DmsAccountRoles(self, "DmsAccountRoles", DmsAccountRolesProps(create=config.create_account_roles))
        key = MigrationKey(self, "Key", name="sakila-migration")
        source = MySqlSource(
            self,
            "Source",
            MySqlSourceProps(
                identifier="sakila-source",
                vpc_id=vpc_id,
                subnet_ids=subnet_ids,
                database_name="yourdb",
                kms_key_arn=key.key_arn,
            ),
        )
        table = DynamoDbSingleTable(self, "Table", dataclasses.replace(SAKILA_TABLE, kms_key_arn=key.key_arn))
        pipeline = DmsMigrationPipeline(
            self,
            "Migration",
            DmsMigrationPipelineProps(
                identifier="sakila",
                vpc_id=vpc_id,
                subnet_ids=subnet_ids,
                source=source,
                target=table,
                table_mappings=sakila_table_mappings(),
                migration_type=MigrationType.FULL_LOAD_AND_CDC,
                replication_instance_class=ReplicationInstanceClass.T3_MEDIUM,
                account_roles=roles,
                kms_key_arn=key.key_arn,
                # The article's DMS runs in isolated subnets: VPC endpoints for DynamoDB and Secrets Manager.
                network=NetworkProps(nat=False, route_table_ids=route_table_input(self)),
            ),
        )
        pipeline_outputs(self, source, pipeline)
        if with_export_verify_job:
            export_verify_job(self, pipeline, source, Fn.element(subnet_ids, 0), key.key_arn)
