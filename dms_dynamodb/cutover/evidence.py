"""The gate's starting evidence: the report of a clean full verify, and the position P0 it verified at.

``verify --report FILE`` ends a clean report with one ``VERIFIED_AT`` record (the position read
before the source was, the task, its tables, whether it was a full verify). ``cutover --since FILE``
reads it back and refuses, as a usage error naming why, a report that is not clean (a finding), not
complete (an ``INCOMPLETE`` record, or no ``VERIFIED_AT`` at its end: a verify that did not finish),
an incremental one (it covers its window only), or one of another task, another set of tables, other
table mappings, other target tables, another DynamoDB endpoint or region, or another source server
(:func:`identity`: a report of other mappings verified other items, so it proves nothing about these).
From P0 on, the binlog is the evidence: every change since it is checked by ``verify --since``.
A clean ``verify --export`` report is evidence under the same rules: its P0 is the position read before
the exports started (``export.position``), its identity's target the one they were taken from, and its
record names the exports, so the gate can say its P0 came from exports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from dms_dynamodb.cdc.checkpoint import Checkpoint
from dms_dynamodb.plan import Plan

VERIFIED_AT = "VERIFIED_AT"
#: Records a clean report may hold besides VERIFIED_AT: differences resolved while settling are no findings.
_NOT_FINDINGS = frozenset({"IN_FLIGHT", VERIFIED_AT})


class EvidenceError(Exception):
    """A report that cannot start the gate's chain: a usage error (exit 2) naming why."""


@dataclass(frozen=True)
class Evidence:
    """A clean full verify: where its report is, the position it verified at, when, and what it covered."""

    report: Path
    position: Checkpoint
    at: str
    task: str
    tables: tuple[str, ...]
    #: A verify of exports (``verify --export``): per target table its export's ARN, time and position; P0 is
    #: the earliest position read before an export, not the position read before the verify.
    exports: dict[str, Any] | None = None


def _table_names(plan: Plan) -> list[str]:
    return sorted(f"{schema}.{table}" for schema, table in plan.tables)


#: What a report's verify compared, each named as a refusal names it.
IDENTITY = {
    "mappings": "the task's table mappings (sha256 of their JSON)",
    "targets": "the target tables",
    "target": "the DynamoDB endpoint (or AWS region)",
    "source": "the source server",
}


def identity(plan: Plan, ddb: Any, endpoint_url: str | None, connection: Any) -> dict[str, Any]:
    """What a verify compared: the mappings, the target tables and where they are, and which source server."""
    mappings = json.dumps(plan.task.table_mappings.to_dict(), sort_keys=True, separators=(",", ":"))
    return {
        "mappings": hashlib.sha256(mappings.encode()).hexdigest(),
        "targets": sorted(plan.targets),
        "target": target_identity(ddb, endpoint_url),
        "source": source_identity(connection),
    }


def target_identity(ddb: Any, endpoint_url: str | None) -> str:
    """Where the target tables are: the endpoint, else AWS and the client's region (an export records it too)."""
    region = getattr(getattr(ddb, "meta", None), "region_name", None)
    return endpoint_url or f"AWS {region}"


def compared_now(plan: Plan, ddb: Any, args: Any) -> dict[str, Any]:
    """:func:`identity` for a command's ``--mysql-url`` and ``--endpoint-url``."""
    from dms_dynamodb.commands import connect_source

    connection = connect_source(args.mysql_url)
    try:
        return identity(plan, ddb, args.endpoint_url, connection)
    finally:
        connection.close()


