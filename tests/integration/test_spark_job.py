"""TLS to the source and the spark-submit / Glue entry point, on real servers: a MariaDB with a CA of the
test's own (openssl), dynalite, local Spark.

A user created ``REQUIRE SSL`` proves a connection that succeeds was encrypted; the wrong CA and a host
name the certificate does not carry (``localhost``: it names 127.0.0.1 only) must fail, for PyMySQL and
for the JDBC driver alike. The job (:mod:`dms_dynamodb.verify.spark.job`) must give the records, report
and exit status of ``verify --export --engine spark`` on the same export, from a plan document holding
only the task and its table, with the source read from a Secrets Manager secret (botocore's Stubber).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dms_dynamodb.cli import main
from dms_dynamodb.dynamodb.client import client
from dms_dynamodb.rehearsal.servers import Dynalite, MariaDB
from dms_dynamodb.rehearsal.synthetic import fill
from dms_dynamodb.source.connection import connect
from mappings.schema import SourceSchema
from tests.conftest import SHOP_DDL, stack_file
from tests.integration.live import loaded_shop
from tests.integration.tls import Certificates, make_certificates
from tests.timing import seconds

pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")
TABLE = "shop-table"
PASSWORD = "Tls#pa:ss/w@rd"  # characters a URL must encode
CIPHER = "(SELECT VARIABLE_VALUE AS v FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER') AS c"


pytestmark = pytest.mark.usefixtures("spark")  # the one Spark session (tests/integration/conftest.py)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[MariaDB, Certificates, Path, str]]:
    """The shop on a TLS MariaDB and dynalite, loaded, one customer's item deleted, exported: the server,
    its certificates, the export folder and the deleted item's key (JSON)."""
    root = tmp_path_factory.mktemp("tls-shop")
    certificates = make_certificates(root / "certs")
    mariadb = MariaDB.start(root / "mariadb", tcp=True, tls=certificates.server)
    dynalite = Dynalite.start()
    try:
        mariadb.execute_file("shop", SHOP_DDL)
        url = mariadb.tcp_url("shop")
        fill(connect(url), SourceSchema.from_ddl(SHOP_DDL.read_text(), name="shop"), 30)
        ddb = client(dynalite.endpoint_url)
        loaded_shop(url, ddb)
        source = connect(url)
        with source.cursor() as cursor:
            cursor.execute("CREATE USER verifier@'%%' IDENTIFIED BY %s REQUIRE SSL", (PASSWORD,))
            cursor.execute("GRANT SELECT, REPLICATION CLIENT, PROCESS ON *.* TO verifier@'%%'", ())
            cursor.execute("SELECT MIN(customer_id) FROM customer")
            (customer,) = cursor.fetchone()
        source.close()
        key = {"pk": {"S": f"CUSTOMER#{customer}"}, "sk": {"S": "#METADATA"}}
        ddb.delete_item(TableName=TABLE, Key=key)
        out = root / "exports"
        assert (
            main(
                [
                    "export",
                    "--stack",
                    str(stack_file("shop")),
                    "--endpoint-url",
                    dynalite.endpoint_url,
                    "--out",
                    str(out),
                ]
            )
            == 0
        )
        yield mariadb, certificates, out / TABLE, json.dumps(key, sort_keys=True)
    finally:
        dynalite.stop()
        mariadb.stop()


def _url(mariadb: MariaDB, query: str, host: str = "127.0.0.1") -> str:
    return f"mysql://verifier:{PASSWORD.replace('#', '%23').replace('/', '%2F').replace('@', '%40')}@{host}:{mariadb.port}/shop?{query}"


def _url_without_password(mariadb: MariaDB, query: str) -> str:
    """What the job takes: the password comes from MYSQL_PWD (a job's arguments are kept in its run history)."""
    return f"mysql://verifier@127.0.0.1:{mariadb.port}/shop?{query}"


def _jdbc_cipher(spark: Any, url: str) -> str:
    from dms_dynamodb.verify.spark.jdbc import jdbc_url

    address, properties = jdbc_url(url)
    # with predicates, as the engine reads (its properties reach the driver differently than without)
    (row,) = spark.read.jdbc(address, CIPHER, predicates=["1 = 1"], properties=properties).collect()
    return str(row.v)


def _pymysql_cipher(url: str) -> str:
    connection = connect(url)
    with connection.cursor() as cursor:
        cursor.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        value = str(cursor.fetchone()[1])
    connection.close()
    return value


