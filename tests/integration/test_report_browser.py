"""The report of the Sakila rehearsal, opened in a real headless Chromium: collections and items are in its DOM.

``rehearse --report-html DIR`` writes the page at the end of a rehearsal of the article's stack; Chromium loads
it from disk (no server, no network), runs its renderer, and ``--dump-dom`` gives the DOM it built: the HTML
file itself holds no item element, only data, so what is queried here exists only because the page rendered.
The screenshot is kept as an artifact (``$DMS_TEST_ARTIFACTS`` or ``.artifacts/``); docs/report-sakila.png is
one of them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dms_dynamodb.cli import main
from stacks.sakila_design import SAKILA_DESIGN
from tests.conftest import ROOT, SAKILA_DDL, stack_file
from tests.timing import seconds

ARTIFACTS = Path(os.environ.get("DMS_TEST_ARTIFACTS", ROOT / ".artifacts"))


@dataclass
class Node:
    tag: str
    attributes: dict[str, str]
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def all(self, tag: str = "", cls: str = "", **data: str) -> list[Node]:
        found = []
        for child in self.children:
            classes = child.attributes.get("class", "").split()
            if (
                (not tag or child.tag == tag)
                and (not cls or cls in classes)
                and all(child.attributes.get(f"data-{k}") == v for k, v in data.items())
            ):
                found.append(child)
            found += child.all(tag, cls, **data)
        return found

    def content(self) -> str:
        return self.text + "".join(c.content() for c in self.children)


class _Tree(HTMLParser):
    VOID = frozenset({"meta", "br", "img", "input", "link", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.root = Node("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1 and self.stack.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("#text", {}, text=data))


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("no chromium on PATH: `make test` installs Debian's chromium package (apt-get install chromium)")
    return found


def _browse(page: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *options]
    return subprocess.run([*command, page.as_uri()], capture_output=True, text=True, timeout=seconds(120))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from stacks.sakila_data import generate, to_sql

    directory = tmp_path_factory.mktemp("report")
    data = directory / "sakila-data.sql"
    data.write_text("".join(to_sql(generate())))
    status = main(
        ["rehearse", "--stack", str(stack_file("sakila")), "--ddl", str(SAKILA_DDL), "--data", str(data),
         "--design", "stacks.sakila_design:SAKILA_DESIGN", "--quiet", "--report-html", str(directory / "out")]
    )  # fmt: skip
    assert status == 0
    return directory / "out"


@pytest.fixture(scope="module")
def dom(report: Path) -> Node:
    result = _browse(report / "index.html", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    tree = _Tree()
    tree.feed(result.stdout)
    return tree.root


def test_the_page_rendered_in_the_browser_from_its_embedded_data(report: Path, dom: Node) -> None:
    (html,) = dom.all("html")
    assert html.attributes.get("data-rendered") == "true"
    assert 'class="item' not in (report / "index.html").read_text()  # every item below was built by the renderer
    assert (report / "index.html").stat().st_mode & 0o777 == 0o600  # it holds row data


def test_films_are_collections_with_their_actors_and_categories(dom: Node) -> None:
    (film,) = dom.all("div", "entity", table="film")
    collections = film.all("div", "collection")
    assert collections, "film shows no item collection"
    for collection in collections:
        items = [i.content() for i in collection.all("div", "item")]
        pk = collection.all("div", "pk")[0].content()
        assert pk.startswith("pk = FILM#")
        assert any("sk#METADATA" in i.replace(" ", "") and "title" in i for i in items)  # the film itself
        assert any("skACTOR#" in i.replace(" ", "") for i in items) and any(
            "skCATEGORY#" in i.replace(" ", "") for i in items
        )
    # whole items: the film's every attribute, and the link items' GSI keys
    text = film.content()
    for attribute in ("rental_rate", "replacement_cost", "language_id", "gsi1pk", "gsi1sk"):
        assert attribute in text


def test_customers_hold_their_rentals_and_patterns_and_gsis_show_their_items(dom: Node) -> None:
    (customer,) = dom.all("div", "entity", table="customer")
    items = [i.content().replace(" ", "") for i in customer.all("div", "item")]
    assert any("skRENTAL#" in i and "gsi2pkINVENTORY#" in i for i in items)
    patterns = dom.all("div", "pattern")
    assert [p.all("h3")[0].content() for p in patterns] == [p.name for p in SAKILA_DESIGN.access_patterns]
    assert all(p.all("div", "item") for p in patterns), "every pattern returns items on the Sakila data"
    indexes = dom.all("div", "index")
    assert [i.all("h3")[0].content() for i in indexes] == ["GSI1", "GSI2"]
    assert all(i.all("div", "collection") for i in indexes)


def test_a_screenshot_is_kept_and_report_md_says_the_same(report: Path) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report-sakila.png"
    result = _browse(report / "index.html", "--window-size=1280,1600", f"--screenshot={shot}")
    assert result.returncode == 0 and shot.stat().st_size > 20_000, result.stderr[-2000:]
    markdown = (report / "report.md").read_text()
    assert "## Entities and their item collections" in markdown and "### film" in markdown
    for pattern in SAKILA_DESIGN.access_patterns:
        assert f"### {pattern.name}" in markdown
