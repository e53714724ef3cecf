"""``verify --export --engine spark`` as a job: ``spark-submit job.py --plan ... --export ...``, an AWS Glue
job's script, or ``python -m dms_dynamodb.verify.spark.job``.

A cluster has no stack file and no ``--mysql-url`` typed by a person, so the job takes instead:

- ``--plan PATH|s3://...``: the *verify plan document*, a Terraform JSON holding the DMS task
  (``aws_dms_replication_task``) and its target table(s) (``aws_dynamodb_table``), read by the same stack
  reader as every command (the ``ExportVerifyJob`` construct writes it from the stack);
- ``--export PATH|s3://...``: one per target table (Glue passes one value per name: several in one value
  are separated by a comma before each further ``s3://``, so a comma inside a key stays);
- the source: ``--source-secret-arn ARN``, a Secrets Manager secret in DMS's format (``host``, ``port``,
  ``username``, ``password``), read with boto3 when the job runs and never printed, plus ``--ssl-ca
  PATH|s3://...`` (the server is then verified by its name, ``VERIFY_IDENTITY``) and ``--database NAME``;
  or ``--mysql-url URL`` without a password (``MYSQL_PWD`` or ``?defaults_file=`` gives it): a job's
  arguments are kept in Glue's run history, so a URL carrying a password is refused;
- ``--report PATH|s3://...``, ``--settle SECONDS``, ``--skip-checks true``, ``--task ID``;
- ``--spark-master MASTER``, ``--jdbc-jar PATH``: only outside a submitter (``python -m`` on a workstation).
  Without them the job takes the submitter's session (:func:`~dms_dynamodb.verify.spark.session.submitted_session`:
  ``spark-submit --master/--jars``, Glue's conf and ``--extra-jars``), never a ``local[*]`` of its own.

Then it runs the command itself (:func:`dms_dynamodb.cli.main`): the same checks, records, report and
exit code (0 clean, 1 findings, 2 bad input, including a source that cannot be reached when the job
starts, as in the command; 3 incomplete: the source or target lost mid-run, or a report S3 would not take,
which is then kept, see :func:`upload_report`). On Glue a non-zero exit fails the job run, so findings
show as a failed run whose log holds the summary and the report.

Arguments come as ``--name value`` pairs, as Glue passes them. Glue's own (``GLUE_ARGUMENTS``: the job's
identity and the documented "Job parameters used by AWS Glue") are ignored by name; anything else is a
usage error naming it (exit 2).
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

#: What Glue itself passes or reads (AWS Glue developer guide, "Using job parameters in AWS Glue jobs", job
#: parameter reference; ``--JOB_NAME``, ``--JOB_ID``, ``--JOB_RUN_ID`` are the run's identity it adds).
GLUE_ARGUMENTS = frozenset(
    {
        "--JOB_NAME", "--JOB_ID", "--JOB_RUN_ID", "--TempDir", "--additional-python-modules",
        "--auto-scale-within-microbatch", "--class", "--conf", "--continuous-log-conversionPattern",
        "--continuous-log-logGroup", "--continuous-log-logStreamPrefix", "--customer-driver-env-vars",
        "--customer-executor-env-vars", "--datalake-formats", "--disable-proxy-v2", "--enable-auto-scaling",
        "--enable-continuous-cloudwatch-log", "--enable-continuous-log-filter", "--enable-glue-datacatalog",
        "--enable-job-insights", "--enable-lakeformation-fine-grained-access", "--enable-metrics",
        "--enable-observability-metrics", "--enable-rename-algorithm-v2", "--enable-s3-parquet-optimized-committer",
        "--enable-spark-ui", "--encryption-type", "--executor-cores", "--extra-files", "--extra-jars",
        "--extra-py-files", "--job-bookmark-option", "--job-language", "--python-modules-installer-option",
        "--scriptLocation", "--spark-event-logs-path", "--use-postgres-driver", "--user-jars-first",
    }
)  # fmt: skip
#: Several exports in one ``--export`` value (Glue passes one value per name): a comma starts a new one only
#: where ``s3://`` follows it, so a key or a path holding a comma stays whole.
EXPORT_SEPARATOR = re.compile(r",\s*(?=s3://)")
#: The job's own arguments; ``--export`` may repeat.
ARGUMENTS = (
    "--plan", "--export", "--mysql-url", "--source-secret-arn", "--ssl-ca", "--database", "--report",
    "--settle", "--skip-checks", "--task", "--spark-master", "--jdbc-jar",
)  # fmt: skip
USAGE = (
    "usage: job.py --plan PATH|s3://BUCKET/KEY --export PATH|s3://...[,...] "
    "(--mysql-url URL | --source-secret-arn ARN [--ssl-ca PATH|s3://...] [--database NAME]) "
    "[--report PATH|s3://...] [--settle SECONDS] [--skip-checks true] [--task ID] "
    "[--spark-master MASTER --jdbc-jar PATH (outside spark-submit/Glue)]"
)


class JobError(Exception):
    """Bad job arguments or an unusable secret: exit 2, the message names the argument."""


@dataclass
class JobArguments:
    values: dict[str, str] = field(default_factory=dict)
    exports: list[str] = field(default_factory=list)
    #: Glue's own arguments that were given and ignored (named in the log, values not shown).
    ignored: list[str] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        return self.values.get(name)


def parse_arguments(argv: Sequence[str]) -> JobArguments:
    """``--name value`` pairs (``--name=value`` too); Glue's own ignored by name, unknown ones refused."""
    found = JobArguments()
    items = list(argv)
    index = 0
    while index < len(items):
        name, equals, value = items[index].partition("=")
        if not name.startswith("--"):
            raise JobError(f"{items[index]!r} is not a --name: arguments come as --name value pairs. {USAGE}")
        if not equals:
            if index + 1 >= len(items):
                raise JobError(f"{name} has no value. {USAGE}")
            value = items[index + 1]
            index += 1
        index += 1
        if name in GLUE_ARGUMENTS:
            found.ignored.append(name)
        elif name == "--export":
            found.exports += [part.strip() for part in EXPORT_SEPARATOR.split(value) if part.strip()]
        elif name in ARGUMENTS:
            if name in found.values:
                raise JobError(f"{name} is given twice")
            found.values[name] = value
        else:
            raise JobError(f"unknown argument {name} (the job's: {', '.join(ARGUMENTS)}; Glue's own are ignored)")
    if not found.get("--plan"):
        raise JobError(f"--plan is required: the verify plan document (the task and its tables). {USAGE}")
    if not found.exports:
        raise JobError(f"--export is required: one export folder per target table. {USAGE}")
    if bool(found.get("--mysql-url")) == bool(found.get("--source-secret-arn")):
        raise JobError("give the source once: --mysql-url URL or --source-secret-arn ARN")
    if found.get("--mysql-url") and (found.get("--ssl-ca") or found.get("--database")):
        raise JobError("--ssl-ca and --database go with --source-secret-arn; a --mysql-url says them itself")
    skip = found.get("--skip-checks")
    if skip is not None and skip not in ("true", "false"):
        raise JobError(f"--skip-checks takes true or false; got {skip!r}")
    refuse_password_in_url(found.get("--mysql-url"))
    return found


