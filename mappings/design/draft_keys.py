"""The key text of a draft: each table's label, ``${}`` templates of columns, and which tables no key can hold.

Pure helpers of ``draft``: ``TABLE`` labels (upper case, safe inside a template), a composite key's columns
joined with ``#``, and the reasons a table is left out (no primary key, a key column no template can hold).
"""

from __future__ import annotations

from collections.abc import Sequence

from mappings.design.draft_columns import templatable, untemplatable
from mappings.document.templates import placeholders
from mappings.schema import SourceSchema, Table


def unkeyable(table: Table) -> str | None:
    """Why ``table``'s items cannot have a key (no primary key, a key column no template can hold), or None."""
    if not table.primary_key:
        return KEYLESS
    bad = [c for c in table.primary_key if not templatable(c)]
    if bad:
        return (
            f"its primary key's {untemplatable(bad)}, so no item key can be made from it. Excluded by a rule; "
            "rename the column, or map the table by hand with an add-column transformation, to migrate it"
        )
    return None


def labels(schema: SourceSchema) -> dict[str, str]:
    """``TABLE`` per table (``$``, braces and ``#`` as ``_``: a label sits in a template); tables whose names differ
    only in case keep their own spelling."""
    found: dict[str, str] = {}
    for name in schema.tables:
        label = "".join("_" if c in "${}#" else c for c in name.upper())
        found[name] = label if label not in found.values() else "".join("_" if c in "${}#" else c for c in name)
    return found


def templates(columns: Sequence[str], style: str = "${}") -> str:
    """``${a}#${b}`` (or ``<a>#<b>`` for examples): a composite key's columns in key order."""
    start, end = style[:-1], style[-1]
    return "#".join(f"{start}{c}{end}" for c in columns)


def placeholders_of(*texts: str) -> list[str]:
    """The columns a set of templates reads, in order."""
    return [name for text in texts for name in placeholders(text)]


def position(link: str, parent: str) -> int:
    """Where the link table's name names the parent (``film_actor``: film at 0), singular forms too."""
    name = link.lower()
    found = [name.find(form) for form in {parent.lower(), parent.lower().removesuffix("s")} if form]
    return min((p for p in found if p >= 0), default=len(name) + 1)


KEYLESS = (
    "no primary key: DMS's CDC needs one to apply updates and deletes to DynamoDB, and nothing makes its items "
    "distinct. Excluded by a rule (an exclude wins over any include); give the table a primary key to migrate it"
)
