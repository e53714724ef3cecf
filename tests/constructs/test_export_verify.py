"""The Glue verify job (``ExportVerifyJob``), by synthesis: what it runs, with which arguments (the secret's ARN,
never a value), what its role may do (each statement scoped), its network (the connection's subnet and group,
Glue's self-referencing rules, the source's ingress from that group), its encryption, and the plan document
it uploads, read back by the tools' own stack reader.

Expected values are written from AWS Glue's documentation (``glueetl``, ``NETWORK`` connections, SSE-KMS /
CSE-KMS security configurations) and from what the job reads (the export prefix) and writes (the reports).
"""

from __future__ import annotations

import base64
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.errors import ConstructValidationError
from constructs_lib.existing import ExistingMySqlSource, ExistingMySqlSourceProps
from constructs_lib.export_verify import ExportVerifyJob, ExportVerifyJobProps, package_zip
from constructs_lib.network import NetworkProps
from constructs_lib.pipeline import DmsMigrationPipeline, DmsMigrationPipelineProps
from constructs_lib.single_table import DynamoDbSingleTable
from constructs_lib.source_database import MySqlSource, MySqlSourceProps
from constructs_lib.table_props import SingleTableProps
from dms_dynamodb.stack import parse_stack
from stacks.shop_design import SHOP_DESIGN, shop_table_mappings
from tests.synth import new_stack, only, resources, synth

KEY = "arn:aws:kms:us-east-1:123456789012:key/0000-1111"
JAR = "s3://assets/drivers/mariadb-java-client-3.5.6.jar"
CA = "s3://assets/certs/us-east-1-bundle.pem"


def _stack(
    jobs: tuple[str, ...] = ("shop-verify",),
    network: NetworkProps | None = None,
    table_key: str | None = None,
    **changes: Any,
) -> tuple[TerraformStack, dict[str, Any]]:
    stack = new_stack()
    source = MySqlSource(
        stack,
        "Source",
        MySqlSourceProps(
            identifier="shop", vpc_id="vpc-1", subnet_ids=["a", "b"], database_name="shop", kms_key_arn=KEY
        ),
    )
    table = DynamoDbSingleTable(stack, "Table", SingleTableProps.from_design(SHOP_DESIGN, kms_key_arn=table_key))
    pipeline = DmsMigrationPipeline(
        stack,
        "Migration",
        DmsMigrationPipelineProps(
            identifier="shop",
            vpc_id="vpc-1",
            subnet_ids=["subnet-1", "subnet-2"],
            source=source,
            target=table,
            table_mappings=shop_table_mappings(),
            monitoring=None,
            network=network or NetworkProps(),
        ),
    )
    for name in jobs:
        ExportVerifyJob(stack, name, _props(name, pipeline, source, **changes))
    return stack, synth(stack)


def _props(identifier: str, pipeline: Any, source: Any, **changes: Any) -> ExportVerifyJobProps:
    fields: dict[str, Any] = {
        "identifier": identifier,
        "pipeline": pipeline,
        "source": source,
        "subnet_id": "subnet-1",
        "assets_bucket": "assets",
        "export_bucket": "exports",
        "export_prefix": "shop/",
        "jdbc_driver_s3_uri": JAR,
        "ca_bundle_s3_uri": CA,
        "kms_key_arn": KEY,
    }
    return ExportVerifyJobProps(**{**fields, **changes})


def _key(doc: dict[str, Any], type_name: str, kind: str = "resource") -> str:
    (name,) = resources(doc, type_name, kind)
    return name


