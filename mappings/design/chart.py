"""The entity chart the DynamoDB community draws for a single-table design, as Markdown or HTML.

One row per entity: its pk, sk, GSI keys and an example item; then the access patterns and the
index each one uses. Reviewers see the design without reading JSON.
"""

from __future__ import annotations

import html
import re

from mappings.design import TableDesign
from mappings.schema import Column, SourceSchema

_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


def _sample(column: Column | None, name: str) -> str:
    if column is None:
        return f"<{name}>"
    if column.is_integer or column.is_numeric:
        return "1"
    if column.values:
        return column.values[0]
    return {
        "date": "2006-02-15",
        "datetime": "2006-02-15 10:05:03",
        "timestamp": "2006-02-15 10:05:03",
        "year": "2006",
    }.get(column.data_type, f"<{name}>")


def _example(template: str, table: str, schema: SourceSchema | None) -> str:
    source = schema.table(table) if schema else None
    return _PLACEHOLDER.sub(lambda m: _sample(source.column(m.group(1)) if source else None, m.group(1)), template)


def chart_rows(design: TableDesign, schema: SourceSchema | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the entity chart."""
    index_keys = [k.name for index in design.indexes for k in index.keys]
    header = ["Entity (source table)", design.partition_key.name]
    if design.sort_key:
        header.append(design.sort_key.name)
    header += [*index_keys, "Example item keys"]
    rows = []
    for entity in design.entities:
        keys = {design.partition_key.name: entity.partition_key}
        if design.sort_key and entity.sort_key:
            keys[design.sort_key.name] = entity.sort_key
        keys.update(entity.index_keys)
        example = ", ".join(f"{k}={_example(v, entity.table, schema)}" for k, v in keys.items())
        row = [entity.table, entity.partition_key]
        if design.sort_key:
            row.append(entity.sort_key or "")
        row += [entity.index_keys.get(k, "") for k in index_keys]
        rows.append([*row, example])
    return header, rows


def pattern_rows(design: TableDesign) -> tuple[list[str], list[list[str]]]:
    header = ["Access pattern", "Index", "Key condition"]
    rows = []
    for pattern in design.access_patterns:
        index = next((i for i in design.indexes if i.name == pattern.index), None)
        pk_name = index.partition_key.name if index else design.partition_key.name
        condition = f"{pk_name} = {pattern.partition_key}"
        if pattern.sort_key_condition:
            condition += f" AND {pattern.sort_key_condition}"
        rows.append([pattern.name, pattern.index or "table", condition])
    return header, rows


def render_markdown(design: TableDesign, schema: SourceSchema | None = None) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|") or " "

    def table(header: list[str], rows: list[list[str]]) -> list[str]:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return lines + [
            "| " + " | ".join(f"`{cell(c)}`" if c and i else cell(c) for i, c in enumerate(row)) + " |" for row in rows
        ]

    indexes = (
        ", ".join(
            f"{i.name} ({i.partition_key.name}"
            + (f", {i.sort_key.name}" if i.sort_key else "")
            + f"; {i.projection.value})"
            for i in design.indexes
        )
        or "none"
    )
    out = [
        f"# {design.table_name}",
        "",
        f"Keys: {design.partition_key.name}"
        + (f", {design.sort_key.name}" if design.sort_key else "")
        + f". Indexes: {indexes}.",
        "",
        "## Entities",
        "",
        *table(*chart_rows(design, schema)),
    ]
    if design.access_patterns:
        out += ["", "## Access patterns", "", *table(*pattern_rows(design))]
    return "\n".join(out) + "\n"


def render_html(design: TableDesign, schema: SourceSchema | None = None) -> str:
    def table(header: list[str], rows: list[list[str]]) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    parts = [f"<h1>{html.escape(design.table_name)}</h1>", "<h2>Entities</h2>", table(*chart_rows(design, schema))]
    if design.access_patterns:
        parts += ["<h2>Access patterns</h2>", table(*pattern_rows(design))]
    style = "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px;font-family:monospace}"
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{style}</style></head><body>"
        + "".join(parts)
        + "</body></html>\n"
    )