def refuse_password_in_url(url: str | None) -> None:
    """A job's arguments are kept where anyone who can read the job can read them (Glue's run history:
    GetJobRun, the console; ``ps`` on a spark-submit host): a ``--mysql-url`` with its password is refused."""
    if not url:
        return
    from dms_dynamodb.source.url import SourceUrlError, parse

    try:
        password = parse(url).password
    except SourceUrlError as exc:  # its message shows the URL redacted
        raise JobError(str(exc)) from None
    if password:
        raise JobError(
            "--mysql-url carries a password, and a job's arguments are kept in Glue's run history (GetJobRun, "
            "the console) and shown by ps: give --source-secret-arn ARN (the source's DMS secret), or a URL "
            "without the password and the password in MYSQL_PWD or ?defaults_file=PATH"
        )


# ------------------------------------------------------------------------------------------ files


def split_s3(uri: str) -> tuple[str, str]:
    bucket, _, key = uri[len("s3://") :].partition("/")
    if not bucket or not key:
        raise JobError(f"{uri} is not s3://BUCKET/KEY")
    return bucket, key


def fetch(location: str, into: Path, s3: Callable[[], Any], what: str) -> Path:
    """A local copy of ``location`` (a path is used where it is; an ``s3://`` object is downloaded, 0600)."""
    if not location.startswith("s3://"):
        if not Path(location).is_file():
            raise JobError(f"{what} {location}: no such file")
        return Path(location)
    bucket, key = split_s3(location)
    try:
        body = s3().get_object(Bucket=bucket, Key=key)["Body"].read()
    except Exception as exc:  # botocore's ClientError and friends: named, exit 2 (a wrong location)
        raise JobError(f"{what} {location}: cannot read it: {exc}") from None
    into.touch(mode=0o600)
    into.write_bytes(body)
    return into


