"""What ``preflight`` and ``check-stack`` say about the binlog beyond the global settings: row metadata,
sessions, cascades.

DMS (and the follower) miss changes a session writes in STATEMENT or MIXED format or with a partial
row image, and the child rows a cascading foreign key changes; a row image written while
``binlog_row_metadata`` was not FULL cannot be read by column name. Said before the migration
starts, each with its fix; ``cdc`` and ``verify --since`` stop on them afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from dms_dynamodb.source.cascades import CHANGING, Cascade
from dms_dynamodb.stack import StackTask
from mappings.document.enums import MigrationType
from mappings.errors import Issue, Severity
from mappings.resolver import resolve
from mappings.schema import SourceSchema

if TYPE_CHECKING:
    from dms_dynamodb.preflight import Finding

#: How to keep sessions from overriding the binlog settings (MySQL 8 privileges; MariaDB's SUPER too).
PREVENT_OVERRIDES = (
    "revoke SESSION_VARIABLES_ADMIN, SYSTEM_VARIABLES_ADMIN and SUPER from the application's accounts (MariaDB: "
    "SUPER and BINLOG ADMIN), so no session can SET SESSION binlog_format / binlog_row_image; keep the GLOBAL "
    "values ROW and FULL in the parameter group or my.cnf and check them with this preflight"
)


def row_metadata_finding(connection: Any) -> Finding:
    """``binlog_row_metadata`` must be FULL (MySQL 8's default is MINIMAL): column names are in the binlog then."""
    from dms_dynamodb.preflight import Finding, Status

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
    from dms_dynamodb.preflight import Finding, Status

    return Finding(  # said every time: nothing global rules it out, and the fix is the accounts' privileges
        Status.OK,
        "session binlog settings",
        "a session can SET SESSION binlog_format (STATEMENT, MIXED) or binlog_row_image (MINIMAL, NOBLOB): DMS then "
        "misses or mangles its changes; cdc and verify --since stop on them, naming the event",
        PREVENT_OVERRIDES,
    )


def cascade_findings(cascades: Iterable[Cascade], migrated: Iterable[tuple[str, str]]) -> list[Finding]:
    """A cascading foreign key into a migrated table: its child changes are not in the binlog."""
    from dms_dynamodb.preflight import Finding, Status

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


def cascade_issues(position: int, task: StackTask, schemas: Sequence[SourceSchema]) -> list[Issue]:
    """``check-stack``: a CDC task migrating the child of a cascading foreign key (read from the DDL)."""
    if task.migration_type is MigrationType.FULL_LOAD:
        return []
    found = []
    for resolved in resolve(task.table_mappings.rules, schemas).included:
        for key in resolved.table.foreign_keys:
            actions = [
                f"ON {k} {a}" for k, a in (("DELETE", key.on_delete), ("UPDATE", key.on_update)) if a in CHANGING
            ]
            if not actions:
                continue
            at = resolved.selected_by[0]
            found.append(
                Issue(
                    Severity.WARNING,
                    "cascade-in-cdc-task",
                    f"tasks[{position}].{at.path}.object-locator",
                    f"constraint {key.name or '(unnamed)'} ({', '.join(actions)}) changes rows of the migrated table "
                    f"{resolved.schema}.{resolved.table.name} when {key.referenced_table} changes; those changes are "
                    "not in the binlog and DMS does not capture them: delete or update child rows explicitly (and "
                    "drop the cascade), or verify the child table in full after parent changes",
                    None if at.rule.rule_id is None else str(at.rule.rule_id),
                    at.rule.rule_name,
                )
            )
    return found
