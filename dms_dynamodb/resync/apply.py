"""Applying a resync's plan: each put or delete sent alone, logged so it can be reviewed and undone, and
the keys verified again afterwards (settled, as ``verify --settle`` does) before anything is called clean.

The log is JSON lines, 0600 (it holds row data), appended to: per write a line with ``outcome`` ``intent``
before it is sent, then one with its outcome (``done``, ``refused``, ``changed``), one ``left`` per key
resync will not decide, ``dry-run`` lines for a dry run's plan (``key``, ``before``, ``after``, ``why``;
binary values as base64, as DynamoDB JSON writes them), and one per apply exception marked handled.
Undo is putting ``before`` back (or deleting ``after`` when ``before`` is null): an ``intent`` without
its outcome (resync died waiting for the answer) may or may not have been written.

Each write is conditioned on the item resync read (``before``), so a follower's write in between is
never overwritten: the key is read and decided again once, then left.
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
from dms_dynamodb.resync.actions import AGREES, DELETE, LEFT, PUT, Action, replan
from dms_dynamodb.verify.recheck import KeyReader, key_text
from dms_dynamodb.verify.settle import IN_FLIGHT, Unsettled, settle

#: DynamoDB's answers that refuse one write for what it holds (never retried: the same item fails again).
REFUSALS = ("ValidationException", "ItemCollectionSizeLimitExceededException")
#: DynamoDB's limit on one expression string (bytes).
EXPRESSION_LIMIT = 4096


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
    """What applying the plan did: actions acknowledged, writes DynamoDB refused (not retried), and keys
    left because the item kept changing under resync (a follower writing it)."""

    done: list[Action] = field(default_factory=list)
    refused: list[tuple[Action, str]] = field(default_factory=list)
    left: list[tuple[Action, str]] = field(default_factory=list)


def log_action(log: TextIO | None, action: Action, outcome: str, note: str = "") -> None:
    """One line per step of an action: ``intent`` before the write (its ``before`` is what undo needs even
    if resync dies before the answer), then ``done``, ``refused``, ``changed`` or ``left``; ``dry-run``."""
    record = {
        "action": action.kind,
        "outcome": outcome,
        "key": {"table": action.table, **action.key},
        "before": action.before,
        "after": action.after,
        "why": action.why,
    }
    log_line(log, {**record, "note": note} if note else record)


def log_plan(log: TextIO | None, actions: list[Action]) -> None:
    """A dry run's plan, every decision marked ``dry-run`` (what a real run would do, from this read)."""
    for action in actions:
        if action.kind != AGREES:
            log_action(log, action, "dry-run")


def apply_actions(
    ddb: Any,
    actions: list[Action],
    log: TextIO | None,
    out: TextIO,
    reader: KeyReader | None = None,
    documents: bool = True,
) -> Applied:
    """Send every put and delete on its own, conditioned on the item it read (a follower may write the same
    key); a refused one is reported, the others still go. A key found changed is read and decided again
    once (with ``reader``), then left."""
    applied = Applied()
    for action in actions:
        if action.kind == LEFT:
            log_action(log, action, "left")
        if action.kind not in (PUT, DELETE):
            continue
        outcome = _write(ddb, action, log, out, applied, documents)
        if outcome != "changed":
            continue
        again = replan(reader, action) if reader is not None else None
        if again is None or again.kind not in (PUT, DELETE, AGREES):
            why = "the item changed while resync wrote it" + (f"; read again: {again.why}" if again else "")
            _leave(log, out, applied, action, why)
        elif again.kind == AGREES:
            log_action(log, again, "done", "read again after the item changed: it agrees now")
        elif _write(ddb, again, log, out, applied, documents) == "changed":
            _leave(log, out, applied, again, "the item changed again while resync wrote it (a follower is writing it)")
    return applied


def _write(ddb: Any, action: Action, log: TextIO | None, out: TextIO, applied: Applied, documents: bool) -> str:
    """One conditional write: ``done``, ``refused`` or ``changed`` (the item is no longer ``before``)."""
    from botocore.exceptions import ClientError

    condition = write_condition(action, documents)
    note = "" if condition else "unconditional: the condition on its before image is over 4 KB"
    if not condition and action.before is not None:
        print(f"  note: {action.table} {_key(action)} written without a condition ({note.split(': ', 1)[1]})", file=out)
    log_action(log, action, "intent", note)
    try:
        if action.kind == PUT:
            assert action.after is not None
            ddb.put_item(TableName=action.table, Item=action.after, **condition)
        else:
            ddb.delete_item(TableName=action.table, Key=action.key, **condition)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            log_action(log, action, "changed", "the item is no longer the before image: read again")
            return "changed"
        if code not in REFUSALS:
            raise  # the target failing, not refusing this item: the command stops (incomplete)
        message = f"DynamoDB refused it: {code}: {exc.response.get('Error', {}).get('Message', '')}"
        log_action(log, action, "refused", message)
        applied.refused.append((action, message))
        print(f"  REFUSED {action.table} {_key(action)}: {message}", file=out)
        return "refused"
    log_action(log, action, "done")
    applied.done.append(action)
    print(f"  done {action.kind} {action.table} {_key(action)}", file=out, flush=True)
    return "done"


def _leave(log: TextIO | None, out: TextIO, applied: Applied, action: Action, why: str) -> None:
    left = Action(LEFT, action.table, action.key, action.before, action.before, why, action.refs)
    log_action(log, left, "left")
    applied.left.append((left, why))
    print(f"  LEFT   {action.table} {_key(action)}: {why}", file=out)


def write_condition(action: Action, documents: bool = True) -> dict[str, Any]:
    """The write's condition: the item is still ``before`` (absent when it is None), as placeholders;
    empty (unconditional) only when the expression would pass DynamoDB's 4 KB expression limit.
    ``documents=False`` (a local endpoint: dynalite compares lists and maps by object identity, so an
    equal one never matches) compares a list's or map's size instead of its value."""
    if action.before is None:
        (first, *_) = action.key  # the partition key: absent means the item is
        return {"ConditionExpression": "attribute_not_exists(#k)", "ExpressionAttributeNames": {"#k": first}}
    names, values, terms = {}, {}, []
    for n, name in enumerate(sorted(action.before)):
        value = action.before[name]
        names[f"#a{n}"] = name
        if documents or not ({"L", "M"} & value.keys()):
            values[f":v{n}"], term = value, f"#a{n} = :v{n}"
        else:  # an emulator that compares lists and maps by identity: their size is what it can compare
            values[f":v{n}"], term = {"N": str(len(next(iter(value.values()))))}, f"size(#a{n}) = :v{n}"
        terms.append(term)
    expression = " AND ".join(terms)
    if len(expression.encode()) > EXPRESSION_LIMIT:
        return {}
    return {"ConditionExpression": expression, "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}


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
