"""Defines the DynamoDB table of a single-table design: pk/sk keys, typed GSIs, safe defaults.

Point-in-time recovery and server-side encryption are always on (not props); deletion protection
is on unless you say otherwise. ``grant_dms_target(role)`` writes the least-privilege policy DMS
needs to load it: the table, DMS's own control tables and ``dynamodb:ListTables``.
"""

from __future__ import annotations

from constructs import Construct

from constructs_lib.account import AccountContext
from constructs_lib.aws import (
    DataAwsIamPolicyDocumentStatement,
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTableGlobalSecondaryIndex,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableServerSideEncryption,
    IamRole,
    IamRolePolicy,
)
from constructs_lib.grants import GrantsByGrantee, granter_suffix, role_policy_grant
from constructs_lib.table_props import (
    BillingMode,
    GlobalSecondaryIndex,
    KeyAttribute,
    KeyType,
    ProjectionType,
    SingleTableProps,
)
from constructs_lib.terraform import literal_tags

__all__ = [
    "BillingMode",
    "DynamoDbSingleTable",
    "GlobalSecondaryIndex",
    "KeyAttribute",
    "KeyType",
    "ProjectionType",
    "SingleTableProps",
]

#: Tables DMS creates next to a DynamoDB target (DMS DynamoDB target page, IAM policy section).
DMS_CONTROL_TABLES = ("awsdms_apply_exceptions", "awsdms_full_load_exceptions")
#: What DMS does to the target table (the article's statement).
DMS_TABLE_ACTIONS = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:BatchWriteItem",
    "dynamodb:Scan",
    "dynamodb:Query",
)
#: What DMS does to its control tables: it creates them too.
DMS_CONTROL_TABLE_ACTIONS = ("dynamodb:CreateTable", "dynamodb:DeleteTable", *DMS_TABLE_ACTIONS)


class DynamoDbSingleTable(Construct):
    """Defines one DynamoDB table with GSIs for a single-table design."""

    def __init__(self, scope: Construct, id: str, props: SingleTableProps) -> None:
        super().__init__(scope, id)
        self.props = props
        self._grants: GrantsByGrantee[IamRolePolicy] = GrantsByGrantee()
        self._readers: GrantsByGrantee[IamRolePolicy] = GrantsByGrantee()
        attributes: dict[str, KeyAttribute] = {}
        for key in props.key_attributes:
            attributes.setdefault(key.name, key)
        self.resource = DynamodbTable(
            self,
            "Resource",
            name=props.table_name,
            billing_mode=props.billing_mode.value,
            read_capacity=props.read_capacity,
            write_capacity=props.write_capacity,
            hash_key=props.partition_key.name,
            range_key=props.sort_key.name if props.sort_key else None,
            attribute=[DynamodbTableAttribute(name=k.name, type=k.type.value) for k in attributes.values()],
            global_secondary_index=[
                DynamodbTableGlobalSecondaryIndex(
                    name=g.name,
                    hash_key=g.partition_key.name,
                    range_key=g.sort_key.name if g.sort_key else None,
                    projection_type=g.projection.value,
                    non_key_attributes=list(g.non_key_attributes) or None,
                    read_capacity=props.read_capacity,
                    write_capacity=props.write_capacity,
                )
                for g in props.global_secondary_indexes
            ]
            or None,
            point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
            server_side_encryption=DynamodbTableServerSideEncryption(enabled=True, kms_key_arn=props.kms_key_arn),
            deletion_protection_enabled=props.deletion_protection,
            tags=literal_tags(props.tags) or None,
        )

    @property
    def table_name(self) -> str:
        return self.props.table_name

    @property
    def table_arn(self) -> str:
        arn: str = self.resource.arn
        return arn

    def grant_dms_target(self, role: IamRole) -> IamRolePolicy:
        """Let DMS (through ``role``) load this table and keep its control tables next to it; once per role."""
        return dms_target_policy(self, self._grants, role, self.table_arn, self.props.kms_key_arn)

    def grant_read_items(self, role: IamRole) -> IamRolePolicy:
        """Let ``role`` read single items (``GetItem``, and decrypt them with the table's key); once per role."""
        return read_items_policy(self, self._readers, role, self.table_arn, self.props.kms_key_arn)


def dms_target_policy(
    scope: Construct,
    grants: GrantsByGrantee[IamRolePolicy],
    role: IamRole,
    table_arn: str,
    kms_key_arn: str | None,
) -> IamRolePolicy:
    """The least-privilege policy DMS needs on a target table, one per role: the table, its control tables, ListTables."""

    def statements() -> list[DataAwsIamPolicyDocumentStatement]:
        context = AccountContext.of(scope)
        found = [
            DataAwsIamPolicyDocumentStatement(
                sid="DmsTargetTable", actions=list(DMS_TABLE_ACTIONS), resources=[table_arn]
            ),
            DataAwsIamPolicyDocumentStatement(
                sid="DmsControlTables",
                actions=list(DMS_CONTROL_TABLE_ACTIONS),
                resources=[context.arn("dynamodb", f"table/{name}") for name in DMS_CONTROL_TABLES],
            ),
        ]
        if kms_key_arn:
            found.append(
                DataAwsIamPolicyDocumentStatement(
                    sid="DmsTableKey",
                    actions=["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"],
                    resources=[kms_key_arn],
                )
            )
        # ListTables has no resource-level permissions; DMS calls it in the connection test.
        found.append(
            DataAwsIamPolicyDocumentStatement(sid="DmsListTables", actions=["dynamodb:ListTables"], resources=["*"])
        )
        return found

    return role_policy_grant(scope, grants, role, "DmsTargetPolicy", "dms-dynamodb-target", statements)


def read_items_policy(
    scope: Construct,
    grants: GrantsByGrantee[IamRolePolicy],
    role: IamRole,
    table_arn: str,
    kms_key_arn: str | None,
) -> IamRolePolicy:
    """One policy per role on ``role``: ``dynamodb:GetItem`` on the table (a verify's re-check of the live item),
    ``kms:Decrypt`` on its customer-managed key; no scans, no writes."""

    def statements() -> list[DataAwsIamPolicyDocumentStatement]:
        found = [
            DataAwsIamPolicyDocumentStatement(sid="ReadItems", actions=["dynamodb:GetItem"], resources=[table_arn])
        ]
        if kms_key_arn:
            found.append(
                DataAwsIamPolicyDocumentStatement(sid="DecryptItems", actions=["kms:Decrypt"], resources=[kms_key_arn])
            )
        return found

    name = f"read-table-items-{granter_suffix(scope)}"
    return role_policy_grant(scope, grants, role, "ReadItemsPolicy", name, statements)
