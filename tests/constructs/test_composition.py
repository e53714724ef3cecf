"""Constructs compose as aws-cdk's do: pipelines share a source and a table, anything with the members plugs in.

Expected rules and statements are written from what DMS needs (the DMS DynamoDB target page's IAM
policy; the source's port from DMS's security group only), not read back from the construct.
"""

from __future__ import annotations

from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.aws import IamRole, IamRolePolicy
from constructs_lib.errors import ConstructValidationError
from constructs_lib.existing import (
    ExistingDynamoDbTable,
    ExistingDynamoDbTableProps,
    ExistingMySqlSource,
    ExistingMySqlSourceProps,
)
from constructs_lib.interfaces import MigrationSource, MigrationTarget, interface_problems, members
from constructs_lib.network import NetworkProps
from constructs_lib.pipeline import DmsMigrationPipeline, DmsMigrationPipelineProps, ServerlessCompute
from constructs_lib.single_table import DynamoDbSingleTable
from constructs_lib.source_database import MySqlSource, MySqlSourceProps, SourceNetwork, SslMode
from constructs_lib.table_props import SingleTableProps
from mappings import TableMappings
from stacks.shop_design import SHOP_DESIGN, shop_table_mappings
from tests.synth import new_stack, resources, synth

#: DMS Serverless reaches DynamoDB through a gateway endpoint on these route tables.
SERVERLESS: dict[str, Any] = {"serverless": ServerlessCompute(), "network": NetworkProps(route_table_ids=("rtb-1",))}
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/dms-AbCdEf"
TABLE_ACTIONS = [
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:BatchWriteItem",
    "dynamodb:Scan",
    "dynamodb:Query",
]


def _props(identifier: str, source: Any, target: Any, **changes: Any) -> DmsMigrationPipelineProps:
    fields: dict[str, Any] = {
        "identifier": identifier,
        "vpc_id": "vpc-1",
        "subnet_ids": ["subnet-1", "subnet-2"],
        "source": source,
        "target": target,
        "table_mappings": shop_table_mappings(),
        "monitoring": None,
    }
    return DmsMigrationPipelineProps(**{**fields, **changes})


def _mysql(stack: TerraformStack) -> MySqlSource:
    return MySqlSource(
        stack,
        "Source",
        MySqlSourceProps(identifier="shop", vpc_id="vpc-1", subnet_ids=["a", "b"], database_name="shop"),
    )


def _table(stack: TerraformStack) -> DynamoDbSingleTable:
    return DynamoDbSingleTable(stack, "Table", SingleTableProps.from_design(SHOP_DESIGN))


def _group_ref(doc: dict[str, Any], name: str) -> str:
    (key,) = [k for k, v in resources(doc, "aws_security_group").items() if v["name"] == name]
    return f"${{aws_security_group.{key}.id}}"


def _role_ref(doc: dict[str, Any], name: str) -> str:
    (key,) = [k for k, v in resources(doc, "aws_iam_role").items() if v["name"] == name]
    return f"${{aws_iam_role.{key}.id}}"


def _target_statements(doc: dict[str, Any], policy: dict[str, Any]) -> list[dict[str, Any]]:
    document = policy["policy"].removeprefix("${data.aws_iam_policy_document.").removesuffix(".json}")
    statements: list[dict[str, Any]] = resources(doc, "aws_iam_policy_document", "data")[document]["statement"]
    return statements


def test_two_pipelines_share_one_source_and_one_table_each_with_its_own_rule_and_policy() -> None:
    stack = new_stack()
    source, table = _mysql(stack), _table(stack)
    DmsMigrationPipeline(stack, "Orders", _props("orders", source, table))
    DmsMigrationPipeline(stack, "Customers", _props("customers", source, table))
    doc = synth(stack)

    source_group = _group_ref(doc, "shop-mysql")
    ingress = sorted(
        (r for r in resources(doc, "aws_vpc_security_group_ingress_rule").values() if r["from_port"] == 3306),
        key=lambda r: r["referenced_security_group_id"],
    )
    expected: list[dict[str, Any]] = sorted(
        (
            {
                "security_group_id": source_group,
                "referenced_security_group_id": _group_ref(doc, f"{name}-dms"),
                "ip_protocol": "tcp",
                "from_port": 3306,
                "to_port": 3306,
                "description": "MySQL from DMS",
            }
            for name in ("orders", "customers")
        ),
        key=lambda r: str(r["referenced_security_group_id"]),
    )
    assert ingress == expected

    policies = {
        p["role"]: p for p in resources(doc, "aws_iam_role_policy").values() if p["name"] == "dms-dynamodb-target"
    }
    assert set(policies) == {_role_ref(doc, "orders-dms-dynamodb"), _role_ref(doc, "customers-dms-dynamodb")}
    table_arn = f"${{aws_dynamodb_table.{next(iter(resources(doc, 'aws_dynamodb_table')))}.arn}}"
    for policy in policies.values():
        statements = {s["sid"]: s for s in _target_statements(doc, policy)}
        assert set(statements) == {"DmsTargetTable", "DmsControlTables", "DmsListTables"}
        assert statements["DmsTargetTable"]["actions"] == TABLE_ACTIONS
        assert statements["DmsTargetTable"]["resources"] == [table_arn]
        assert statements["DmsListTables"] == {
            "sid": "DmsListTables",
            "actions": ["dynamodb:ListTables"],
            "resources": ["*"],
        }
    # Each pipeline's endpoints and tasks are its own.
    tasks = {t["replication_task_id"] for t in resources(doc, "aws_dms_replication_task").values()}
    assert tasks == {"orders", "customers"}