def test_the_job_runs_the_packaged_module_with_the_secrets_arn_and_no_secret_value() -> None:
    _, doc = _stack()
    job = only(doc, "aws_glue_job")
    assert job["command"] == {
        "name": "glueetl",
        "python_version": "3",
        "script_location": "s3://assets/dms-dynamodb/shop-verify/verify_job.py",
    }
    assert (job["glue_version"], job["worker_type"], job["number_of_workers"], job["max_retries"]) == (
        "5.0", "G.1X", 2, 0,
    )  # fmt: skip
    secret = f"${{aws_secretsmanager_secret.{_key(doc, 'aws_secretsmanager_secret')}.arn}}"
    assert job["default_arguments"] == {
        "--job-language": "python",
        "--plan": "s3://assets/dms-dynamodb/shop-verify/plan.tf.json",
        "--source-secret-arn": secret,
        "--ssl-ca": CA,
        "--database": "shop",
        "--extra-py-files": "s3://assets/dms-dynamodb/shop-verify/dms_dynamodb.zip",
        "--extra-jars": JAR,
        "--enable-continuous-cloudwatch-log": "true",
    }  # no --additional-python-modules: PyMySQL is in the zip, and pip would need a way to an index
    assert (
        job["security_configuration"]
        == f"${{aws_glue_security_configuration.{_key(doc, 'aws_glue_security_configuration')}.name}}"
    )
    assert job["connections"] == [f"${{aws_glue_connection.{_key(doc, 'aws_glue_connection')}.name}}"]
    script = next(o for o in resources(doc, "aws_s3_object").values() if o["key"].endswith("verify_job.py"))
    assert script["content"] == "from dms_dynamodb.verify.spark.job import main\n\nmain()\n"
    for upload in resources(doc, "aws_s3_object").values():
        assert (upload["bucket"], upload["server_side_encryption"], upload["kms_key_id"]) == ("assets", "aws:kms", KEY)


def test_python_modules_given_are_passed_to_pip() -> None:
    _, doc = _stack(python_modules=("s3://assets/wheels/extra-1.0-py3-none-any.whl", "tzdata==2025.2"))
    arguments = only(doc, "aws_glue_job")["default_arguments"]
    assert arguments["--additional-python-modules"] == "s3://assets/wheels/extra-1.0-py3-none-any.whl,tzdata==2025.2"


def _grant_name(name: str) -> str:
    """A grant's policy name without its granter's suffix (``read-source-secret-1a2b3c4d``: one per source)."""
    return re.sub(r"-[0-9a-f]{8}$", "", name)


def _policies_of(doc: dict[str, Any], role_name: str) -> dict[str, list[dict[str, Any]]]:
    """The inline policies on one role, by name (a grant's without its suffix): their statements."""
    documents = resources(doc, "aws_iam_policy_document", "data")
    roles = {f"${{aws_iam_role.{k}.id}}": r["name"] for k, r in resources(doc, "aws_iam_role").items()}
    found = {}
    for policy in resources(doc, "aws_iam_role_policy").values():
        if roles.get(policy["role"]) != role_name:
            continue
        text = policy["policy"]
        if text.startswith("${data.aws_iam_policy_document."):
            found[_grant_name(policy["name"])] = documents[text.split(".")[2]]["statement"]
        else:
            found[_grant_name(policy["name"])] = json.loads(text)["Statement"]
    return found


