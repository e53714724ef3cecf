"""The one place that imports the prebuilt AWS provider.

``cdktf_cdktf_provider_aws/__init__.py`` imports all ~2,200 resource modules (a 486 MB package),
and node then requires all of their JavaScript: seconds and hundreds of MB on every synth and test
process. So on both sides we load only the modules in ``MODULES``: in Python, we register the
package with its real ``__path__`` and import just those modules (each needs only the package's
``_jsii``); in node, jsii loads a trimmed copy of the provider's assembly holding just those
submodules (``constructs_lib/_provider_assembly.py``: built once from the installed tarball, whose
checksum is pinned). If the package layout ever changes this fails loudly, never silently falling
back. ``DMS_CDKTF_PROVIDER_IMPORT=plain`` takes the ordinary import path instead (used to prove
both give byte-identical output, and by ``bench/synth.py``).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

from constructs_lib._provider_assembly import NAME, SOURCE, VERSION, trimmed_tarball
from constructs_lib._provider_assembly import ProviderLayoutError as ProviderLayoutError  # part of this seam's API

PACKAGE = "cdktf_cdktf_provider_aws"
ASSEMBLY = SOURCE
IMPORT_MODE_ENV = "DMS_CDKTF_PROVIDER_IMPORT"

#: The provider modules the constructs use, and all that the trimmed assembly holds: ``load`` refuses
#: any other (add it here and below; a test checks this list against the ``load`` calls).
MODULES = (
    "cloudwatch_log_group",
    "cloudwatch_metric_alarm",
    "data_aws_caller_identity",
    "data_aws_iam_policy_document",
    "data_aws_partition",
    "data_aws_region",
    "data_aws_subnet",
    "db_instance",
    "db_parameter_group",
    "db_subnet_group",
    "dms_endpoint",
    "dms_event_subscription",
    "dms_replication_config",
    "dms_replication_instance",
    "dms_replication_subnet_group",
    "dms_replication_task",
    "dynamodb_table",
    "glue_connection",
    "glue_job",
    "glue_security_configuration",
    "iam_role",
    "iam_role_policy",
    "iam_role_policy_attachment",
    "kms_alias",
    "kms_key",
    "provider",
    "rds_cluster",
    "rds_cluster_instance",
    "rds_cluster_parameter_group",
    "s3_object",
    "secretsmanager_secret",
    "security_group",
    "sns_topic",
    "sns_topic_subscription",
    "vpc_endpoint",
    "vpc_security_group_egress_rule",
    "vpc_security_group_ingress_rule",
)


def _register_package() -> None:
    if PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ProviderLayoutError(f"{PACKAGE} is not installed as a package; run `make bootstrap`")
    paths = list(spec.submodule_search_locations)
    _load_trimmed_assembly(verify_layout(paths))
    package = types.ModuleType(PACKAGE, "prebuilt AWS provider (loaded module by module)")
    package.__path__ = paths
    package.__file__ = spec.origin
    package.__spec__ = spec
    package.__package__ = PACKAGE
    sys.modules[PACKAGE] = package


def _load_trimmed_assembly(source: Path) -> None:
    """Give jsii the trimmed assembly before any provider module asks for the whole one.

    The package's own ``_jsii`` then finds ``@cdktf/provider-aws`` 21.22.1 loaded already, which
    jsii's kernel answers as a no-op (it compares name and version only).
    """
    import cdktf._jsii  # noqa: F401  the assembly's dependencies go first, as in the package's _jsii
    import constructs._jsii  # noqa: F401
    import jsii

    jsii.load(NAME, VERSION, str(trimmed_tarball(source, MODULES)))


def verify_layout(paths: list[str]) -> Path:
    """The provider's jsii assembly, or a refusal of a package that lacks the one this loader expects."""
    for path in paths:
        if (Path(path) / "_jsii" / ASSEMBLY).is_file():
            return Path(path) / "_jsii" / ASSEMBLY
    raise ProviderLayoutError(
        f"{PACKAGE} has no _jsii/{ASSEMBLY} under {paths}: the provider version or layout changed. "
        f"Pin cdktf-cdktf-provider-aws=={VERSION} or update {__name__}"
    )


def load(module: str) -> Any:
    """Import one resource module of the provider, e.g. ``load("dms_replication_task")``."""
    if module not in MODULES:
        raise ProviderLayoutError(
            f"{PACKAGE}.{module} is not in {__name__}.MODULES, the modules the trimmed assembly holds: add it there"
        )
    if os.environ.get(IMPORT_MODE_ENV, "lazy") == "plain":
        importlib.import_module(PACKAGE)
    else:
        _register_package()
    try:
        return importlib.import_module(f"{PACKAGE}.{module}")
    except ModuleNotFoundError as exc:
        raise ProviderLayoutError(f"{PACKAGE}.{module} not found ({exc}); the provider layout changed") from exc


