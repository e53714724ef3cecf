"""What one stack name becomes: module, class, files, DynamoDB table and DMS identifiers (``init``'s naming)."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from pathlib import Path

#: DMS and RDS identifiers: lower-case letters, digits, single hyphens, a letter first (``-source`` is appended).
_NAME = re.compile(r"[a-z](?:[a-z0-9]|-(?!-))*")
MAX_NAME = 40
#: The first line of every module ``init`` writes: ``--force`` replaces only files that carry it.
MARKER = "# Written by `dms-dynamodb init` as a starting point: edit it, it is yours."


@dataclass(frozen=True, slots=True)
class StackNames:
    """``shop-orders``: ``stacks/shop_orders.py`` (``ShopOrdersMigrationStack``), ``stacks/shop_orders_design.py``."""

    name: str

    @classmethod
    def parse(cls, name: str) -> StackNames:
        if not (len(name) <= MAX_NAME and _NAME.fullmatch(name) and not name.endswith("-")):
            raise ValueError(
                f"{name!r} is not a stack name init can use: 1-{MAX_NAME} lower-case letters, digits and single "
                "hyphens, starting with a letter and not ending with a hyphen (it names DMS and RDS resources), "
                "e.g. 'shop-orders'"
            )
        if keyword.iskeyword(name):
            raise ValueError(
                f"{name!r} is not a stack name init can use: it is a Python keyword, so `from stacks.{name} import ...` "
                f"is not Python; choose another, e.g. '{name}-stack'"
            )
        return cls(name)

    @property
    def module(self) -> str:
        return self.name.replace("-", "_")

    @property
    def design_module(self) -> str:
        return f"{self.module}_design"

    @property
    def class_name(self) -> str:
        return "".join(part.capitalize() for part in self.name.split("-")) + "MigrationStack"

    @property
    def table_name(self) -> str:
        return f"{self.name}-table"

    def stack_file(self, root: Path) -> Path:
        return root / "stacks" / f"{self.module}.py"

    def design_file(self, root: Path) -> Path:
        return root / "stacks" / f"{self.design_module}.py"

    def dump_file(self, root: Path) -> Path:
        """Where the schema read from a live server is written as DDL."""
        return root / "stacks" / "sql" / f"{self.name}-schema.sql"


def import_order(module: str) -> tuple[tuple[str | int, ...], str]:
    """Where ``ruff``'s isort puts ``module`` among imports: case-insensitive, digit runs as numbers (``shop2``
    before ``shop10``), ``_`` before letters; the tests run ruff on generated modules to hold it."""
    parts = re.split(r"(\d+)", module.lower())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), module
