"""Fixtures of the live-source tests: the shop schema on a MariaDB of the module's own, a dynalite per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from dms_dynamodb.dynamodb.client import client
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.rehearsal.synthetic import Generator, fill
from dms_dynamodb.source.connection import connect
from mappings.schema import SourceSchema
from tests.conftest import SHOP_DDL


@pytest.fixture(scope="module")
def live_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Generator]]:
    """A MariaDB of the module's own with the shop schema and 100 synthetic rows per table: its URL, and the
    generator that made them (a workload's changes must not collide with them)."""
    mariadb = MariaDB.start(tmp_path_factory.mktemp("live-shop") / "mariadb")
    try:
        mariadb.execute_file("shop", SHOP_DDL)
        url = mariadb.url("shop")
        generator, _ = fill(connect(url), SourceSchema.from_ddl(SHOP_DDL.read_text(), name="shop"), 100)
        yield url, generator
    finally:
        mariadb.stop()


@pytest.fixture
def target() -> Iterator[Any]:
    """A dynalite of the test's own (a client on it), so a test knows everything the target holds."""
    server = Dynalite.start()
    try:
        yield client(server.endpoint_url)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One Spark session for the test process (local[2]): a second master asked for in one process is refused, so
    every module that runs Spark in process uses this one (``pytestmark = pytest.mark.usefixtures("spark")``);
    the commands' and the job's own ``getOrCreate`` reuse it. A spark-submit test runs in a process of its own."""
    from dms_dynamodb.verify.spark.session import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()