if TYPE_CHECKING:  # the real classes, so mypy checks every keyword (stubs: tests/provider_stubs.py)
    from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup as CloudwatchLogGroup
    from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm as CloudwatchMetricAlarm
    from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity as DataAwsCallerIdentity
    from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
        DataAwsIamPolicyDocument as DataAwsIamPolicyDocument,
    )
    from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
        DataAwsIamPolicyDocumentStatement as DataAwsIamPolicyDocumentStatement,
    )
    from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
        DataAwsIamPolicyDocumentStatementCondition as DataAwsIamPolicyDocumentStatementCondition,
    )
    from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
        DataAwsIamPolicyDocumentStatementPrincipals as DataAwsIamPolicyDocumentStatementPrincipals,
    )
    from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition as DataAwsPartition
    from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion as DataAwsRegion
    from cdktf_cdktf_provider_aws.data_aws_subnet import DataAwsSubnet as DataAwsSubnet
    from cdktf_cdktf_provider_aws.db_instance import DbInstance as DbInstance
    from cdktf_cdktf_provider_aws.db_parameter_group import (
        DbParameterGroup as DbParameterGroup,
    )
    from cdktf_cdktf_provider_aws.db_parameter_group import (
        DbParameterGroupParameter as DbParameterGroupParameter,
    )
    from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup as DbSubnetGroup
    from cdktf_cdktf_provider_aws.dms_endpoint import (
        DmsEndpoint as DmsEndpoint,
    )
    from cdktf_cdktf_provider_aws.dms_endpoint import (
        DmsEndpointMysqlSettings as DmsEndpointMysqlSettings,
    )
    from cdktf_cdktf_provider_aws.dms_event_subscription import DmsEventSubscription as DmsEventSubscription
    from cdktf_cdktf_provider_aws.dms_replication_config import (
        DmsReplicationConfig as DmsReplicationConfig,
    )
    from cdktf_cdktf_provider_aws.dms_replication_config import (
        DmsReplicationConfigComputeConfig as DmsReplicationConfigComputeConfig,
    )
    from cdktf_cdktf_provider_aws.dms_replication_instance import DmsReplicationInstance as DmsReplicationInstance
    from cdktf_cdktf_provider_aws.dms_replication_subnet_group import (
        DmsReplicationSubnetGroup as DmsReplicationSubnetGroup,
    )
    from cdktf_cdktf_provider_aws.dms_replication_task import DmsReplicationTask as DmsReplicationTask
    from cdktf_cdktf_provider_aws.dynamodb_table import (
        DynamodbTable as DynamodbTable,
    )
    from cdktf_cdktf_provider_aws.dynamodb_table import (
        DynamodbTableAttribute as DynamodbTableAttribute,
    )
    from cdktf_cdktf_provider_aws.dynamodb_table import (
        DynamodbTableGlobalSecondaryIndex as DynamodbTableGlobalSecondaryIndex,
    )
    from cdktf_cdktf_provider_aws.dynamodb_table import (
        DynamodbTablePointInTimeRecovery as DynamodbTablePointInTimeRecovery,
    )
    from cdktf_cdktf_provider_aws.dynamodb_table import (
        DynamodbTableServerSideEncryption as DynamodbTableServerSideEncryption,
    )
    from cdktf_cdktf_provider_aws.glue_connection import GlueConnection as GlueConnection
    from cdktf_cdktf_provider_aws.glue_connection import (
        GlueConnectionPhysicalConnectionRequirements as GlueConnectionPhysicalConnectionRequirements,
    )
    from cdktf_cdktf_provider_aws.glue_job import GlueJob as GlueJob
    from cdktf_cdktf_provider_aws.glue_job import GlueJobCommand as GlueJobCommand
    from cdktf_cdktf_provider_aws.glue_job import GlueJobExecutionProperty as GlueJobExecutionProperty
    from cdktf_cdktf_provider_aws.glue_security_configuration import (
        GlueSecurityConfiguration as GlueSecurityConfiguration,
    )
    from cdktf_cdktf_provider_aws.glue_security_configuration import (
        GlueSecurityConfigurationEncryptionConfiguration as GlueSecurityConfigurationEncryptionConfiguration,
    )
    from cdktf_cdktf_provider_aws.glue_security_configuration import (
        GlueSecurityConfigurationEncryptionConfigurationCloudwatchEncryption as GlueSecurityConfigurationEncryptionConfigurationCloudwatchEncryption,
    )
    from cdktf_cdktf_provider_aws.glue_security_configuration import (
        GlueSecurityConfigurationEncryptionConfigurationJobBookmarksEncryption as GlueSecurityConfigurationEncryptionConfigurationJobBookmarksEncryption,
    )
    from cdktf_cdktf_provider_aws.glue_security_configuration import (
        GlueSecurityConfigurationEncryptionConfigurationS3Encryption as GlueSecurityConfigurationEncryptionConfigurationS3Encryption,
    )
    from cdktf_cdktf_provider_aws.iam_role import IamRole as IamRole
    from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy as IamRolePolicy
    from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment as IamRolePolicyAttachment
    from cdktf_cdktf_provider_aws.kms_alias import KmsAlias as KmsAlias
    from cdktf_cdktf_provider_aws.kms_key import KmsKey as KmsKey
    from cdktf_cdktf_provider_aws.provider import (
        AwsProvider as AwsProvider,
    )
    from cdktf_cdktf_provider_aws.provider import (
        AwsProviderDefaultTags as AwsProviderDefaultTags,
    )
    from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster as RdsCluster
    from cdktf_cdktf_provider_aws.rds_cluster_instance import RdsClusterInstance as RdsClusterInstance
    from cdktf_cdktf_provider_aws.rds_cluster_parameter_group import (
        RdsClusterParameterGroup as RdsClusterParameterGroup,
    )
    from cdktf_cdktf_provider_aws.rds_cluster_parameter_group import (
        RdsClusterParameterGroupParameter as RdsClusterParameterGroupParameter,
    )
    from cdktf_cdktf_provider_aws.s3_object import S3Object as S3Object
    from cdktf_cdktf_provider_aws.secretsmanager_secret import SecretsmanagerSecret as SecretsmanagerSecret
    from cdktf_cdktf_provider_aws.security_group import SecurityGroup as SecurityGroup
    from cdktf_cdktf_provider_aws.sns_topic import SnsTopic as SnsTopic
    from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription as SnsTopicSubscription
    from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint as VpcEndpoint
    from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import (
        VpcSecurityGroupEgressRule as VpcSecurityGroupEgressRule,
    )
    from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import (
        VpcSecurityGroupIngressRule as VpcSecurityGroupIngressRule,
    )
