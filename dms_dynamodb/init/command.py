"""``dms-dynamodb init NAME``: from a schema to a first stack, its design and its registration, in one command.

It refuses to overwrite a stack that exists (exit 2, naming the file); ``--force`` replaces what ``init``
wrote before (never a module it did not write). Nothing is written until every file's new text is
ready, so a refusal leaves the checkout as it was.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from dms_dynamodb.commands import UsageError, schema_from_ddl
from dms_dynamodb.init.names import MARKER, StackNames
from dms_dynamodb.init.register import (
    RegistrationError,
    names_in_makefile,
    names_in_registry,
    register_in_makefile,
    register_in_registry,
)
from dms_dynamodb.init.render import render_design, render_stack
from mappings.design.draft import DesignDraft, DraftError, Placement, draft_design
from mappings.schema import SourceSchema, Table
from mappings.validation.column_checks import column_findings

_USE = re.compile(r"^\s*USE\s+`?([^`;\s]+)`?\s*;", re.IGNORECASE | re.MULTILINE)


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def _shown(path: Path, root: Path) -> str:
    """A path as the Makefile and the messages show it: relative to the checkout when inside it."""
    resolved = path.resolve()
    return str(resolved.relative_to(root)) if resolved.is_relative_to(root) else str(resolved)


def cmd_init(args: argparse.Namespace) -> int:
    try:
        names = StackNames.parse(args.name)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    root = Path(args.root).resolve()
    registry, makefile = root / "stacks" / "registry.py", root / "Makefile"
    for needed in (registry, makefile):
        if not needed.is_file():
            raise UsageError(
                f"{root} has no {_shown(needed, root)}: run init in the project's checkout (or --root DIR)"
            )
    schemas = _split([args.schemas] if args.schemas else None)
    if len(schemas) > 1:
        raise UsageError(
            f"--schemas names {len(schemas)} databases ({', '.join(schemas)}); a stack's design maps one: run init "
            f"once per database, e.g. `init {names.name}-{schemas[0].replace('_', '-')} --schemas {schemas[0]}`"
        )
    outputs = [names.stack_file(root), names.design_file(root)]
    if args.mysql_url:
        outputs.append(names.dump_file(root))
    _refuse_overwrite(outputs, registry, makefile, names, root, force=args.force)

    dump_text: str | None = None
    views: tuple[str, ...] = ()
    if args.mysql_url:
        ddl_path = names.dump_file(root)
        database, dump_text, views = _dump(args.mysql_url, schemas[0] if schemas else "")
        text = dump_text
    else:
        ddl_path = Path(args.schema)
        try:
            text = ddl_path.read_text()
        except OSError as exc:
            raise UsageError(f"cannot read {args.schema}: {exc.strerror}") from None
        used = sorted(set(_USE.findall(text)))
        database = schemas[0] if schemas else used[0] if len(used) == 1 else names.module
        if not schemas:
            origin = "its USE statement" if len(used) == 1 else "the stack's name; pass --schemas NAME if it is another"
            print(f"schema: {database} (the database DMS reads, from {origin})")
    ddl = _shown(ddl_path, root)
    schema = schema_from_ddl(text, name=database, label=ddl)
    if views:  # the written DDL leaves the server's views out; the design still names them as not migrated
        schema = SourceSchema.of(database, [*schema.tables.values(), *(Table(v, (), is_view=True) for v in views)])
    if not any(not t.is_view for t in schema.tables.values()):
        raise UsageError(f"{ddl} has no CREATE TABLE statement: nothing to migrate")
    try:
        draft = draft_design(schema, table_name=names.table_name, tables=_split(args.tables) or None)
    except DraftError as exc:
        raise UsageError(str(exc)) from None
    if not draft.entities:
        raise UsageError(
            f"none of the tables has a primary key ({', '.join(e.table for e in draft.excluded)}): nothing to migrate"
        )
    _, dropped = column_findings(0, draft.design.table_mappings(database), [schema])
    left_out: dict[str, list[str]] = {}
    for gone in dropped:
        left_out.setdefault(gone.table, []).append(gone.describe())
    try:
        texts = {
            names.design_file(root): render_design(draft, names, ddl=ddl, left_out=left_out),
            names.stack_file(root): render_stack(names, ddl=ddl),
            registry: register_in_registry(registry.read_text(), names),
            makefile: register_in_makefile(makefile.read_text(), names, ddl=ddl),
        }
    except RegistrationError as exc:
        raise UsageError(str(exc)) from None
    if dump_text is not None:
        texts = {ddl_path: dump_text, **texts}
    for path, content in texts.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    _report(draft, names, ddl, root, written=list(texts))
    for lines in left_out.values():
        for line in lines:
            print(f"left out: {line}")
    for entity in draft.entities:
        if entity.entity.exclude_columns:
            print(
                f"not copied: {entity.entity.table}.{', '.join(entity.entity.exclude_columns)} (the names say secrets)"
            )
    return 0


def _refuse_overwrite(
    outputs: list[Path], registry: Path, makefile: Path, names: StackNames, root: Path, *, force: bool
) -> None:
    existing = [p for p in outputs if p.exists()]
    if not force:
        if existing:
            raise UsageError(
                f"{_shown(existing[0], root)} exists: init does not overwrite a stack (--force replaces it)"
            )
        for path, found in (
            (registry, names_in_registry(registry.read_text(), names)),
            (makefile, names_in_makefile(makefile.read_text(), names)),
        ):
            if found:
                raise UsageError(
                    f"{_shown(path, root)} already names the stack {names.name!r}: init does not overwrite a stack "
                    "(--force replaces it)"
                )
        return
    for path in existing:
        if path.suffix == ".py" and not path.read_text().startswith(MARKER):
            raise UsageError(
                f"{_shown(path, root)} was not written by init (its first line is not init's): --force replaces only "
                "what init wrote; choose another NAME"
            )


def _dump(url: str, database: str) -> tuple[str, str, tuple[str, ...]]:
    """The database's name, its tables as DDL and its views' names, read from the live server."""
    from dms_dynamodb.commands import connect_source
    from dms_dynamodb.source.connection import mysql_settings
    from dms_dynamodb.source.ddl_dump import dump_schema
    from dms_dynamodb.source.url import redact

    database = database or mysql_settings(url)[1]
    if not database:
        raise UsageError(f"say which database to read: {redact(url)} names none (add /DATABASE or --schemas NAME)")
    connection = connect_source(url)
    try:
        dump = dump_schema(connection, database, source=redact(url))
    finally:
        connection.close()
    if not dump.tables:
        raise UsageError(f"database {database!r} of {redact(url)} has no tables")
    return database, dump.ddl, dump.views


def _report(draft: DesignDraft, names: StackNames, ddl: str, root: Path, *, written: list[Path]) -> None:
    counts = {p: sum(e.placement is p for e in draft.entities) for p in Placement}
    print(
        f"design: {len(draft.entities)} entities into {draft.table_name} ({counts[Placement.CHILD]} in a parent's "
        f"collection, {counts[Placement.ADJACENCY]} adjacency lists, {counts[Placement.HEAD]} heading a collection), "
        f"{len(draft.indexes)} GSI(s), {len(draft.access_patterns)} access patterns"
    )
    for excluded in draft.excluded:
        print(f"excluded: {excluded.table} ({excluded.reason.split(':')[0]})")
    if draft.views:
        print(f"views, not migrated: {', '.join(draft.views)}")
    for path in written:
        print(f"wrote {_shown(path, root)}")
    print(f"registered {names.name}: stacks/registry.py (make synth), Makefile DDL_{names.name} := {ddl}")
    print(
        f"next: make synth && make check STACK={names.name} && make rehearse STACK={names.name}; "
        f"then edit stacks/{names.design_module}.py"
    )
