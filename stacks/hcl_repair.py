"""Repair ``cdktf synth --hcl`` output for strings that carry Terraform escapes.

The CLI's JSON-to-HCL conversion (cdktf 0.21, archived, so no fix is coming) mangles any string
containing an escaped template sequence: ``table_mappings`` with ``$${film_id}`` comes out as
``"{" rules ":[{" ...``, which Terraform would reject. This re-synthesizes the JSON in-process and
rewrites each such attribute as a correct HCL string literal, then verifies every escaped string
of the JSON is present in the HCL, failing loudly if one is not.

    python -m stacks.hcl_repair cdktf.out
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ESCAPES = ("$${", "%%{")


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


def synthesize_json(outdir: Path) -> dict[str, dict[str, Any]]:
    """Synthesize every stack's JSON into ``outdir`` (in-process) and return it by stack name."""
    from cdktf import App

    from stacks.registry import build_app

    app = App(outdir=str(outdir))
    build_app(app)
    app.synth()
    return {p.parent.name: json.loads(p.read_text()) for p in (outdir / "stacks").glob("*/cdk.tf.json")}


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "cdktf.out")
    with tempfile.TemporaryDirectory() as tmp:
        documents = synthesize_json(Path(tmp))
    for stack, document in sorted(documents.items()):
        path = out / "stacks" / stack / "cdk.tf"
        if not path.is_file():
            raise HclRepairError(f"{path} is missing: run `cdktf synth --hcl` first")
        path.write_text(repair(path.read_text(), document))
        print(f"repaired {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