def test_pymysql_and_jdbc_connect_over_tls_verifying_the_server_and_refuse_the_wrong_ca_or_name(
    world: tuple[MariaDB, Certificates, Path, str], spark: Any, tmp_path: Path
) -> None:
    from pymysql.err import OperationalError

    mariadb, certificates, _, _ = world
    bundle = tmp_path / "bundle.pem"  # a bundle (as RDS's) whose second certificate is the right one
    bundle.write_text(certificates.wrong_ca.read_text() + certificates.ca.read_text())
    for query in (f"ssl_ca={certificates.ca}", f"ssl_ca={bundle}", "ssl_mode=REQUIRED"):
        assert _pymysql_cipher(_url(mariadb, query)).startswith("TLS"), query
        assert _jdbc_cipher(spark, _url(mariadb, query)).startswith("TLS"), query
    # the certificate names 127.0.0.1, not localhost: refused by name, accepted by VERIFY_CA
    by_name = _url(mariadb, f"ssl_ca={certificates.ca}", host="localhost")
    by_ca = _url(mariadb, f"ssl_ca={certificates.ca}&ssl_mode=VERIFY_CA", host="localhost")
    with pytest.raises(OperationalError, match="Hostname mismatch"):
        connect(by_name)
    assert _pymysql_cipher(by_ca).startswith("TLS") and _jdbc_cipher(spark, by_ca).startswith("TLS")
    for refused in (_url(mariadb, f"ssl_ca={certificates.wrong_ca}"), by_name):
        with pytest.raises(Exception, match=r"FAILED_JDBC\.CONNECTION"):
            _jdbc_cipher(spark, refused)
    with pytest.raises(OperationalError, match="CERTIFICATE_VERIFY_FAILED"):
        connect(_url(mariadb, f"ssl_ca={certificates.wrong_ca}"))


def test_without_tls_options_pymysql_negotiates_tls_but_the_jdbc_read_is_plain_text(
    world: tuple[MariaDB, Certificates, Path, str], spark: Any
) -> None:
    """What README's TLS paragraph warns of: a bare URL is encrypted for PyMySQL (it takes the TLS the server
    offers) and clear text for MariaDB Connector/J (it asks for none by default), so pass ssl_ca."""
    mariadb, _, _, _ = world
    url = mariadb.tcp_url("shop")  # a user without REQUIRE SSL, no ssl_ca / ssl_mode
    assert _pymysql_cipher(url).startswith("TLS")
    assert _jdbc_cipher(spark, url) == ""