def source_identity(connection: Any) -> str:
    """@@server_uuid where the server has one (MySQL), else @@hostname:@@port (MariaDB has no server_uuid)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW GLOBAL VARIABLES WHERE Variable_name IN ('server_uuid', 'hostname', 'port')")
        found = {str(row[0]).lower(): str(row[1]) for row in cursor.fetchall()}
    if found.get("server_uuid"):
        return f"server_uuid {found['server_uuid']}"
    return f"{found.get('hostname', '?')}:{found.get('port', '?')}"


def write_verified_at(
    report: TextIO,
    *,
    clean: bool,
    position: Checkpoint | None,
    task: str,
    plan: Plan,
    since: Checkpoint | None,
    compared: dict[str, Any],
    exports: dict[str, Any] | None = None,
) -> bool:
    """End a clean report with its ``VERIFIED_AT`` record (nothing for an unclean one); whether it was written.

    ``exports``: the verify compared exports (``verify --export``); the record names them, and ``compared``'s
    target is where the exports were taken from."""
    if not clean or position is None:
        return False
    record: dict[str, Any] = {
        "type": VERIFIED_AT,
        "position": str(position),
        "full": since is None,
        "since": None if since is None else str(since),
        "task": task,
        "tables": _table_names(plan),
        "identity": compared,
        "at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if exports is not None:
        record["exports"] = exports
    report.write(json.dumps(record, sort_keys=True) + "\n")
    return True


def read_evidence(path: Path, task: str, plan: Plan, compared: dict[str, Any]) -> Evidence:
    """The clean full verify ``path`` reports, for this task, its tables and ``compared`` (:func:`identity`);
    anything else is an EvidenceError."""
    redo = "run a full verify with --report FILE until it is clean, and pass that FILE"
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except FileNotFoundError:
        raise EvidenceError(
            f"--since {path}: there is no such report. cutover --since takes the report of a clean full verify "
            f"(dms-dynamodb verify --report FILE), not a binlog position: {redo}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvidenceError(f"--since {path}: cannot read the report ({exc})") from None
    records: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
        except ValueError:
            raise EvidenceError(f"--since {path}: line {number} is not a verify report record (JSON); {redo}") from None
        if not isinstance(record, dict) or "type" not in record:
            raise EvidenceError(f"--since {path}: line {number} is not a verify report record; {redo}")
        records.append(record)
    incomplete = [r for r in records if r["type"] == "INCOMPLETE"]
    if incomplete:
        raise EvidenceError(
            f"--since {path}: the report is not complete (an INCOMPLETE record: {incomplete[0].get('error')}); "
            f"that verify gave no verdict: {redo}"
        )
    findings = [r for r in records if r["type"] not in _NOT_FINDINGS]
    if findings:
        first = findings[0]
        raise EvidenceError(
            f"--since {path}: the report is not clean ({len(findings)} findings; the first: {first['type']} "
            f"{first.get('table')} {json.dumps(first.get('key'), sort_keys=True)}): fix them, then {redo}"
        )
    if not records or records[-1]["type"] != VERIFIED_AT:
        raise EvidenceError(
            f"--since {path}: the report does not end with a {VERIFIED_AT} record, so its verify did not finish "
            f"clean (or it was not written by verify --report): {redo}"
        )
    last = records[-1]
    if not last.get("full"):
        raise EvidenceError(
            f"--since {path}: the report is of an incremental verify (--since {last.get('since')}): it covers its "
            f"window only, not every item; {redo}"
        )
    if last.get("task") != task:
        raise EvidenceError(f"--since {path}: the report verified task {last.get('task')!r}, not {task!r}; {redo}")
    tables = list(last.get("tables") or [])
    if tables != _table_names(plan):
        added = sorted(set(_table_names(plan)) - set(tables))
        gone = sorted(set(tables) - set(_table_names(plan)))
        raise EvidenceError(
            f"--since {path}: the task's tables changed since that verify (now also: {', '.join(added) or 'none'}; "
            f"no longer: {', '.join(gone) or 'none'}); its report does not cover them: {redo}"
        )
    was = last.get("identity")
    if not isinstance(was, dict):
        raise EvidenceError(
            f"--since {path}: the report does not say which mappings, target and source it verified (written by an "
            f"older dms-dynamodb): {redo}"
        )
    differs = [f"{IDENTITY[k]}: {was.get(k)!r} then, {v!r} now" for k, v in compared.items() if was.get(k) != v]
    if differs:
        raise EvidenceError(
            f"--since {path}: the report verified something else than this cutover checks ({'; '.join(differs)}), "
            f"so it proves nothing about these items: {redo}"
        )
    try:
        position = Checkpoint.parse(str(last.get("position")))
    except ValueError as exc:
        raise EvidenceError(f"--since {path}: the {VERIFIED_AT} record's position: {exc}") from None
    exports = last.get("exports")
    if exports is not None and not isinstance(exports, dict):
        raise EvidenceError(f"--since {path}: the {VERIFIED_AT} record's exports is not a JSON object; {redo}")
    return Evidence(path, position, str(last.get("at")), task, tuple(tables), exports)