def test_existing_source_and_table_serve_two_serverless_pipelines() -> None:
    """The serverless add_task error sends users to a second pipeline: that pipeline must synthesize."""
    stack = new_stack()
    source = ExistingMySqlSource(
        stack,
        "Source",
        ExistingMySqlSourceProps(
            server_name="db.example.com",
            database_name="shop",
            secret_arn=SECRET,
            security_group_id="sg-0123456789abcdef0",
        ),
    )
    table = ExistingDynamoDbTable(stack, "Table", ExistingDynamoDbTableProps(design=SHOP_DESIGN))
    for name in ("part-a", "part-b"):
        DmsMigrationPipeline(stack, name, _props(name, source, table, **SERVERLESS))
    doc = synth(stack)
    ingress = [r for r in resources(doc, "aws_vpc_security_group_ingress_rule").values() if r["from_port"] == 3306]
    assert sorted(r["referenced_security_group_id"] for r in ingress) == sorted(
        _group_ref(doc, f"{n}-dms") for n in ("part-a", "part-b")
    )
    assert {r["security_group_id"] for r in ingress} == {"sg-0123456789abcdef0"}
    roles = {p["role"] for p in resources(doc, "aws_iam_role_policy").values() if p["name"] == "dms-dynamodb-target"}
    assert roles == {_role_ref(doc, f"{n}-dms-dynamodb") for n in ("part-a", "part-b")}
    assert len(resources(doc, "aws_dms_replication_config")) == 2


def test_granting_twice_to_one_grantee_is_one_grant_and_the_first_keeps_its_ids() -> None:
    stack = new_stack()
    source, table = _mysql(stack), _table(stack)
    role = IamRole(stack, "Role", name="r", assume_role_policy="{}")
    other = IamRole(stack, "Other", name="o", assume_role_policy="{}")
    first = table.grant_dms_target(role)
    assert table.grant_dms_target(role) is first
    second = table.grant_dms_target(other)
    assert isinstance(second, IamRolePolicy) and second is not first
    assert first.node.id == "DmsTargetPolicy"  # the id every existing stack's Terraform address is made of
    assert second.node.id.startswith("DmsTargetPolicy-")
    group = source.security_group
    source.allow_from(group.id)
    source.allow_from(group.id)  # a second read of the same attribute is the same grantee
    source.allow_from("sg-0123456789abcdef0")
    doc = synth(stack)
    assert len(resources(doc, "aws_iam_role_policy")) == 2
    ingress = resources(doc, "aws_vpc_security_group_ingress_rule")
    assert len(ingress) == 2
    assert sorted(r["referenced_security_group_id"] for r in ingress.values()) == sorted(
        [_group_ref(doc, "shop-mysql"), "sg-0123456789abcdef0"]
    )
    ids = [c.node.id for c in source.node.children if c.node.id.startswith("IngressFromDms")]
    assert ids[0] == "IngressFromDms" and len(ids) == 2


# ---------------------------------------------------------------- interfaces


class _TeamDatabase:
    """A source written by another team: no class of this library, only the MigrationSource members."""

    def __init__(self) -> None:
        self.allowed: list[str] = []

    engine_name = "aurora"
    database_name = "shop"
    dms_secret_arn = SECRET
    secret_kms_key_arn = None
    endpoint_address = "team-db.example.com"
    network = SourceNetwork(3307, cidr_blocks=("10.9.0.0/16",))
    ssl_mode = SslMode.VERIFY_FULL

    def allow_from(self, security_group_id: str) -> None:
        self.allowed.append(security_group_id)


class _TeamTable:
    """A target written by another team: it grants through its own policy."""

    def __init__(self, stack: TerraformStack) -> None:
        self.stack = stack
        self.granted: list[IamRole] = []

    props = SingleTableProps.from_design(SHOP_DESIGN)
    table_name = SHOP_DESIGN.table_name
    table_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/shop-table"

    def grant_dms_target(self, role: IamRole) -> IamRolePolicy:
        self.granted.append(role)
        return IamRolePolicy(self.stack, "TeamGrant", name="team", role=role.id, policy="{}")