def test_the_role_may_read_the_export_and_the_secret_and_write_reports_and_nothing_wider() -> None:
    _, doc = _stack()
    documents = resources(doc, "aws_iam_policy_document", "data")
    role = next(r for r in resources(doc, "aws_iam_role").values() if r["name"] == "shop-verify-glue")
    trust_name = role["assume_role_policy"].removeprefix("${data.aws_iam_policy_document.").removesuffix(".json}")
    (statement,) = documents[trust_name]["statement"]
    assert statement["principals"] == [{"identifiers": ["glue.amazonaws.com"], "type": "Service"}]
    assert statement["condition"][0]["variable"] == "aws:SourceAccount"
    policy = next(p for p in resources(doc, "aws_iam_role_policy").values() if p["name"] == "verify-job")
    name = policy["policy"].removeprefix("${data.aws_iam_policy_document.").removesuffix(".json}")
    by_sid = {s["sid"]: s for s in documents[name]["statement"]}
    secret = f"${{aws_secretsmanager_secret.{_key(doc, 'aws_secretsmanager_secret')}.arn}}"
    partition = "${data.aws_partition." + _key(doc, "aws_partition", "data") + ".partition}"
    region = "${data.aws_region." + _key(doc, "aws_region", "data") + ".region}"
    account = "${data.aws_caller_identity." + _key(doc, "aws_caller_identity", "data") + ".account_id}"
    glue_group = next(k for k, g in resources(doc, "aws_security_group").items() if g["name"] == "shop-verify-glue")
    here = f"{region}:{account}"
    assert {sid: (s["actions"], s["resources"]) for sid, s in by_sid.items()} == {
        "ReadAssets": (
            ["s3:GetObject"],
            [
                f"arn:{partition}:s3:::assets/dms-dynamodb/shop-verify/*",
                f"arn:{partition}:s3:::assets/drivers/mariadb-java-client-3.5.6.jar",
                f"arn:{partition}:s3:::assets/certs/us-east-1-bundle.pem",
            ],
        ),
        "ListExports": (["s3:ListBucket"], [f"arn:{partition}:s3:::exports"]),
        "ReadExports": (["s3:GetObject"], [f"arn:{partition}:s3:::exports/shop/*"]),
        "WriteReports": (["s3:PutObject"], [f"arn:{partition}:s3:::exports/verify-reports/*"]),
        "UseMigrationKey": (["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], [KEY]),
        "Logs": (
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
            [
                f"arn:{partition}:logs:{here}:log-group:/aws-glue/*",
                f"arn:{partition}:logs:{here}:log-group:/aws-glue/*:*",
            ],
        ),
        "ReadConnection": (
            ["glue:GetConnection"],
            [f"arn:{partition}:glue:{here}:catalog", f"arn:{partition}:glue:{here}:connection/shop-verify-network"],
        ),
        "ConnectionNetworkInterfaces": (
            ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:CreateTags", "ec2:DeleteTags"],
            [
                f"arn:{partition}:ec2:{here}:network-interface/*",
                f"arn:{partition}:ec2:{here}:subnet/subnet-1",
                f"arn:{partition}:ec2:{here}:security-group/${{aws_security_group.{glue_group}.id}}",
            ],
        ),
    }
    assert by_sid["ListExports"]["condition"] == [{"test": "StringLike", "values": ["shop/*"], "variable": "s3:prefix"}]
    policies = _policies_of(doc, "shop-verify-glue")
    assert sorted(policies) == ["read-source-secret", "verify-job", "verify-job-describe-network"]
    # the source's grant (MySqlSource.grant_read_secret), keyed by this role: the value only, not DescribeSecret
    assert policies["read-source-secret"] == [
        {"sid": "ReadSourceSecret", "actions": ["secretsmanager:GetSecretValue"], "resources": [secret]},
        {"sid": "DecryptSourceSecret", "actions": ["kms:Decrypt"], "resources": [KEY]},
    ]
    describe = next(
        p for p in resources(doc, "aws_iam_role_policy").values() if p["name"] == "verify-job-describe-network"
    )
    (only_star,) = json.loads(describe["policy"])["Statement"]
    assert only_star["Resource"] == "*" and only_star["Action"] == [
        "ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets", "ec2:DescribeVpcAttribute", "ec2:DescribeVpcEndpoints",
    ]  # fmt: skip


def test_settle_lets_the_job_read_items_of_the_table_only() -> None:
    _, doc = _stack(settle=True, table_key=KEY)
    table = f"${{aws_dynamodb_table.{_key(doc, 'aws_dynamodb_table')}.arn}}"
    # the table's grant (DynamoDbSingleTable.grant_read_items), keyed by the job's role: no scans, no writes
    assert _policies_of(doc, "shop-verify-glue")["read-table-items"] == [
        {"sid": "ReadItems", "actions": ["dynamodb:GetItem"], "resources": [table]},
        {"sid": "DecryptItems", "actions": ["kms:Decrypt"], "resources": [KEY]},
    ]
    _, without = _stack()
    assert "read-table-items" not in _policies_of(without, "shop-verify-glue")
    job = only(doc, "aws_glue_job")
    assert sorted(d.split(".")[1] for d in job["depends_on"] if d.startswith("aws_iam_role_policy.")) == sorted(
        k for k, p in resources(doc, "aws_iam_role_policy").items()
        if _grant_name(p["name"]) in ("verify-job", "read-source-secret", "read-table-items")
    )  # fmt: skip


def test_each_job_gets_its_own_grants_and_a_second_grant_to_one_role_is_the_same_policy() -> None:
    stack, doc = _stack(jobs=("verify-a", "verify-b"), settle=True)
    for role in ("verify-a-glue", "verify-b-glue"):
        assert {"read-source-secret", "read-table-items"} <= set(_policies_of(doc, role))
    a, b = (stack.node.find_child(n) for n in ("verify-a", "verify-b"))
    assert isinstance(a, ExportVerifyJob) and isinstance(b, ExportVerifyJob)
    source, table = a.props.source, a.props.pipeline.props.target
    assert source.grant_read_secret(a.role) is a.grants[0] and source.grant_read_secret(b.role) is b.grants[0]
    assert isinstance(table, DynamoDbSingleTable) and table.grant_read_items(a.role) is a.grants[1]
    assert isinstance(source, MySqlSource)
    ids = sorted(c.node.id for c in source.node.children if c.node.id.startswith("ReadSecretPolicy"))
    # the first grantee's ids are the plain ones; the second's carry a suffix made from its role
    assert (ids[0], ids[1].startswith("ReadSecretPolicy-"), len(ids)) == ("ReadSecretPolicy", True, 4)


class _SourceOfAnotherTeam:
    """Has the pipeline's MigrationSource members, not the verify job's."""

    engine_name = "mysql"
    database_name = "shop"
    dms_secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-AbCdEf"
    secret_kms_key_arn = None
    endpoint_address = "db.example.com"

    def allow_from(self, security_group_id: str) -> None:
        pass


def test_a_source_without_the_verify_members_is_named() -> None:
    stack, _ = _stack(jobs=())
    pipeline = stack.node.find_child("Migration")
    with pytest.raises(
        ConstructValidationError,
        match=r"ExportVerifyJobProps.source: a _SourceOfAnotherTeam is not a VerifiableSource: .*"
        r"no 'grant_read_secret'; 'allow_from' takes no description",
    ):
        ExportVerifyJob(stack, "Job", _props("shop-verify", pipeline, _SourceOfAnotherTeam()))


def test_the_connection_runs_in_the_sources_vpc_behind_a_group_the_source_lets_in() -> None:
    _, doc = _stack()
    subnet = f"data.aws_subnet.{_key(doc, 'aws_subnet', 'data')}"
    assert only(doc, "aws_subnet", "data")["id"] == "subnet-1"
    groups = {g["name"]: f"${{aws_security_group.{k}.id}}" for k, g in resources(doc, "aws_security_group").items()}
    glue = groups["shop-verify-glue"]
    assert only(doc, "aws_glue_connection") == {
        "connection_type": "NETWORK",
        "description": "Network of the verify job shop-verify: the source's VPC",
        "name": "shop-verify-network",
        "physical_connection_requirements": {
            "availability_zone": f"${{{subnet}.availability_zone}}",
            "security_group_id_list": [glue],
            "subnet_id": "subnet-1",
        },
    }
    assert resources(doc, "aws_security_group")[glue.split(".")[1]]["vpc_id"] == f"${{{subnet}.vpc_id}}"
    ingress = [
        r for r in resources(doc, "aws_vpc_security_group_ingress_rule").values() if r["security_group_id"] == glue
    ]
    assert [(r["referenced_security_group_id"], r["ip_protocol"], "from_port" in r) for r in ingress] == [
        (glue, "-1", False)
    ]  # all traffic from the group itself, as Glue requires
    egress = sorted(
        (r.get("referenced_security_group_id") or r.get("cidr_ipv4"), r.get("from_port", -1), r.get("to_port", -1))
        for r in resources(doc, "aws_vpc_security_group_egress_rule").values()
        if r["security_group_id"] == glue
    )
    assert egress == sorted([(glue, -1, -1), (groups["shop-mysql"], 3306, 3306), ("0.0.0.0/0", 443, 443)])
    into_source = [
        (r["referenced_security_group_id"], r["description"])
        for r in resources(doc, "aws_vpc_security_group_ingress_rule").values()
        if r["security_group_id"] == groups["shop-mysql"] and r["from_port"] == 3306
    ]
    # each rule says whose it is: DMS's keeps its words (and its id), the job's names the job
    assert sorted(into_source) == sorted(
        [(groups["shop-dms"], "MySQL from DMS"), (glue, "MySQL from the Glue verify job shop-verify")]
    )


def test_an_existing_sources_rule_for_the_job_is_described_as_the_jobs() -> None:
    stack = new_stack()
    source = ExistingMySqlSource(
        stack,
        "Source",
        ExistingMySqlSourceProps(
            server_name="db.example.com",
            database_name="shop",
            secret_arn="arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-AbCdEf",
            security_group_id="sg-0123456789abcdef0",
        ),
    )
    source.allow_from("sg-00000000000000001")
    source.allow_from("sg-00000000000000002", description="MySQL from the Glue verify job shop-verify")
    rules = resources(synth(stack), "aws_vpc_security_group_ingress_rule")
    assert sorted((r["referenced_security_group_id"], r["description"]) for r in rules.values()) == [
        ("sg-00000000000000001", "MySQL from DMS (added by the migration stack)"),
        ("sg-00000000000000002", "MySQL from the Glue verify job shop-verify"),
    ]


ISOLATED = NetworkProps(nat=False, route_table_ids=["rtb-1", "rtb-2"])


def _egress_of(doc: dict[str, Any], group: str) -> list[tuple[Any, Any, Any]]:
    return sorted(
        (
            r.get("referenced_security_group_id") or r.get("prefix_list_id") or r.get("cidr_ipv4"),
            r["ip_protocol"],
            r.get("from_port", -1),
        )
        for r in resources(doc, "aws_vpc_security_group_egress_rule").values()
        if r["security_group_id"] == group
    )


def test_isolated_subnets_get_an_s3_gateway_on_their_route_tables_and_the_job_reaches_the_endpoints_only() -> None:
    _, doc = _stack(network=ISOLATED, settle=True)
    endpoints = {e["service_name"]: (k, e) for k, e in resources(doc, "aws_vpc_endpoint").items()}
    region = "${data.aws_region." + _key(doc, "aws_region", "data") + ".region}"
    s3_name, s3 = endpoints[f"com.amazonaws.{region}.s3"]
    assert (s3["vpc_endpoint_type"], s3["route_table_ids"], s3["vpc_id"]) == ("Gateway", ["rtb-1", "rtb-2"], "vpc-1")
    ddb_name, _ = endpoints[f"com.amazonaws.{region}.dynamodb"]
    groups = {g["name"]: f"${{aws_security_group.{k}.id}}" for k, g in resources(doc, "aws_security_group").items()}
    glue, endpoint_group = groups["shop-verify-glue"], groups["shop-endpoints"]
    assert _egress_of(doc, glue) == sorted(
        [
            (glue, "-1", -1),
            (groups["shop-mysql"], "tcp", 3306),
            (f"${{aws_vpc_endpoint.{s3_name}.prefix_list_id}}", "tcp", 443),
            (f"${{aws_vpc_endpoint.{ddb_name}.prefix_list_id}}", "tcp", 443),
            (endpoint_group, "tcp", 443),
        ]
    )  # no 0.0.0.0/0: nothing leaves the VPC but through its endpoints
    into_endpoints = sorted(
        (r["referenced_security_group_id"], r["from_port"], r["to_port"], r["description"])
        for r in resources(doc, "aws_vpc_security_group_ingress_rule").values()
        if r["security_group_id"] == endpoint_group
    )
    assert into_endpoints == sorted(
        [
            (groups["shop-dms"], 443, 443, "HTTPS from DMS"),
            (glue, 443, 443, "HTTPS from the Glue verify job shop-verify"),
        ]
    )


def test_without_settle_the_isolated_job_has_no_way_to_dynamodb() -> None:
    _, doc = _stack(network=ISOLATED)
    s3 = next(k for k, e in resources(doc, "aws_vpc_endpoint").items() if e["service_name"].endswith(".s3"))
    glue = next(f"${{aws_security_group.{k}.id}}" for k, g in resources(doc, "aws_security_group").items()
                if g["name"] == "shop-verify-glue")  # fmt: skip
    assert [t for t, _, _ in _egress_of(doc, glue) if t.endswith(".prefix_list_id}")] == [
        f"${{aws_vpc_endpoint.{s3}.prefix_list_id}}"
    ]


def test_an_existing_s3_gateway_is_used_not_a_second_one_on_the_same_route_tables() -> None:
    # A route table takes one route per gateway service: with one already there, a second endpoint fails to apply.
    _, doc = _stack(network=ISOLATED, s3_prefix_list_id="pl-63a5400a")
    assert sorted(e["service_name"].rsplit(".", 1)[1] for e in resources(doc, "aws_vpc_endpoint").values()) == [
        "dynamodb", "secretsmanager",
    ]  # fmt: skip
    glue = next(f"${{aws_security_group.{k}.id}}" for k, g in resources(doc, "aws_security_group").items()
                if g["name"] == "shop-verify-glue")  # fmt: skip
    assert ("pl-63a5400a", "tcp", 443) in _egress_of(doc, glue)


def test_the_endpoints_exist_only_with_a_job_and_two_jobs_share_one_s3_gateway() -> None:
    _, without = _stack(jobs=(), network=ISOLATED)
    assert sorted(e["service_name"].rsplit(".", 1)[1] for e in resources(without, "aws_vpc_endpoint").values()) == [
        "dynamodb", "secretsmanager",
    ]  # fmt: skip
    _, two = _stack(jobs=("verify-a", "verify-b"), network=ISOLATED)
    assert sorted(e["service_name"].rsplit(".", 1)[1] for e in resources(two, "aws_vpc_endpoint").values()) == [
        "dynamodb", "s3", "secretsmanager",
    ]  # fmt: skip
    groups = {g["name"]: f"${{aws_security_group.{k}.id}}" for k, g in resources(two, "aws_security_group").items()}
    admitted = sorted(
        r["referenced_security_group_id"]
        for r in resources(two, "aws_vpc_security_group_ingress_rule").values()
        if r["security_group_id"] == groups["shop-endpoints"]
    )
    assert admitted == sorted(groups[n] for n in ("shop-dms", "verify-a-glue", "verify-b-glue"))


def test_the_security_configuration_encrypts_logs_bookmarks_and_s3_output_with_the_key() -> None:
    _, doc = _stack()
    assert only(doc, "aws_glue_security_configuration")["encryption_configuration"] == {
        "cloudwatch_encryption": {"cloudwatch_encryption_mode": "SSE-KMS", "kms_key_arn": KEY},
        "job_bookmarks_encryption": {"job_bookmarks_encryption_mode": "CSE-KMS", "kms_key_arn": KEY},
        "s3_encryption": {"s3_encryption_mode": "SSE-KMS", "kms_key_arn": KEY},
    }


def test_the_plan_document_reads_back_as_the_stacks_own_task_and_table() -> None:
    _, doc = _stack()
    plan = next(o for o in resources(doc, "aws_s3_object").values() if o["key"].endswith("plan.tf.json"))
    uploaded = json.loads(base64.b64decode(plan["content_base64"]))  # the bytes Terraform writes to S3
    from_plan, from_stack = parse_stack(uploaded), parse_stack(doc)
    (task,) = from_plan.tasks
    (expected,) = from_stack.tasks
    assert (task.task_id, task.migration_type) == ("shop", expected.migration_type)
    assert task.table_mappings == expected.table_mappings and task.settings == expected.settings
    assert "${" in task.table_mappings.to_json()  # DMS's placeholders (${customer_id}) arrive as DMS reads them
    assert dict(from_plan.tables) == dict(from_stack.tables)


def test_two_verify_jobs_on_one_source_each_get_their_own_group_rule_and_role() -> None:
    _, doc = _stack(jobs=("verify-a", "verify-b"))
    assert sorted(j["name"] for j in resources(doc, "aws_glue_job").values()) == ["verify-a", "verify-b"]
    assert sorted(c["name"] for c in resources(doc, "aws_glue_connection").values()) == [
        "verify-a-network", "verify-b-network",
    ]  # fmt: skip
    groups = {g["name"]: f"${{aws_security_group.{k}.id}}" for k, g in resources(doc, "aws_security_group").items()}
    into_source = sorted(
        r["referenced_security_group_id"]
        for r in resources(doc, "aws_vpc_security_group_ingress_rule").values()
        if r["security_group_id"] == groups["shop-mysql"]
    )
    assert into_source == sorted(groups[n] for n in ("shop-dms", "verify-a-glue", "verify-b-glue"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"identifier": "Verify_1"}, "ExportVerifyJobProps.identifier: 'Verify_1'"),
        ({"jdbc_driver_s3_uri": "/usr/share/java/x.jar"}, "jdbc_driver_s3_uri: '/usr/share/java/x.jar' is not s3://"),
        ({"number_of_workers": 1}, "number_of_workers: 1; Glue needs at least 2"),
        ({"export_prefix": "/shop"}, "export_prefix: '/shop'; a prefix ends with '/'"),
    ],
)
def test_props_the_job_cannot_use_are_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConstructValidationError, match=message):
        _props(changes.pop("identifier", "shop-verify"), None, None, **changes)


