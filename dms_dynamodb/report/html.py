"""The report as one static HTML page: the data as embedded JSON, one small vanilla-JS renderer, inline CSS.

Why a JS renderer over the embedded data rather than HTML written in Python: the page *is* the data (a reviewer
can save it, and any tool can read ``#report-data``), the Markdown twin is the only other renderer, and the DOM
the browser test queries exists only when the renderer ran in a real browser. No server, no network, no
external asset: it opens from disk offline. The renderer builds nodes with ``textContent`` only, so an item's
text can never become markup.
"""

from __future__ import annotations

import html
import json
from typing import Any

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2330;background:#f4f6fa}
header{background:#232f3e;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}
header p{margin:4px 0 0;color:#c8d1dc}main{padding:8px 24px 40px}
h2{margin:28px 0 8px;font-size:17px;border-bottom:2px solid #d5dbe5;padding-bottom:4px}
.card{background:#fff;border:1px solid #d5dbe5;border-radius:6px;margin:12px 0;padding:10px 14px}
.card h3{margin:0 0 6px;font-size:15px}.meta{color:#5b6577;font-size:12px;margin:2px 0 8px}
table.templates{border-collapse:collapse;margin:4px 0 8px}table.templates td{padding:1px 10px 1px 0;font:12px monospace}
.collection{border-left:4px solid #ff9900;margin:8px 0;padding:4px 0 4px 10px}
.collection .pk{font:600 13px monospace;margin-bottom:4px}
.item{display:flex;flex-wrap:wrap;gap:4px;padding:4px 6px;margin:3px 0;background:#f8f9fb;border:1px solid #e3e7ee;border-radius:4px}
.attr{font:12px monospace;background:#fff;border:1px solid #dde2ea;border-radius:3px;padding:1px 5px}
.attr.key{background:#e8f1ff;border-color:#9dbdf2}.attr b{color:#5b6577;font-weight:500}
.finding{width:100%;color:#a4001d;font:12px monospace}.item.has-finding{border-color:#e0566c;background:#fff4f5}
.left-out li{font-size:12px;color:#5b6577}.empty{color:#5b6577;font-style:italic}
"""

_SCRIPT = r"""
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const keyName = (name) => /^(pk|sk|gsi\d+(pk|sk))$/.test(name) || data.keys.includes(name);
  const show = (value) => (typeof value === "string" ? value : JSON.stringify(value));
  function item(entry) {
    const box = el("div", "item" + (entry.findings.length ? " has-finding" : ""));
    for (const [name, value] of Object.entries(entry.attributes)) {
      const attr = el("span", "attr" + (keyName(name) ? " key" : ""));
      attr.append(el("b", "", name + " "), document.createTextNode(show(value)));
      box.append(attr);
    }
    for (const text of entry.findings) box.append(el("div", "finding", text));
    return box;
  }
  function collection(c) {
    const box = el("div", "collection");
    box.dataset.key = c.key;
    box.append(el("div", "pk", c.key + " = " + show(c.value) + "  (" + c.count + " item" + (c.count === 1 ? "" : "s") + ")"));
    c.items.forEach((entry) => box.append(item(entry)));
    return box;
  }
  function section(title, id) {
    const s = el("section");
    s.id = id;
    s.append(el("h2", "", title));
    document.querySelector("main").append(s);
    return s;
  }
  const entities = section("Entities and their item collections", "entities");
  for (const e of data.entities) {
    const card = el("div", "card entity");
    card.dataset.table = e.table;
    card.append(el("h3", "", e.table), el("p", "meta", "rule " + e.rule + " · " + e.count + " of the sampled items"));
    const templates = el("table", "templates");
    for (const [name, template] of Object.entries(e.templates)) {
      const row = el("tr");
      row.append(el("td", "", name), el("td", "", template));
      templates.append(row);
    }
    card.append(templates);
    if (e.excluded.length) card.append(el("p", "meta", "not copied (exclude-columns): " + e.excluded.join(", ")));
    if (e.left_out.length) {
      const list = el("ul", "left-out");
      e.left_out.forEach((text) => list.append(el("li", "", text)));
      card.append(list);
    }
    if (!e.collections.length) card.append(el("p", "empty", "no item of this entity in the sample"));
    e.collections.forEach((c) => card.append(collection(c)));
    entities.append(card);
  }
  const patterns = section("Access patterns and the items each returns", "patterns");
  if (!data.patterns.length) patterns.append(el("p", "empty", "no access pattern was run"));
  for (const p of data.patterns) {
    const card = el("div", "card pattern");
    card.append(el("h3", "", p.name), el("p", "meta", p.where + (p.condition ? " · " + p.condition : "") + " · " + p.count + " items"));
    p.items.forEach((entry) => card.append(item(entry)));
    patterns.append(card);
  }
  const indexes = section("GSIs as their own collections", "indexes");
  if (!data.indexes.length) indexes.append(el("p", "empty", "the table has no GSI"));
  for (const index of data.indexes) {
    const card = el("div", "card index");
    card.append(el("h3", "", index.name), el("p", "meta", "keys " + index.keys.join(" / ")));
    if (!index.collections.length) card.append(el("p", "empty", "no sampled item carries this GSI's keys"));
    index.collections.forEach((c) => card.append(collection(c)));
    indexes.append(card);
  }
  const findings = section("Verify findings", "findings");
  if (!data.findings.length) findings.append(el("p", "empty", "no verify report given, or it has no findings"));
  const list = el("ul");
  data.findings.forEach((f) => list.append(el("li", "finding", (f.key ? f.key + " " : "") + f.text)));
  findings.append(list);
  document.documentElement.dataset.rendered = "true";
})();
"""


def render_html(data: dict[str, Any]) -> str:
    """The page for the report ``data`` (see ``model.build_report``)."""
    embedded = json.dumps(data, default=str, ensure_ascii=False)  # key order is the items' own: keys first
    embedded = embedded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    title = html.escape(f"{data['table']}: item collections")
    subtitle = html.escape(
        f"stack {data['stack']} · task {data['task']} · keys {' / '.join(data['keys'])} · "
        f"{data['sampled']} items sampled"
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<style>{_STYLE}</style></head>\n"
        f"<body><header><h1>{title}</h1><p>{subtitle}</p></header>\n"
        "<noscript><p>This page draws the report with JavaScript; report.md beside it holds the same content."
        "</p></noscript>\n<main></main>\n"
        f'<script type="application/json" id="report-data">{embedded}</script>\n'
        f"<script>{_SCRIPT}</script>\n</body></html>\n"
    )
