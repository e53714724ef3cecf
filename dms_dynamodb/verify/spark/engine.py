"""The comparison in Spark: the source over JDBC by key ranges, the export's files, a join; findings streamed back.

The expected items are built on the executors by the same pure item model the local verify runs
(``ItemBuilder``, broadcast with the plan), Arrow-batched (``mapInArrow``), one batch at a time, column by
column (``ColumnBuilder``, as the local verify's workers build theirs).
The driver receives only findings, through ``toLocalIterator`` (one partition at a time, from the
executors, which keep the findings of one job over every partition on disk), and a few counts: nothing
proportional to the table is collected. That one job reads the source and the exports (no cache),
aggregates the source's rows per key after the shuffle the join needs anyway, and joins. The counts come
from its findings and the manifests' item counts (with ``--tables``, the export's items kept, counted in a
pass of their own): a key not among the findings is on both sides. Two
assumptions the README names: an export holds each key once (a table's keys are unique), and its data
files hold the items their manifest lines count (the files are checked against the manifests' MD5s or
ETags before). A rejected row is a key of its own, its record its item. Only when some key is written
twice (OVERWRITE) does a second pass read the source again, for those keys' rows. The records are built
by the same functions as the local verify's (``key_values``, ``differences``), so the reports are equal
record for record.

Order of rows for OVERWRITE (two rows, one item key: the last wins): table order, then key range,
then the order the source returns a range's rows, as the local verify reads them. Each row is numbered
(``ord``: its table's index in the plan, its partition, its place there), which also names its table.

The rows an OVERWRITE shows (the first and the last, as text) are not built for every row: only the
overwritten keys need them, so a second pass over their tables finds those keys' rows and the driver reads
the first and last again by primary key (as ``--settle`` does) and shows them as the local verify does. A
row with no primary key (no reference to read it by) carries its text from the second pass. A row gone or
changed since the first read is shown as it is now, or, gone, by its primary key only (an assumption the
README names).
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Generator, Iterator, Sequence
from typing import Any, TextIO

from dms_dynamodb.export.layout import Export
from dms_dynamodb.plan import Plan
from dms_dynamodb.source.connection import connect
from dms_dynamodb.source.filter_sql import where_clause
from dms_dynamodb.source.rows import key_ranges
from dms_dynamodb.verify.full import Result, incomplete_on_failure
from dms_dynamodb.verify.recheck import (
    MISSING_SOURCE,
    MISSING_TARGET,
    RECORD_DIFF,
    KeyReader,
    SourceRef,
    differences,
    expected_item,
    key_values,
    ref_from_json,
    ref_json,
    rejected_record,
    row_key,
    shown_row,
)
from dms_dynamodb.verify.settle import settle, unsettled
from dms_dynamodb.verify.spark.jdbc import KEY, SourceQuery, inline_filter, jdbc_url, source_query
from mappings.schema import Table

ROWS = "key string, item string, row string, ref string, ord long"
ITEMS = "key string, item string"
#: A finding: its record, its key text, the source rows (refs) that map to it, the item (MISSING_SOURCE).
Finding = tuple[dict[str, Any], str, list[str], dict[str, Any] | None]
#: Per source row: its item's key text (a rejection's: :data:`REJECTED` and its number; its record is
#: ``item``), its canonical item, its text (only when it has no ``ref`` to read it again by), its reference
#: (``row`` and ``ref`` only when asked for: ``refs_too``), its number (``ord``).
ROWS_COLUMNS = ("key", "item", "row", "ref", "ord")
#: ``ord``'s top bits are the row's table's index in ``plan.tables``.
TABLE_SHIFT = 48
#: A rejected row's key: this and its number (``ord``), a key of its own that no item's has (a table's name
#: never holds a NUL), so it passes the join as a key only the source has, its record as its item.
REJECTED = "\x00rejected\x1f"


def _expected_batches(
    plan_value: Any, query: SourceQuery, table_index: int, target: str, names: list[str], refs_too: bool = True
) -> Any:
    """The executors' function: source rows (their columns' bytes) in, expected items (or rejections) out, batch
    by batch. ``refs_too``: each row's reference (or, without one, its text), which only ``--settle`` and the
    OVERWRITE pass read; else null."""

    def build(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa  # type: ignore[import-untyped]
        from pyspark import TaskContext

        from dms_dynamodb.verify.recheck import key_text
        from mappings.items import Rejection, canonical
        from mappings.items.columns import ColumnBuilder

        schema = pa.schema([(n, pa.int64() if n == "ord" else pa.string()) for n in ROWS_COLUMNS])
        plan: Plan = plan_value.value
        builder = plan.builder
        table = builder.table(query.schema, query.table)
        source = f"{query.schema}.{query.table}"
        by_columns = ColumnBuilder(builder, query.schema, query.table, query.columns, names)
        prefix = target + "\x1f"
        context = TaskContext.get()
        base = (table_index << TABLE_SHIFT) | ((context.partitionId() if context else 0) << 32)
        position = 0
        columns = [f"c{n}" for n in range(len(query.columns))]
        refs = _RowRefs(query, table)
        for batch in batches:
            decoded = query.decode_columns([batch.column(name).to_pylist() for name in columns])
            out: dict[str, list[Any]] = {name: [] for name in ROWS_COLUMNS}
            keys, texts, rows, found, order = (out[n] for n in ROWS_COLUMNS)
            references = refs.texts(decoded) if refs_too else [None] * len(batch)
            for index, built in enumerate(by_columns.build(decoded)):
                position += 1
                if isinstance(built, Rejection):
                    keys.append(f"{REJECTED}{base + position}")
                    texts.append(json.dumps(rejected_record(target, source, built), default=str))
                    rows.append(None)
                    found.append(None)
                    order.append(base + position)
                    continue
                if isinstance(built, tuple):  # a plain row: its key values and canonical text
                    keys.append(prefix + built[0])
                    texts.append(built[1])
                else:
                    keys.append(key_text(target, built, names))
                    texts.append(canonical(built))
                ref = references[index]
                rows.append(json.dumps(shown_row(refs.row(decoded, index))) if ref is None and refs_too else None)
                found.append(ref)
                order.append(base + position)
            yield pa.RecordBatch.from_pydict(out, schema=schema)

    return build


class _RowRefs:
    """Rows' references (:func:`ref_json`) as text, one per source row: a key of plain integers (most keys)
    written directly, as ``json.dumps`` writes it."""

    def __init__(self, query: SourceQuery, table: Table | None) -> None:
        columns = {name.lower(): name for name in query.columns}
        self.table, self.schema, self.table_name = table, query.schema, query.table
        self.query_columns = query.columns
        self.names = [columns.get(c.lower()) for c in table.primary_key] if table is not None else []
        self.prefix = json.dumps([query.schema, query.table, []])[:-2]

    def texts(self, columns: list[list[Any]]) -> list[str | None]:
        """Every row's reference of a batch given as columns (:meth:`SourceQuery.decode_columns`)."""
        index = {name: number for number, name in enumerate(self.query_columns)}
        keys = [columns[index[n]] if n is not None else None for n in self.names]
        count = len(columns[0]) if columns else 0
        if keys and all(k is not None for k in keys):
            found = list(zip(*[k for k in keys if k is not None], strict=True))
        else:
            found = [()] * count
        return [self._integers(values) or self.text(self.row(columns, row)) for row, values in enumerate(found)]

    def _integers(self, values: Sequence[Any]) -> str | None:
        """The reference of a key of plain integers, written directly (as ``json.dumps`` writes it), else None."""
        if values and all(type(v) is int for v in values):
            return self.prefix + ", ".join(map(str, values)) + "]]"
        return None

    def row(self, columns: list[list[Any]], index: int) -> dict[str, Any]:
        """Row ``index`` of a batch given as columns, as a dict (as PyMySQL's DictCursor gives it)."""
        return {name: values[index] for name, values in zip(self.query_columns, columns, strict=True)}

    def text(self, row: dict[str, Any]) -> str | None:
        found_text = self._integers([row.get(n) if n is not None else None for n in self.names])
        if found_text is not None:
            return found_text
        found = row_key(self.table, row)
        return ref_json(SourceRef(self.schema, self.table_name, found)) if found is not None else None