else:
    _provider = load("provider")
    _dms_endpoint = load("dms_endpoint")
    _dms_instance = load("dms_replication_instance")
    _dms_subnet_group = load("dms_replication_subnet_group")
    _dms_task = load("dms_replication_task")
    _dms_config = load("dms_replication_config")
    _dynamodb_table = load("dynamodb_table")
    _iam_role = load("iam_role")
    _iam_role_policy = load("iam_role_policy")
    _iam_attachment = load("iam_role_policy_attachment")
    _db_instance = load("db_instance")
    _db_parameter_group = load("db_parameter_group")
    _db_subnet_group = load("db_subnet_group")
    _rds_cluster = load("rds_cluster")
    _rds_cluster_instance = load("rds_cluster_instance")
    _rds_cluster_parameter_group = load("rds_cluster_parameter_group")
    _security_group = load("security_group")
    _sg_ingress = load("vpc_security_group_ingress_rule")
    _sg_egress = load("vpc_security_group_egress_rule")
    _log_group = load("cloudwatch_log_group")
    _caller_identity = load("data_aws_caller_identity")
    _partition = load("data_aws_partition")
    _region = load("data_aws_region")
    _policy_document = load("data_aws_iam_policy_document")
    _kms_key = load("kms_key")
    _kms_alias = load("kms_alias")
    _sns_topic = load("sns_topic")
    _sns_subscription = load("sns_topic_subscription")
    _alarm = load("cloudwatch_metric_alarm")
    _event_subscription = load("dms_event_subscription")
    _vpc_endpoint = load("vpc_endpoint")
    _secret = load("secretsmanager_secret")
    _subnet = load("data_aws_subnet")
    _glue_connection = load("glue_connection")
    _glue_job = load("glue_job")
    _glue_security = load("glue_security_configuration")
    _s3_object = load("s3_object")

    AwsProvider = _provider.AwsProvider
    AwsProviderDefaultTags = _provider.AwsProviderDefaultTags
    DmsEndpoint = _dms_endpoint.DmsEndpoint
    DmsEndpointMysqlSettings = _dms_endpoint.DmsEndpointMysqlSettings
    DmsReplicationInstance = _dms_instance.DmsReplicationInstance
    DmsReplicationSubnetGroup = _dms_subnet_group.DmsReplicationSubnetGroup
    DmsReplicationTask = _dms_task.DmsReplicationTask
    DmsReplicationConfig = _dms_config.DmsReplicationConfig
    DynamodbTable = _dynamodb_table.DynamodbTable
    DynamodbTableAttribute = _dynamodb_table.DynamodbTableAttribute
    DynamodbTableGlobalSecondaryIndex = _dynamodb_table.DynamodbTableGlobalSecondaryIndex
    DynamodbTablePointInTimeRecovery = _dynamodb_table.DynamodbTablePointInTimeRecovery
    DynamodbTableServerSideEncryption = _dynamodb_table.DynamodbTableServerSideEncryption
    IamRole = _iam_role.IamRole
    IamRolePolicy = _iam_role_policy.IamRolePolicy
    IamRolePolicyAttachment = _iam_attachment.IamRolePolicyAttachment
    DbInstance = _db_instance.DbInstance
    DbParameterGroup = _db_parameter_group.DbParameterGroup
    DbParameterGroupParameter = _db_parameter_group.DbParameterGroupParameter
    DbSubnetGroup = _db_subnet_group.DbSubnetGroup
    RdsCluster = _rds_cluster.RdsCluster
    RdsClusterInstance = _rds_cluster_instance.RdsClusterInstance
    RdsClusterParameterGroup = _rds_cluster_parameter_group.RdsClusterParameterGroup
    RdsClusterParameterGroupParameter = _rds_cluster_parameter_group.RdsClusterParameterGroupParameter
    SecurityGroup = _security_group.SecurityGroup
    VpcSecurityGroupIngressRule = _sg_ingress.VpcSecurityGroupIngressRule
    VpcSecurityGroupEgressRule = _sg_egress.VpcSecurityGroupEgressRule
    CloudwatchLogGroup = _log_group.CloudwatchLogGroup
    DataAwsCallerIdentity = _caller_identity.DataAwsCallerIdentity
    DataAwsPartition = _partition.DataAwsPartition
    DataAwsRegion = _region.DataAwsRegion
    DataAwsIamPolicyDocument = _policy_document.DataAwsIamPolicyDocument
    DataAwsIamPolicyDocumentStatement = _policy_document.DataAwsIamPolicyDocumentStatement
    DataAwsIamPolicyDocumentStatementPrincipals = _policy_document.DataAwsIamPolicyDocumentStatementPrincipals
    DataAwsIamPolicyDocumentStatementCondition = _policy_document.DataAwsIamPolicyDocumentStatementCondition
    SecretsmanagerSecret = _secret.SecretsmanagerSecret
    KmsKey = _kms_key.KmsKey
    KmsAlias = _kms_alias.KmsAlias
    SnsTopic = _sns_topic.SnsTopic
    SnsTopicSubscription = _sns_subscription.SnsTopicSubscription
    CloudwatchMetricAlarm = _alarm.CloudwatchMetricAlarm
    DmsEventSubscription = _event_subscription.DmsEventSubscription
    VpcEndpoint = _vpc_endpoint.VpcEndpoint
    DmsReplicationConfigComputeConfig = _dms_config.DmsReplicationConfigComputeConfig
    DataAwsSubnet = _subnet.DataAwsSubnet
    GlueConnection = _glue_connection.GlueConnection
    GlueConnectionPhysicalConnectionRequirements = _glue_connection.GlueConnectionPhysicalConnectionRequirements
    GlueJob = _glue_job.GlueJob
    GlueJobCommand = _glue_job.GlueJobCommand
    GlueJobExecutionProperty = _glue_job.GlueJobExecutionProperty
    GlueSecurityConfiguration = _glue_security.GlueSecurityConfiguration
    GlueSecurityConfigurationEncryptionConfiguration = _glue_security.GlueSecurityConfigurationEncryptionConfiguration
    GlueSecurityConfigurationEncryptionConfigurationCloudwatchEncryption = (
        _glue_security.GlueSecurityConfigurationEncryptionConfigurationCloudwatchEncryption
    )
    GlueSecurityConfigurationEncryptionConfigurationJobBookmarksEncryption = (
        _glue_security.GlueSecurityConfigurationEncryptionConfigurationJobBookmarksEncryption
    )
    GlueSecurityConfigurationEncryptionConfigurationS3Encryption = (
        _glue_security.GlueSecurityConfigurationEncryptionConfigurationS3Encryption
    )
    S3Object = _s3_object.S3Object
