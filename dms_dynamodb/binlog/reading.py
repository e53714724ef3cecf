"""One closed-world reading of the binlog: every event the follower and ``verify --since`` see is one class.

Applied: a row change of a migrated table; a row change of a table the selection matches that the
plan did not know yet (re-resolved, as DMS reads a CREATE TABLE's new table); transaction structure.
Not applied, each with its outcome (README, "Every binlog event, accounted for"): DDL touching a
migrated table, DML in statement form, a partial row image, a row image whose columns cannot be
named, and anything not understood, which stops the reader with the event, its position and what
to do. Events that touch no migrated table are passed over by name (``PASSED_EVENTS``,
``statements.ROWLESS``), never by a catch-all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dms_dynamodb.binlog.statements import Statement, Verb, classify_statement
from dms_dynamodb.plan import NothingToDo, Plan, PlanError
from dms_dynamodb.source.cascades import Cascade, Chain, chains
from mappings.resolver import located, selection_of


class Kind(StrEnum):
    ROW = "row change of a migrated table"
    NEW_TABLE_ROW = "row change of a table the plan did not know yet"
    TRANSACTION = "transaction structure"
    RESOLVE = "DDL that changes which tables the selection matches"
    PASSED = "passed over (touches no migrated table)"
    MIGRATED_DDL = "DDL touching a migrated table"
    STATEMENT_DML = "DML in statement form"
    PARTIAL_IMAGE = "partial row image"
    UNNAMED_COLUMNS = "row image whose columns cannot be named"
    UNKNOWN = "event not understood"


#: The classes the reader stops on (the follower) or cannot cover (``verify --since``).
STOPS = frozenset({Kind.MIGRATED_DDL, Kind.STATEMENT_DML, Kind.PARTIAL_IMAGE, Kind.UNNAMED_COLUMNS, Kind.UNKNOWN})

#: Non-row, non-query events passed over, each by name and why.
PASSED_EVENTS = {
    "RotateEvent": "the next binlog file's name",
    "FormatDescriptionEvent": "the binlog file's format header",
    "HeartbeatLogEvent": "the source is idle",
    "TableMapEvent": "names the table of the row events that follow",
    "MariadbGtidEvent": "opens a transaction (MariaDB GTID)",
    "GtidEvent": "opens a transaction (MySQL GTID)",
    "MariadbGtidListEvent": "the GTID state at a binlog file's start",
    "PreviousGtidsEvent": "the GTID state at a binlog file's start",
    "MariadbBinLogCheckPointEvent": "crash-recovery bookkeeping of the source",
    "MariadbAnnotateRowsEvent": "the SQL text of the row events that follow",
    "RowsQueryLogEvent": "the SQL text of the row events that follow",
    "StopEvent": "the source stopped; the next file follows",
    "MariadbStartEncryptionEvent": "the rest of the file is encrypted (decrypted by the server)",
    "IntvarEvent": "AUTO_INCREMENT context of a statement (the statement itself is classified)",
    "RandEvent": "RAND() seed of a statement (the statement itself is classified)",
    "UserVarEvent": "a user variable of a statement (the statement itself is classified)",
}
#: Event types pymysqlreplication does not decode that are passed over (ANONYMOUS_GTID: opens a transaction).
PASSED_TYPES = {
    0x22: "opens a transaction (MySQL anonymous GTID)",
    0x1C: "an event the source marks ignorable (LOG_EVENT_IGNORABLE_F)",
    0x29: "the source is idle (MySQL's heartbeat, version 2)",
}
#: MariaDB writes no XA START: its GTID event's flag says an XA transaction opens (log_event.h, FL_PREPARED_XA).
MARIADB_FL_PREPARED_XA = 64
ROW_EVENTS = {"WriteRowsEvent": "insert", "UpdateRowsEvent": "update", "DeleteRowsEvent": "delete"}


class Unresolvable(Exception):
    """The task cannot be planned again for a table that appeared (its reason is the stop's)."""


@dataclass(frozen=True)
class Reading:
    """What one event is, and for the classes that are not applied, why and what to do."""

    kind: Kind
    what: str
    tables: tuple[tuple[str, str], ...] = ()
    statement: Statement | None = None
    why: str = ""
    #: For row changes: the cascade chains (any number of hops) a delete/update here reaches migrated tables by.
    cascades: tuple[Chain, ...] = ()

    @property
    def verb(self) -> Verb | None:
        return self.statement.verb if self.statement is not None else None


def event_name(event: Any) -> str:
    return type(event).__name__


def event_start(event: Any, end: int) -> int:
    """Where an event starts, from where it ends (``log_pos``) and its size."""
    size = getattr(event, "event_size", 0) or 0
    return max(end - size, 4) if size else end


@dataclass
class BinlogReader:
    """Classifies events against the plan; re-resolves the plan when a table the selection matches appears.

    ``replan`` builds the plan again from the source as it is now (for CREATE TABLE, or rows of a
    table the plan does not know); ``cascades`` are the source's cascading foreign keys.
    """

    plan: Plan
    replan: Callable[[], Plan] | None = None
    cascades: list[Cascade] = field(default_factory=list)
    #: Reads the cascading keys again when the plan is re-resolved (a new table may bring its own).
    reread: Callable[[], list[Cascade]] | None = None
    discovered: set[tuple[str, str]] = field(default_factory=set)
    _tried: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._rules = located(self.plan.task.table_mappings.rules)
        self._index()

    def _index(self) -> None:
        self.migrated = set(self.plan.tables)
        self._chains = chains(self.cascades, self.migrated)
        #: Tables whose changes reach a migrated table through cascading keys (any number of hops).
        self.ancestors = {table for table, _ in self._chains}

    def reaching(self, table: tuple[str, str], kind: str) -> tuple[Chain, ...]:
        """The chains a ``kind`` ("insert", "update", "delete") change of ``table`` reaches migrated tables by."""
        return () if kind == "insert" else self._chains.get((table, kind), ())

    def selects(self, schema: str, table: str) -> bool:
        """Whether the task's selection rules select ``schema.table`` by its name (known to the plan or not)."""
        ignore_case = any(s.names_ignore_case for s in self.plan.builder.schemas)
        chosen, excluded = selection_of(self._rules, schema, table, is_view=False, ignore_case=ignore_case)
        return bool(chosen) and excluded is None

    def _refresh(self) -> None:
        """The plan again from the source; one the task cannot make now (a filter on a column the new table lacks)
        is :class:`Unresolvable`, a stop naming why."""
        if self.replan is None:
            return
        before = set(self.plan.tables)
        try:
            self.plan = self.replan()
        except (PlanError, NothingToDo) as exc:
            raise Unresolvable(str(exc)) from None
        if self.reread is not None:
            self.cascades = self.reread()
        self._index()
        self.discovered |= set(self.plan.tables) - before

    def classify(self, event: Any) -> Reading:
        name = event_name(event)
        kind = ROW_EVENTS.get(name)
        if kind is not None:
            return self._rows(event, kind)
        if name == "QueryEvent":
            return self._query(event)
        if name == "XidEvent":
            return _XID
        if name == "XAPrepareEvent":
            xid = (bytes(event.xid_gtrid), bytes(event.xid_bqual), int(event.xid_format_id))
            verb = Verb.XA_ONE_PHASE if event.one_phase else Verb.XA_PREPARE
            return Reading(Kind.TRANSACTION, f"{verb.value} {xid[0]!r}", statement=Statement(verb, verb.value, xid=xid))
        if name == "MariadbGtidEvent" and int(getattr(event, "flags", 0)) & MARIADB_FL_PREPARED_XA:
            return Reading(
                Kind.TRANSACTION, "GTID of an XA transaction", statement=Statement(Verb.XA_START, "XA START")
            )
        passed = _PASSED.get(name)
        if passed is not None:
            return passed
        if name == "PartialUpdateRowsEvent":
            return Reading(
                Kind.PARTIAL_IMAGE,
                f"a partial JSON update of {event.schema}.{event.table}",
                ((str(event.schema), str(event.table)),),
                why="binlog_row_value_options=PARTIAL_JSON logs only the changed part of a JSON value",
            )
        if name in ("BeginLoadQueryEvent", "ExecuteLoadQueryEvent"):
            return Reading(Kind.STATEMENT_DML, f"LOAD DATA in statement form ({name})", why="binlog_format is not ROW")
        code = getattr(event, "event_type", None)
        if name == "NotImplementedEvent" and code in PASSED_TYPES:
            return Reading(Kind.PASSED, f"event type {code:#x}", why=PASSED_TYPES[code])
        return Reading(Kind.UNKNOWN, f"{name} (event type {code})", why="the binlog reader does not know this event")

    def _rows(self, event: Any, kind: str) -> Reading:
        table = (str(event.schema), str(event.table))
        what = f"{kind.upper()} rows of {table[0]}.{table[1]}"
        cascades = self.reaching(table, kind)
        if table not in self.migrated:
            if self.plan.builder.resolution.get(*table) is not None or not self.selects(*table):
                why = (
                    "a table the task does not migrate (not selected, excluded, or selected without an object mapping)"
                )
                return Reading(Kind.PASSED, what, (table,), why=why, cascades=cascades)
            if table not in self._tried:
                self._tried.add(table)
                try:
                    self._refresh()
                except Unresolvable as exc:
                    why = f"the task cannot be resolved again with this table: {exc}"
                    return Reading(Kind.UNKNOWN, what, (table,), why=why)
                cascades = self.reaching(table, kind)
            if table not in self.migrated:
                return Reading(
                    Kind.UNKNOWN,
                    what,
                    (table,),
                    why="the task's selection matches this table but the source has no such table now, so its rows "
                    "cannot be mapped",
                )
        problem = unreadable(event)
        if problem is not None:
            return Reading(problem[0], what, (table,), why=problem[1])
        found = Kind.NEW_TABLE_ROW if table in self.discovered else Kind.ROW
        return Reading(found, what, (table,), cascades=cascades)

    def _query(self, event: Any) -> Reading:
        raw = event.query
        text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
        default = event.schema.decode(errors="replace") if isinstance(event.schema, bytes) else str(event.schema)
        statement = classify_statement(text, default)
        what = f"query {' '.join(statement.text.split())[:200]!r}"
        verb = statement.verb
        if verb in _TRANSACTION_VERBS:
            return Reading(Kind.TRANSACTION, what, statement=statement)
        if verb is Verb.ROWLESS:
            return Reading(Kind.PASSED, what, statement=statement, why=statement.why)
        if verb is Verb.UNKNOWN:
            return Reading(
                Kind.UNKNOWN, what, statement=statement, why="the binlog reader does not know this statement"
            )
        if verb is Verb.DML:
            if statement.tables and not any(self.reaches(t) for t in statement.tables):
                why = "statement DML of a table in a schema the task does not read, reaching no migrated table by a key"
                return Reading(Kind.PASSED, what, statement.tables, statement, why)
            return Reading(
                Kind.STATEMENT_DML,
                what,
                statement.tables,
                statement,
                "a session wrote it with binlog_format STATEMENT or MIXED: the binlog has the statement, not the rows",
            )
        if verb is Verb.DROP_DATABASE:
            hit = tuple(t for t in self.migrated if t[0] == statement.name)
            if hit:
                return Reading(Kind.MIGRATED_DDL, what, hit, statement, "drops the schema of migrated tables")
            return Reading(Kind.PASSED, what, statement=statement, why="drops a schema the task does not migrate")
        return self._ddl(what, statement)

    def _ddl(self, what: str, statement: Statement) -> Reading:
        """CREATE / ALTER / DROP / RENAME / TRUNCATE TABLE: which of their tables are, or become, migrated."""
        if statement.verb is Verb.CREATE_TABLE:
            if statement.selects_rows and any(self.selects(*t) for t in statement.tables):
                why = (
                    "CREATE TABLE ... SELECT of a table the selection matches, logged in statement form: the rows it "
                    "copied are in the statement, not in the binlog as rows"
                )
                return Reading(Kind.STATEMENT_DML, what, statement.tables, statement, why)
            if any(self.selects(*t) for t in statement.tables):
                if not all(t in self.migrated for t in statement.tables):
                    try:
                        self._refresh()
                    except Unresolvable as exc:
                        why = f"the task cannot be resolved again with the new table: {exc}"
                        return Reading(Kind.UNKNOWN, what, statement.tables, statement, why)
                return Reading(Kind.RESOLVE, what, statement.tables, statement, "a new table the selection matches")
            return Reading(Kind.PASSED, what, statement.tables, statement, "creates a table the task does not select")
        hit = tuple(t for t in statement.tables if self.touches(t))
        if hit:
            return Reading(Kind.MIGRATED_DDL, what, hit, statement, f"{statement.verb.value} of a migrated table")
        into = tuple(t for t in statement.renamed_to if self.selects(*t))
        if into:
            return Reading(
                Kind.MIGRATED_DDL,
                what,
                into,
                statement,
                "renames a table into the task's selection: its rows were never loaded and are not in the binlog",
            )
        return Reading(Kind.PASSED, what, statement.tables, statement, "DDL of a table the task does not migrate")

    def reaches(self, table: tuple[str, str]) -> bool:
        """Whether statement DML of ``table`` may change migrated rows: a table of a schema the task reads (a
        trigger there may write a migrated table), or one whose cascading keys reach one. A trigger in another
        schema that writes a migrated table is not seen (README, "Every binlog event, accounted for")."""
        read = {s.name.lower() for s in self.plan.builder.schemas}
        return table[0].lower() in read or table in self.migrated or table in self.ancestors or self.selects(*table)

    def touches(self, table: tuple[str, str]) -> bool:
        """A migrated table, or one the selection matches by name that the plan does not know (gone since)."""
        if table in self.migrated:
            return True
        return self.plan.builder.resolution.get(*table) is None and self.selects(*table)


#: The readings of the events that come with every transaction, built once (the follower's hot path).
_XID = Reading(Kind.TRANSACTION, "XID (COMMIT)", statement=Statement(Verb.COMMIT, "COMMIT"))
_PASSED = {name: Reading(Kind.PASSED, name, why=why) for name, why in PASSED_EVENTS.items()}

_TRANSACTION_VERBS = frozenset(
    {
        Verb.BEGIN,
        Verb.COMMIT,
        Verb.ROLLBACK,
        Verb.SAVEPOINT,
        Verb.ROLLBACK_TO,
        Verb.RELEASE,
        Verb.XA_START,
        Verb.XA_END,
        Verb.XA_PREPARE,
        Verb.XA_COMMIT,
        Verb.XA_ONE_PHASE,
        Verb.XA_ROLLBACK,
    }
)


def unreadable(event: Any) -> tuple[Kind, str] | None:
    """Why a row event of a migrated table cannot be applied as rows: unnamed columns, or a partial image."""
    columns = list(getattr(event, "columns", ()) or ())
    if any(not getattr(c, "name", None) for c in columns):
        return (
            Kind.UNNAMED_COLUMNS,
            "its table map carries no column names: it was written while binlog_row_metadata was not FULL",
        )
    count = len(columns)
    for attribute in ("columns_present_bitmap", "columns_present_bitmap2"):
        bitmap = getattr(event, attribute, None)
        if bitmap is not None and int.from_bytes(bitmap, "little").bit_count() < count:
            return (
                Kind.PARTIAL_IMAGE,
                "the row image lacks columns: a session wrote it with binlog_row_image MINIMAL or NOBLOB",
            )
    return None
