"""Preflight of a live MySQL source: what DMS needs for a full load and CDC, checked before the first task.

Sources (CHAP_Source.MySQL, "Using a MySQL-compatible database as a source" and its self-managed
and AWS-managed prerequisites):
- binary logging on (``log_bin``), ``binlog_format=ROW``, ``binlog_row_image=FULL``, a ``server_id``;
- binlogs kept long enough for DMS to read them: on RDS/Aurora
  ``CALL mysql.rds_set_configuration('binlog retention hours', 24)``; the DMS guide uses 24 hours,
  which is also our threshold: a task that stops on a Friday evening and is resumed within a day
  still finds its position;
- the DMS user's grants: ``REPLICATION CLIENT``, ``REPLICATION SLAVE`` (global) and ``SELECT`` on the
  migrated schemas;
- a primary or unique key on every migrated table: without one, DMS cannot apply updates and
  deletes to DynamoDB (it cannot find the item).

Every finding names the fix: the parameter, the ``CALL``, the ``GRANT``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dms_dynamodb.binlog.advice import PREVENT_OVERRIDES
from dms_dynamodb.source.cascades import Cascade
from dms_dynamodb.source.rows import schemas_on_server
from dms_dynamodb.source.schema_reader import read_schema
from dms_dynamodb.stack import StackTask
from mappings.document.enums import MigrationType
from mappings.resolver import NearMissKind, Resolution, resolve, schemas_named
from mappings.schema import SourceSchema

RETENTION_HOURS = 24


class Status(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    OK = "ok"


@dataclass(frozen=True)
class Finding:
    status: Status
    check: str
    message: str
    fix: str = ""

    def render(self) -> str:
        fix = f"\n    fix: {self.fix}" if self.fix else ""
        return f"{self.status.value:7} {self.check}: {self.message}{fix}"


def _variables(connection: Any, names: Sequence[str]) -> dict[str, str | None]:
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(names))
        cursor.execute(f"SHOW GLOBAL VARIABLES WHERE Variable_name IN ({placeholders})", tuple(names))
        found = {str(name).lower(): None if value is None else str(value) for name, value in cursor.fetchall()}
    return {name: found.get(name) for name in names}


def binlog_findings(connection: Any, *, managed: bool) -> list[Finding]:
    """Binary logging as DMS CDC needs it."""
    names = ["log_bin", "binlog_format", "binlog_row_image", "server_id"]
    values = _variables(connection, names)
    where = "the DB (cluster) parameter group, then reboot" if managed else "my.cnf ([mysqld]), then restart the server"
    findings = []
    if (values["log_bin"] or "").upper() not in ("ON", "1"):
        fix = (
            "turn on automated backups (backup retention of 1 day or more): RDS writes binlogs only then"
            if managed
            else "set log_bin (e.g. log_bin=mysql-bin) in my.cnf and restart the server"
        )
        findings.append(Finding(Status.ERROR, "log_bin", f"binary logging is off (log_bin={values['log_bin']})", fix))
    else:
        findings.append(Finding(Status.OK, "log_bin", "binary logging is on"))
    for name, wanted in (("binlog_format", "ROW"), ("binlog_row_image", "FULL")):
        value = values[name]
        if (value or "").upper() != wanted:
            findings.append(
                Finding(
                    Status.ERROR,
                    name,
                    f"{name} is {value}; DMS CDC needs {wanted}",
                    f"set {name}={wanted} in {where} (SET GLOBAL {name} = '{wanted}' lasts until the next restart)",
                )
            )
        else:
            findings.append(Finding(Status.OK, name, f"{name} is {wanted}"))
    if values["server_id"] in (None, "0"):
        findings.append(
            Finding(
                Status.ERROR,
                "server_id",
                "server_id is 0 or unset; a server with binary logging needs one",
                f"set server_id (any number other than 0) in {where}",
            )
        )
    else:
        findings.append(Finding(Status.OK, "server_id", f"server_id is {values['server_id']}"))
    return findings


def retention_findings(connection: Any) -> list[Finding]:
    """How long the server keeps binlogs: RDS's 'binlog retention hours', else the expiry variables."""
    rds = _rds_retention(connection)
    call = f"CALL mysql.rds_set_configuration('binlog retention hours', {RETENTION_HOURS});"
    if rds is not None:
        configured, hours = rds
        if not configured:
            return [
                Finding(
                    Status.ERROR,
                    "binlog retention",
                    "RDS 'binlog retention hours' is NULL: RDS purges binlogs as soon as it can, before DMS reads them",
                    call,
                )
            ]
        if hours < RETENTION_HOURS:
            return [
                Finding(
                    Status.ERROR,
                    "binlog retention",
                    f"RDS keeps binlogs {hours} hours; keep them at least {RETENTION_HOURS}",
                    call,
                )
            ]
        return [Finding(Status.OK, "binlog retention", f"RDS keeps binlogs {hours} hours")]
    values = _variables(connection, ["binlog_expire_logs_seconds", "expire_logs_days"])
    seconds = int(float(values["binlog_expire_logs_seconds"] or 0))
    days = float(values["expire_logs_days"] or 0)
    keep = seconds / 3600 if seconds else days * 24
    fix = f"SET PERSIST binlog_expire_logs_seconds = {RETENTION_HOURS * 3600}; (MySQL 8) or binlog_expire_logs_seconds/expire_logs_days in my.cnf"
    if keep == 0:
        return [Finding(Status.OK, "binlog retention", "binlogs never expire (purge them once DMS has read them)")]
    if keep < RETENTION_HOURS:
        return [
            Finding(
                Status.ERROR,
                "binlog retention",
                f"binlogs expire after {keep:g} hours; keep them at least {RETENTION_HOURS}",
                fix,
            )
        ]
    return [Finding(Status.OK, "binlog retention", f"binlogs are kept {keep:g} hours")]