def _actual_batches(target: str, names: list[str], patterns: Any = None) -> Any:
    """The executors' function: export lines (DynamoDB JSON) in, key texts and canonical items out.

    ``patterns`` (``--tables``): only the items whose key matches a chosen table's (``table_choice.kept``)."""

    def parse(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        from dms_dynamodb.export.layout import line_item
        from dms_dynamodb.table_choice import kept
        from dms_dynamodb.verify.recheck import key_text
        from mappings.items import canonical

        schema = pa.schema([("key", pa.string()), ("item", pa.string())])
        for batch in batches:
            keys, items = [], []
            for line in batch.column("value").to_pylist():
                if not line or not line.strip():
                    continue
                item, text = line_item(line)
                if patterns is not None and not kept(patterns, names, item):
                    continue
                keys.append(key_text(target, item, names))
                items.append(text if text is not None else canonical(item))
            yield pa.RecordBatch.from_pydict({"key": keys, "item": items}, schema=schema)

    return parse


def _source_frame(
    spark: Any,
    url: str,
    plan: Plan,
    plan_value: Any,
    key_names: dict[str, list[str]],
    parts: int,
    refs_too: bool,
    targets: set[str] | None = None,
) -> Any:
    """Every migrated table's rows as expected items (or rejections), over JDBC by key ranges (``refs_too``: as
    :func:`_expected_batches`); ``targets``: only the tables that write these target tables."""
    address, properties = jdbc_url(url)
    frames = []
    connection = connect(url)
    try:
        for index, (schema, name) in enumerate(plan.tables):
            if targets is not None and plan.target_of(schema, name).table_name not in targets:
                continue  # its index (``ord``) kept: it names the table
            table = plan.builder.table(schema, name)
            assert table is not None, "a planned table is in the schema"
            clause, parameters = where_clause(plan.builder.filter_for(schema, name))
            query = source_query(schema, table, inline_filter(clause, parameters))
            ranges = key_ranges(connection, schema, table, parts) if query.keyed else [None]
            predicates = [f"{KEY} BETWEEN {r.low} AND {r.high}" if r else "1 = 1" for r in ranges]
            rows = spark.read.jdbc(
                address, f"({query.sql}) AS source_rows", predicates=predicates, properties=properties
            )
            target = plan.target_of(schema, name).table_name
            built = _expected_batches(plan_value, query, index, target, key_names[target], refs_too)
            frames.append(rows.mapInArrow(built, ROWS))
    finally:
        connection.close()
    frame = frames[0]
    for other in frames[1:]:
        frame = frame.unionByName(other)
    return frame


def _actual_frame(
    spark: Any, exports: dict[str, Export], key_names: dict[str, list[str]], keep: dict[str, Any] | None = None
) -> Any:
    frames = []
    for table, export in exports.items():
        lines = spark.read.text([f.uri or str(f.path) for f in export.files])
        patterns = None if keep is None else keep[table]
        frames.append(lines.mapInArrow(_actual_batches(table, key_names[table], patterns), ITEMS))
    frame = frames[0]
    for other in frames[1:]:
        frame = frame.unionByName(other)
    return frame


@contextlib.contextmanager
def _source_lost_over_jdbc() -> Iterator[None]:
    """A JDBC failure in a Spark job (the source lost or refusing mid-run) is the source's, as a PyMySQL
    error is in the local verify: the run is incomplete (exit 3), not a crash."""
    try:
        yield
    except Exception as error:
        text = str(error)
        if not any(mark in text for mark in ("FAILED_JDBC", "java.sql.", "SQLException")):
            raise
        from pymysql.err import OperationalError

        cause = next((line.strip() for line in text.splitlines() if "JDBC" in line or "SQL" in line), text[:300])
        raise OperationalError(2013, f"over JDBC: {cause[:300]}") from error


def verify_spark(
    spark: Any,
    url: str,
    plan: Plan,
    exports: dict[str, Export],
    *,
    report: TextIO | None = None,
    parts: int = 0,
    ddb: Any = None,
    settle_seconds: float | None = None,
    keep: dict[str, Any] | None = None,
) -> Result:
    """Compare the source with the exports in Spark: the same :class:`Result` and records as the local verify.

    ``settle_seconds``: every finding is read again on the source and the live table (``ddb``) until it settles.
    ``keep`` (``--tables``, the plan already narrowed to the chosen tables): per target table the chosen
    tables' key patterns (``TableChoice.patterns``); only the export items they match are compared.
    """
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    result = Result()
    key_names = {n: [k.name for k in d.key_attributes[: 2 if d.sort_key else 1]] for n, d in plan.targets.items()}
    parts = parts or max(2, spark.sparkContext.defaultParallelism * 2)
    # Every frame cached is released however the run ends (``cached``, before the failure is handled).
    with incomplete_on_failure(result, report), _source_lost_over_jdbc(), contextlib.ExitStack() as cached:
        plan_value = spark.sparkContext.broadcast(plan)
        source = functools.partial(_source_frame, spark, url, plan, plan_value, key_names, parts)
        rows = source(settle_seconds is not None)
        actual = _actual_frame(spark, exports, key_names, keep)
        result.actual = sum(e.item_count for e in exports.values()) if keep is None else actual.count()
        # Per key: its rows' count, the last item and its number (which names its table), and, for --settle
        # only, the rows to read again. Repartitioned by key first: Spark then aggregates each key in one step
        # after the shuffle the join needs anyway; grouped directly it would pre-aggregate before the shuffle
        # (a sort of every row, to merge nothing: keys are nearly all distinct).
        aggregates = [F.count("*").alias("n"), F.max_by("item", "ord").alias("item"), F.max("ord").alias("ord")]
        if settle_seconds is not None:
            aggregates.append(F.collect_list("ref").alias("refs"))
        by_key = rows.repartition("key").groupBy("key").agg(*aggregates)
        # The one job over the source and the exports (its first action, the counts below): its findings kept by
        # the executors, on disk.
        findings = _findings(by_key, actual).persist(StorageLevel.DISK_ONLY)
        cached.callback(_release, findings)
        rejected = F.col("key").startswith(REJECTED)
        only_source, only_target, twice, rejections = findings.agg(
            F.count(F.when(F.col("actual").isNull() & ~rejected, 1)),
            F.count(F.when(F.col("expected").isNull(), 1)),
            F.count(F.when(F.col("n") > 1, 1)),
            F.count(F.when(rejected, 1)),
        ).first()
        # A key is in the export, or only on the source (the findings hold every key not on both sides; an export
        # holds each key once, and the items its manifests count: assumptions the README names).
        result.expected = result.actual - only_target + only_source
        sources = [f"{schema}.{name}" for schema, name in plan.tables]
        if rejections:
            texts = findings.where(rejected).orderBy("ord").select("expected").toLocalIterator()
            with contextlib.closing(texts):
                for (text,) in texts:
                    result.note(json.loads(text), report)
        if twice:
            written_twice = findings.where("n > 1").dropDuplicates(["key"])
            table_of_key = F.substring_index("key", "\x1f", 1)
            targets = {row[0] for row in written_twice.select(table_of_key).distinct().collect()}  # a few names
            again = source(True, targets)
            _overwrites(url, plan, again, written_twice, key_names, result, report)
        with contextlib.closing(_records(findings.where(~rejected).toLocalIterator(), key_names, sources)) as found:
            if settle_seconds is None:
                for record, *_ in found:
                    result.note(record, report)
            else:
                _settle(url, ddb, plan, found, settle_seconds, result, report)
    return result


def _release(frame: Any) -> None:
    """Unpersist a cached frame; a Spark context already stopped has nothing to release."""
    with contextlib.suppress(Exception):
        frame.unpersist()


def _overwrites(
    url: str,
    plan: Plan,
    rows: Any,
    twice: Any,
    key_names: dict[str, list[str]],
    result: Result,
    report: TextIO | None,
) -> None:
    """Keys written by more than one source row (``twice``: the findings of those keys, from the first read):
    their first and last rows, and every source, in read order.

    A second pass over the source (the tables that write those keys' target tables), made only when some key is
    written twice, finds those keys' rows; their first and last are read again by their references (few: only
    overwritten keys) and shown as the local verify shows them; a row without a reference (no primary key)
    brings its text from that pass. The key and its item are the first read's (the one compared); the rows and
    the tables named are the second pass's. A key the second pass no longer finds written twice (the source
    changed in between) shows the one row it finds, named by its table, or none, named by the table of the
    first read's last row."""
    from pyspark.sql import functions as F

    sources = [f"{schema}.{name}" for schema, name in plan.tables]
    again = (
        rows.join(twice.select("key"), "key")
        .groupBy("key")
        .agg(
            F.count("*").alias("now"),
            F.min_by(F.struct("ref", "row"), "ord").alias("first"),
            F.max_by(F.struct("ref", "row"), "ord").alias("last"),
            F.array_sort(F.collect_list("ord")).alias("ords"),
        )
    )
    found = twice.select("key", "expected", "ord").join(again, "key", "left")
    reader = KeyReader(url, None, plan)
    try:
        for key, item, last_ord, now, first, last, ords in found.toLocalIterator():
            table = key.split("\x1f", 1)[0]
            record = {"type": "OVERWRITE", "table": table, "key": key_values(json.loads(item), key_names[table])}
            seen = [first, last] if now and now > 1 else [first] if now else []
            shown = [_row_again(reader, ref, row) for ref, row in seen]
            named = " and ".join(sources[ord >> TABLE_SHIFT] for ord in (ords if now else [last_ord]))
            result.note({**record, "source_table": named, "rows": shown}, report)
    finally:
        reader.close()


def _row_again(reader: KeyReader, ref: str | None, row: str | None) -> dict[str, Any]:
    """A row an OVERWRITE shows: its text from the first read (no reference), else read again by its key;
    a row deleted since then is shown by its primary key alone."""
    if ref is None:
        assert row is not None, "a row without a reference carries its text"
        return dict(json.loads(row))
    found = ref_from_json(ref)
    again = reader.source_row(found)
    if again is not None:
        return shown_row(again)
    table = reader.plan.builder.table(found.schema, found.table)
    names = table.primary_key if table is not None else ()
    return shown_row(dict(zip(names, found.key, strict=True)))


def _findings(by_key: Any, actual: Any) -> Any:
    """The keys whose items differ, or are on one side only (MISSING_SOURCE, MISSING_TARGET, RECORD_DIFF, and
    the rejected rows, each its own key), or are written by more than one source row (``n``, OVERWRITE, their
    items alike or not), as the local verify's join finds them: one outer join, one pass.

    The caller finds them by one job over every partition at once (``toLocalIterator`` alone runs a job per
    partition, one after the other), kept by the executors on disk (as many as the table's items when nothing
    was migrated), then streamed to the driver."""
    e, a = by_key.alias("e"), actual.alias("a")
    joined = e.join(a, "key", "full_outer").where("e.item IS NULL OR a.item IS NULL OR e.item <> a.item OR e.n > 1")
    refs = "e.refs" if "refs" in by_key.columns else "NULL"
    columns = ("key", "e.item AS expected", "e.ord", f"{refs} AS refs", "a.item AS actual", "e.n")
    return joined.selectExpr(*columns)


def _records(
    rows: Iterator[Any], key_names: dict[str, list[str]], sources: list[str]
) -> Generator[Finding, None, None]:
    """The joined rows as findings (the records the local verify writes for them). A key written twice that is
    on both sides is its OVERWRITE alone (:func:`_overwrites`), as in the local verify."""
    for key, expected_text, ord, refs, actual_text, rows_of_key in rows:
        if rows_of_key is not None and rows_of_key > 1 and expected_text is not None and actual_text is not None:
            continue
        table = key.split("\x1f", 1)[0]
        names = key_names[table]
        if expected_text is None:
            found = json.loads(actual_text)
            yield {"type": MISSING_SOURCE, "table": table, "key": key_values(found, names)}, key, [], found
        elif actual_text is None:
            want = json.loads(expected_text)
            record = {"type": MISSING_TARGET, "table": table, "key": key_values(want, names), **expected_item(want)}
            yield {**record, "source_table": sources[ord >> TABLE_SHIFT]}, key, list(refs or []), None
        else:
            want, got = json.loads(expected_text), json.loads(actual_text)
            record = {"type": RECORD_DIFF, "table": table, "key": key_values(got, names)}
            yield {**record, "details": differences(want, got), **expected_item(want)}, key, list(refs or []), None


def _settle(
    url: str, ddb: Any, plan: Plan, found: Iterator[Finding], seconds: float, result: Result, report: TextIO | None
) -> None:
    """Read every finding again on the source and the live table until it settles (``verify --settle``):
    a change made after the export resolves, and is ``IN_FLIGHT``."""
    reader = KeyReader(url, ddb, plan)
    try:
        pending = [
            unsettled(reader, record, key, [ref_from_json(r) for r in refs], item) for record, key, refs, item in found
        ]
        for record in settle(reader, pending, seconds):
            result.note(record, report)
    finally:
        reader.close()
