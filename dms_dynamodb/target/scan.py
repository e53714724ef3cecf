"""DynamoDB's parallel scan, with memory bounded by the number of segments, not by the table."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from mappings.items import Item

PAGE_ITEMS = 1000


def scan(ddb: Any, table: str, segments: int) -> Iterator[list[Item]]:
    """Pages of the table, read by ``segments`` parallel scanners (DynamoDB's parallel scan)."""
    pages: list[list[Item] | None] = []
    condition = threading.Condition()

    def segment(number: int) -> None:
        try:
            paginator = ddb.get_paginator("scan")
            config = {"PageSize": PAGE_ITEMS}  # small pages: memory bounded by segments, not by the table
            for page in paginator.paginate(
                TableName=table, Segment=number, TotalSegments=segments, PaginationConfig=config
            ):
                with condition:
                    while len(pages) > segments * 2:  # bounded: the consumer keeps up
                        condition.wait()
                    pages.append(page.get("Items", []))
                    condition.notify_all()
        finally:
            with condition:
                pages.append(None)
                condition.notify_all()

    with ThreadPoolExecutor(max_workers=segments) as pool:
        futures = [pool.submit(segment, n) for n in range(segments)]
        finished = 0
        while finished < segments:
            with condition:
                while not pages:
                    condition.wait()
                page = pages.pop(0)
                condition.notify_all()
            if page is None:
                finished += 1
            else:
                yield page
        for future in futures:
            future.result()  # a failed segment raises here
