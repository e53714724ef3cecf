"""A database, a table or endpoints that already exist: what the pipeline creates, and what it only reaches."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.errors import ConstructValidationError
from constructs_lib.existing import (
    ExistingDynamoDbTable,
    ExistingDynamoDbTableProps,
    ExistingMySqlSource,
    ExistingMySqlSourceProps,
    ExistingSourceEndpoint,
    ExistingTargetEndpoint,
    SourceNetwork,
)
from constructs_lib.pipeline import DmsMigrationPipeline, DmsMigrationPipelineProps
from constructs_lib.pipeline_props import ReplicationInstanceClass
from constructs_lib.single_table import DynamoDbSingleTable
from constructs_lib.source_database import SourceEngine
from constructs_lib.table_props import SingleTableProps
from stacks.shop_design import SHOP_DESIGN, shop_table_mappings
from tests.synth import new_stack, only, resources, synth

SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/dms-AbCdEf"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ENDPOINT = "arn:aws:dms:eu-west-1:123456789012:endpoint:ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _source(**changes: Any) -> ExistingMySqlSourceProps:
    fields: dict[str, Any] = {
        "server_name": "shop-db.internal.example.com",
        "database_name": "shop",
        "secret_arn": SECRET,
        "secret_kms_key_arn": KEY,
        "security_group_id": "sg-0123456789abcdef0",
    }
    return ExistingMySqlSourceProps(**{**fields, **changes})


def _pipeline(source: Any = None, target: Any = None) -> dict[str, Any]:
    stack = new_stack()
    source = source if source is not None else ExistingMySqlSource(stack, "Source", _source())
    if target is None:
        target = DynamoDbSingleTable(stack, "Table", SingleTableProps.from_design(SHOP_DESIGN))
    elif callable(target):
        target = target(stack)
    DmsMigrationPipeline(
        stack,
        "Migration",
        DmsMigrationPipelineProps(
            identifier="shop",
            vpc_id="vpc-1",
            subnet_ids=["subnet-1", "subnet-2"],
            source=source(stack) if callable(source) else source,
            target=target,
            table_mappings=shop_table_mappings(),
            monitoring=None,
        ),
    )
    return synth(stack)


def test_the_existing_source_stack_creates_no_database(stack_docs: dict[str, Any]) -> None:
    doc = stack_docs["existing-source"]
    for kind in ("aws_db_instance", "aws_rds_cluster", "aws_db_parameter_group", "aws_secretsmanager_secret"):
        assert resources(doc, kind) == {}, kind


def test_dms_is_let_in_on_the_given_security_group_by_a_rule_of_its_own(stack_docs: dict[str, Any]) -> None:
    doc = stack_docs["existing-source"]
    (ingress,) = [r for r in resources(doc, "aws_vpc_security_group_ingress_rule").values() if r["from_port"] == 3306]
    assert ingress == {
        "description": "MySQL from DMS (added by the migration stack)",
        "from_port": 3306,
        "to_port": 3306,
        "ip_protocol": "tcp",
        "referenced_security_group_id": "${aws_security_group.Migration_SecurityGroup_0E27E444.id}",
        "security_group_id": "${var.source_security_group_id}",
    }
    mysql = [r for r in resources(doc, "aws_vpc_security_group_egress_rule").values() if r["from_port"] == 3306]
    assert [(r["referenced_security_group_id"], r["to_port"]) for r in mysql] == [
        ("${var.source_security_group_id}", 3306)
    ]


def test_the_dms_role_reads_exactly_that_secret_and_decrypts_with_exactly_that_key(stack_docs: dict[str, Any]) -> None:
    doc = stack_docs["existing-source"]
    document = resources(doc, "aws_iam_policy_document", "data")["Migration_SecretsPolicyDocument_DE27F56D"]
    assert document["statement"] == [
        {
            "sid": "ReadSourceSecret",
            "actions": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            "resources": ["${var.source_secret_arn}"],
        },
        {"sid": "DecryptSourceSecret", "actions": ["kms:Decrypt"], "resources": ["${var.source_secret_kms_key_arn}"]},
    ]


def test_the_source_endpoint_uses_the_secret(stack_docs: dict[str, Any]) -> None:
    endpoints = resources(stack_docs["existing-source"], "aws_dms_endpoint").values()
    (source,) = [e for e in endpoints if e["endpoint_type"] == "source"]
    assert source["secrets_manager_arn"] == "${var.source_secret_arn}"
    assert (source["engine_name"], source["database_name"], source["ssl_mode"]) == ("mysql", "shop", "verify-full")
    assert not {"password", "username", "server_name"} & set(source)


def test_outputs_have_static_names(stack_docs: dict[str, Any]) -> None:
    outputs = stack_docs["existing-source"]["output"]
    assert outputs["source_address"]["value"] == "${var.source_server_name}"
    assert outputs["dms_source_secret_arn"]["value"] == "${var.source_secret_arn}"
    assert {"replication_task_arn", "target_table_name", "source_endpoint_arn", "target_endpoint_arn"} <= set(outputs)


def test_cidr_blocks_instead_of_a_group_mean_egress_only_to_them() -> None:
    cidrs = ("10.20.0.0/16", "192.168.7.0/24")
    doc = _pipeline(
        source=lambda stack: ExistingMySqlSource(
            stack, "Source", _source(security_group_id=None, cidr_blocks=cidrs, port=3307)
        )
    )
    egress = resources(doc, "aws_vpc_security_group_egress_rule").values()
    mysql = sorted((r.get("cidr_ipv4"), r["from_port"], r["to_port"]) for r in egress if r["from_port"] != 443)
    assert mysql == [("10.20.0.0/16", 3307, 3307), ("192.168.7.0/24", 3307, 3307)]
    # and nothing else but HTTPS to AWS APIs (through the NAT here)
    assert sorted({r["from_port"] for r in egress}) == [443, 3307]
    assert [r for r in resources(doc, "aws_vpc_security_group_ingress_rule").values() if r["from_port"] == 3307] == []


def test_an_existing_table_is_granted_by_its_arn_and_the_control_tables() -> None:
    doc = _pipeline(
        target=lambda stack: ExistingDynamoDbTable(
            stack, "Table", ExistingDynamoDbTableProps(design=SHOP_DESIGN, kms_key_arn=KEY)
        )
    )
    assert resources(doc, "aws_dynamodb_table") == {}
    (document,) = [d for k, d in resources(doc, "aws_iam_policy_document", "data").items() if "DmsTargetPolicy" in k]
    statements = {s["sid"]: s for s in document["statement"]}
    arn = "arn:${data.aws_partition.AccountContext_partition_67B31C2B.partition}:dynamodb:${data.aws_region.AccountContext_region_565574B7.region}:${data.aws_caller_identity.AccountContext_caller_495D69AA.account_id}:table/"
    assert statements["DmsTargetTable"]["resources"] == [arn + "shop-table"]
    assert statements["DmsControlTables"]["resources"] == [
        arn + "awsdms_apply_exceptions",
        arn + "awsdms_full_load_exceptions",
    ]
    assert statements["DmsTableKey"]["resources"] == [KEY]


def test_existing_endpoints_are_used_as_they_are() -> None:
    doc = _pipeline(
        source=ExistingSourceEndpoint(ENDPOINT, SourceNetwork(3306, cidr_blocks=("10.0.0.0/8",))),
        target=ExistingTargetEndpoint(ENDPOINT.replace("ABC", "XYZ"), SHOP_DESIGN),
    )
    assert resources(doc, "aws_dms_endpoint") == {}
    task = only(doc, "aws_dms_replication_task")
    assert (task["source_endpoint_arn"], task["target_endpoint_arn"]) == (ENDPOINT, ENDPOINT.replace("ABC", "XYZ"))
    names = {r["name"] for r in resources(doc, "aws_iam_role").values()}
    assert not {"shop-dms-secrets", "shop-dms-dynamodb"} & names


def test_mapping_checks_still_run_against_an_existing_endpoints_table() -> None:
    other = SHOP_DESIGN.__class__(table_name="other-table")
    with pytest.raises(ConstructValidationError, match="mappings do not fit the target table"):
        _pipeline(
            source=ExistingSourceEndpoint(ENDPOINT, SourceNetwork(3306, cidr_blocks=("10.0.0.0/8",))),
            target=ExistingTargetEndpoint(ENDPOINT, other),
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"security_group_id": None}, "ExistingMySqlSourceProps: give exactly one of security_group_id"),
        ({"cidr_blocks": ("10.0.0.0/8",)}, "ExistingMySqlSourceProps: give exactly one of security_group_id"),
        ({"security_group_id": "default"}, "ExistingMySqlSourceProps.security_group_id: 'default'; expected e.g. 'sg-"),
        ({"security_group_id": None, "cidr_blocks": ("0.0.0.0/0",)}, "'0.0.0.0/0' is the whole internet"),
        ({"security_group_id": None, "cidr_blocks": ("10.0.0.300/8",)}, "'10.0.0.300/8' is not an IPv4 CIDR block"),
        (
            {"security_group_id": None, "cidr_blocks": "10.0.0.0/8"},
            "cidr_blocks: '10.0.0.0/8' is a string; give a tuple",
        ),
        ({"secret_arn": "shop/dms"}, "ExistingMySqlSourceProps.secret_arn: 'shop/dms' is not a valid ARN"),
        (
            {"secret_kms_key_arn": "alias/shop"},
            "ExistingMySqlSourceProps.secret_kms_key_arn: 'alias/shop' is not a valid ARN",
        ),
        ({"port": 0}, "ExistingMySqlSourceProps.port: 0; allowed: 1-65535"),
        ({"database_name": "shop db"}, "ExistingMySqlSourceProps.database_name: 'shop db'"),
        ({"server_name": "https://db"}, "ExistingMySqlSourceProps.server_name: 'https://db'"),
        (
            {"engine": "aurora"},
            "ExistingMySqlSourceProps.engine: 'aurora' (str); allowed: SourceEngine.RDS_MYSQL, SourceEngine.AURORA_MYSQL",
        ),
    ],
)
def test_every_field_is_validated_naming_the_prop(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConstructValidationError, match=None) as raised:
        _source(**changes)
    assert message in str(raised.value)


def test_aurora_engine_is_the_dms_aurora_endpoint() -> None:
    doc = _pipeline(
        source=lambda stack: ExistingMySqlSource(stack, "Source", _source(engine=SourceEngine.AURORA_MYSQL))
    )
    (source,) = [e for e in resources(doc, "aws_dms_endpoint").values() if e["endpoint_type"] == "source"]
    assert source["engine_name"] == "aurora"


def test_a_string_for_an_enum_fails_at_construction_naming_the_prop() -> None:
    stack = new_stack()
    with pytest.raises(ConstructValidationError) as raised:
        DmsMigrationPipelineProps(
            identifier="shop",
            vpc_id="vpc-1",
            subnet_ids=["subnet-1", "subnet-2"],
            source=ExistingMySqlSource(stack, "Source", _source()),
            target=DynamoDbSingleTable(stack, "Table", SingleTableProps.from_design(SHOP_DESIGN)),
            table_mappings=shop_table_mappings(),
            replication_instance_class="dms.t3.medium",  # type: ignore[arg-type]
        )
    assert str(raised.value).startswith(
        "DmsMigrationPipelineProps.replication_instance_class: 'dms.t3.medium' is a str, not a ReplicationInstanceClass "
        "(did you mean ReplicationInstanceClass.T3_MEDIUM?); allowed: ReplicationInstanceClass.T3_MICRO"
    )
    assert ReplicationInstanceClass.T3_MEDIUM.value == "dms.t3.medium"


def test_a_source_lacking_the_interface_members_is_refused_naming_them() -> None:
    stack = new_stack()
    with pytest.raises(
        ConstructValidationError,
        match=r"DmsMigrationPipelineProps.source: a dict is not a MigrationSource \(no 'engine_name'; no 'database_name';"
        r".*no 'allow_from'\); give an object with every member of constructs_lib.interfaces.MigrationSource, or an "
        r"ExistingSourceEndpoint",
    ):
        DmsMigrationPipelineProps(
            identifier="shop",
            vpc_id="vpc-1",
            subnet_ids=["subnet-1", "subnet-2"],
            source={"server_name": "db"},  # type: ignore[arg-type]
            target=DynamoDbSingleTable(stack, "Table", SingleTableProps.from_design(SHOP_DESIGN)),
            table_mappings=shop_table_mappings(),
        )


def test_the_preflight_is_named_in_place_of_the_binlog_guard_rail() -> None:
    stack = new_stack()
    source = ExistingMySqlSource(stack, "Source", _source())
    (note,) = [str(entry.data) for entry in source.node.metadata if entry.type == "@cdktf/info"]
    assert note.startswith("an existing source: Terraform cannot check its binlog settings or the DMS user's grants")
    assert "dms-dynamodb preflight --mysql-url" in note
