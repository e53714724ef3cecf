"""Whole-stack snapshots: every stack's cdk.tf.json, and the Sakila stack's HCL from the pinned CLI.

Snapshots show reviewers the full output and catch any regression; the focused assertions in
tests/constructs say which properties matter. Refresh with `make test PYTEST_ARGS=--snapshot-update`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from dms_dynamodb.hcl_repair import HclRepairError, escaped_attributes, hcl_string, repair, verify
from stacks.registry import STACKS
from tests.conftest import ROOT
from tests.synth import resources

#: The verify job's package (ExportVerifyJob: dms_dynamodb and mappings as a zip, a TerraformAsset): its asset
#: hash and file name change with every change to that code, which is not a change to the stack. Masked so the
#: snapshot moves only when the infrastructure does; tests/constructs/test_export_verify.py covers the zip.
_PACKAGE_PATH = re.compile(r"(assets/[A-Za-z0-9_]+/)[0-9A-F]{32}(/dms_dynamodb-)[0-9a-f]{16}(\.zip)")
_PACKAGE_HASH = re.compile(r'("?source_hash"?\s*[:=]\s*")[0-9A-F]{32}(")')


def mask_package(text: str) -> str:
    """``text`` with the checkout's location and the package asset's code-derived hashes replaced by placeholders."""
    text = _PACKAGE_PATH.sub(r"\1<package hash>\2<code digest>\3", text.replace(str(ROOT), "<repo>"))
    return _PACKAGE_HASH.sub(r"\1<package hash>\2", text)


def normalize(node: Any) -> Any:
    """Replace machine-specific paths (the checkout's location) and code-derived hashes with placeholders."""
    return json.loads(mask_package(json.dumps(node)))


@pytest.mark.parametrize("name", sorted(STACKS))
def test_stack_json_snapshot(name: str, stack_docs: dict[str, Any], snapshot: SnapshotAssertion) -> None:
    assert normalize(stack_docs[name]) == snapshot(extension_class=JSONSnapshotExtension)


class _HclExtension(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "tf"


@pytest.fixture(scope="session")
def cli_hcl(stack_docs: dict[str, Any]) -> dict[str, str]:
    """Every stack's cdk.tf from `cdktf synth --hcl` (the pinned CLI), repaired, once per session."""
    cli = ROOT / "node_modules" / ".bin" / "cdktf"
    if not cli.exists():
        pytest.fail("the pinned cdktf CLI is not installed: run the suite with `make test`")
    with tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "CHECKPOINT_DISABLE": "1", "CI": "1"}
        result = subprocess.run(
            [str(cli), "synth", "--hcl", "--output", out],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        raw = {p.parent.name: p.read_text() for p in Path(out, "stacks").glob("*/cdk.tf")}
    return raw


def test_cli_hcl_needs_the_repair_and_gets_it(cli_hcl: dict[str, str], stack_docs: dict[str, Any]) -> None:
    raw = cli_hcl["sakila"]
    document = stack_docs["sakila"]
    (task,) = document["resource"]["aws_dms_replication_task"].values()
    assert hcl_string(task["table_mappings"]) not in raw  # the CLI's conversion mangles escaped strings
    repaired = repair(raw, document)
    assert hcl_string(task["table_mappings"]) in repaired
    assert [a[3] for a in escaped_attributes(document)] == ["table_mappings"]


def test_sakila_hcl_snapshot(cli_hcl: dict[str, str], stack_docs: dict[str, Any], snapshot: SnapshotAssertion) -> None:
    repaired = repair(cli_hcl["sakila"], stack_docs["sakila"])
    assert mask_package(repaired) == snapshot(extension_class=_HclExtension)


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


SECRET_CARRIERS = re.compile(r"password|secret_string|secret_binary|private_key", re.IGNORECASE)


def test_no_secret_value_in_any_stack(stack_docs: dict[str, Any]) -> None:
    """No attribute that holds a secret value exists in any stack, so neither JSON nor state holds one."""
    for name, doc in stack_docs.items():
        resource_types = set(doc.get("resource", {})) | set(doc.get("data", {}))
        assert not resource_types & {
            "random_password",
            "aws_secretsmanager_secret_version",
            "aws_secretsmanager_random_password",
        }, name
        carriers = {k for k in _keys(doc) if SECRET_CARRIERS.search(k)}
        # Only the flag that makes RDS manage the master password; an existing source has no database here.
        assert carriers <= {"manage_master_user_password"}, (name, carriers)
        if resources(doc, "aws_db_instance") or resources(doc, "aws_rds_cluster"):
            assert carriers == {"manage_master_user_password"}, name
        for endpoint in doc["resource"]["aws_dms_endpoint"].values():
            assert not {"password", "username"} & set(endpoint), name


def test_secret_test_would_catch_a_password() -> None:
    leaked = {"resource": {"aws_db_instance": {"db": {"password": "hunter2"}}}}
    assert {k for k in _keys(leaked) if SECRET_CARRIERS.search(k)} == {"password"}


def test_tags_holding_a_template_survive_hcl_and_are_verified() -> None:
    from constructs_lib.single_table import DynamoDbSingleTable
    from constructs_lib.table_props import SingleTableProps
    from tests.synth import new_stack, synth

    stack = new_stack()
    DynamoDbSingleTable(stack, "Table", SingleTableProps(table_name="t-t", tags={"note": "keep ${literal} %{as-is}"}))
    document = synth(stack)
    (table,) = document["resource"]["aws_dynamodb_table"].values()
    assert table["tags"] == {"note": "keep $${literal} %%{as-is}"}
    hcl = stack.to_hcl_terraform()["hcl"]
    repaired = repair(hcl, document)  # verifies every escaped string, the tag inside the map included
    assert hcl_string("keep $${literal} %%{as-is}") in repaired
    broken = repaired.replace("$${literal}", "${literal}")  # what Terraform would interpolate
    with pytest.raises(HclRepairError, match=r"resource.aws_dynamodb_table.Table_CD117FA1.tags.note is still wrong"):
        verify(broken, document)
