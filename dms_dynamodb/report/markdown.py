"""The report as Markdown (``report.md``), for a pull request: the same data and sections as the page."""

from __future__ import annotations

import json
from typing import Any


def _value(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text.replace("|", "\\|").replace("\n", " ")


def _items(entries: list[dict[str, Any]]) -> list[str]:
    lines = []
    for entry in entries:
        attributes = ", ".join(f"`{name}`: {_value(v)}" for name, v in entry["attributes"].items())
        lines.append(f"- {attributes}")
        lines += [f"  - **{text}**" for text in entry["findings"]]
    return lines


def _collections(collections: list[dict[str, Any]]) -> list[str]:
    lines = []
    for c in collections:
        lines += ["", f"`{c['key']}` = `{_value(c['value'])}` ({c['count']} items)", "", *_items(c["items"])]
    return lines


def render_markdown(data: dict[str, Any]) -> str:
    """``report.md`` for the report ``data`` (see ``model.build_report``)."""
    lines = [
        f"# {data['table']}: item collections",
        "",
        f"Stack `{data['stack']}`, task `{data['task']}`, keys {' / '.join(data['keys'])}, "
        f"{data['sampled']} items sampled.",
        "",
        "## Entities and their item collections",
    ]
    for e in data["entities"]:
        lines += ["", f"### {e['table']}", "", f"Rule `{e['rule']}`, {e['count']} of the sampled items.", ""]
        lines += ["| attribute | template |", "|---|---|"]
        lines += [f"| `{name}` | `{_value(t)}` |" for name, t in e["templates"].items()]
        if e["excluded"]:
            lines += ["", f"Not copied (exclude-columns): {', '.join(e['excluded'])}."]
        if e["left_out"]:
            lines += ["", *(f"- {text}" for text in e["left_out"])]
        lines += _collections(e["collections"]) or ["", "_No item of this entity in the sample._"]
    lines += ["", "## Access patterns and the items each returns"]
    for p in data["patterns"]:
        where = p["where"] + (f", `{p['condition']}`" if p["condition"] else "")
        lines += ["", f"### {p['name']}", "", f"{where}: {p['count']} items.", "", *_items(p["items"])]
    if not data["patterns"]:
        lines += ["", "_No access pattern was run._"]
    lines += ["", "## GSIs as their own collections"]
    for index in data["indexes"]:
        lines += ["", f"### {index['name']} ({' / '.join(index['keys'])})", *_collections(index["collections"])]
    lines += ["", "## Verify findings", ""]
    lines += [f"- {f['key']} {f['text']}".replace("-  ", "- ") for f in data["findings"]] or ["_None given._"]
    return "\n".join(lines) + "\n"
