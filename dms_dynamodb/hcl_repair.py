"""Repair ``cdktf synth --hcl`` output for strings that carry Terraform escapes, at any depth.

The CLI's JSON-to-HCL conversion (cdktf 0.21, archived, so no fix is coming) mangles strings that
contain escaped template sequences: ``table_mappings`` with ``$${film_id}`` comes out as
``"{" rules ":[{" ...``, which Terraform would reject. This reads the JSON synthesis of the same
stacks (through the stack reader; no jsii) and, for every attribute of a resource or data block
whose value holds an escaped string anywhere inside it (a top-level string, a map such as ``tags``,
a list, a nested block), rewrites that attribute from the JSON as HCL. Then it verifies that every
escaped string of the JSON, at any depth, is in the HCL as the right literal, failing loudly if not.

    dms-dynamodb hcl-repair cdktf.out --json cdktf.json.out
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dms_dynamodb.stack import STACKS_DIR, read_document
from mappings.terraform import ESCAPES

STACKS = STACKS_DIR.name
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


class HclRepairError(RuntimeError):
    pass


def hcl_string(value: str) -> str:
    """An HCL quoted string that evaluates like the same Terraform-JSON string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def hcl_value(value: Any) -> str:
    """A JSON value as an HCL expression (strings keep Terraform's escapes, as in the JSON)."""
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(hcl_value(v) for v in value) + "]"
    items = ", ".join(f"{hcl_string(str(k))} = {hcl_value(v)}" for k, v in value.items())
    return "{" + items + "}"


def escaped_strings(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, string) of every string holding a Terraform escape, at any depth."""
    if isinstance(node, str):
        if any(e in node for e in ESCAPES):
            yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from escaped_strings(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from escaped_strings(value, f"{path}[{index}]")


def escaped_attributes(document: dict[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    """(block kind, type, name, attribute) of the attributes holding Terraform escapes anywhere inside."""
    for kind in ("resource", "data"):
        for type_name, blocks in document.get(kind, {}).items():
            for name, body in blocks.items():
                for attribute, value in body.items():
                    if any(True for _ in escaped_strings(value)):
                        yield kind, type_name, name, attribute


def _depth_change(line: str) -> int:
    """How much ``line`` opens ({ and [) minus closes, outside quoted strings."""
    depth, quoted, escaped = 0, False, False
    for char in line:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char in "{[(":
            depth += 1
        elif not quoted and char in "}])":
            depth -= 1
    return depth


def _entries(lines: list[str], start: int, end: int) -> Iterator[tuple[str, bool, int, int]]:
    """(key, is_block, first, last) of the entries directly inside lines[start:end] (a block's body)."""
    index = start
    while index < end:
        text = lines[index].strip()
        match = _IDENTIFIER.match(text)
        if not text or match is None:
            index += 1
            continue
        rest = text[match.end() :].lstrip()
        last, depth = index, _depth_change(lines[index])
        while depth > 0 and last + 1 < end:
            last += 1
            depth += _depth_change(lines[last])
        yield match.group(0), not rest.startswith("="), index, last
        index = last + 1


def _repair_body(lines: list[str], start: int, end: int, body: dict[str, Any]) -> list[str]:
    """The lines of one block's body with every attribute that holds an escape re-rendered from ``body``."""
    out: list[str] = []
    seen: dict[str, int] = {}
    cursor = start
    for key, is_block, first, last in list(_entries(lines, start, end)):
        out += lines[cursor:first]
        cursor = last + 1
        value = body.get(key)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        if value is None or not any(True for _ in escaped_strings(value)):
            out += lines[first : last + 1]
            continue
        indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
        if is_block:  # a nested block: one dict, or one of a list of dicts
            blocks = value if isinstance(value, list) else [value]
            if occurrence >= len(blocks) or not isinstance(blocks[occurrence], dict):
                raise HclRepairError(f"block {key!r} #{occurrence + 1} has no JSON counterpart")
            out.append(lines[first])
            out += _repair_body(lines, first + 1, last, blocks[occurrence])
            out.append(lines[last])
        else:  # keep the formatter's alignment of the '='
            aligned = lines[first][: lines[first].index("=", len(indent) + len(key))]
            out.append(f"{aligned}= {hcl_value(value)}")
    out += lines[cursor:end]
    return out


def repair(hcl: str, document: dict[str, Any]) -> str:
    lines = hcl.split("\n")
    for kind, type_name, name, _ in dict.fromkeys((k, t, n, "") for k, t, n, _ in escaped_attributes(document)):
        header = f'{kind} "{type_name}" "{name}" {{'
        try:
            start = next(i for i, line in enumerate(lines) if line.strip() == header)
        except StopIteration:
            raise HclRepairError(f"block {header!r} not found in the HCL output") from None
        end, depth = start, _depth_change(lines[start])
        while depth > 0:
            end += 1
            if end >= len(lines):
                raise HclRepairError(f"block {header!r} is not closed in the HCL output")
            depth += _depth_change(lines[end])
        body = _repair_body(lines, start + 1, end, document[kind][type_name][name])
        lines = lines[: start + 1] + body + lines[end:]
    repaired = "\n".join(lines)
    verify(repaired, document)
    return repaired


def verify(hcl: str, document: dict[str, Any]) -> None:
    """Every escaped string of the JSON, at any depth, is in the HCL as the right literal."""
    for kind in ("resource", "data"):
        for type_name, blocks in document.get(kind, {}).items():
            for name, body in blocks.items():
                for path, value in escaped_strings(body):
                    if hcl_string(value) not in hcl:
                        raise HclRepairError(f"{kind}.{type_name}.{name}.{path} is still wrong in the HCL output")


def repair_stacks(hcl_out: Path, json_out: Path) -> list[Path]:
    """Repair every ``<hcl_out>/stacks/*/cdk.tf`` from the JSON synthesis in ``<json_out>/stacks/*/cdk.tf.json``."""
    repaired = []
    documents = sorted((json_out / STACKS).glob("*/cdk.tf.json"))
    if not documents:
        raise HclRepairError(
            f"no JSON synthesis under {json_out / STACKS}: run `cdktf synth --output {json_out}` first"
        )
    for source in documents:
        path = hcl_out / STACKS / source.parent.name / "cdk.tf"
        if not path.is_file():
            raise HclRepairError(f"{path} is missing: run `cdktf synth --hcl` first")
        path.write_text(repair(path.read_text(), read_document(source)))
        repaired.append(path)
    return repaired
