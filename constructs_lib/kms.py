"""Defines one customer-managed KMS key for a migration's data at rest.

The table, the DMS instance storage and endpoints, the source database (storage, Performance
Insights, its master secret), the DMS secret, the task logs and the alarm topic all use it, so one
key policy says who may read the migrated data. Rotation is on.

Key policy: the account's IAM policies decide (the AWS default root statement); CloudWatch Logs may
use it for this account's log groups; CloudWatch alarms and DMS events may publish to a topic
encrypted with it.
"""

from __future__ import annotations

from constructs import Construct

from constructs_lib.account import AccountContext
from constructs_lib.aws import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
    KmsAlias,
    KmsKey,
)
from constructs_lib.naming import dms_identifier
from constructs_lib.terraform import literal

#: What a service needs to use the key for encryption at rest.
USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")


class MigrationKey(Construct):
    """Defines the migration's customer-managed key (``alias/<name>``)."""

    def __init__(self, scope: Construct, id: str, *, name: str) -> None:
        super().__init__(scope, id)
        dms_identifier(name, prop="MigrationKey.name")
        context = AccountContext.of(self)
        policy = DataAwsIamPolicyDocument(
            self,
            "Policy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    sid="AccountAdministersThroughIam",
                    actions=["kms:*"],
                    resources=["*"],  # in a key policy, "*" is this key
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(
                            type="AWS", identifiers=[f"arn:{context.partition}:iam::{context.account_id}:root"]
                        )
                    ],
                ),
                DataAwsIamPolicyDocumentStatement(
                    sid="CloudWatchLogsForThisAccount",
                    actions=list(USE_ACTIONS),
                    resources=["*"],
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(
                            type="Service", identifiers=[f"logs.{context.region}.amazonaws.com"]
                        )
                    ],
                    condition=[
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="ArnLike",
                            variable="kms:EncryptionContext:aws:logs:arn",
                            values=[f"arn:{context.partition}:logs:{context.region}:{context.account_id}:log-group:*"],
                        )
                    ],
                ),
                DataAwsIamPolicyDocumentStatement(
                    sid="AlarmsAndDmsEventsPublishToEncryptedTopic",
                    actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                    resources=["*"],
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(
                            type="Service", identifiers=["cloudwatch.amazonaws.com", "dms.amazonaws.com"]
                        )
                    ],
                    condition=[
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="StringEquals", variable="aws:SourceAccount", values=[context.account_id]
                        )
                    ],
                ),
            ],
        )
        self.resource = KmsKey(
            self,
            "Resource",
            description=literal(f"Data at rest of migration {name}"),
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=policy.json,
        )
        KmsAlias(self, "Alias", name=f"alias/{name}", target_key_id=self.resource.key_id)

    @property
    def key_arn(self) -> str:
        arn: str = self.resource.arn
        return arn
