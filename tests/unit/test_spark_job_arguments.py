"""The verify job's arguments and its DMS secret, without servers: Glue's own arguments ignored by name, anything
else unknown refused (exit 2 naming it), and no secret value in any message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.source.url import parse
from dms_dynamodb.verify.spark.job import JobError, parse_arguments, run, url_from_secret

ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:src-AbC"


def test_glue_pairs_are_read_and_glues_own_arguments_ignored_by_name() -> None:
    args = parse_arguments(
        ["--JOB_ID", "j_1", "--plan", "s3://a/plan.tf.json", "--export=s3://e/x/,s3://e/y/", "--export", "/z",
         "--source-secret-arn", ARN, "--enable-metrics", "", "--extra-py-files", "s3://a/pkg.zip"]
    )  # fmt: skip
    assert args.exports == ["s3://e/x/", "s3://e/y/", "/z"]
    assert args.get("--plan") == "s3://a/plan.tf.json" and args.get("--source-secret-arn") == ARN
    assert args.ignored == ["--JOB_ID", "--enable-metrics", "--extra-py-files"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--plan", "p", "--export", "e", "--mysql-url", "u", "--verbose", "1"], "unknown argument --verbose"),
        (["--export", "e", "--mysql-url", "u"], "--plan is required"),
        (["--plan", "p", "--mysql-url", "u"], "--export is required"),
        (["--plan", "p", "--export", "e"], "give the source once"),
        (["--plan", "p", "--export", "e", "--mysql-url", "u", "--source-secret-arn", ARN], "give the source once"),
        (["--plan", "p", "--export", "e", "--mysql-url", "u", "--ssl-ca", "c"], "--ssl-ca and --database go with"),
        (["--plan", "p", "--export", "e", "--mysql-url", "u", "--skip-checks", "yes"], "--skip-checks takes true"),
        (["--plan", "p", "--export", "e", "--mysql-url"], "--mysql-url has no value"),
        (["plan.json"], "'plan.json' is not a --name"),
    ],
)
def test_arguments_the_job_cannot_use_are_named(argv: list[str], message: str) -> None:
    with pytest.raises(JobError, match=message):
        parse_arguments(argv)


def test_a_bad_argument_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--plan", "p", "--export", "e", "--mysql-url", "u", "--nope", "x"]) == 2
    assert "unknown argument --nope" in capsys.readouterr().err


def test_the_secret_becomes_a_url_with_its_password_encoded_and_the_ca_verifying_the_host() -> None:
    secret = {"host": "db.example.com", "port": 3307, "username": "dms", "password": "p@ss/w#rd:x", "engine": "mysql"}
    url = url_from_secret(secret, ARN, ssl_ca="/tmp/ca dir/ca.pem", database="shop")
    parts = parse(url)
    assert (parts.user, parts.password, parts.host, parts.port, parts.database) == (
        "dms", "p@ss/w#rd:x", "db.example.com", 3307, "shop",
    )  # fmt: skip
    assert (parts.ssl_ca, parts.ssl_mode) == ("/tmp/ca dir/ca.pem", "VERIFY_IDENTITY")


def test_a_secret_missing_a_key_is_named_without_its_values() -> None:
    with pytest.raises(JobError) as raised:
        url_from_secret({"host": "db", "username": "dms", "password": ""}, ARN, ssl_ca=None, database="")
    assert str(raised.value).startswith(f"--source-secret-arn {ARN}: the secret has no password")
    with pytest.raises(JobError, match="its port is not a number") as raised:
        url_from_secret(
            {"host": "db", "username": "dms", "password": "Hunter22", "port": "x"}, ARN, ssl_ca=None, database=""
        )
    assert "Hunter22" not in str(raised.value)


def test_several_exports_in_one_value_split_only_before_s3_so_a_comma_in_a_path_stays() -> None:
    args = parse_arguments(
        ["--plan", "p", "--source-secret-arn", ARN, "--export", "s3://e/a,b/, s3://e/c/", "--export", "/x,y"]
    )
    assert args.exports == ["s3://e/a,b/", "s3://e/c/", "/x,y"]


def test_a_mysql_url_with_a_password_is_refused_naming_the_secret_path() -> None:
    with pytest.raises(JobError, match="--mysql-url carries a password") as raised:
        parse_arguments(["--plan", "p", "--export", "e", "--mysql-url", "mysql://dms:Hunter22@db:3306/shop"])
    assert "--source-secret-arn" in str(raised.value) and "Hunter22" not in str(raised.value)
    without = parse_arguments(["--plan", "p", "--export", "e", "--mysql-url", "mysql://dms@db:3306/shop"])
    assert without.get("--mysql-url") == "mysql://dms@db:3306/shop"


def test_an_ipv6_host_in_the_secret_is_bracketed() -> None:
    secret = {"host": "fd00::5", "port": 3306, "username": "dms", "password": "pw"}
    parts = parse(url_from_secret(secret, ARN, ssl_ca=None, database="shop"))
    assert (parts.host, parts.port, parts.database) == ("fd00::5", 3306, "shop")


def _clean_then(status: int, lines: str) -> Any:
    def verify(argv: list[str]) -> int:  # the command ran and wrote its report
        Path(argv[argv.index("--report") + 1]).write_text(lines)
        return status

    return verify


@pytest.mark.parametrize(("status", "logged"), [(0, True), (1, False)])
def test_a_report_s3_refuses_is_exit_3_and_kept_and_a_clean_one_is_logged(
    status: int,
    logged: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import boto3
    from botocore.stub import Stubber

    plan = tmp_path / "plan.tf.json"
    plan.write_text("{}")
    lines = '{"type": "VERIFIED_AT"}\n' if status == 0 else '{"type": "MISSING_TARGET", "key": {"pk": 1}}\n'
    monkeypatch.setattr("dms_dynamodb.cli.main", _clean_then(status, lines))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "kept"))
    (tmp_path / "kept").mkdir()
    monkeypatch.setattr("tempfile.tempdir", None)  # TMPDIR is read again
    s3 = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    argv = ["--plan", str(plan), "--export", "/e", "--mysql-url", "mysql://u@h/", "--report", "s3://b/r.jsonl"]
    with Stubber(s3) as stub:
        stub.add_client_error("put_object", "AccessDenied", "Access Denied", 403)
        assert run(argv, s3=s3, session=lambda: None) == 3
    captured = capsys.readouterr()
    (kept,) = (tmp_path / "kept").glob("dms-dynamodb-report-*.jsonl")
    assert kept.read_text() == lines and kept.stat().st_mode & 0o777 == 0o600
    verdict = "clean" if status == 0 else "with findings"
    assert (
        f"the report (verify {verdict}) could not be uploaded to s3://b/r.jsonl: AccessDenied: An error occurred "
        f"(AccessDenied) when calling the PutObject operation: Access Denied; it is kept at {kept} on the driver"
    ) in captured.err
    assert (lines in captured.out) is logged


def test_without_spark_master_or_jdbc_jar_the_job_takes_the_submitters_session_and_names_a_missing_driver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.tf.json"
    plan.write_text("{}")
    asked: list[str] = []

    def verify(argv: list[str]) -> int:
        asked.extend(argv)
        return 0

    monkeypatch.setattr("dms_dynamodb.cli.main", verify)

    def no_driver() -> Any:
        raise FileNotFoundError("the JDBC driver org.mariadb.jdbc.Driver is not on the Spark session's classpath")

    argv = ["--plan", str(plan), "--export", "/e", "--mysql-url", "mysql://u@h/"]
    assert run(argv, session=no_driver) == 2
    assert "is not on the Spark session's classpath" in capsys.readouterr().err and asked == []
    # with --spark-master (a run outside a submitter) the command builds its own session: not the submitter's
    assert run([*argv, "--spark-master", "local[2]", "--jdbc-jar", "/j.jar"], session=no_driver) == 0
    assert asked[asked.index("--spark-master") + 1] == "local[2]" and asked[asked.index("--jdbc-jar") + 1] == "/j.jar"


def test_the_jobs_stdout_is_line_buffered_so_the_log_keeps_the_order_of_its_lines(tmp_path: Path) -> None:
    """Glue's stdout is a pipe: block-buffered, a stdout line would reach the log after a later stderr line."""
    import os
    import subprocess
    import sys

    from dms_dynamodb.verify.spark import job
    from tests.timing import seconds

    argv = ["--JOB_NAME", "v", "--plan", str(tmp_path / "absent.json"), "--export", "/e", "--source-secret-arn", ARN]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as Glue runs it: no such variable
    done = subprocess.run(
        [sys.executable, str(job.__file__), *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=seconds(60),
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout.splitlines() == [
        "verify job: Glue's own arguments ignored: --JOB_NAME",
        f"dms-dynamodb verify job: --plan {tmp_path / 'absent.json'}: no such file",
    ]
