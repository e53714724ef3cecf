"""Defines ``verify --export --engine spark`` as an AWS Glue (Spark) job: the comparison of the source with a
DynamoDB export, run where the data is, from the stack that defines the migration.

What it provisions (one :class:`ExportVerifyJob` per pipeline; any number on one source):

- the job (``glueetl``, Python 3, Glue 5.0 or 5.1) whose script is a two-line launcher of
  :mod:`dms_dynamodb.verify.spark.job`, with this package's ``dms_dynamodb`` and ``mappings`` and the
  PyMySQL Glue's image lacks as one zip (``--extra-py-files``, a :class:`cdktf.TerraformAsset`; no pip at
  run time) and the *verify plan document*: the
  task's table mappings and settings and the target table's keys and GSIs as a minimal Terraform JSON,
  read by the same stack reader as every command;
- a role Glue assumes, allowed only: the assets it runs, the export prefix (read), the report prefix
  (write), the migration key for its own encrypted output, its log groups, the network interfaces of
  its connection; and, through the source's and the table's own grants keyed by this role (aws-cdk's
  ``grant*``), the source's DMS secret (and its key: ``grant_read_secret``) and, only with ``settle``,
  ``dynamodb:GetItem`` on the table (``grant_read_items``);
- a ``NETWORK`` connection into the source's VPC: one subnet (its availability zone read from the
  subnet), a security group with the self-referencing rules Glue requires (AWS Glue developer guide,
  "Setting up networking for development for AWS Glue": a self-referencing inbound rule for all TCP
  ports; outbound to all ports or self-referencing; here "all traffic", ``-1``), out to the source's port
  and to HTTPS only; the source lets that group in through its own ingress grant (``allow_from``). In
  isolated subnets (the pipeline has :class:`~constructs_lib.network.ServiceEndpoints`) HTTPS goes to the
  endpoints only: an S3 gateway endpoint on the pipeline's route tables (AWS Glue developer guide, "Setting
  up network access to data stores": "To access Amazon S3 from within your VPC, a VPC endpoint is required"),
  the pipeline's Secrets Manager endpoint, which admits the job's group, and DynamoDB's gateway with
  ``settle``; CloudWatch Logs needs none (Glue publishes the job's logs through its own proxy: "Configuring
  AWS calls to go through your VPC"). With NAT, HTTPS goes anywhere;
- a security configuration: the job's S3 output, CloudWatch logs and bookmarks encrypted with the
  migration key.

The JDBC driver's jar and the CA bundle the source's certificate chains to are S3 objects the user
provides (props): the job reads the source over TLS, verifying the server's name.
"""

from __future__ import annotations

import base64
import inspect
import json
from typing import cast

from cdktf import AssetType, Fn, TerraformAsset, Token
from constructs import Construct

from constructs_lib.account import AccountContext
from constructs_lib.aws import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
    DataAwsSubnet,
    GlueConnection,
    GlueConnectionPhysicalConnectionRequirements,
    GlueJob,
    GlueJobCommand,
    GlueJobExecutionProperty,
    GlueSecurityConfiguration,
    GlueSecurityConfigurationEncryptionConfiguration,
    GlueSecurityConfigurationEncryptionConfigurationCloudwatchEncryption,
    GlueSecurityConfigurationEncryptionConfigurationJobBookmarksEncryption,
    GlueSecurityConfigurationEncryptionConfigurationS3Encryption,
    IamRole,
    IamRolePolicy,
    S3Object,
    SecurityGroup,
    VpcSecurityGroupEgressRule,
    VpcSecurityGroupIngressRule,
)
from constructs_lib.errors import ConstructValidationError
from constructs_lib.export_verify_assets import SCRIPT, package_zip, plan_document
from constructs_lib.export_verify_props import (
    DEFAULT_PYTHON_MODULES,
    ExportVerifyJobProps,
    GlueVersion,
    GlueWorkerType,
)
from constructs_lib.guardrails.rules import UNSCOPED_ACTIONS
from constructs_lib.interfaces import ItemReadableTable, VerifiableSource, interface_problems
from constructs_lib.network import ServiceEndpoints
from constructs_lib.source_database import egress_to_source
from constructs_lib.terraform import literal, literal_tags

HTTPS_PORT = 443
#: What Glue calls to place its workers' network interfaces in the connection's subnet.
DESCRIBE_ACTIONS = tuple(sorted(a for a in UNSCOPED_ACTIONS if a.startswith("ec2:")))

