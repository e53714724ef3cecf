"""The commands on real servers when a password is awkward, a file holds rows, a server goes away or the user
presses Ctrl-C: no password in any message, files of row data 0600, exit 3 for an incomplete verify, and
exit 130 within seconds with one line. Deadlines are subprocess timeouts or thread joins (no pytest-timeout)."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cdc.checkpoint import Checkpoint, binlog_head
from dms_dynamodb.dynamodb.client import client, create_table
from dms_dynamodb.rehearsal.servers import MariaDB
from dms_dynamodb.source.connection import connect
from dms_dynamodb.stack import read_stack
from dms_dynamodb.verify.full import VerifyIncomplete, verify
from mappings.terraform import escape
from tests import timing
from tests.conftest import ROOT, SHOP_DDL, stack_file
from tests.integration.live import plan_of

SCHEMA = "stops"
#: Every character a URL parser cuts at, between pieces a message must never show.
PASSWORD = "Kq7#Zx9?Vb4/Ty2@Wn5:Pm8"
PIECES = ("Kq7", "Zx9", "Vb4", "Ty2", "Wn5", "Pm8")
BIG = 120_000  # rows: loading them takes well over the half second before Ctrl-C, on a quiet machine too


def _stack(table: str, target: str) -> dict[str, Any]:
    locator = {"schema-name": SCHEMA, "table-name": table}
    key = {
        "target-attribute-name": "pk",
        "attribute-type": "scalar",
        "attribute-sub-type": "string",
        "value": "R#${id}",
    }
    mappings = {
        "rules": [
            {"rule-type": "selection", "rule-id": "1", "rule-name": "s", "rule-action": "include", "object-locator": locator},
            {"rule-type": "object-mapping", "rule-id": "2", "rule-name": "m", "rule-action": "map-record-to-record",
             "object-locator": locator, "target-table-name": target,
             "mapping-parameters": {"partition-key-name": "pk", "attribute-mappings": [key]}},
        ]
    }  # fmt: skip
    task = {"replication_task_id": target, "migration_type": "full-load-and-cdc",
            "table_mappings": escape(json.dumps(mappings))}  # fmt: skip
    definition = {"name": target, "hash_key": "pk", "attribute": [{"name": "pk", "type": "S"}]}
    return {"resource": {"aws_dynamodb_table": {"t": definition}, "aws_dms_replication_task": {"a": task}}}


@pytest.fixture(scope="module")
def source(mariadb: Any) -> str:
    """``stops.big`` (BIG rows), ``stops.small`` (one value DynamoDB refuses), and a user with an awkward password."""
    admin = connect(mariadb.url(""))
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {SCHEMA}")
        cursor.execute(f"CREATE DATABASE {SCHEMA}")
        cursor.execute(f"CREATE TABLE {SCHEMA}.big (id INT PRIMARY KEY, v VARCHAR(40))")
        for start in range(0, BIG, 5000):
            rows = [(n, f"value {n}") for n in range(start, start + 5000)]
            cursor.executemany(f"INSERT INTO {SCHEMA}.big VALUES (%s, %s)", rows)
        cursor.execute(f"CREATE TABLE {SCHEMA}.small (id INT PRIMARY KEY, v DOUBLE)")
        cursor.execute(f"INSERT INTO {SCHEMA}.small VALUES (1, 1e300), (2, 2.5), (3, 7)")
        cursor.execute("DROP USER IF EXISTS 'awkward'@'localhost'")
        cursor.execute("CREATE USER 'awkward'@'localhost' IDENTIFIED BY %s", (PASSWORD,))
        cursor.execute("GRANT ALL PRIVILEGES ON *.* TO 'awkward'@'localhost'")
    admin.close()
    return str(mariadb.url(SCHEMA))


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("stacks")
    paths = {}
    for table in ("big", "small"):
        paths[table] = directory / f"{table}.json"
        paths[table].write_text(json.dumps(_stack(table, f"stops-{table}")))
    return paths


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MYSQL_PWD"}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def _run(
    *arguments: str, env: dict[str, str] | None = None, timeout: float = timing.seconds(60)
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "dms_dynamodb", *arguments]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env or _env())


def _awkward(mariadb: Any, password: str | None = PASSWORD, *, scheme: str = "mysql://") -> str:
    user = "awkward" if password is None else f"awkward:{password}"
    return f"{scheme}{user}@localhost/{SCHEMA}?unix_socket={mariadb.socket}"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------------- secrets


def test_a_password_with_every_character_a_parser_cuts_at_connects_and_is_never_shown(
    source: str, mariadb: Any
) -> None:
    done = _run("preflight", "--mysql-url", _awkward(mariadb))
    assert done.returncode in (0, 1), done.stderr  # findings or none: it connected
    assert f"preflight of mysql://awkward:***@localhost/{SCHEMA}?unix_socket=" in done.stdout
    assert not [p for p in PIECES if p in done.stdout + done.stderr]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("mysql://awkward:Kq7#Zx9?Vb4/Ty2@localhost/stops?unix_socket={socket}", "cannot connect to the source "
         "mysql://awkward:***@localhost/stops?unix_socket={socket}: (1045, \"Access denied for user"),
        ("awkward:Kq7#Zx9?Vb4/Ty2@localhost/stops?unix_socket={socket}", "--mysql-url "
         "awkward:***@localhost/stops?unix_socket={socket} has no scheme"),
    ],
    ids=["wrong-password", "no-scheme"],
)  # fmt: skip
def test_a_failed_connection_or_a_url_without_a_scheme_shows_no_piece_of_the_password(
    url: str, shown: str, source: str, mariadb: Any, stacks: dict[str, Path]
) -> None:
    done = _run("load", "--stack", str(stacks["small"]), "--mysql-url", url.format(socket=mariadb.socket))
    assert done.returncode == 2
    assert done.stderr.startswith(f"dms-dynamodb load: {shown.format(socket=mariadb.socket)}"), done.stderr
    assert len(done.stderr.splitlines()) == 1
    assert not [p for p in PIECES if p in done.stdout + done.stderr]


def test_the_password_can_stay_off_the_command_line(source: str, mariadb: Any, tmp_path: Path) -> None:
    url = _awkward(mariadb, None)
    denied = _run("preflight", "--mysql-url", url)
    assert (
        denied.returncode == 2 and "Access denied for user 'awkward'@'localhost' (using password: NO)" in denied.stderr
    )
    from_env = _run("preflight", "--mysql-url", url, env=_env(MYSQL_PWD=PASSWORD))
    assert from_env.returncode in (0, 1) and "preflight of mysql://awkward@localhost/" in from_env.stdout, (
        from_env.stderr
    )
    options = tmp_path / "my.cnf"
    options.write_text(f'[client]\npassword = "{PASSWORD}"\n')
    options.chmod(0o600)
    from_file = _run("preflight", "--mysql-url", url, "--mysql-defaults-file", str(options))
    assert from_file.returncode in (0, 1), from_file.stderr
    assert not [p for p in PIECES if p in from_env.stdout + from_env.stderr + from_file.stdout + from_file.stderr]


def test_a_url_without_a_user_is_a_usage_error(source: str, mariadb: Any, stacks: dict[str, Path]) -> None:
    done = _run(
        "load", "--stack", str(stacks["small"]), "--mysql-url", f"mysql://localhost/?unix_socket={mariadb.socket}"
    )
    assert done.returncode == 2 and "names no user" in done.stderr and "never fall back to root" in done.stderr


# --------------------------------------------------------------------------------- files of row data


def test_files_of_row_data_are_0600(source: str, dynalite: Any, stacks: dict[str, Path], tmp_path: Path) -> None:
    exceptions, report = tmp_path / "rejected.jsonl", tmp_path / "verify.jsonl"
    report.write_text("an old report, readable by all\n")
    report.chmod(0o644)
    servers = ["--mysql-url", source, "--endpoint-url", dynalite.endpoint_url]
    loaded = _run("load", "--stack", str(stacks["small"]), *servers, "--exceptions", str(exceptions), "--quiet")
    assert loaded.returncode == 1 and "1 rows rejected" in loaded.stdout, loaded.stdout + loaded.stderr
    verified = _run("verify", "--stack", str(stacks["small"]), *servers, "--report", str(report))
    assert verified.returncode == 1, verified.stdout + verified.stderr  # the rejected row is a finding
    assert _mode(exceptions) == _mode(report) == 0o600
    assert [json.loads(line)["type"] for line in report.read_text().splitlines()] == ["REJECTED"]


def test_the_rehearsals_reports_are_0600(tmp_path: Path) -> None:
    report = tmp_path / "rehearsal.jsonl"
    done = _run("rehearse", "--stack", str(stack_file("shop")), "--ddl", str(SHOP_DDL), "--rows", "5", "--quiet",
                "--report", str(report), timeout=timing.seconds(180))  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert _mode(report) == _mode(report.with_suffix(".exceptions.jsonl")) == 0o600


# --------------------------------------------------------------------------------- a server lost mid-run


def test_a_target_that_is_gone_makes_verify_incomplete_exit_3(
    source: str, stacks: dict[str, Path], tmp_path: Path
) -> None:
    report = tmp_path / "verify.jsonl"
    done = _run("verify", "--stack", str(stacks["small"]), "--mysql-url", source, "--endpoint-url",
                "http://127.0.0.1:9", "--report", str(report))  # fmt: skip  # nothing listens on port 9
    assert done.returncode == 3, done.stdout + done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("dms-dynamodb verify: verify is incomplete: the target failed before it was read to the end")
    assert line.endswith("the report ends with an INCOMPLETE record. Run verify again once the target is back")
    (record,) = [json.loads(text) for text in report.read_text().splitlines()]
    assert (record["type"], record["server"]) == ("INCOMPLETE", "target")


@pytest.fixture
def lost_source(tmp_path: Path) -> Iterator[MariaDB]:
    server = MariaDB.start(tmp_path / "mariadb")
    try:
        connection = connect(server.url(""))
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {SCHEMA}")
            cursor.execute(f"CREATE TABLE {SCHEMA}.small (id INT PRIMARY KEY, v DOUBLE)")
            cursor.execute(f"INSERT INTO {SCHEMA}.small VALUES (1, 2.5), (2, 7)")
        connection.close()
        yield server
    finally:
        server.stop()


class Killing:
    """The target, except that the source server is killed when the scan starts (the workers then find it gone)."""

    def __init__(self, inner: Any, server: MariaDB) -> None:
        self.inner, self.server, self.lock = inner, server, threading.Lock()

    def get_paginator(self, name: str) -> Any:
        with self.lock:
            if self.server.process.poll() is None:
                self.server.process.kill()
                self.server.process.wait()
        return self.inner.get_paginator(name)


def test_a_source_lost_mid_run_makes_verify_incomplete_and_stops_the_workers(
    lost_source: MariaDB, dynalite: Any, stacks: dict[str, Path], tmp_path: Path
) -> None:
    url = lost_source.url(SCHEMA)
    plan = plan_of(read_stack(stacks["small"]), url)
    ddb = client(dynalite.endpoint_url)
    create_table(ddb, plan.targets["stops-small"])
    report = tmp_path / "verify.jsonl"
    with report.open("w") as handle, pytest.raises(VerifyIncomplete) as raised:
        verify(url, Killing(ddb, lost_source), plan, report=handle, workers=2)
    assert raised.value.server == "source" and "the source failed before it was read to the end" in str(raised.value)
    assert json.loads(report.read_text().splitlines()[-1])["type"] == "INCOMPLETE"
    assert multiprocessing.active_children() == []


# --------------------------------------------------------------------------------- the consumer stops


class Endless:
    """A target whose parallel scan never ends."""

    def get_paginator(self, _name: str) -> Any:
        class Paginator:
            def paginate(self, **_: Any) -> Iterator[dict[str, Any]]:
                number = 0
                while True:
                    number += 1
                    yield {"Items": [{"pk": {"S": f"R#{number}"}}]}

        return Paginator()


def test_a_verify_whose_consumer_raises_ends_within_seconds_leaving_no_thread_or_process(
    source: str, stacks: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from dms_dynamodb.verify.recheck import key_text

    calls = [0]

    def failing(*args: Any) -> str:
        calls[0] += 1
        if calls[0] > 50:
            raise sqlite3.OperationalError("database or disk is full")
        return key_text(*args)

    # The consumer's side only (it fills SQLite with the pages): the workers are spawned afresh.
    monkeypatch.setattr("dms_dynamodb.verify.sides.key_text", failing)
    plan = plan_of(read_stack(stacks["big"]), source)
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            verify(source, Endless(), plan, workers=2)
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    running = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    running.start()
    running.join(timing.seconds(10))
    assert not running.is_alive(), "verify did not end within 10 s of its consumer failing"
    (error,) = outcome
    assert isinstance(error, sqlite3.OperationalError) and "disk is full" in str(error)  # not a server: as it is
    assert time.monotonic() - started < timing.seconds(10)
    assert [t.name for t in threading.enumerate() if t.name.startswith("dms-scan-")] == []
    assert multiprocessing.active_children() == []


# --------------------------------------------------------------------------------- Ctrl-C


@contextlib.contextmanager
def _started(*arguments: str) -> Iterator[subprocess.Popen[str]]:
    command = [sys.executable, "-m", "dms_dynamodb", *arguments]
    process = subprocess.Popen(command, cwd=ROOT, text=True, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _interrupt(process: subprocess.Popen[str], after: str, wait: float) -> tuple[str, str, float]:
    """Wait for the line ``after`` on stdout (then ``wait`` more seconds), send SIGINT: (stdout, stderr, seconds)."""
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if after in line:
            break
    else:
        raise AssertionError(f"never saw {after!r}: {''.join(seen)}")
    time.sleep(wait)
    assert process.poll() is None, "it finished before Ctrl-C: the test proved nothing"
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=timing.seconds(10))  # a hang fails here
    return "".join(seen) + out, err, time.monotonic() - sent


def test_ctrl_c_stops_the_load_with_one_line(source: str, dynalite: Any, stacks: dict[str, Path]) -> None:
    servers = ["--mysql-url", source, "--endpoint-url", dynalite.endpoint_url]
    with _started("load", "--stack", str(stacks["big"]), *servers, "--quiet") as process:
        _out, err, seconds = _interrupt(process, "target table stops-big", 0.5)
    assert process.returncode == 130 and seconds < timing.seconds(3), (seconds, err)
    (line,) = err.splitlines()
    assert line.startswith("dms-dynamodb load: interrupted: ") and " rows read, at least " in line
    assert line.endswith("Run the load again (it reads every table again; puts are idempotent)")


def test_ctrl_c_stops_verify_with_one_line_and_the_report_says_incomplete(
    source: str, dynalite: Any, stacks: dict[str, Path], tmp_path: Path
) -> None:
    create_table(client(dynalite.endpoint_url), plan_of(read_stack(stacks["big"]), source).targets["stops-big"])
    report = tmp_path / "verify.jsonl"
    servers = ["--mysql-url", source, "--endpoint-url", dynalite.endpoint_url]
    with _started("verify", "--stack", str(stacks["big"]), *servers, "--report", str(report)) as process:
        _out, err, seconds = _interrupt(process, "task stops-big", 0.5)
    assert process.returncode == 130 and seconds < timing.seconds(3), (seconds, err)
    (line,) = err.splitlines()
    assert line.startswith("dms-dynamodb verify: interrupted before verify finished (")
    assert line.endswith("verify changes nothing: run it again")
    assert json.loads(report.read_text().splitlines()[-1]) == {
        "type": "INCOMPLETE", "server": None, "error": "interrupted", "findings_before": 0
    }  # fmt: skip
    assert _mode(report) == 0o600


def test_ctrl_c_stops_cdc_at_an_acknowledged_boundary_with_one_line(
    source: str, dynalite: Any, stacks: dict[str, Path], tmp_path: Path
) -> None:
    ddb = client(dynalite.endpoint_url)
    create_table(ddb, plan_of(read_stack(stacks["big"]), source).targets["stops-big"])
    connection = connect(source)
    start = binlog_head(connection)
    checkpoint = tmp_path / "cdc.json"
    arguments = ["cdc", "--stack", str(stacks["big"]), "--mysql-url", source, "--endpoint-url",
                 dynalite.endpoint_url, "--checkpoint", str(checkpoint), "--start", str(start)]  # fmt: skip
    with _started(*arguments) as process:
        deadline = time.monotonic() + timing.seconds(30)
        while not checkpoint.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {SCHEMA}.big SET v = 'changed' WHERE id < 100")
        head = binlog_head(connection)
        while Checkpoint.load(checkpoint) != head and time.monotonic() < deadline:
            time.sleep(0.1)
        assert Checkpoint.load(checkpoint) == head, "the follower never caught up"
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=timing.seconds(10))
        seconds = time.monotonic() - sent
    connection.close()
    assert process.returncode == 130 and seconds < timing.seconds(3), (seconds, out, err)
    (line,) = [text for text in err.splitlines() if "interrupted" in text]
    assert line == (
        f"dms-dynamodb cdc: interrupted: the follower stopped; the checkpoint {checkpoint} holds {head} (every change "
        f"before it was acknowledged by DynamoDB). Resume with: dms-dynamodb cdc --stack {stacks['big']} "
        f"--mysql-url '{source}' --endpoint-url {dynalite.endpoint_url} --checkpoint {checkpoint}"
    )
    assert Checkpoint.load(checkpoint) == head and _mode(checkpoint) == 0o600
    item = ddb.get_item(TableName="stops-big", Key={"pk": {"S": "R#42"}}, ConsistentRead=True)["Item"]
    assert item["v"] == {"S": "changed"}
