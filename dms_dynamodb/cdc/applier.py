"""What the follower does with one row change: a target write, or an apply exception, with the full load's mappings.

DMS semantics (CHAP_Target.DynamoDB), not guesses: see :mod:`dms_dynamodb.cdc.follower`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dms_dynamodb.cdc.apply_exceptions import EXCEPTIONS_TABLE, ApplyException, ErrorClock
from dms_dynamodb.cdc.checkpoint import Checkpoint
from dms_dynamodb.dynamodb.writer import BatchWriter, key_of
from dms_dynamodb.plan import Plan
from dms_dynamodb.source.cascades import Chain
from mappings.items import Rejection

UPDATE_LEAVING_FILTER = "an update that moves a row out of the source filter is not applied (the item stays)"


@dataclass
class CdcStats:
    events: int = 0
    applied: int = 0
    skipped: int = 0
    filtered: int = 0
    left_filter: int = 0
    exceptions: list[ApplyException] = field(default_factory=list)
    #: Statements passed over (they touch no migrated table), each with why.
    passed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: The last position whose changes DynamoDB acknowledged (the checkpoint), and the source's head then.
    position: Checkpoint | None = None
    head: Checkpoint | None = None
    #: Where a prepared XA transaction not yet committed or rolled back holds the checkpoint (None: nowhere).
    held: Checkpoint | None = None

    def render(self) -> str:
        rate = self.applied / self.seconds if self.seconds else 0.0
        lines = [
            f"CDC: {self.events} row changes read, {self.applied} applied, {self.skipped} skipped (tables not "
            f"migrated), {self.filtered} outside the source filters, {len(self.exceptions)} apply exceptions, "
            f"{len(self.passed)} statements passed over (they touch no migrated table); {rate:,.0f} changes/s"
        ]
        if self.left_filter:
            lines.append(f"  {self.left_filter} updates left the source filter: assumption, {UPDATE_LEAVING_FILTER}")
        lines += [f"  apply exception {e.TABLE_NAME}: {e.ERROR} <- {e.STATEMENT}" for e in self.exceptions[:20]]
        lines += [f"  passed over: {statement}" for statement in self.passed[:10]]
        if self.held is not None:
            lines.append(
                f"  the checkpoint is held at {self.held}: an XA transaction prepared there is not committed or rolled "
                "back yet (its rows are applied at XA COMMIT, discarded at XA ROLLBACK)"
            )
        if self.exceptions:
            lines.append("  design fix: build base-table keys (pk/sk) only from columns that never change")
        return "\n".join(lines)


class ChangeApplier:
    """Turns row changes into target writes (or apply exceptions) with the full load's mappings."""

    def __init__(
        self, plan: Plan, ddb: Any, *, writer: BatchWriter | None = None, exceptions_table: bool = False
    ) -> None:
        self.plan, self.builder = plan, plan.builder
        # Refused writes (a value DynamoDB will not take) become apply exceptions: the follower moves on, as
        # DMS's apply-error policy does. An empty writer is falsy (len 0), hence the explicit None test.
        self.writer = writer if writer is not None else BatchWriter(ddb, keep_refused=True)
        self.stats = CdcStats()
        #: Write apply exceptions to the target's awsdms_apply_exceptions table too (as DMS does).
        self.exceptions_table = exceptions_table
        self._clock = ErrorClock()

    def _exception(self, schema: str, table: str, statement: str, error: str) -> None:
        found = ApplyException(self.plan.task.task_id, schema, table, self._clock.now(), statement, error)
        self.stats.exceptions.append(found)
        if self.exceptions_table:
            item = found.as_item()
            self.writer.put(EXCEPTIONS_TABLE, key_of(item, ("TASK_NAME", "ERROR_TIME")), item)

    def replanned(self, plan: Plan) -> None:
        """The binlog reader re-resolved the task (a new table the selection matches): apply with its plan."""
        self.plan, self.builder = plan, plan.builder

    def cascaded(self, statement: str, cascade: Chain, kind: str) -> None:
        """A parent's change that ``cascade`` carries to a migrated child table, which the binlog does not show."""
        child = cascade.child
        self._exception(
            child[0],
            child[1],
            statement,
            f"{cascade.describe(kind)} may change rows of {child[0]}.{child[1]}, and the binlog does not say which "
            "(DMS does not capture cascaded changes either): their items are not changed. Verify "
            f"{child[0]}.{child[1]} in full "
            "(dms-dynamodb verify) and fix what it names, or drop the cascade and change child rows explicitly",
        )

    def record_refused(self) -> int:
        """Turn the writes DynamoDB refused since the last flush into apply exceptions; how many there were."""
        refused = self.writer.take_refused()
        for write in refused:
            if write.table == EXCEPTIONS_TABLE:
                continue  # an exception DynamoDB will not store is still in the stats and on stdout
            schema, table, statement = write.origin if isinstance(write.origin, tuple) else ("", write.table, "")
            self._exception(schema, table, statement, f"DynamoDB refused the write: {write.code}: {write.message}")
        return len(refused)

    def apply(
        self, kind: str, schema: str, table: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
    ) -> None:
        self.stats.events += 1
        rule = self.builder.rule_for(schema, table)
        if rule is None:
            self.stats.skipped += 1
            return
        target = self.builder.target(rule, schema, table)
        key_names = self.builder.key_names(rule)
        admitted = self.builder.filter_for(schema, table)
        if kind == "delete":
            assert before is not None
            if admitted and not admitted.admits(before):
                self.stats.filtered += 1
                return
            built = self.builder.build(schema, table, before)
            if isinstance(built, Rejection):
                # Its item cannot be built (an earlier update refused, say), so its key is not known here: an item
                # written before that update may stay. Said as an apply exception, never dropped silently.
                self._exception(
                    schema,
                    table,
                    f"DELETE FROM {schema}.{table} (before-image {built.statement.split(' ', 3)[-1][:300]})",
                    f"the deleted row's item cannot be built ({built.reason}: {built.error}); an item written for it "
                    "before may stay in the target",
                )
                return
            key = key_of(built, key_names)
            origin = (schema, table, f"DELETE FROM {schema}.{table} (item key {key})")
            self.writer.delete(target.table_name, key, {n: built[n] for n in key_names}, origin=origin)
            self.stats.applied += 1
            return
        assert after is not None
        if admitted and not admitted.admits(after):
            if kind == "update" and before is not None and admitted.admits(before):
                self.stats.left_filter += 1
            self.stats.filtered += 1
            return
        if kind == "update" and before is not None:
            # Column names as the source spells them (the key templates' may differ in case; MySQL's do not matter).
            spelled = {c.lower(): c for c in after}
            was = {c.lower(): v for c, v in before.items()}
            changed = {c.lower() for c in after if was.get(c.lower()) != after.get(c)}
            moved = sorted(spelled[c] for c in changed & self.builder.base_key_columns(schema, table))
            if moved:
                source = self.builder.table(schema, table)
                key_columns = [spelled.get(c.lower(), c) for c in (source.primary_key if source else ())]
                identity = {c: was.get(c.lower()) for c in key_columns} or dict(before)
                assignments = ", ".join(f"{c} = {after[c]!r}" for c in moved)
                where = " AND ".join(f"{c} = {v!r}" for c, v in identity.items())
                self._exception(
                    schema,
                    table,
                    f"UPDATE {schema}.{table} SET {assignments} WHERE {where} "
                    f"(was {', '.join(f'{c} = {was.get(c.lower())!r}' for c in moved)})",
                    "the update changes base-table key column(s) " + ", ".join(moved) + "; DynamoDB does not allow "
                    "updates to the primary key attributes and DMS either fails the update or inserts a new item "
                    "with incomplete data (not applied)",
                )
                return
        built = self.builder.build(schema, table, after)
        if isinstance(built, Rejection):
            self._exception(schema, table, built.statement, built.error)
            return
        key = key_of(built, key_names)
        origin = (schema, table, f"{kind.upper()} {schema}.{table} (item key {key})")
        self.writer.put(target.table_name, key, built, origin=origin)
        self.stats.applied += 1
