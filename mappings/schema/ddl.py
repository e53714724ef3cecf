"""The DDL reader: a MySQL/MariaDB DDL file (a project's own, or ``mysqldump --no-data`` output) to a schema.

The file is cut into statements as the ``mysql`` client does (``ddl_statements``), each statement is
chosen by its first words and read by the module for its kind (``ddl_tables``, ``ddl_views``), and the
result is the schema MySQL would hold after running the file. Nothing is dropped silently: a statement
the reader cannot apply is reported with its line (``read_ddl_report``); the commands print each as a
warning (``unread-ddl``) before they use the schema. Imported only when DDL is read, so ``import
mappings`` stays instant.
"""

from __future__ import annotations

from dataclasses import dataclass

from mappings.errors import Issue, Severity
from mappings.schema.ddl_draft import SchemaDraft
from mappings.schema.ddl_statements import Statement, split_statements
from mappings.schema.ddl_tables import alter_table, create_index, create_table, drop_index, drop_tables, rename_tables
from mappings.schema.ddl_tokens import Cursor, DdlError, DdlSyntaxError
from mappings.schema.ddl_views import create_view
from mappings.schema.model import SourceSchema


@dataclass(frozen=True, slots=True)
class UnreadStatement:
    """A statement, or part of one, that the reader could not apply to the schema."""

    line: int  # 1-based line where the statement starts
    text: str  # its first characters, on one line
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}: {self.text}"


@dataclass(frozen=True, slots=True)
class DdlReport:
    """What a DDL file gave: the schema, the statements not read, the routines passed over."""

    schema: SourceSchema
    unread: tuple[UnreadStatement, ...] = ()
    skipped_routines: tuple[str, ...] = ()  # triggers, procedures, functions, events: names only


def read_ddl(text: str, *, name: str = "") -> SourceSchema:
    """The schema a DDL file leaves. What it could not read is in ``read_ddl_report``'s ``unread``:
    callers that read a user's file print those as warnings (``unread_warnings``)."""
    return read_ddl_report(text, name=name).schema


def unread_warnings(report: DdlReport) -> list[Issue]:
    """One ``unread-ddl`` warning per statement the reader could not apply, naming its line."""
    return [
        Issue(Severity.WARNING, "unread-ddl", f"line {u.line}", f"not read ({u.reason}): {u.text}")
        for u in report.unread
    ]


def read_ddl_report(text: str, *, name: str = "") -> DdlReport:
    """Read every statement of ``text`` in order; ``name`` is the schema's (DMS's ``schema-name``)."""
    schema = SchemaDraft()
    unread: list[UnreadStatement] = []
    routines: list[str] = []
    for statement in split_statements(text):
        try:
            problems = _apply(statement, schema, routines)
        except DdlError as exc:
            problems = [exc.reason]
        unread.extend(UnreadStatement(statement.line, statement.excerpt, p) for p in problems)
    return DdlReport(schema.freeze(name), tuple(unread), tuple(routines))


#: Statements that leave the schema model as it is: session settings, data, transactions, privileges.
_NO_SCHEMA_CHANGE = frozenset(
    {
        "SET",
        "USE",
        "INSERT",
        "REPLACE",
        "UPDATE",
        "DELETE",
        "LOCK",
        "UNLOCK",
        "SELECT",
        "FLUSH",
        "GRANT",
        "REVOKE",
        "COMMIT",
        "ROLLBACK",
        "START",
        "BEGIN",
        "SAVEPOINT",
        "RELEASE",
        "DO",
        "ANALYZE",
        "OPTIMIZE",
        "CHECK",
        "CHECKSUM",
        "REPAIR",
        "SHOW",
        "DESCRIBE",
        "DESC",
        "EXPLAIN",
        "TRUNCATE",
        "LOAD",
        "HANDLER",
        "PREPARE",
        "DEALLOCATE",
        "XA",
        "RESET",
        "PURGE",
        "KILL",
        "HELP",
        "INSTALL",
        "UNINSTALL",
        "CACHE",
        "BINLOG",
        "TABLE",
        "VALUES",
        "WITH",
        "SIGNAL",
        "RESIGNAL",
    }
)
#: Objects besides tables, views and indexes: creating, altering or dropping them changes no table.
_OTHER_OBJECTS = frozenset(
    {"DATABASE", "SCHEMA", "USER", "ROLE", "SERVER", "TABLESPACE", "LOGFILE", "RESOURCE", "INSTANCE", "UNDO", "SPATIAL"}
)
#: Code stored in the database: passed over, named in the report.
_ROUTINES = frozenset({"TRIGGER", "PROCEDURE", "FUNCTION", "EVENT", "PACKAGE"})