# ----------------------------------------------------------------------------------------- source


def url_from_secret(secret: dict[str, Any], arn: str, *, ssl_ca: str | None, database: str) -> str:
    """A ``mysql://`` URL from a DMS-format secret; :class:`JobError` naming the missing key (never a value)."""
    missing = [k for k in ("host", "username", "password") if not isinstance(secret.get(k), str) or not secret[k]]
    if missing:
        raise JobError(
            f"--source-secret-arn {arn}: the secret has no {', '.join(missing)} (DMS's format: a JSON object with "
            "host, port, username, password)"
        )
    port = secret.get("port", 3306)
    if not str(port).isdigit():
        raise JobError(f"--source-secret-arn {arn}: its port is not a number")
    host = str(secret["host"])
    host = f"[{host}]" if ":" in host else quote(host, safe="")  # an IPv6 literal is bracketed, as a URL writes it
    url = f"mysql://{quote(secret['username'], safe='')}:{quote(secret['password'], safe='')}@{host}:{port}/"
    url += quote(database, safe="")
    return f"{url}?ssl_ca={quote(ssl_ca, safe='/')}" if ssl_ca else url


def read_secret(arn: str, secrets: Any) -> dict[str, Any]:
    try:
        text = secrets.get_secret_value(SecretId=arn)["SecretString"]
    except KeyError:
        raise JobError(f"--source-secret-arn {arn}: the secret is binary; DMS's format is a JSON string") from None
    except Exception as exc:  # the call failed: its error names no secret value
        raise JobError(f"--source-secret-arn {arn}: cannot read it: {type(exc).__name__}: {exc}") from None
    try:
        found = json.loads(text)
    except ValueError:
        raise JobError(f"--source-secret-arn {arn}: the secret is not JSON (DMS's format: host, port, ...)") from None
    if not isinstance(found, dict):
        raise JobError(f"--source-secret-arn {arn}: the secret is not a JSON object")
    return found


# ------------------------------------------------------------------------------------------- main