def test_a_class_written_here_that_fits_the_interfaces_is_accepted_and_used() -> None:
    stack = new_stack()
    source, table = _TeamDatabase(), _TeamTable(stack)
    pipeline = DmsMigrationPipeline(stack, "Migration", _props("team", source, table))
    doc = synth(stack)
    assert len(source.allowed) == 1 and table.granted == [pipeline.node.find_child("TargetAccessRole")]
    (endpoint,) = [e for e in resources(doc, "aws_dms_endpoint").values() if e["endpoint_type"] == "source"]
    assert (endpoint["engine_name"], endpoint["database_name"], endpoint["ssl_mode"]) == (
        "aurora",
        "shop",
        "verify-full",
    )
    egress = [r for r in resources(doc, "aws_vpc_security_group_egress_rule").values() if r["from_port"] == 3307]
    assert [r["cidr_ipv4"] for r in egress] == ["10.9.0.0/16"]


class _HalfTable:
    props = SingleTableProps.from_design(SHOP_DESIGN)
    table_name = "shop-table"


def test_an_object_missing_members_is_refused_naming_each_missing_member() -> None:
    stack = new_stack()
    with pytest.raises(ConstructValidationError) as raised:
        _props("team", _TeamDatabase(), _HalfTable())
    assert str(raised.value) == (
        "DmsMigrationPipelineProps.target: a _HalfTable is not a MigrationTarget (no 'table_arn'; no "
        "'grant_dms_target'); give an object with every member of constructs_lib.interfaces.MigrationTarget, or an "
        "ExistingTargetEndpoint"
    )
    assert stack is not None


def test_a_member_of_the_wrong_type_is_refused_by_name() -> None:
    source = _TeamDatabase()
    source.network = ("10.9.0.0/16", 3306)  # type: ignore[assignment]
    assert interface_problems(source, MigrationSource) == ["'network' is a tuple, not a SourceNetwork"]


def test_the_library_classes_fit_the_interfaces_they_are_given_as() -> None:
    stack = new_stack()
    assert members(MigrationSource) == (
        "engine_name",
        "database_name",
        "dms_secret_arn",
        "secret_kms_key_arn",
        "endpoint_address",
        "network",
        "ssl_mode",
        "allow_from",
    )
    assert members(MigrationTarget) == ("props", "table_name", "table_arn", "grant_dms_target")
    assert interface_problems(_mysql(stack), MigrationSource) == []
    assert interface_problems(_table(stack), MigrationTarget) == []


# ---------------------------------------------------------------- attributes on every mode

ATTRIBUTES = (
    "replication_task",
    "replication_instance",
    "log_group",
    "replication_config",
    "source_endpoint",
    "target_endpoint",
    "service_endpoints",  # None: the default network goes through a NAT gateway; serverless needs them
    "monitoring",  # None: these props turn it off
)


@pytest.mark.parametrize(
    ("mode", "present"),
    [
        ("instance", {"replication_task", "replication_instance", "log_group", "source_endpoint", "target_endpoint"}),
        ("serverless", {"replication_config", "source_endpoint", "target_endpoint", "service_endpoints"}),
    ],
)
def test_every_public_attribute_exists_on_every_mode_none_where_the_mode_lacks_it(mode: str, present: set[str]) -> None:
    stack = new_stack()
    changes = SERVERLESS if mode == "serverless" else {}
    pipeline = DmsMigrationPipeline(stack, "Migration", _props("shop", _mysql(stack), _table(stack), **changes))
    for name in ATTRIBUTES:
        value = getattr(pipeline, name)  # an AttributeError here is the bug this test exists for
        assert (value is not None) == (name in present), name
    assert isinstance(pipeline.replication_arn, str)
    assert set(DmsMigrationPipeline.__annotations__) >= {*ATTRIBUTES, "replication_arn", "source_endpoint_arn"}


def test_add_task_needs_nothing_but_the_constructor() -> None:
    stack = new_stack()
    source, table = _mysql(stack), _table(stack)
    pipeline = DmsMigrationPipeline(stack, "Migration", _props("shop", source, table))
    task = pipeline.add_task("more", TableMappings.from_json(shop_table_mappings().to_json()))
    assert pipeline.replication_task is not None and task is not pipeline.replication_task
    serverless = DmsMigrationPipeline(stack, "Serverless", _props("shop2", source, table, **SERVERLESS))
    with pytest.raises(ConstructValidationError, match="define another DmsMigrationPipeline"):
        serverless.add_task("more", shop_table_mappings())