def test_the_package_zip_is_the_same_bytes_for_the_same_code_and_holds_the_packages(tmp_path: Path) -> None:
    first, second = package_zip(tmp_path / "a"), package_zip(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes() and first.name == second.name
    names = zipfile.ZipFile(first).namelist()
    assert "dms_dynamodb/verify/spark/job.py" in names and "mappings/items/__init__.py" in names
    assert [n for n in names if "__pycache__" in n or not n.endswith(".py")] == ["pymysql/LICENSE.PyMySQL-1.2.4"]


#: What Glue 5.0's image provides of what the job may import (AWS Glue developer guide, "Python modules already
#: provided in AWS Glue"), with Spark's own pyspark and py4j.
GLUE_PROVIDED = {"pyspark", "py4j", "pyarrow", "pandas", "numpy", "boto3", "botocore"}
#: Imported somewhere in the package, never on the job's way (it passes no --since, reads no DDL, has no terminal).
NOT_ON_THE_JOBS_WAY = {
    "pymysqlreplication": "cdc and --since",
    "sqlglot": "DDL files",
    "tqdm": "a terminal's bars",
    # PyMySQL's optional ones (pymysql/_auth.py): RSA password exchange only without TLS (the job's source
    # connection has TLS: --ssl-ca), and MariaDB's ed25519 plugin
    "cryptography": "sha256/caching_sha2 passwords without TLS",
    "nacl": "MariaDB's ed25519_password",
}
#: On the job's way but optional: imported only if present, the job works without it (run below without it).
OPTIONAL_ON_THE_JOBS_WAY = {"orjson": "the export's lines, read by json.loads without it (compiled: no zip)"}

_ISOLATED_RUN = r"""
import importlib, json, sys
zip_path, provided, plan = sys.argv[1:4]
sys.path[:0] = [zip_path, provided]
for name in ("dms_dynamodb.cli", "dms_dynamodb.verify.export_command", "dms_dynamodb.verify.spark.engine",
             "dms_dynamodb.verify.spark.jdbc", "dms_dynamodb.verify.spark.session", "dms_dynamodb.verify.recheck",
             "dms_dynamodb.verify.settle", "dms_dynamodb.verify.full", "pymysql.cursors", "pymysql.converters",
             "pyspark.sql", "pyarrow"):
    importlib.import_module(name)
from dms_dynamodb.verify.spark.job import run
status = run(["--plan", plan, "--mysql-url", "mysql://verify@127.0.0.1:9/shop", "--export", "/nonexistent",
              "--spark-master", "local[1]", "--jdbc-jar", "/usr/share/java/mariadb-java-client.jar"])
print(json.dumps({"status": status, "pymysql": sys.modules["pymysql"].__file__,
                  "site": [p for p in sys.path if "site-packages" in p]}))
"""


def _imported_names(archive: zipfile.ZipFile) -> dict[str, set[str]]:
    """Every top-level module any ``import`` in the zip names (nested ones too), and where."""
    import ast

    found: dict[str, set[str]] = {}
    for name in archive.namelist():
        if not name.endswith(".py"):
            continue
        for node in ast.walk(ast.parse(archive.read(name))):
            if isinstance(node, ast.Import):
                tops = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                found.setdefault(top, set()).add(name)
    return found


def test_the_zip_holds_every_import_glue_lacks_and_runs_the_job_with_only_stdlib_pyspark_and_pyarrow(
    tmp_path: Path,
) -> None:
    import importlib.util
    import subprocess
    import sys

    from tests import timing

    path = package_zip(tmp_path / "zip")
    archive = zipfile.ZipFile(path)
    inside = {n.split("/")[0] for n in archive.namelist()}
    assert inside == {"dms_dynamodb", "mappings", "pymysql"}
    assert "pymysql/LICENSE.PyMySQL-1.2.4" in archive.namelist()  # the pinned, installed version, with its license
    outside = {
        top: sorted(where)[0]
        for top, where in _imported_names(archive).items()
        if top not in sys.stdlib_module_names and top not in inside and top not in GLUE_PROVIDED
        and top not in NOT_ON_THE_JOBS_WAY and top not in OPTIONAL_ON_THE_JOBS_WAY and top != "__future__"
    }  # fmt: skip
    assert outside == {}  # a new third-party import: ship it in the zip, or say why the job never reaches it
    provided = tmp_path / "provided"  # Glue's image, as far as the job goes: Spark's Python and pyarrow
    provided.mkdir()
    for name in ("pyspark", "py4j", "pyarrow"):
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None
        (provided / name).symlink_to(Path(spec.origin).parent)
    _, doc = _stack()
    plan_object = next(o for o in resources(doc, "aws_s3_object").values() if o["key"].endswith("plan.tf.json"))
    plan = tmp_path / "plan.tf.json"
    plan.write_bytes(base64.b64decode(plan_object["content_base64"]))
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _ISOLATED_RUN, str(path), str(provided), str(plan)],
        capture_output=True,
        text=True,
        timeout=timing.seconds(120),
        cwd=tmp_path,
        env={**os.environ, "MYSQL_PWD": "pw"},  # a job refuses a password in its --mysql-url (Glue's run history)
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    # the plan read by the stack reader, then the source tried by the zip's PyMySQL (its error 2003) and refused:
    # the CLI's exit for a source it cannot connect to while planning (2, a usage error naming the URL, no password)
    assert outcome == {"status": 2, "pymysql": f"{path}/pymysql/__init__.py", "site": []}
    assert "cannot connect to the source mysql://verify@127.0.0.1:9/shop: (2003," in done.stderr
    assert "pw" not in done.stderr.replace("pymysql", "")
    assert "No module named" not in done.stdout + done.stderr


def test_one_role_granted_on_two_tables_and_two_sources_gets_one_inline_policy_each() -> None:
    # An IAM inline policy is identified by (role, name): PutRolePolicy with a name already there replaces it.
    from constructs_lib.aws import IamRole
    from constructs_lib.single_table import DynamoDbSingleTable
    from constructs_lib.table_props import SingleTableProps
    from stacks.shop_design import SHOP_DESIGN
    from tests.synth import new_stack, resources, synth

    stack = new_stack()
    role = IamRole(stack, "Reader", name="reader", assume_role_policy="{}")
    for name in ("TableA", "TableB"):
        props = SingleTableProps.from_design(SHOP_DESIGN)
        props = type(props)(**{**props.__dict__, "table_name": name.lower()})
        table = DynamoDbSingleTable(stack, name, props)
        table.grant_read_items(role)
        table.grant_read_items(role)  # again: the same grant
    policies = resources(synth(stack), "aws_iam_role_policy").values()
    pairs = [(p["role"], p["name"]) for p in policies]
    assert len(pairs) == 2 and len(set(pairs)) == 2, pairs
