"""Helpers for synthesizing constructs in tests (jsii loads once per test process)."""

from __future__ import annotations

import json
from typing import Any

from cdktf import TerraformResource, TerraformStack
from cdktf import Testing as TfTesting  # aliased: pytest would collect a class named Test*

from constructs_lib.aws import AwsProvider


def new_stack(name: str = "test") -> TerraformStack:
    stack = TerraformStack(TfTesting.app(), name)
    AwsProvider(stack, "aws", region="us-east-1")
    return stack


def synth(stack: TerraformStack) -> dict[str, Any]:
    return json.loads(TfTesting.synth(stack))  # type: ignore[no-any-return]


def resources(doc: dict[str, Any], type_name: str, kind: str = "resource") -> dict[str, dict[str, Any]]:
    return doc.get(kind, {}).get(type_name, {})  # type: ignore[no-any-return]


def only(doc: dict[str, Any], type_name: str, kind: str = "resource") -> dict[str, Any]:
    found = resources(doc, type_name, kind)
    assert len(found) == 1, f"expected one {type_name}, got {sorted(found)}"
    return next(iter(found.values()))


def ref(type_name: str, doc: dict[str, Any], attr: str, kind: str = "resource") -> str:
    """The Terraform reference to the only ``type_name`` block's ``attr``."""
    (name,) = resources(doc, type_name, kind)
    prefix = "data." if kind == "data" else ""
    return f"${{{prefix}{type_name}.{name}.{attr}}}"


def strings(node: Any) -> list[str]:
    """Every string anywhere in a JSON document."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (k, *strings(v))]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []


def replication_instance(stack: TerraformStack) -> TerraformResource:
    """The DMS replication instance of an example stack (for overrides in tests)."""
    found = stack.node.find_child("Migration").node.find_child("ReplicationInstance")
    assert isinstance(found, TerraformResource)
    return found
