"""What a binlog ``QueryEvent``'s statement is: transaction structure, DDL (and its tables), DML, or not known.

Only the forms below are recognised; everything else is ``UNKNOWN`` and the reader stops on it
(closed world). Names are unquoted (backticks) and qualified with the event's default schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Verb(StrEnum):
    """The statement forms the binlog reader knows."""

    BEGIN = "BEGIN"
    COMMIT = "COMMIT"
    ROLLBACK = "ROLLBACK"
    SAVEPOINT = "SAVEPOINT"
    ROLLBACK_TO = "ROLLBACK TO SAVEPOINT"
    RELEASE = "RELEASE SAVEPOINT"
    XA_START = "XA START"
    XA_END = "XA END"
    XA_PREPARE = "XA PREPARE"
    XA_COMMIT = "XA COMMIT"
    XA_ONE_PHASE = "XA COMMIT ONE PHASE"
    XA_ROLLBACK = "XA ROLLBACK"
    DML = "DML"
    CREATE_TABLE = "CREATE TABLE"
    CREATE_OR_REPLACE_TABLE = "CREATE OR REPLACE TABLE"
    ALTER_TABLE = "ALTER TABLE"
    DROP_TABLE = "DROP TABLE"
    RENAME_TABLE = "RENAME TABLE"
    TRUNCATE = "TRUNCATE TABLE"
    DROP_DATABASE = "DROP DATABASE"
    #: Statements that change no row of any table (listed one by one in ``ROWLESS``).
    ROWLESS = "statement that changes no table row"
    UNKNOWN = "statement not understood"


#: Statements that change no row of a table: passed over by name, never by a catch-all. Their row
#: effects, if any (a trigger's), are logged as row events of their own in ROW format.
ROWLESS = {
    "CREATE DATABASE": "creates an empty schema",
    "CREATE SCHEMA": "creates an empty schema",
    "ALTER DATABASE": "changes a schema's defaults",
    "ALTER SCHEMA": "changes a schema's defaults",
    "CREATE INDEX": "an index changes no row",
    "CREATE UNIQUE INDEX": "an index changes no row",
    "CREATE FULLTEXT INDEX": "an index changes no row",
    "CREATE SPATIAL INDEX": "an index changes no row",
    "DROP INDEX": "an index changes no row",
    "CREATE VIEW": "views are not replicated by CDC",
    "CREATE OR REPLACE VIEW": "views are not replicated by CDC",
    "ALTER VIEW": "views are not replicated by CDC",
    "DROP VIEW": "views are not replicated by CDC",
    "CREATE TRIGGER": "a trigger's row changes are logged as rows of their own",
    "DROP TRIGGER": "a trigger's row changes are logged as rows of their own",
    "CREATE PROCEDURE": "a routine's row changes are logged as rows of their own",
    "DROP PROCEDURE": "a routine's row changes are logged as rows of their own",
    "ALTER PROCEDURE": "a routine's row changes are logged as rows of their own",
    "CREATE FUNCTION": "a routine's row changes are logged as rows of their own",
    "DROP FUNCTION": "a routine's row changes are logged as rows of their own",
    "ALTER FUNCTION": "a routine's row changes are logged as rows of their own",
    "CREATE EVENT": "an event's row changes are logged as rows of their own",
    "ALTER EVENT": "an event's row changes are logged as rows of their own",
    "DROP EVENT": "an event's row changes are logged as rows of their own",
    "CREATE SEQUENCE": "a sequence's values are logged as rows of its own table",
    "CREATE OR REPLACE SEQUENCE": "a sequence's values are logged as rows of its own table",
    "ALTER SEQUENCE": "a sequence's values are logged as rows of its own table",
    "DROP SEQUENCE": "a sequence's values are logged as rows of its own table",
    "GRANT": "account management",
    "REVOKE": "account management",
    "CREATE USER": "account management",
    "DROP USER": "account management",
    "ALTER USER": "account management",
    "RENAME USER": "account management",
    "SET PASSWORD": "account management",
    "CREATE ROLE": "account management",
    "DROP ROLE": "account management",
    "SET DEFAULT ROLE": "account management",
    "FLUSH": "server maintenance",
    "ANALYZE TABLE": "table maintenance, no row changes",
    "OPTIMIZE TABLE": "table maintenance, no row changes",
    "REPAIR TABLE": "table maintenance, no row changes",
    "INSTALL PLUGIN": "server plugins",
    "UNINSTALL PLUGIN": "server plugins",
    "INSTALL SONAME": "server plugins",
    "UNINSTALL SONAME": "server plugins",
}

_NAME = r"(?:`(?:[^`]|``)+`|[\w$]+)"
_QUALIFIED = rf"({_NAME}(?:\s*\.\s*{_NAME})?)"
_XID_PART = r"(?:X'[0-9A-Fa-f]*'|'(?:[^']|'')*'|0x[0-9A-Fa-f]+)"
_XID = rf"({_XID_PART}(?:\s*,\s*{_XID_PART}(?:\s*,\s*\d+)?)?)"


@dataclass(frozen=True)
class Statement:
    """A classified statement: its verb, the tables it names (schema, table), a savepoint or XA id."""

    verb: Verb
    text: str
    tables: tuple[tuple[str, str], ...] = ()
    #: For RENAME TABLE: the new names (and for ALTER TABLE ... RENAME TO).
    renamed_to: tuple[tuple[str, str], ...] = ()
    name: str = ""
    xid: tuple[bytes, bytes, int] | None = None
    why: str = ""
    #: For CREATE TABLE: it fills the table from a SELECT (in ROW format the server logs the rows apart and
    #: the CREATE without its SELECT, so a logged SELECT means the rows are in the statement only).
    selects_rows: bool = False


def _strip(text: str) -> str:
    """Leading comments and whitespace off (``/* ... */`` and MariaDB's ``/*!... */`` are kept as text)."""
    text = text.strip()
    while text.startswith("/*") and not text.startswith("/*!"):
        end = text.find("*/")
        if end < 0:
            break
        text = text[end + 2 :].lstrip()
    return text


def unquote(name: str) -> str:
    name = name.strip()
    return name[1:-1].replace("``", "`") if name.startswith("`") and name.endswith("`") else name


def _table(text: str, schema: str) -> tuple[str, str]:
    parts = re.findall(_NAME, text)
    if len(parts) == 2:
        return unquote(parts[0]), unquote(parts[1])
    return schema, unquote(parts[0])


def _tables(text: str, schema: str) -> tuple[tuple[str, str], ...]:
    return tuple(_table(m, schema) for m in re.findall(_QUALIFIED, text))


def parse_xid(text: str) -> tuple[bytes, bytes, int]:
    """``X'7831',X'',1`` (as the server logs it) or ``'x1'`` as written: gtrid, bqual, format id."""
    parts = [p.strip() for p in re.findall(rf"{_XID_PART}|\d+", text)]
    values: list[bytes] = []
    for part in parts[:2]:
        if part.upper().startswith("X'"):
            values.append(bytes.fromhex(part[2:-1]))
        elif part.lower().startswith("0x"):
            values.append(bytes.fromhex(part[2:]))
        else:
            values.append(part[1:-1].replace("''", "'").encode())
    while len(values) < 2:
        values.append(b"")
    form = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 1
    return values[0], values[1], form


_FORMS: list[tuple[str, Verb]] = [
    (r"BEGIN(?:\s+WORK)?\s*$|START\s+TRANSACTION\b", Verb.BEGIN),
    (r"COMMIT\b", Verb.COMMIT),
    (rf"ROLLBACK(?:\s+WORK)?\s+TO\s+(?:SAVEPOINT\s+)?({_NAME})\s*$", Verb.ROLLBACK_TO),
    (r"ROLLBACK(?:\s+WORK)?\s*$", Verb.ROLLBACK),
    (rf"SAVEPOINT\s+({_NAME})\s*$", Verb.SAVEPOINT),
    (rf"RELEASE\s+SAVEPOINT\s+({_NAME})\s*$", Verb.RELEASE),
    (rf"XA\s+(?:START|BEGIN)\s+{_XID}", Verb.XA_START),
    (rf"XA\s+END\s+{_XID}", Verb.XA_END),
    (rf"XA\s+PREPARE\s+{_XID}", Verb.XA_PREPARE),
    (rf"XA\s+COMMIT\s+{_XID}\s+ONE\s+PHASE", Verb.XA_ONE_PHASE),
    (rf"XA\s+COMMIT\s+{_XID}", Verb.XA_COMMIT),
    (rf"XA\s+ROLLBACK\s+{_XID}", Verb.XA_ROLLBACK),
]

_DML = re.compile(
    r"(?:INSERT|REPLACE)(?:\s+(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE))*(?:\s+INTO)?\s+"
    + _QUALIFIED
    + r"|UPDATE(?:\s+(?:LOW_PRIORITY|IGNORE))*\s+"
    + _QUALIFIED
    + r"\s+SET\b"
    + r"|DELETE(?:\s+(?:LOW_PRIORITY|QUICK|IGNORE))*\s+FROM\s+"
    + _QUALIFIED
    + r"(?:\s+WHERE\b|\s*$|\s+ORDER\b|\s+LIMIT\b)"
    + r"|LOAD\s+(?:DATA|XML)\b.*?\bINTO\s+TABLE\s+"
    + _QUALIFIED,
    re.IGNORECASE | re.DOTALL,
)
_DML_START = re.compile(r"(?:INSERT|REPLACE|UPDATE|DELETE|LOAD\s+DATA|LOAD\s+XML|WITH)\b", re.IGNORECASE)


#: Quoted strings and names (a COMMENT 'select ...' is no SELECT); a SELECT keyword after CREATE TABLE's name.
_QUOTED = re.compile(r"'(?:[^'\\]|\\.|'')*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", re.S)
_SELECT = re.compile(r"\bSELECT\b", re.I)


def classify_statement(query: str, schema: str) -> Statement:
    """The statement's verb and the tables it names; ``UNKNOWN`` for any form not listed here."""
    text = _strip(query)
    upper = " ".join(text.upper().split())
    for pattern, verb in _FORMS:
        found = re.match(pattern, text, re.IGNORECASE)
        if found is None:
            continue
        if verb in (Verb.SAVEPOINT, Verb.ROLLBACK_TO, Verb.RELEASE):
            return Statement(verb, text, name=unquote(found.group(1)))
        if verb.name.startswith("XA_"):
            return Statement(verb, text, xid=parse_xid(found.group(1)))
        return Statement(verb, text)
    if _DML_START.match(text):
        dml = _DML.match(text)
        if dml is None:  # a multi-table or CTE form: its tables are not known here
            return Statement(Verb.DML, text)
        named = next(g for g in dml.groups() if g)
        return Statement(Verb.DML, text, (_table(named, schema),))
    ddl = re.match(
        rf"CREATE\s+(OR\s+REPLACE\s+)?(TEMPORARY\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?{_QUALIFIED}", text, re.I
    )
    if ddl is not None:
        if ddl.group(2):
            return Statement(Verb.ROWLESS, text, why="a temporary table is not replicated")
        verb = Verb.CREATE_OR_REPLACE_TABLE if ddl.group(1) else Verb.CREATE_TABLE
        fills = _SELECT.search(_QUOTED.sub("''", text[ddl.end() :])) is not None
        return Statement(verb, text, (_table(ddl.group(3), schema),), selects_rows=fills)
    ddl = re.match(
        rf"ALTER\s+(?:ONLINE\s+)?(?:IGNORE\s+)?TABLE\s+(?:IF\s+EXISTS\s+)?{_QUALIFIED}(.*)", text, re.I | re.S
    )
    if ddl is not None:
        renamed = re.search(rf"\bRENAME\s+(?:TO\s+|AS\s+)?{_QUALIFIED}\s*(?:,|$)", ddl.group(2), re.I)
        return Statement(
            Verb.ALTER_TABLE,
            text,
            (_table(ddl.group(1), schema),),
            renamed_to=(_table(renamed.group(1), schema),) if renamed else (),
        )
    ddl = re.match(
        r"DROP\s+(TEMPORARY\s+)?TABLES?\s+(?:IF\s+EXISTS\s+)?(.*?)(?:\s+(?:RESTRICT|CASCADE))?\s*(?:/\*.*)?$",
        text,
        re.I | re.S,
    )
    if ddl is not None:
        if ddl.group(1):
            return Statement(Verb.ROWLESS, text, why="a temporary table is not replicated")
        return Statement(Verb.DROP_TABLE, text, _tables(ddl.group(2), schema))
    ddl = re.match(r"RENAME\s+TABLES?\s+(.*)$", text, re.I | re.S)
    if ddl is not None:
        pairs = [re.split(r"\s+TO\s+", p.strip(), flags=re.I) for p in ddl.group(1).split(",")]
        if any(len(p) != 2 for p in pairs):
            return Statement(Verb.UNKNOWN, text)
        return Statement(
            Verb.RENAME_TABLE,
            text,
            tuple(_table(old, schema) for old, _ in pairs),
            renamed_to=tuple(_table(new, schema) for _, new in pairs),
        )
    ddl = re.match(rf"TRUNCATE\s+(?:TABLE\s+)?{_QUALIFIED}", text, re.I)
    if ddl is not None:
        return Statement(Verb.TRUNCATE, text, (_table(ddl.group(1), schema),))
    ddl = re.match(rf"DROP\s+(?:DATABASE|SCHEMA)\s+(?:IF\s+EXISTS\s+)?({_NAME})", text, re.I)
    if ddl is not None:
        return Statement(Verb.DROP_DATABASE, text, name=unquote(ddl.group(1)))
    for form, why in ROWLESS.items():
        if _starts(upper, form):
            return Statement(Verb.ROWLESS, text, why=f"{form}: {why}")
    return Statement(Verb.UNKNOWN, text)


def _starts(upper: str, form: str) -> bool:
    """``form`` opens the statement, ignoring ``DEFINER=...``, ``SQL SECURITY ...`` and ``ALGORITHM=...``."""
    words = upper.split()
    kept = []
    skip = 0
    for index, word in enumerate(words):
        if skip:
            skip -= 1
            continue
        if index and (word.startswith(("DEFINER=", "ALGORITHM=")) or word in ("DEFINER", "ALGORITHM")):
            if word in ("DEFINER", "ALGORITHM"):
                skip = 2  # DEFINER = x
            continue
        if index and word == "SQL" and index + 1 < len(words) and words[index + 1] == "SECURITY":
            skip = 2
            continue
        if index and word == "IF" and index + 1 < len(words) and words[index + 1] in ("EXISTS", "NOT"):
            break
        kept.append(word)
        if len(kept) >= len(form.split()):
            break
    return " ".join(kept).startswith(form)