def _rds_retention(connection: Any) -> tuple[bool, int] | None:
    """(configured, hours) on RDS/Aurora MySQL; None on other servers (no mysql.rds_configuration)."""
    import pymysql

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM mysql.rds_configuration WHERE name = 'binlog retention hours'")
            row = cursor.fetchone()
    except pymysql.MySQLError:
        return None
    value = row[0] if row else None
    return (value is not None, int(value or 0))


_GRANT = re.compile(r"^GRANT (?P<privileges>.+?) ON (?P<on>\S+) TO ", re.IGNORECASE)


def _grants(connection: Any) -> dict[str, set[str]]:
    """Privileges of the connected user by object (``*.*``, ```db`.*``), upper-case."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW GRANTS FOR CURRENT_USER()")
        lines = [str(row[0]) for row in cursor.fetchall()]
    grants: dict[str, set[str]] = {}
    for line in lines:
        match = _GRANT.match(line)
        if match is None:
            continue
        target = match.group("on").replace("`", "")
        privileges = {p.strip().upper() for p in match.group("privileges").split(",")}
        grants.setdefault(target, set()).update(privileges)
    return grants


def grant_findings(connection: Any, schemas: Sequence[str]) -> list[Finding]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT CURRENT_USER()")
        (user,) = cursor.fetchone()
    name, _, host = str(user).partition("@")
    account = f"'{name}'@'{host}'"
    grants = _grants(connection)
    everything = grants.get("*.*", set())
    findings = []
    needed = {
        "REPLICATION CLIENT": {"REPLICATION CLIENT", "BINLOG MONITOR"},  # MariaDB 10.5+ shows BINLOG MONITOR
        "REPLICATION SLAVE": {"REPLICATION SLAVE", "REPLICATION REPLICA"},
    }
    for privilege, spellings in needed.items():
        if "ALL PRIVILEGES" in everything or everything & spellings:
            findings.append(Finding(Status.OK, "grants", f"{account} has {privilege}"))
        else:
            findings.append(
                Finding(
                    Status.ERROR,
                    "grants",
                    f"{account} lacks {privilege} (needed for CDC)",
                    f"GRANT {privilege} ON *.* TO {account};",
                )
            )
    for schema in schemas:
        on_schema = grants.get(f"{schema}.*", set())
        if {"SELECT", "ALL PRIVILEGES"} & (everything | on_schema):
            findings.append(Finding(Status.OK, "grants", f"{account} may SELECT in {schema}"))
        else:
            findings.append(
                Finding(
                    Status.ERROR,
                    "grants",
                    f"{account} cannot SELECT in {schema} (full load)",
                    f"GRANT SELECT ON `{schema}`.* TO {account};",
                )
            )
    return findings


def key_findings(schema: SourceSchema, tables: Sequence[str], *, cdc: bool) -> list[Finding]:
    findings = []
    for name in tables:
        table = schema.tables[name]
        if table.is_view or table.primary_key or table.unique_keys:
            continue
        status = Status.ERROR if cdc else Status.WARNING
        findings.append(
            Finding(
                status,
                "keys",
                f"{schema.name}.{name} has no primary key or unique key: DMS cannot apply its updates and deletes "
                "to DynamoDB (it cannot find the item)",
                f"ALTER TABLE `{schema.name}`.`{name}` ADD PRIMARY KEY (...); or leave it out of the task",
            )
        )
    return findings


def mapped_table_findings(task: StackTask, resolution: Resolution, schemas: Sequence[SourceSchema]) -> list[Finding]:
    """Every locator of the task matches a table, as the source spells it (the resolver's near misses)."""
    findings = []
    present = "; ".join(f"{s.name}: {', '.join(sorted(s.tables)) or 'no tables'}" for s in schemas)
    for miss in resolution.near_misses:
        if miss.kind is NearMissKind.CASE_MISMATCH:
            findings.append(
                Finding(Status.WARNING, "mapped tables", f"{miss.kind.value}: {miss.message}", "correct the locator")
            )
        else:
            findings.append(
                Finding(
                    Status.ERROR,
                    "mapped tables",
                    f"{miss.rule.label} matches no table of the source ({present or 'none of its schemas exist'})",
                    "create the table, or correct the locator in the stack",
                )
            )
    if not findings:
        findings.append(Finding(Status.OK, "mapped tables", f"every table task {task.task_id} names exists"))
    return findings


def row_metadata_finding(connection: Any) -> Finding:
    """``binlog_row_metadata`` must be FULL (MySQL 8's default is MINIMAL): column names are in the binlog then."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW GLOBAL VARIABLES LIKE 'binlog_row_metadata'")
        row = cursor.fetchone()
    if row is None:
        return Finding(
            Status.ERROR,
            "binlog_row_metadata",
            "the server has no binlog_row_metadata (MySQL before 8.0.14, MariaDB before 10.5): the binlog does not "
            "name a row's columns, so cdc and verify --since cannot read it",
            "upgrade the source, or rehearse CDC on a server that has it",
        )
    value = str(row[1]).upper()
    if value != "FULL":
        return Finding(
            Status.ERROR,
            "binlog_row_metadata",
            f"binlog_row_metadata is {value}; the row events written now do not name their columns (MySQL 8's "
            "default is MINIMAL), and cdc and verify --since stop on each of them",
            "set binlog_row_metadata=FULL in the parameter group or my.cnf (SET GLOBAL binlog_row_metadata = 'FULL' "
            "lasts until the next restart)",
        )
    return Finding(Status.OK, "binlog_row_metadata", "binlog_row_metadata is FULL")


def session_override_finding() -> Finding:
    """Sessions may change binlog_format and binlog_row_image for themselves: the globals are not the whole story."""
    return Finding(  # said every time: nothing global rules it out, and the fix is the accounts' privileges
        Status.OK,
        "session binlog settings",
        "a session can SET SESSION binlog_format (STATEMENT, MIXED) or binlog_row_image (MINIMAL, NOBLOB): DMS then "
        "misses or mangles its changes; cdc and verify --since stop on them, naming the event",
        PREVENT_OVERRIDES,
    )


def cascade_findings(cascades: Iterable[Cascade], migrated: Iterable[tuple[str, str]]) -> list[Finding]:
    """A cascading foreign key into a migrated table: its child changes are not in the binlog."""
    wanted = set(migrated)
    found = []
    for cascade in cascades:
        if cascade.child not in wanted:
            continue
        actions = [f"ON {k} {a}" for k, a in (("DELETE", cascade.on_delete), ("UPDATE", cascade.on_update))]
        found.append(
            Finding(
                Status.WARNING,
                "cascade",
                f"constraint {cascade.name} ({', '.join(actions)}) changes rows of the migrated table "
                f"{'.'.join(cascade.child)} when {'.'.join(cascade.parent)} changes; those changes are not in the "
                'binlog, and DMS does not capture them ("Limitations on using a MySQL database as a source for AWS '
                'DMS"). cdc records each such parent change as an apply exception, verify --since names it',
                "delete or update child rows explicitly before the parent (and drop the cascade), or verify the child "
                "table in full after parent deletes",
            )
        )
    return found


def preflight(connection: Any, *, task: StackTask | None, database: str) -> list[Finding]:
    """All checks; ``task`` (from ``--stack``) narrows them to what the task migrates."""
    from dms_dynamodb.source.cascades import read_cascades

    managed = _rds_retention(connection) is not None
    findings = [*binlog_findings(connection, managed=managed), row_metadata_finding(connection)]
    findings += [session_override_finding(), *retention_findings(connection)]
    if task is not None:
        available = schemas_on_server(connection)
        schemas = [read_schema(connection, n) for n in schemas_named(task.table_mappings.rules, available)]
        resolution = resolve(task.table_mappings.rules, schemas)
        findings += mapped_table_findings(task, resolution, schemas)
        names = sorted(s.name for s in schemas)
        findings += grant_findings(connection, names or [n for n in task.schema_names if "%" not in n])
        cdc = task.migration_type is not MigrationType.FULL_LOAD
        for schema in schemas:
            tables = [r.table.name for r in resolution.included if r.schema == schema.name]
            findings += key_findings(schema, tables, cdc=cdc)
        migrated = [r.key for r in resolution.included]
        findings += cascade_findings(read_cascades(connection, names), migrated) if cdc else []
    else:
        if not database:
            findings.append(
                Finding(
                    Status.WARNING,
                    "scope",
                    "no database in the URL and no --stack: grants and keys are not checked",
                    "add /DATABASE to --mysql-url, or pass --stack",
                )
            )
            return findings
        schema = read_schema(connection, database)
        findings += grant_findings(connection, [database])
        findings += cascade_findings(read_cascades(connection, [database]), [(database, t) for t in schema.tables])
        findings += key_findings(schema, sorted(schema.tables), cdc=False)
    return findings
