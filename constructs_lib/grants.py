"""Grants keyed by the grantee, as aws-cdk's ``grant*`` are: any number of pipelines on one source or table.

Granting twice to one grantee is one grant (the same resources come back); two grantees get two.
Construct ids are a contract (they make the Terraform addresses of every existing stack), so the
first grantee keeps the ids a resource always had, and only a further grantee's ids get a suffix,
derived from the grantee itself (not from the order of the calls), so adding a pipeline never
renames another's resources.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Generic, TypeVar

from cdktf import DefaultTokenResolver, StringConcat, TerraformStack, Token, Tokenization
from constructs import Construct

from constructs_lib.aws import DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement, IamRole, IamRolePolicy

T = TypeVar("T")


def grantee_key(scope: Construct, reference: str) -> str:
    """What identifies a grantee given by reference (a security group id): the token resolved, else the value.

    A token (``${aws_security_group.X.id}``) resolves to the same text for the same resource however
    often its attribute was read, so two reads of one group's id are one grantee.
    """
    if not Token.is_unresolved(reference):
        return reference
    resolver = DefaultTokenResolver(StringConcat())
    resolved = Tokenization.resolve(reference, resolver=resolver, scope=TerraformStack.of(scope), preparing=False)
    return resolved if isinstance(resolved, str) else repr(resolved)


class GrantsByGrantee(Generic[T]):
    """What one construct made for each grantee: made once per grantee, ids stable for the first one."""

    def __init__(self) -> None:
        self._made: dict[str, T] = {}

    def get_or_make(self, key: str, make: Callable[[Callable[[str], str]], T]) -> T:
        """The grant already made for ``key``, or a new one; ``make`` receives the id function to use."""
        if key in self._made:
            return self._made[key]
        first = not self._made
        suffix = hashlib.sha256(key.encode()).hexdigest()[:8]

        def construct_id(base: str) -> str:
            return base if first else f"{base}-{suffix}"

        made = make(construct_id)
        self._made[key] = made
        return made

    def __len__(self) -> int:
        return len(self._made)


def granter_suffix(granter: Construct) -> str:
    """For a grant's inline policy name: IAM keys a role's inline policies by name, so one role granted by two
    tables (or sources) needs a name per granter; derived from the granter's path, stable across calls."""
    return hashlib.sha256(granter.node.path.encode()).hexdigest()[:8]


def role_policy_grant(
    scope: Construct,
    grants: GrantsByGrantee[IamRolePolicy],
    role: IamRole,
    construct_name: str,
    policy_name: str,
    statements: Callable[[], list[DataAwsIamPolicyDocumentStatement]],
) -> IamRolePolicy:
    """One inline policy per role (granted again, the same one): its document ``<construct_name>Document`` and
    the policy ``<construct_name>``, named ``policy_name`` on the role; ``statements`` are made only for a new one."""

    def make(construct_id: Callable[[str], str]) -> IamRolePolicy:
        document = DataAwsIamPolicyDocument(scope, construct_id(f"{construct_name}Document"), statement=statements())
        return IamRolePolicy(scope, construct_id(construct_name), name=policy_name, role=role.id, policy=document.json)

    return grants.get_or_make(role.node.path, make)
