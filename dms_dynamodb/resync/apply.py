"""Applying a resync's plan: each put or delete sent alone, logged so it can be reviewed and undone, and
the keys verified again afterwards (settled, as ``verify --settle`` does) before anything is called clean.

The log is JSON lines, 0600 (it holds row data), appended to: one line per action DynamoDB acknowledged
(``key``, ``before``, ``after``, ``why``; binary values as base64, as DynamoDB JSON writes them), and
one per apply exception marked handled. Undo is putting ``before`` back (or deleting ``after`` when
``before`` is null).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from dms_dynamodb.private_files import MODE
from dms_dynamodb.resync.actions import DELETE, LEFT, PUT, Action
from dms_dynamodb.verify.recheck import KeyReader, key_text
from dms_dynamodb.verify.settle import IN_FLIGHT, Unsettled, settle

#: DynamoDB's answers that refuse one write for what it holds (never retried: the same item fails again).
REFUSALS = ("ValidationException", "ItemCollectionSizeLimitExceededException")


def open_log(path: Path) -> TextIO:
    """The resync log for appending, created 0600 from its first byte (an existing one narrowed to 0600)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, MODE)
    if stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.fchmod(descriptor, MODE)
    return os.fdopen(descriptor, "a", encoding="utf-8")


def jsonable(value: Any) -> Any:
    """Items as JSON: bytes as base64 text (DynamoDB JSON's form for B), everything else as it is."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    return value


def log_line(log: TextIO | None, record: dict[str, Any]) -> None:
    if log is None:
        return
    stamped = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"), **record}
    log.write(json.dumps(jsonable(stamped), sort_keys=True, default=str) + "\n")
    log.flush()


@dataclass
class Applied:
    """What applying the plan did: actions acknowledged, and writes DynamoDB refused (not retried)."""

    done: list[Action] = field(default_factory=list)
    refused: list[tuple[Action, str]] = field(default_factory=list)


def apply_actions(ddb: Any, actions: list[Action], log: TextIO | None, out: TextIO) -> Applied:
    """Send every put and delete on its own; a refused one is reported, the others still go."""
    from botocore.exceptions import ClientError

    applied = Applied()
    for action in actions:
        if action.kind not in (PUT, DELETE):
            continue
        try:
            if action.kind == PUT:
                assert action.after is not None
                ddb.put_item(TableName=action.table, Item=action.after)
            else:
                ddb.delete_item(TableName=action.table, Key=action.key)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code not in REFUSALS:
                raise  # the target failing, not refusing this item: the command stops (incomplete)
            message = f"DynamoDB refused it: {code}: {exc.response.get('Error', {}).get('Message', '')}"
            applied.refused.append((action, message))
            print(f"  REFUSED {action.table} {_key(action)}: {message}", file=out)
            continue
        log_line(
            log,
            {
                "action": action.kind,
                "key": {"table": action.table, **action.key},
                "before": action.before,
                "after": action.after,
                "why": action.why,
            },
        )
        applied.done.append(action)
        print(f"  done {action.kind} {action.table} {_key(action)}", file=out, flush=True)
    return applied


def _key(action: Action) -> str:
    return ", ".join(f"{n}={next(iter(v.values()))}" for n, v in action.key.items())


def reverify(reader: KeyReader, actions: list[Action], seconds: float) -> list[dict[str, Any]]:
    """Every key of the plan read again on both sides until it agrees or the difference persists
    ``seconds``: the records that are findings (an empty list: every key is clean now)."""
    pending = [
        Unsettled(
            {"type": "RESYNCED", "table": a.table, "key": a.key},
            key_text(a.table, a.key, reader.key_names[a.table]),
            a.refs,
        )
        for a in actions
        if a.kind != LEFT and a.key and a.refs  # no refs: an absent item no row maps to, nothing to read again
    ]
    return [record for record in settle(reader, pending, seconds) if record["type"] != IN_FLIGHT]
