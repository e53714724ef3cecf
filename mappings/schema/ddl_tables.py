"""The table statements: CREATE TABLE, ALTER TABLE, CREATE/DROP INDEX, RENAME TABLE, applied to the draft.

Each reader takes the cursor just after the words that chose it (``CREATE TABLE``, ``ALTER TABLE`` ...)
and returns the parts it could not read, so one odd column or clause is reported, not the whole table lost.
The grammar is MySQL 8's (``CREATE TABLE`` and ``ALTER TABLE`` in the reference manual).
"""

from __future__ import annotations

from mappings.schema.ddl_columns import ColumnSpec, read_column, read_reference
from mappings.schema.ddl_draft import SchemaDraft, TableDraft
from mappings.schema.ddl_tokens import Cursor, DdlError, DdlSyntaxError
from mappings.schema.model import ForeignKey, IndexKind

#: Words that start a table element that is a key or constraint rather than a column.
_KEY_WORDS = ("CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "FULLTEXT", "SPATIAL", "INDEX", "KEY")
#: First words of ALTER TABLE clauses that change nothing the model holds: table options, partitioning,
#: ALGORITHM/LOCK, key maintenance (MySQL 8 and MariaDB spellings).
_ALTER_NO_CHANGE = frozenset(
    {
        "ENGINE",
        "AUTO_INCREMENT",
        "AVG_ROW_LENGTH",
        "DEFAULT",
        "CHARACTER",
        "CHARSET",
        "CHECKSUM",
        "COLLATE",
        "COMMENT",
        "COMPRESSION",
        "CONNECTION",
        "DATA",
        "INDEX",
        "DELAY_KEY_WRITE",
        "ENCRYPTION",
        "ENCRYPTED",
        "ENCRYPTION_KEY_ID",
        "INSERT_METHOD",
        "KEY_BLOCK_SIZE",
        "MAX_ROWS",
        "MIN_ROWS",
        "PACK_KEYS",
        "PASSWORD",
        "ROW_FORMAT",
        "STATS_AUTO_RECALC",
        "STATS_PERSISTENT",
        "STATS_SAMPLE_PAGES",
        "TABLESPACE",
        "UNION",
        "ALGORITHM",
        "LOCK",
        "FORCE",
        "ORDER",
        "PARTITION",
        "PARTITIONS",
        "REMOVE",
        "COALESCE",
        "REORGANIZE",
        "EXCHANGE",
        "ANALYZE",
        "CHECK",
        "OPTIMIZE",
        "REBUILD",
        "REPAIR",
        "TRUNCATE",
        "DISCARD",
        "IMPORT",
        "ENABLE",
        "DISABLE",
        "WITH",
        "WITHOUT",
        "UPGRADE",
        "AUTOEXTEND_SIZE",
        "ENGINE_ATTRIBUTE",
        "SECONDARY_ENGINE",
        "SECONDARY_ENGINE_ATTRIBUTE",
        "SECONDARY_LOAD",
        "SECONDARY_UNLOAD",
        "PAGE_CHECKSUM",
        "PAGE_COMPRESSED",
        "PAGE_COMPRESSION_LEVEL",
        "TRANSACTIONAL",
    }
)


def create_table(cursor: Cursor, schema: SchemaDraft, *, replace: bool = False) -> list[str]:
    """``[IF NOT EXISTS] name (elements) [options] [partitioning]`` or ``name LIKE other``;
    ``replace`` for MariaDB's CREATE OR REPLACE TABLE."""
    if_not_exists = cursor.accept("IF", "NOT", "EXISTS")
    name = cursor.table_name()
    if if_not_exists and name in schema.tables:
        return []  # MySQL keeps the table there is
    if cursor.accept("LIKE") or cursor.at("(", "LIKE"):
        return _create_like(cursor, schema, name, replace=replace)
    if not cursor.at("("):
        raise DdlError("CREATE TABLE ... SELECT takes its columns from a query, which the reader does not run")
    body = cursor.group()
    _refuse_select(cursor)
    draft = TableDraft(name)
    problems: list[str] = []
    elements = list(body.split())
    keys = [e for e in elements if e.word() in _KEY_WORDS]
    for element in [e for e in elements if e.word() not in _KEY_WORDS] + keys:  # columns first, as MySQL
        try:
            if element.word() in _KEY_WORDS:
                read_key(element, draft)
            else:
                draft.add_column(read_column(element))
        except DdlError as exc:
            problems.append(f"{exc.reason} (in {_quote(element)})")
    draft.index_foreign_keys()
    schema.put(draft, replace=replace)
    return problems


def _create_like(cursor: Cursor, schema: SchemaDraft, name: str, *, replace: bool) -> list[str]:
    """``CREATE TABLE t LIKE o``: o's columns and indexes, not its foreign keys (as MySQL)."""
    inner = cursor.group() if cursor.at("(") else cursor
    inner.accept("LIKE")
    source = schema.table(inner.table_name())
    copy = TableDraft(name, list(source.columns), source.primary_key)
    for key in source.unique_keys:
        copy.add_unique_key(key.name, key.columns)
    for key in source.indexes:
        copy.add_index(key.name, key.columns, key.kind)
    schema.put(copy, replace=replace)
    return []


def _refuse_select(cursor: Cursor) -> None:
    """Table options and partitions change nothing the model holds; a trailing query does."""
    while not cursor.at_end():
        if cursor.at("("):
            cursor.group()
        elif cursor.word() in ("SELECT", "AS", "TABLE") or (cursor.at("WITH") and not cursor.at("WITH", "SYSTEM")):
            raise DdlError("CREATE TABLE ... SELECT takes its columns from a query, which the reader does not run")
        else:
            cursor.next()


def read_key(cursor: Cursor, draft: TableDraft) -> None:
    """A key or constraint element: PRIMARY KEY, UNIQUE, INDEX/KEY, FULLTEXT, SPATIAL, FOREIGN KEY, CHECK."""
    symbol = ""
    if cursor.accept("CONSTRAINT") and cursor.word() not in ("PRIMARY", "UNIQUE", "FOREIGN", "CHECK"):
        symbol = cursor.name()
    if cursor.accept("PRIMARY", "KEY"):
        _index_name(cursor)  # MySQL ignores a primary key's name: it is always PRIMARY
        draft.set_primary_key(key_columns(cursor.group()))
    elif cursor.accept("UNIQUE"):
        cursor.accept_any("INDEX", "KEY")
        name = _index_name(cursor) or symbol
        draft.add_unique_key(name, key_columns(cursor.group()))
    elif cursor.accept("FOREIGN", "KEY"):
        index_name = _index_name(cursor)
        columns = tuple(part.name() for part in cursor.group().split())
        cursor.expect("REFERENCES")
        table, referenced, actions = read_reference(cursor)
        key = ForeignKey(
            columns, table, referenced, on_delete=actions.get("DELETE", ""), on_update=actions.get("UPDATE", "")
        )
        draft.add_foreign_key(symbol, index_name, key)
    elif cursor.accept("CHECK"):
        cursor.group()  # a CHECK constraint: the model holds none
    elif symbol:
        raise DdlSyntaxError(
            f"CONSTRAINT {symbol} is followed by {cursor.describe()}, not PRIMARY KEY/UNIQUE/FOREIGN KEY/CHECK"
        )
    else:
        kind = IndexKind(cursor.accept_any("FULLTEXT", "SPATIAL").lower() or "plain")
        if kind is IndexKind.PLAIN:
            cursor.expect_any("INDEX", "KEY")
        else:
            cursor.accept_any("INDEX", "KEY")
        name = _index_name(cursor)
        draft.add_index(name, key_columns(cursor.group()), kind)


def _index_name(cursor: Cursor) -> str:
    """The optional name before a key's column list, and an optional ``USING BTREE|HASH``."""
    name = "" if cursor.at("(") or cursor.at("USING") else cursor.name()
    if cursor.accept("USING"):
        cursor.next()
    return name


def key_columns(parts: Cursor) -> tuple[str, ...]:
    """``(c1, c2(191) DESC)``: the columns (a prefix length still indexes column ``c2``)."""
    columns = []
    for part in parts.split():
        if part.at("("):
            raise DdlError(f"{_quote(part)} is a functional key part; the model holds keys over columns")
        columns.append(part.name())
        if part.at("("):
            part.group()  # prefix length
        part.accept_any("ASC", "DESC")
        if not part.at_end():
            raise DdlSyntaxError(f"{part.describe()} in a key's column list")
    return tuple(columns)


def alter_table(cursor: Cursor, schema: SchemaDraft) -> list[str]:
    """``[IF EXISTS] name clause, clause ...``: each clause applied in order; the ones not read are returned."""
    cursor.accept("IF", "EXISTS")
    draft = schema.table(cursor.table_name())
    problems: list[str] = []
    for clause in cursor.split():
        try:
            _alter_clause(clause, draft, schema)
        except DdlError as exc:
            problems.append(f"{exc.reason} (in {_quote(clause)})")
    draft.index_foreign_keys()
    return problems


def _alter_clause(clause: Cursor, draft: TableDraft, schema: SchemaDraft) -> None:
    if clause.accept("ADD"):
        if clause.word() in _KEY_WORDS:
            read_key(clause, draft)
        elif clause.accept("PARTITION"):
            return
        else:
            clause.accept("COLUMN")
            if_not_exists = clause.accept("IF", "NOT", "EXISTS")
            if clause.at("("):
                for part in clause.group().split():
                    draft.add_column(read_column(part))
                return
            spec, first, after = _placed_column(clause)
            if not (if_not_exists and any(c.name.lower() == spec.column.name.lower() for c in draft.columns)):
                draft.add_column(spec, first=first, after=after)
    elif clause.accept("DROP"):
        _drop_clause(clause, draft)
    elif clause.word() in ("MODIFY", "CHANGE"):
        _modify(clause, draft)
    elif clause.accept("RENAME"):
        if clause.accept("COLUMN"):
            old = clause.name()
            clause.expect("TO")
            draft.rename_column(old, clause.name())
        elif clause.accept_any("INDEX", "KEY"):
            old = clause.name()
            clause.expect("TO")
            draft.rename_index(old, clause.name())
        else:
            clause.accept_any("TO", "AS")
            schema.rename(draft.name, clause.table_name())
    elif clause.accept("CONVERT", "TO"):
        raise DdlError(
            "CONVERT TO CHARACTER SET can turn TEXT columns into MEDIUMTEXT, and the reader does not track character sets"
        )
    elif not (clause.accept("ALTER") or clause.word() in _ALTER_NO_CHANGE):
        # ALTER [COLUMN] c SET DEFAULT ..., ALTER INDEX i VISIBLE, ALTER CHECK x ENFORCED change nothing modelled
        raise DdlError(f"{clause.describe()} does not start an ALTER TABLE clause the reader knows")


def _drop_clause(clause: Cursor, draft: TableDraft) -> None:
    if clause.accept("PRIMARY", "KEY"):
        draft.drop_primary_key()
    elif clause.accept("FOREIGN", "KEY"):
        if_exists = clause.accept("IF", "EXISTS")
        name = clause.name()
        if not (if_exists and name not in draft.foreign_keys):
            draft.drop_foreign_key(name)
    elif clause.accept_any("INDEX", "KEY"):
        if_exists = clause.accept("IF", "EXISTS")
        name = clause.name()
        if not (if_exists and all(k.name != name for k in (*draft.unique_keys, *draft.indexes))):
            draft.drop_index(name)
    elif clause.accept("CONSTRAINT"):
        clause.accept("IF", "EXISTS")
        draft.drop_constraint(clause.name())  # a CHECK, not modelled, when it is neither a FK nor a unique key
    elif not (clause.accept("CHECK") or clause.accept("PARTITION")):
        clause.accept("COLUMN")
        if_exists = clause.accept("IF", "EXISTS")
        name = clause.name()
        if not (if_exists and all(c.name.lower() != name.lower() for c in draft.columns)):
            draft.drop_column(name)


def _modify(clause: Cursor, draft: TableDraft) -> None:
    """``MODIFY [COLUMN] definition [FIRST|AFTER c]`` / ``CHANGE [COLUMN] old definition [FIRST|AFTER c]``."""
    change = clause.next().word == "CHANGE"
    clause.accept("COLUMN")
    if_exists = clause.accept("IF", "EXISTS")
    old = clause.name() if change else ""
    spec, first, after = _placed_column(clause)
    old = old or spec.column.name
    if if_exists and not any(c.name.lower() == old.lower() for c in draft.columns):
        return
    draft.replace_column(old, spec, first=first, after=after)


def _placed_column(clause: Cursor) -> tuple[ColumnSpec, bool, str | None]:
    """A column definition that may end with ``FIRST`` or ``AFTER c`` (where ADD/MODIFY/CHANGE put it)."""
    tokens = clause.tokens[clause.pos :]
    first = bool(tokens) and tokens[-1].word == "FIRST"
    after = tokens[-1].text if len(tokens) > 1 and tokens[-2].word == "AFTER" else None
    end = len(tokens) - (1 if first else 2 if after else 0)
    spec = read_column(Cursor(tokens[:end], clause.text))
    clause.pos = len(clause.tokens)
    return spec, first, after


def create_index(cursor: Cursor, schema: SchemaDraft, kind: str) -> list[str]:
    """``[IF NOT EXISTS] name [USING x] ON table (key parts) [options]``; ``kind`` is UNIQUE, FULLTEXT, SPATIAL or ""."""
    cursor.accept("IF", "NOT", "EXISTS")
    name = cursor.name()
    if cursor.accept("USING"):
        cursor.next()
    cursor.expect("ON")
    draft = schema.table(cursor.table_name())
    columns = key_columns(cursor.group())
    if kind == "UNIQUE":
        draft.add_unique_key(name, columns)
    else:
        draft.add_index(name, columns, IndexKind(kind.lower() or "plain"))
    return []


def drop_index(cursor: Cursor, schema: SchemaDraft) -> list[str]:
    """``[IF EXISTS] name ON table``."""
    if_exists = cursor.accept("IF", "EXISTS")
    name = cursor.name()
    cursor.expect("ON")
    draft = schema.table(cursor.table_name())
    if not (if_exists and all(k.name != name for k in (*draft.unique_keys, *draft.indexes))):
        draft.drop_index(name)
    return []


def rename_tables(cursor: Cursor, schema: SchemaDraft) -> list[str]:
    """``a TO b [, c TO d]``, one after the other (so ``a TO tmp, b TO a, tmp TO b`` swaps)."""
    for pair in cursor.split():
        old = pair.table_name()
        pair.expect("TO")
        schema.rename(old, pair.table_name())
    return []


def drop_tables(cursor: Cursor, schema: SchemaDraft) -> list[str]:
    """``[IF EXISTS] a, b [RESTRICT|CASCADE]`` of DROP TABLE or DROP VIEW."""
    cursor.accept("IF", "EXISTS")
    for part in cursor.split():
        schema.drop(part.table_name())
    return []


def _quote(part: Cursor) -> str:
    text = " ".join(part.source().split())
    return "an empty item of the list" if not text else text if len(text) <= 60 else text[:57] + "..."
