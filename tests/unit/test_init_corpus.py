"""``init``'s draft and its design module on real-world DDL (the shared corpus): no check error, formatter-stable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dms_dynamodb.init.names import StackNames
from dms_dynamodb.init.render import render_design
from mappings.design.draft import draft_design
from mappings.schema import SourceSchema
from mappings.validation.schema_checks import check_against_schema
from tests.conftest import DDL_CORPUS, ROOT

FILES = sorted(p.name for p in DDL_CORPUS.glob("*.sql") if not p.name.endswith(".mysqldump.sql"))


@pytest.mark.shared
@pytest.mark.parametrize("name", FILES)
def test_the_draft_of_a_real_schema_checks_clean_and_renders_as_ruff_formats_it(name: str) -> None:
    schema = SourceSchema.from_ddl((DDL_CORPUS / name).read_text(), name="db")
    draft = draft_design(schema, table_name="corpus-table")
    design = draft.design  # a valid TableDesign: no duplicate entity, GSIs within DynamoDB's limit
    assert len(draft.entities) + len(draft.excluded) == sum(not t.is_view for t in schema.tables.values())
    errors = [i for i in check_against_schema(design.table_mappings("db"), schema, design=design) if i.is_error]
    assert errors == []
    source = render_design(draft, StackNames.parse("corpus"), ddl=name)
    compile(source, "corpus_design.py", "exec")
    formatted = subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "format", "--config", str(ROOT / "pyproject.toml"),
         "--stdin-filename", "corpus_design.py", "-"],
        input=source, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert formatted == source