def run(argv: Sequence[str], *, s3: Any = None, secrets: Any = None, session: Callable[[], Any] | None = None) -> int:
    """The job: its exit status (``s3``, ``secrets``: boto3 clients, made when first needed if not given;
    ``session``: the submitter's Spark session, :func:`~dms_dynamodb.verify.spark.session.submitted_session`)."""
    from dms_dynamodb.cli import main as cli_main

    make_session = session or _submitted_session

    def client(name: str, given: Any) -> Callable[[], Any]:
        made: list[Any] = [given]

        def get() -> Any:
            if made[0] is None:
                import boto3

                made[0] = boto3.client(name)
            return made[0]

        return get

    s3_client, secrets_client = client("s3", s3), client("secretsmanager", secrets)
    try:
        args = parse_arguments(argv)
    except JobError as exc:
        print(f"dms-dynamodb verify job: {exc}", file=sys.stderr)
        return 2
    if args.ignored:
        print(f"verify job: Glue's own arguments ignored: {', '.join(args.ignored)}")
    with tempfile.TemporaryDirectory(prefix="dms-dynamodb-job-") as scratch:  # 0700
        work = Path(scratch)
        try:
            plan = fetch(str(args.get("--plan")), work / "plan.tf.json", s3_client, "--plan")
            url = args.get("--mysql-url")
            if url is None:
                arn = str(args.get("--source-secret-arn"))
                ca = args.get("--ssl-ca")
                ca_path = str(fetch(ca, work / "ca.pem", s3_client, "--ssl-ca")) if ca else None
                secret = read_secret(arn, secrets_client())
                url = url_from_secret(secret, arn, ssl_ca=ca_path, database=args.get("--database") or "")
        except JobError as exc:
            print(f"dms-dynamodb verify job: {exc}", file=sys.stderr)
            return 2
        report = args.get("--report")
        local_report = str(work / "report.jsonl") if report and report.startswith("s3://") else report
        command = ["verify", "--stack", str(plan), "--mysql-url", url, "--engine", "spark"]
        for path in args.exports:
            command += ["--export", path]
        for name in ("--task", "--settle", "--spark-master", "--jdbc-jar"):
            if args.get(name):
                command += [name, str(args.get(name))]
        if local_report:
            command += ["--report", local_report]
        if args.get("--skip-checks") == "true":
            command.append("--skip-checks")
        if not (args.get("--spark-master") or args.get("--jdbc-jar")):
            try:  # the submitter's session (spark-submit, Glue): built before the command, which then uses it
                spark = make_session()
            except FileNotFoundError as exc:
                print(f"dms-dynamodb verify job: {exc}", file=sys.stderr)
                return 2
            if spark is not None:
                context = spark.sparkContext
                jars = context.getConf().get("spark.jars", "") or "none"
                print(f"verify job: the submitter's Spark session: master {context.master}, jars {jars}")
        status = cli_main(command)
        if report and local_report and report != local_report and Path(local_report).exists():
            return upload_report(Path(local_report), report, s3_client, status)
        return status


def _submitted_session() -> Any:
    from dms_dynamodb.verify.spark.session import submitted_session

    return submitted_session()


def upload_report(local: Path, report: str, s3: Callable[[], Any], status: int) -> int:
    """Upload the report; when S3 refuses it, keep it and exit 3 (the report could not be written), not 1.

    The scratch folder goes with the job, so the report is first copied to a file of its own (0600) in the
    system's temporary folder, which outlives the process on a host that stays (spark-submit's driver
    node); on Glue the worker's disk does not, so a clean report (one ``VERIFIED_AT`` line, no row of data)
    is also printed into the job's log. A report with findings holds rows of data: it is not logged.
    """
    bucket, key = split_s3(report)
    try:
        s3().put_object(Bucket=bucket, Key=key, Body=local.read_bytes())
    except Exception as exc:  # botocore's ClientError (AccessDenied, NoSuchBucket, KMS) or a connection error
        handle, kept = tempfile.mkstemp(prefix="dms-dynamodb-report-", suffix=".jsonl")  # 0600
        with os.fdopen(handle, "wb") as copy:
            copy.write(local.read_bytes())
        verdict = {0: "clean", 1: "with findings"}.get(status, f"exit {status}")
        print(
            f"dms-dynamodb verify job: the report (verify {verdict}) could not be uploaded to {report}: "
            f"{type(exc).__name__}: {exc}; it is kept at {kept} on the driver",
            file=sys.stderr,
        )
        if status == 0:
            print(f"the clean report, not uploaded to {report} (kept here, in the job's log):")
            print(local.read_text(), end="", flush=True)
        return 3
    print(f"report uploaded to {report}")
    return status


def main() -> None:  # pragma: no cover - the process entry point
    # Glue's stdout is a pipe (block-buffered): the summary and the starting point must reach the log line by
    # line, in order with stderr, and survive a run killed at its timeout. (PYTHONUNBUFFERED is read at start-up:
    # setting it here would change nothing.)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":  # pragma: no cover
    main()
