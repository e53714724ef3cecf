"""Defines ``verify --export --engine spark`` as an AWS Glue (Spark) job: the comparison of the source with a
DynamoDB export, run where the data is, from the stack that defines the migration.

What it provisions (one :class:`ExportVerifyJob` per pipeline; any number on one source):

- the job (``glueetl``, Python 3, Glue 5.0 or 5.1) whose script is a two-line launcher of
  :mod:`dms_dynamodb.verify.spark.job`, with this package's ``dms_dynamodb`` and ``mappings`` as one
  zip (``--extra-py-files``, a :class:`cdktf.TerraformAsset`) and the *verify plan document*: the
  task's table mappings and settings and the target table's keys and GSIs as a minimal Terraform JSON,
  read by the same stack reader as every command;
- a role Glue assumes, allowed only: the assets it runs, the export prefix (read), the report prefix
  (write), the source's DMS secret (and its key), the migration key for its own encrypted output,
  its log groups, the network interfaces of its connection; ``dynamodb:GetItem`` on the table only
  with ``settle``;
- a ``NETWORK`` connection into the source's VPC: one subnet (its availability zone read from the
  subnet), a security group with the self-referencing rules Glue requires (AWS Glue developer guide,
  "Setting up networking for development for AWS Glue": a self-referencing inbound rule for all TCP
  ports; outbound to all ports or self-referencing; here "all traffic", ``-1``), out to the source's port
  and to HTTPS only; the
  source lets that group in through its own ingress grant (``allow_from``);
- a security configuration: the job's S3 output, CloudWatch logs and bookmarks encrypted with the
  migration key.

The JDBC driver's jar and the CA bundle the source's certificate chains to are S3 objects the user
provides (props): the job reads the source over TLS, verifying the server's name.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

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
from constructs_lib.errors import ConstructValidationError, require
from constructs_lib.guardrails.rules import UNSCOPED_ACTIONS
from constructs_lib.interfaces import MigrationSource
from constructs_lib.pipeline import DmsMigrationPipeline
from constructs_lib.terraform import literal, literal_tags
from mappings.terraform import escape

HTTPS_PORT = 443
#: The launcher Glue runs: the module does the work (so the script never changes with the code).
SCRIPT = "from dms_dynamodb.verify.spark.job import main\n\nmain()\n"
#: PyMySQL for the source (Glue's Python has boto3 and pyarrow): pip installs it when the job starts.
DEFAULT_PYTHON_MODULES = ("PyMySQL==1.2.4",)
#: What Glue calls to place its workers' network interfaces in the connection's subnet.
DESCRIBE_ACTIONS = tuple(sorted(a for a in UNSCOPED_ACTIONS if a.startswith("ec2:")))
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9-]{0,49}$")


class GlueVersion(StrEnum):
    """Glue 5.0: Spark 3.5.4, Python 3.11; 5.1: Spark 3.5.6, Python 3.11 (AWS Glue developer guide, "AWS Glue
    versions"). Not 4.0: its Python is 3.10, and this package needs 3.11 (``enum.StrEnum``, ``requires-python``)."""

    V5 = "5.0"
    V5_1 = "5.1"


class GlueWorkerType(StrEnum):
    G_1X = "G.1X"
    G_2X = "G.2X"
    G_4X = "G.4X"
    G_8X = "G.8X"


@dataclass(frozen=True, kw_only=True)
class ExportVerifyJobProps:
    """Props of :class:`ExportVerifyJob`.

    Default: Glue 5.0, two G.1X workers, two hours' timeout, no retries, reports under
    ``verify-reports/`` of the export bucket, no ``dynamodb:GetItem`` (no ``--settle``).
    """

    #: The job's name, and the prefix of its role, group, connection and security configuration.
    identifier: str
    #: The pipeline whose task and target table the job verifies.
    pipeline: DmsMigrationPipeline
    #: Its source: the job reads its DMS secret and connects where DMS does.
    source: MigrationSource
    #: One private subnet of the source's VPC (Glue runs its workers' network interfaces there).
    subnet_id: str
    #: The bucket the job's script, package and plan document are uploaded to.
    assets_bucket: str
    #: The bucket DynamoDB exports to (``ExportTableToPointInTime``), read under ``export_prefix``.
    export_bucket: str
    #: ``s3://BUCKET/KEY`` of the JDBC driver's jar (MariaDB Connector/J; ``--extra-jars``).
    jdbc_driver_s3_uri: str
    #: ``s3://BUCKET/KEY`` of the CA bundle the source's certificate chains to (RDS: the region's bundle).
    ca_bundle_s3_uri: str
    #: The migration's key: the job's S3 output, logs and bookmarks, and the uploaded objects.
    kms_key_arn: str
    assets_prefix: str = "dms-dynamodb/"
    #: Default: - the whole bucket (``""``).
    export_prefix: str = ""
    report_prefix: str = "verify-reports/"
    glue_version: GlueVersion = GlueVersion.V5
    worker_type: GlueWorkerType = GlueWorkerType.G_1X
    number_of_workers: int = 2
    timeout_minutes: int = 120
    #: Let the job read the live table (``dynamodb:GetItem``), for ``--settle``.
    settle: bool = False
    python_modules: tuple[str, ...] = DEFAULT_PYTHON_MODULES
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require(
            bool(_IDENTIFIER.match(self.identifier)),
            f"ExportVerifyJobProps.identifier: {self.identifier!r}; lower-case letters, digits and '-', "
            "starting with a letter, at most 50 characters",
        )
        for name in ("jdbc_driver_s3_uri", "ca_bundle_s3_uri"):
            value = getattr(self, name)
            require(
                Token.is_unresolved(value) or bool(re.match(r"^s3://[^/]+/.+", value)),
                f"ExportVerifyJobProps.{name}: {value!r} is not s3://BUCKET/KEY",
            )
        require(
            self.number_of_workers >= 2,
            f"ExportVerifyJobProps.number_of_workers: {self.number_of_workers}; Glue needs at least 2 (a driver "
            "and an executor)",
        )
        require(
            self.timeout_minutes >= 1,
            f"ExportVerifyJobProps.timeout_minutes: {self.timeout_minutes}; at least 1",
        )
        for name in ("assets_prefix", "export_prefix", "report_prefix"):
            value = getattr(self, name)
            require(
                value == "" or (value.endswith("/") and not value.startswith("/")),
                f"ExportVerifyJobProps.{name}: {value!r}; a prefix ends with '/' and does not start with one",
            )


def plan_document(pipeline: DmsMigrationPipeline) -> dict[str, Any]:
    """The verify plan document: the pipeline's task and target table as Terraform JSON (strings escaped as in
    a synthesized stack), the shape :func:`dms_dynamodb.stack.parse_stack` reads."""
    table = pipeline.target_props
    props = pipeline.props
    if Token.is_unresolved(table.table_name):
        raise ConstructValidationError(
            "ExportVerifyJob: the target table's name is a Terraform reference; the plan document needs its literal "
            "name",
            pipeline,
        )
    keys = {table.partition_key.name: table.partition_key.type.value}
    if table.sort_key:
        keys[table.sort_key.name] = table.sort_key.type.value
    indexes = []
    for gsi in table.global_secondary_indexes:
        keys[gsi.partition_key.name] = gsi.partition_key.type.value
        index: dict[str, Any] = {
            "name": escape(gsi.name),
            "hash_key": escape(gsi.partition_key.name),
            "projection_type": gsi.projection.value,
        }
        if gsi.sort_key:
            keys[gsi.sort_key.name] = gsi.sort_key.type.value
            index["range_key"] = escape(gsi.sort_key.name)
        if gsi.non_key_attributes:
            index["non_key_attributes"] = [escape(a) for a in gsi.non_key_attributes]
        indexes.append(index)
    body: dict[str, Any] = {
        "name": escape(table.table_name),
        "hash_key": escape(table.partition_key.name),
        "attribute": [{"name": escape(k), "type": v} for k, v in keys.items()],
    }
    if table.sort_key:
        body["range_key"] = escape(table.sort_key.name)
    if indexes:
        body["global_secondary_index"] = indexes
    task = {
        "replication_task_id": escape(props.identifier),
        "migration_type": props.migration_type.value,
        "table_mappings": escape(pipeline.table_mappings.to_json()),
        "replication_task_settings": escape(pipeline.task_settings.to_json()),
    }
    return {"resource": {"aws_dms_replication_task": {"task": task}, "aws_dynamodb_table": {"table": body}}}


def package_zip(directory: Path | None = None) -> Path:
    """``dms_dynamodb`` and ``mappings`` (their ``.py`` files) as one zip, byte for byte the same for the same
    code (sorted entries, fixed times and modes): its asset hash changes only when the code does."""
    import dms_dynamodb
    import mappings

    entries = []
    for package in (dms_dynamodb, mappings):
        root = Path(str(package.__file__)).parent
        entries += [(str(f.relative_to(root.parent)), f.read_bytes()) for f in sorted(root.rglob("*.py"))]
    digest = hashlib.sha256(b"".join(name.encode() + b"\0" + data for name, data in entries)).hexdigest()[:16]
    folder = directory or Path(tempfile.gettempdir()) / "dms-dynamodb-glue-package"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"dms_dynamodb-{digest}.zip"
    if not path.exists():
        partial = path.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(entries):
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        partial.replace(path)
    return path


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
        self.security_group = self._define_security_group(tags)
        props.source.allow_from(self.security_group.id)
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
        assets = f"s3://{props.assets_bucket}/"
        arguments = {
            "--job-language": "python",
            "--plan": f"{assets}{self.plan_key}",
            "--source-secret-arn": props.source.dms_secret_arn,
            "--ssl-ca": props.ca_bundle_s3_uri,
            "--database": literal(props.source.database_name),
            "--extra-py-files": f"{assets}{self.package_key}",
            "--extra-jars": props.jdbc_driver_s3_uri,
            "--additional-python-modules": literal(",".join(props.python_modules)),
            "--enable-continuous-cloudwatch-log": "true",
        }
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
            depends_on=[self.policy, *uploads],
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
        network = props.source.network
        if network.security_group_id is not None:
            VpcSecurityGroupEgressRule(
                self,
                "EgressToMySql",
                security_group_id=group.id,
                referenced_security_group_id=network.security_group_id,
                ip_protocol="tcp",
                from_port=network.port,
                to_port=network.port,
                description="MySQL source",
            )
        for position, block in enumerate(network.cidr_blocks):
            VpcSecurityGroupEgressRule(
                self,
                f"EgressToMySql{position}",
                security_group_id=group.id,
                cidr_ipv4=block,
                ip_protocol="tcp",
                from_port=network.port,
                to_port=network.port,
                description=literal(f"MySQL source in {block}"),
            )
        VpcSecurityGroupEgressRule(
            self,
            "EgressHttps",
            security_group_id=group.id,
            cidr_ipv4="0.0.0.0/0",
            ip_protocol="tcp",
            from_port=HTTPS_PORT,
            to_port=HTTPS_PORT,
            description="S3, Secrets Manager, CloudWatch Logs and Glue APIs (endpoints or NAT)",
        )
        return group

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
                sid="ReadSourceSecret",
                actions=["secretsmanager:GetSecretValue"],
                resources=[props.source.dms_secret_arn],
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
        if props.source.secret_kms_key_arn:
            statements.append(
                DataAwsIamPolicyDocumentStatement(
                    sid="DecryptSourceSecret", actions=["kms:Decrypt"], resources=[props.source.secret_kms_key_arn]
                )
            )
        if props.settle:
            statements.append(
                DataAwsIamPolicyDocumentStatement(
                    sid="ReadLiveItems", actions=["dynamodb:GetItem"], resources=[self._table_arn()]
                )
            )
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

    def _table_arn(self) -> str:
        target = self.props.pipeline.props.target
        arn = getattr(target, "table_arn", None)
        if not isinstance(arn, str):
            raise ConstructValidationError(
                "ExportVerifyJobProps.settle: the pipeline's target has no table_arn (an existing endpoint); "
                "--settle needs dynamodb:GetItem on the table",
                self,
            )
        return arn