def _apply(statement: Statement, schema: SchemaDraft, routines: list[str]) -> list[str]:
    """Apply one statement to ``schema``; the problems with parts of it (a whole-statement one raises)."""
    cursor = Cursor.of(statement.text)
    head = cursor.word()
    if head in _NO_SCHEMA_CHANGE:
        return []
    cursor.next()
    if head == "CREATE":
        return _create(cursor, schema, routines)
    if head == "ALTER":
        cursor.accept_any("ONLINE", "OFFLINE")
        cursor.accept("IGNORE")
        if cursor.accept("TABLE"):
            return alter_table(cursor, schema)
        _skip_view_options(cursor)
        if cursor.accept("VIEW"):  # ALTER VIEW v AS ...: a new definition
            return create_view(cursor, schema, replace=True)
        if cursor.word() in _OTHER_OBJECTS or cursor.word() in _ROUTINES or cursor.word() == "SEQUENCE":
            return []
    elif head == "DROP":
        temporary = cursor.accept("TEMPORARY")
        if cursor.accept_any("TABLE", "TABLES", "VIEW"):
            return [] if temporary else drop_tables(cursor, schema)
        if cursor.accept("INDEX"):
            return drop_index(cursor, schema)
        if cursor.word() in _OTHER_OBJECTS or cursor.word() in _ROUTINES:
            return []
    elif head == "RENAME":
        if cursor.accept_any("TABLE", "TABLES"):
            return rename_tables(cursor, schema)
        if cursor.accept("USER"):
            return []
    elif head in ("CALL", "EXECUTE"):
        raise DdlError(f"{head} runs code the reader does not follow (a procedure or a prepared statement)")
    else:
        raise DdlSyntaxError(f"{statement.text.split()[0]!r} does not start a statement the reader knows")
    if cursor.at_end():
        raise DdlSyntaxError(f"the statement ends after {head}")
    raise DdlError(f"{head} {cursor.word() or cursor.describe()} is not a statement the reader knows")


def _create(cursor: Cursor, schema: SchemaDraft, routines: list[str]) -> list[str]:
    replace = cursor.accept("OR", "REPLACE")
    _skip_view_options(cursor)
    temporary = cursor.accept("TEMPORARY")
    cursor.accept_any("ONLINE", "OFFLINE")
    kind = "" if cursor.at("SPATIAL", "REFERENCE") else cursor.accept_any("UNIQUE", "FULLTEXT", "SPATIAL")
    if cursor.accept("INDEX"):
        return create_index(cursor, schema, kind)
    if kind:
        raise DdlSyntaxError(f"expected INDEX after CREATE {kind}, found {cursor.describe()}")
    if cursor.accept("TABLE"):
        return [] if temporary else create_table(cursor, schema, replace=replace)  # temporary: for a session
    if cursor.accept("VIEW"):
        return create_view(cursor, schema, replace=replace)
    cursor.accept("AGGREGATE")  # CREATE AGGREGATE FUNCTION
    if cursor.accept_any(*_ROUTINES):
        cursor.accept("BODY")  # CREATE PACKAGE BODY
        cursor.accept("IF", "NOT", "EXISTS")
        routines.append(cursor.table_name())
        return []
    if cursor.word() in _OTHER_OBJECTS:
        return []
    if cursor.at_end():
        raise DdlSyntaxError("the statement ends after CREATE")
    raise DdlError(f"CREATE {cursor.word() or cursor.describe()} is not read: the model holds tables, views, keys")


def _skip_view_options(cursor: Cursor) -> None:
    """``ALGORITHM = x``, ``DEFINER = user@host``, ``SQL SECURITY x`` (views, triggers, routines)."""
    while True:
        if cursor.accept("ALGORITHM"):
            cursor.expect("=")
            cursor.next()
        elif cursor.accept("DEFINER"):
            cursor.expect("=")
            cursor.next()
            if cursor.at("("):  # CURRENT_USER()
                cursor.group()
            while (token := cursor.peek()) is not None and token.text.startswith("@"):
                if cursor.next().text == "@":
                    cursor.next()
        elif cursor.accept("SQL", "SECURITY"):
            cursor.next()
        else:
            return
