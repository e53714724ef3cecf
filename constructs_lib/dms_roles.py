"""Defines the account-wide IAM roles DMS itself uses: ``dms-vpc-role`` and ``dms-cloudwatch-logs-role``.

AWS requires these exact names, so they are account singletons: a second stack in the same account
must not create them again (``EntityAlreadyExists``; terraform-aws-modules/dms #11, #67, #70, #88).
``create=False`` skips them (they already exist, e.g. from another stack or the console); import
existing ones with ``terraform import <address> dms-vpc-role``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import ITerraformDependable
from constructs import Construct

from constructs_lib.account import AccountContext
from constructs_lib.aws import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementPrincipals,
    IamRole,
    IamRolePolicyAttachment,
)
from constructs_lib.wait import TimeSleep

VPC_ROLE_NAME = "dms-vpc-role"
CLOUDWATCH_LOGS_ROLE_NAME = "dms-cloudwatch-logs-role"
VPC_MANAGED_POLICY = "service-role/AmazonDMSVPCManagementRole"
CLOUDWATCH_MANAGED_POLICY = "service-role/AmazonDMSCloudWatchLogsRole"


@dataclass(frozen=True, kw_only=True)
class DmsAccountRolesProps:
    """Default: create both roles, then wait 10 s for IAM to propagate."""

    create: bool = True
    propagation_wait: str = "10s"


class DmsAccountRoles(Construct):
    """Defines (or, with ``create=False``, assumes) the two DMS service roles."""

    def __init__(self, scope: Construct, id: str, props: DmsAccountRolesProps | None = None) -> None:
        super().__init__(scope, id)
        props = props or DmsAccountRolesProps()
        self.created = props.create
        #: What DMS resources must depend on: the propagation wait (empty when not created here).
        self.dependables: list[ITerraformDependable] = []
        if not props.create:
            return
        context = AccountContext.of(self)
        trust = DataAwsIamPolicyDocument(
            self,
            "TrustPolicy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    actions=["sts:AssumeRole"],
                    principals=[
                        DataAwsIamPolicyDocumentStatementPrincipals(type="Service", identifiers=["dms.amazonaws.com"])
                    ],
                )
            ],
        )
        attachments = []
        for role_id, name, policy in (
            ("VpcRole", VPC_ROLE_NAME, VPC_MANAGED_POLICY),
            ("CloudWatchLogsRole", CLOUDWATCH_LOGS_ROLE_NAME, CLOUDWATCH_MANAGED_POLICY),
        ):
            role = IamRole(self, role_id, name=name, assume_role_policy=trust.json)
            attachments.append(
                IamRolePolicyAttachment(
                    self,
                    f"{role_id}Policy",
                    role=role.name,
                    policy_arn=f"arn:{context.partition}:iam::aws:policy/{policy}",
                )
            )
        wait = TimeSleep(self, "IamPropagation", create_duration=props.propagation_wait, depends_on=attachments)
        self.dependables = [wait]