def test_verify_with_the_wrong_ca_is_an_unreachable_source_and_never_shows_the_password(
    world: tuple[MariaDB, Certificates, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mariadb, certificates, folder, _ = world
    url = _url(mariadb, f"ssl_ca={certificates.wrong_ca}")
    args = ["verify", "--stack", str(stack_file("shop")), "--mysql-url", url, "--export", str(folder)]
    assert main([*args, "--engine", "spark", "--skip-checks"]) == 2
    err = capsys.readouterr().err
    assert "cannot connect to the source" in err and "CERTIFICATE_VERIFY_FAILED" in err, err
    assert "pa:ss" not in err and "Tls#" not in err and "%23" not in err


def _plan_document(tmp_path: Path) -> Path:
    """The shop stack reduced to what the job reads: the DMS task and the DynamoDB table."""
    stack = json.loads(stack_file("shop").read_text())
    kept = {k: v for k, v in stack["resource"].items() if k in ("aws_dms_replication_task", "aws_dynamodb_table")}
    path = tmp_path / "plan.tf.json"
    path.write_text(json.dumps({"resource": kept}))
    return path


def _records(path: Path) -> list[str]:
    return sorted(json.dumps(json.loads(line), sort_keys=True) for line in path.read_text().splitlines())


def test_the_job_gives_the_commands_records_report_and_exit_from_a_plan_document(
    world: tuple[MariaDB, Certificates, Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dms_dynamodb.verify.spark.job import run

    mariadb, certificates, folder, missing = world
    monkeypatch.setenv("MYSQL_PWD", PASSWORD)
    url = _url_without_password(mariadb, f"ssl_ca={certificates.ca}")
    command = main(
        ["verify", "--stack", str(stack_file("shop")), "--mysql-url", url, "--export", str(folder),
         "--engine", "spark", "--report", str(tmp_path / "command.jsonl")]
    )  # fmt: skip
    glue = ["--JOB_NAME", "verify", "--JOB_RUN_ID", "jr_1", "--TempDir", "s3://tmp/x", "--job-bookmark-option", "b"]
    job = run(
        [*glue, "--plan", str(_plan_document(tmp_path)), "--export", str(folder), "--mysql-url", url,
         "--report", str(tmp_path / "job.jsonl")]
    )  # fmt: skip
    captured = capsys.readouterr()
    out = captured.out
    assert command == job == 1, captured.err
    assert "Glue's own arguments ignored: --JOB_NAME, --JOB_RUN_ID, --TempDir, --job-bookmark-option" in out
    records = _records(tmp_path / "job.jsonl")
    assert records == _records(tmp_path / "command.jsonl")
    assert [(r["type"], json.dumps(r["key"], sort_keys=True)) for r in map(json.loads, records)] == [
        ("MISSING_TARGET", missing)
    ]
    summaries = [line for line in out.splitlines() if line.startswith("verify: expected")]
    assert len(summaries) == 2 and summaries[0] == summaries[1]


def test_the_job_reads_the_source_from_a_dms_secret_with_the_ca_and_uploads_the_report(
    world: tuple[MariaDB, Certificates, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import boto3
    from botocore.stub import Stubber

    from dms_dynamodb.verify.spark.job import run

    mariadb, certificates, folder, missing = world
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dms-source-AbCdEf"
    secret = {"host": "127.0.0.1", "port": mariadb.port, "username": "verifier", "password": PASSWORD}
    secrets = boto3.client("secretsmanager", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x")
    s3 = _S3({("assets", "verify/rds-ca.pem"): certificates.ca.read_bytes()})
    with Stubber(secrets) as stub:
        stub.add_response("get_secret_value", {"SecretString": json.dumps(secret)}, {"SecretId": arn})
        status = run(
            ["--plan", str(_plan_document(tmp_path)), "--export", str(folder), "--source-secret-arn", arn,
             "--ssl-ca", "s3://assets/verify/rds-ca.pem", "--database", "shop", "--report", "s3://reports/run/1.jsonl"],
            s3=s3, secrets=secrets,
        )  # fmt: skip
        stub.assert_no_pending_responses()
    captured = capsys.readouterr()
    assert status == 1, captured.err
    assert "report uploaded to s3://reports/run/1.jsonl" in captured.out
    assert PASSWORD not in captured.out + captured.err and "pa:ss" not in captured.out + captured.err
    uploaded = [json.loads(line) for line in s3.objects["reports", "run/1.jsonl"].decode().splitlines()]
    assert [(r["type"], json.dumps(r["key"], sort_keys=True)) for r in uploaded] == [("MISSING_TARGET", missing)]


def test_spark_submit_runs_the_job_on_the_submitters_master_and_jars(
    world: tuple[MariaDB, Certificates, Path, str], tmp_path: Path
) -> None:
    """The real entry point: ``spark-submit --master local[1] --jars JAR job.py``, in a process where no Spark
    session exists before the job starts (this module's session is in the pytest process, not that one). The
    jar is a copy outside Debian's path: the job must take the submitter's master and jar, not build its own."""
    from dms_dynamodb.verify.spark import job
    from dms_dynamodb.verify.spark.session import MARIADB_JAR

    mariadb, certificates, folder, missing = world
    jar = tmp_path / "driver" / "mariadb-java-client.jar"
    jar.parent.mkdir()
    shutil.copyfile(MARIADB_JAR, jar)
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "MYSQL_PWD": PASSWORD,
    }
    report = tmp_path / "submitted.jsonl"
    done = subprocess.run(
        [str(bin_dir / "spark-submit"), "--master", "local[1]", "--jars", str(jar), "--conf", "spark.ui.enabled=false",
         str(job.__file__), "--plan", str(_plan_document(tmp_path)), "--export", str(folder),
         "--mysql-url", _url_without_password(mariadb, f"ssl_ca={certificates.ca}"), "--report", str(report)],
        env=env, capture_output=True, text=True, timeout=seconds(300), check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-3000:]  # 1: the deleted item, found
    assert f"verify job: the submitter's Spark session: master local[1], jars file://{jar}" in done.stdout, done.stdout
    records = [json.loads(line) for line in report.read_text().splitlines()]
    assert [(r["type"], json.dumps(r["key"], sort_keys=True)) for r in records] == [("MISSING_TARGET", missing)]
    assert PASSWORD not in done.stdout + done.stderr


def test_verify_refuses_a_master_or_jar_the_running_session_does_not_have(
    world: tuple[MariaDB, Certificates, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mariadb, certificates, folder, _ = world
    url = _url(mariadb, f"ssl_ca={certificates.ca}")
    args = ["verify", "--stack", str(stack_file("shop")), "--mysql-url", url, "--export", str(folder), "--engine",
            "spark", "--skip-checks"]  # fmt: skip
    assert main([*args, "--spark-master", "local[3]"]) == 2
    err = capsys.readouterr().err
    assert "--spark-master local[3]: a Spark session is already running on local[2] in this process" in err, err
    other = tmp_path / "other.jar"
    other.write_bytes(b"")
    assert main([*args, "--jdbc-jar", str(other)]) == 2
    err = capsys.readouterr().err
    assert f"--jdbc-jar {other}: the Spark session already running in this process has" in err, err


class _S3:
    """The two S3 calls the job makes, on a dict of (bucket, key) -> bytes."""

    def __init__(self, objects: dict[tuple[str, str], bytes]) -> None:
        self.objects = dict(objects)

    def get_object(self, *, Bucket: str, Key: str) -> dict[str, Any]:
        return {"Body": io.BytesIO(self.objects[Bucket, Key])}

    def put_object(self, *, Bucket: str, Key: str, Body: bytes) -> dict[str, Any]:
        self.objects[Bucket, Key] = Body
        return {}
