"""Repair ``cdktf synth --hcl`` output for strings that carry Terraform escapes.

The CLI's JSON-to-HCL conversion (cdktf 0.21, archived, so no fix is coming) mangles any string
containing an escaped template sequence: ``table_mappings`` with ``$${film_id}`` comes out as
``"{" rules ":[{" ...``, which Terraform would reject. This reads the JSON synthesis of the same
stacks (through the stack reader; no jsii) and rewrites each such attribute as a correct HCL string literal, then verifies every escaped string
of the JSON is present in the HCL, failing loudly if one is not.

    dms-dynamodb hcl-repair cdktf.out --json cdktf.json.out
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mappings.terraform import ESCAPES
from rehearsal.stack import STACKS_DIR, read_document

STACKS = STACKS_DIR.name


class HclRepairError(RuntimeError):
    pass


def hcl_string(value: str) -> str:
    """An HCL quoted string that evaluates like the same Terraform-JSON string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def escaped_attributes(document: dict[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    """(block kind, type, name, attribute) of top-level string attributes holding Terraform escapes."""
    for kind in ("resource", "data"):
        for type_name, blocks in document.get(kind, {}).items():
            for name, body in blocks.items():
                for attr, value in body.items():
                    if isinstance(value, str) and any(e in value for e in ESCAPES):
                        yield kind, type_name, name, attr


def repair(hcl: str, document: dict[str, Any]) -> str:
    lines = hcl.split("\n")
    for kind, type_name, name, attr in escaped_attributes(document):
        header = f'{kind} "{type_name}" "{name}" {{'
        try:
            start = lines.index(header)
        except ValueError:
            raise HclRepairError(f"block {header!r} not found in the HCL output") from None
        pattern = re.compile(rf"^(\s+){re.escape(attr)}(\s*)= ")
        for index in range(start + 1, len(lines)):
            if lines[index] == "}":
                raise HclRepairError(f"attribute {attr!r} not found in {header!r}")
            match = pattern.match(lines[index])
            if match and match.group(1) == "  ":
                lines[index] = (
                    f"{match.group(1)}{attr}{match.group(2)}= {hcl_string(document[kind][type_name][name][attr])}"
                )
                break
    repaired = "\n".join(lines)
    for kind, type_name, name, attr in escaped_attributes(document):
        if hcl_string(document[kind][type_name][name][attr]) not in repaired:
            raise HclRepairError(f"{kind}.{type_name}.{name}.{attr} is still wrong in the HCL output")
    return repaired


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
