"""Shared fixtures: where the read-only shared/ folder is, and the article's own mappings."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DMS_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "dms-table-mappings"
#: Real-world MySQL/MariaDB DDL with MariaDB's information_schema picture of each file (the DDL reader's oracle).
DDL_CORPUS = SHARED / "corpus" / "mysql-ddl"
ARTICLE = SHARED / "seed" / "mysql-to-dynamodb-with-dms.txt"
#: The committed JSON snapshots of the example stacks: the tool half's tests read stacks from these
#: files (what `cdktf synth` writes, kept equal to it by the snapshot tests), so they need no jsii.
SNAPSHOTS = ROOT / "tests" / "snapshots" / "__snapshots__" / "test_stack_snapshots"
SAKILA_DDL = ROOT / "stacks" / "sql" / "sakila-schema.sql"
SAKILA_SCHEMA = "yourdb"
SHOP_DDL = ROOT / "stacks" / "sql" / "shop-schema.sql"


def stack_file(name: str) -> Path:
    """The synthesized Terraform JSON of an example stack."""
    return SNAPSHOTS / f"test_stack_json_snapshot[{name}].json"


def article_table_mappings() -> dict[str, Any]:
    """The ``tableMappings`` object literal of the article, read from its text and turned into JSON."""
    text = ARTICLE.read_text()
    start = text.index("JSON.stringify(") + len("JSON.stringify(")
    end = text.index("});", start) + 1
    literal = text[start:end].replace("'", '"')
    literal = re.sub(r",(\s*[}\]])", r"\1", literal)  # JavaScript allows trailing commas, JSON does not
    literal = re.sub(r"([{,]\s*)(rules)(\s*:)", r'\1"\2"\3', literal)  # the one unquoted key
    return json.loads(literal)  # type: ignore[no-any-return]


NEEDS_SHARED = {"corpus_dir", "article_mappings"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without ../shared (a clone from the public home), deselect what needs it, and say so once."""
    if CORPUS.is_dir() and DDL_CORPUS.is_dir() and ARTICLE.is_file():
        return
    needs = [i for i in items if i.get_closest_marker("shared") or NEEDS_SHARED & set(getattr(i, "fixturenames", ()))]
    if needs:
        config.hook.pytest_deselected(items=needs)
        items[:] = [i for i in items if i not in needs]
        config.stash[_DESELECTED] = len(needs)


_DESELECTED = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    count = config.stash.get(_DESELECTED, 0)
    if count:
        terminalreporter.write_line(
            f"deselected {count} tests that need {SHARED} (the table-mapping and DDL corpora, the article's text), "
            "which is not beside this clone; CI always has it (set DMS_SHARED_DIR to point elsewhere)"
        )


@pytest.fixture(scope="session")
def article_mappings() -> dict[str, Any]:
    return article_table_mappings()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing at {CORPUS}; set DMS_SHARED_DIR")
    return CORPUS


@pytest.fixture(scope="session")
def stack_docs() -> dict[str, dict[str, Any]]:
    """Every example stack synthesized once per session (jsii loads only for tests that ask)."""
    from cdktf import Testing as TfTesting

    from stacks.config import StackConfig
    from stacks.registry import STACKS
    from tests.synth import synth

    return {name: synth(factory(TfTesting.app(), StackConfig())) for name, factory in STACKS.items()}


@pytest.fixture(scope="session")
def sakila(stack_docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return stack_docs["sakila"]


@pytest.fixture(scope="session")
def mariadb(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A private MariaDB server for the whole session, stopped by its pid at the end."""
    from dms_dynamodb.rehearsal.servers import MariaDB

    server = MariaDB.start(tmp_path_factory.mktemp("mariadb"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def dynalite() -> Any:
    """A local DynamoDB (dynalite, in memory) for the whole session, stopped by its pid at the end."""
    from dms_dynamodb.rehearsal.servers import Dynalite

    server = Dynalite.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def shop_db(mariadb: Any) -> str:
    """The shop schema with 200 synthetic rows per table in the session's MariaDB; returns its URL."""
    from dms_dynamodb.rehearsal.synthetic import fill
    from dms_dynamodb.source.connection import connect
    from mappings.schema import SourceSchema

    mariadb.execute_file("shop", SHOP_DDL)
    url: str = mariadb.url("shop")
    connection = connect(url)
    fill(connection, SourceSchema.from_ddl(SHOP_DDL.read_text(), name="shop"), 200)
    connection.close()
    return url


@pytest.fixture(scope="session")
def sakila_db(mariadb: Any) -> str:
    """The Sakila schema and generated data in the session's MariaDB; returns its URL."""
    from dms_dynamodb.source.connection import connect
    from stacks.sakila_data import generate, load

    mariadb.execute_file(SAKILA_SCHEMA, SAKILA_DDL)
    url: str = mariadb.url(SAKILA_SCHEMA)
    connection = connect(url)
    load(connection, generate())
    connection.close()
    return url