__all__ = [
    "DEFAULT_PYTHON_MODULES",
    "SCRIPT",
    "ExportVerifyJob",
    "ExportVerifyJobProps",
    "GlueVersion",
    "GlueWorkerType",
    "package_zip",
    "plan_document",
]


def _s3_arn(partition: str, uri: str) -> str:
    """``arn:...:s3:::BUCKET/KEY`` of an ``s3://BUCKET/KEY`` URI (a Terraform variable's too)."""
    path = Fn.replace(uri, "s3://", "") if Token.is_unresolved(uri) else uri.removeprefix("s3://")
    return f"arn:{partition}:s3:::{path}"


class ExportVerifyJob(Construct):
    """Defines the Glue job that runs ``verify --export --engine spark`` against one pipeline's source and table."""

    def __init__(self, scope: Construct, id: str, props: ExportVerifyJobProps) -> None:
        super().__init__(scope, id)
        self.props = props
        context = AccountContext.of(self)
        tags = literal_tags(props.tags) or None
        self.subnet = DataAwsSubnet(self, "Subnet", id=props.subnet_id)
        self._check_source()
        self.security_group = self._define_security_group(tags)
        props.source.allow_from(
            self.security_group.id, description=f"MySQL from the Glue verify job {props.identifier}"
        )
        self.connection = GlueConnection(
            self,
            "Connection",
            name=f"{props.identifier}-network",
            connection_type="NETWORK",
            description=literal(f"Network of the verify job {props.identifier}: the source's VPC"),
            physical_connection_requirements=GlueConnectionPhysicalConnectionRequirements(
                availability_zone=self.subnet.availability_zone,
                subnet_id=props.subnet_id,
                security_group_id_list=[self.security_group.id],
            ),
            tags=tags,
        )
        self.security_configuration = GlueSecurityConfiguration(
            self,
            "SecurityConfiguration",
            name=props.identifier,
            encryption_configuration=GlueSecurityConfigurationEncryptionConfiguration(
                cloudwatch_encryption=GlueSecurityConfigurationEncryptionConfigurationCloudwatchEncryption(
                    cloudwatch_encryption_mode="SSE-KMS", kms_key_arn=props.kms_key_arn
                ),
                job_bookmarks_encryption=GlueSecurityConfigurationEncryptionConfigurationJobBookmarksEncryption(
                    job_bookmarks_encryption_mode="CSE-KMS", kms_key_arn=props.kms_key_arn
                ),
                s3_encryption=GlueSecurityConfigurationEncryptionConfigurationS3Encryption(
                    s3_encryption_mode="SSE-KMS", kms_key_arn=props.kms_key_arn
                ),
            ),
        )
        prefix = f"{props.assets_prefix}{props.identifier}/"
        self.script_key = f"{prefix}verify_job.py"
        self.plan_key = f"{prefix}plan.tf.json"
        self.package = TerraformAsset(self, "PackageAsset", path=str(package_zip()), type=AssetType.FILE)
        self.package_key = f"{prefix}dms_dynamodb.zip"
        plan_bytes = json.dumps(plan_document(props.pipeline), sort_keys=True, indent=1).encode()

        def upload(name: str, key: str, **body: str) -> S3Object:
            return S3Object(
                self,
                name,
                bucket=props.assets_bucket,
                key=key,
                server_side_encryption="aws:kms",
                kms_key_id=props.kms_key_arn,
                tags=tags,
                content=body.get("content"),
                content_base64=body.get("content_base64"),
                source=body.get("source"),
                source_hash=body.get("source_hash"),
            )

        uploads = [
            upload("Script", self.script_key, content=SCRIPT),
            # base64: the document carries Terraform JSON's own escapes ($${), which must reach S3 as written
            upload("Plan", self.plan_key, content_base64=base64.b64encode(plan_bytes).decode("ascii")),
            upload("Package", self.package_key, source=self.package.path, source_hash=self.package.asset_hash),
        ]
        self.role, self.policy = self._define_role(context, tags)
        # What the job reads of the source and the table: their grants, keyed by this job's role
        self.grants = [props.source.grant_read_secret(self.role)]
        if props.settle:
            self.grants.append(self._table().grant_read_items(self.role))
        assets = f"s3://{props.assets_bucket}/"
        arguments = {
            "--job-language": "python",
            "--plan": f"{assets}{self.plan_key}",
            "--source-secret-arn": props.source.dms_secret_arn,
            "--ssl-ca": props.ca_bundle_s3_uri,
            "--database": literal(props.source.database_name),
            "--extra-py-files": f"{assets}{self.package_key}",
            "--extra-jars": props.jdbc_driver_s3_uri,
            "--enable-continuous-cloudwatch-log": "true",
        }
        if props.python_modules:
            arguments["--additional-python-modules"] = literal(",".join(props.python_modules))
        self.job = GlueJob(
            self,
            "Resource",
            name=props.identifier,
            description=literal(f"dms-dynamodb verify --export --engine spark: task {props.pipeline.props.identifier}"),
            role_arn=self.role.arn,
            glue_version=props.glue_version.value,
            worker_type=props.worker_type.value,
            number_of_workers=props.number_of_workers,
            timeout=props.timeout_minutes,
            max_retries=0,
            execution_property=GlueJobExecutionProperty(max_concurrent_runs=1),
            security_configuration=self.security_configuration.name,
            connections=[self.connection.name],
            command=GlueJobCommand(name="glueetl", python_version="3", script_location=f"{assets}{self.script_key}"),
            default_arguments=arguments,
            tags=tags,
            depends_on=[self.policy, *self.grants, *uploads],
        )

    @property
    def job_name(self) -> str:
        name: str = self.job.name
        return name

    def _define_security_group(self, tags: dict[str, str] | None) -> SecurityGroup:
        props = self.props
        group = SecurityGroup(
            self,
            "SecurityGroup",
            name=f"{props.identifier}-glue",
            description=literal(f"Glue verify job {props.identifier}: its workers together, out to MySQL and HTTPS"),
            vpc_id=self.subnet.vpc_id,
            tags=tags,
        )
        VpcSecurityGroupIngressRule(
            self,
            "IngressSelf",
            security_group_id=group.id,
            referenced_security_group_id=group.id,
            ip_protocol="-1",  # all traffic: Glue's check accepts it as "all ports"; checkov reads it right
            description="Glue workers to each other (Glue requires a self-referencing rule)",
        )
        VpcSecurityGroupEgressRule(
            self,
            "EgressSelf",
            security_group_id=group.id,
            referenced_security_group_id=group.id,
            ip_protocol="-1",
            description="Glue workers to each other",
        )
        egress_to_source(self, group.id, props.source.network)
        endpoints = props.pipeline.service_endpoints
        if endpoints is None:  # the pipeline's subnets reach AWS through a NAT gateway: so does the job
            VpcSecurityGroupEgressRule(
                self,
                "EgressHttps",
                security_group_id=group.id,
                cidr_ipv4="0.0.0.0/0",
                ip_protocol="tcp",
                from_port=HTTPS_PORT,
                to_port=HTTPS_PORT,
                description="S3 and Secrets Manager APIs through the NAT gateway",
            )
        else:
            self._reach_endpoints(group, endpoints)
        return group

    def _reach_endpoints(self, group: SecurityGroup, endpoints: ServiceEndpoints) -> None:
        """Isolated subnets: S3 through a gateway endpoint (Glue refuses a subnet with neither one nor NAT), the
        source's secret through the pipeline's Secrets Manager endpoint, DynamoDB through its gateway (``settle``)."""
        props = self.props
        endpoints.allow_https_from(group.id, description=f"HTTPS from the Glue verify job {props.identifier}")
        targets = {
            "EgressToS3": (
                props.s3_prefix_list_id or endpoints.s3_gateway().prefix_list_id,
                "S3 through the gateway endpoint",
            ),
            "EgressToSecretsManager": (None, "Secrets Manager through the interface endpoint"),
        }
        if props.settle:
            targets["EgressToDynamoDb"] = (endpoints.dynamodb.prefix_list_id, "DynamoDB through the gateway endpoint")
        for name, (prefix_list, description) in targets.items():
            VpcSecurityGroupEgressRule(
                self,
                name,
                security_group_id=group.id,
                prefix_list_id=prefix_list,
                referenced_security_group_id=None if prefix_list else endpoints.security_group.id,
                ip_protocol="tcp",
                from_port=HTTPS_PORT,
                to_port=HTTPS_PORT,
                description=description,
            )

    def _define_role(self, context: AccountContext, tags: dict[str, str] | None) -> tuple[IamRole, IamRolePolicy]:
        props = self.props
        trust = DataAwsIamPolicyDocument(
            self,
            "TrustPolicy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    actions=["sts:AssumeRole"],
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(type="Service", identifiers=["glue.amazonaws.com"])
                    ],
                    condition=[
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals", variable="aws:SourceAccount", values=[context.account_id]
                        )
                    ],
                )
            ],
        )
        role = IamRole(
            self,
            "Role",
            name=f"{props.identifier}-glue",
            description=literal(f"Glue verify job {props.identifier}: reads the export and the source, writes reports"),
            assume_role_policy=trust.json,
            tags=tags,
        )
        partition, region, account = context.partition, context.region, context.account_id
        export_bucket = f"arn:{partition}:s3:::{props.export_bucket}"
        statements = [
            DataAwsIamPolicyDocumentStatement(
                sid="ReadAssets",
                actions=["s3:GetObject"],
                resources=[
                    f"arn:{partition}:s3:::{props.assets_bucket}/{props.assets_prefix}{props.identifier}/*",
                    _s3_arn(partition, props.jdbc_driver_s3_uri),
                    _s3_arn(partition, props.ca_bundle_s3_uri),
                ],
            ),
            DataAwsIamPolicyDocumentStatement(
                sid="ListExports",
                actions=["s3:ListBucket"],
                resources=[export_bucket],
                condition=[
                    DataAwsIamPolicyDocumentStatementCondition(
                        test="StringLike", variable="s3:prefix", values=[f"{props.export_prefix}*"]
                    )
                ],
            ),
            DataAwsIamPolicyDocumentStatement(
                sid="ReadExports", actions=["s3:GetObject"], resources=[f"{export_bucket}/{props.export_prefix}*"]
            ),
            DataAwsIamPolicyDocumentStatement(
                sid="WriteReports", actions=["s3:PutObject"], resources=[f"{export_bucket}/{props.report_prefix}*"]
            ),
            DataAwsIamPolicyDocumentStatement(
                sid="UseMigrationKey",
                actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                resources=[props.kms_key_arn],
            ),
            DataAwsIamPolicyDocumentStatement(
                sid="Logs",
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
                resources=[
                    f"arn:{partition}:logs:{region}:{account}:log-group:/aws-glue/*",
                    f"arn:{partition}:logs:{region}:{account}:log-group:/aws-glue/*:*",
                ],
            ),
            DataAwsIamPolicyDocumentStatement(
                sid="ReadConnection",
                actions=["glue:GetConnection"],
                resources=[
                    f"arn:{partition}:glue:{region}:{account}:catalog",
                    f"arn:{partition}:glue:{region}:{account}:connection/{props.identifier}-network",
                ],
            ),
            DataAwsIamPolicyDocumentStatement(
                sid="ConnectionNetworkInterfaces",
                actions=[
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:CreateTags",
                    "ec2:DeleteTags",
                ],
                resources=[
                    f"arn:{partition}:ec2:{region}:{account}:network-interface/*",
                    f"arn:{partition}:ec2:{region}:{account}:subnet/{props.subnet_id}",
                    f"arn:{partition}:ec2:{region}:{account}:security-group/{self.security_group.id}",
                ],
            ),
        ]
        document = DataAwsIamPolicyDocument(self, "PolicyDocument", statement=statements)
        policy = IamRolePolicy(self, "Policy", name="verify-job", role=role.id, policy=document.json)
        # EC2's Describe actions take no resource ARNs: a policy of their own, the one "*" in the role
        # (the guard-rail iam-least-privilege accepts it for these actions only).
        IamRolePolicy(
            self,
            "DescribeNetworkPolicy",
            name="verify-job-describe-network",
            role=role.id,
            policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Sid": "DescribeNetwork", "Effect": "Allow", "Action": list(DESCRIBE_ACTIONS), "Resource": "*"}
                    ],
                },
                sort_keys=True,
            ),
        )
        return role, policy

    def _check_source(self) -> None:
        source = self.props.source
        problems = interface_problems(source, VerifiableSource)
        allow_from = getattr(source, "allow_from", None)
        if callable(allow_from) and "description" not in inspect.signature(allow_from).parameters:
            problems.append("'allow_from' takes no description")
        if problems:
            raise ConstructValidationError(
                f"ExportVerifyJobProps.source: a {type(source).__name__} is not a VerifiableSource: "
                f"{'; '.join(problems)} (MySqlSource and ExistingMySqlSource are)",
                self,
            )

    def _table(self) -> ItemReadableTable:
        target = self.props.pipeline.props.target
        if interface_problems(target, ItemReadableTable):
            raise ConstructValidationError(
                f"ExportVerifyJobProps.settle: the pipeline's target ({type(target).__name__}) grants no item reads "
                "(grant_read_items; an existing endpoint has no table here); --settle needs dynamodb:GetItem on the "
                "table: give the table (DynamoDbSingleTable or ExistingDynamoDbTable) or leave settle off",
                self,
            )
        return cast(ItemReadableTable, target)
