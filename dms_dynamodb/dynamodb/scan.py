"""DynamoDB's parallel scan, with memory bounded by the number of segments, not by the table.

No thread waits forever: a scanner waits on a full queue in steps of :data:`WAIT`, looking at a stop
signal; closing the generator (the consumer finished, raised, or was interrupted) sets it, and the
scanners are joined for at most :data:`GRACE` seconds (one still inside a DynamoDB call is a daemon
and is abandoned). A scanner's error ends the scan: the consumer gets it at its next page.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Generator
from typing import Any

from mappings.items import Item

PAGE_ITEMS = 1000
WAIT = 0.2  # seconds any wait lasts before it looks at the stop signal again
GRACE = 1.0  # seconds the scanners get to end once stopped


def scan(ddb: Any, table: str, segments: int) -> Generator[list[Item], None, None]:
    """Pages of the table, read by ``segments`` parallel scanners (DynamoDB's parallel scan).

    Close the generator (``contextlib.closing``) when you stop reading early: that stops the scanners.
    """
    pages: deque[list[Item]] = deque()
    condition = threading.Condition()
    stop = threading.Event()
    errors: list[BaseException] = []
    finished = [0]

    def segment(number: int) -> None:
        try:
            paginator = ddb.get_paginator("scan")
            config = {"PageSize": PAGE_ITEMS}  # small pages: memory bounded by segments, not by the table
            for page in paginator.paginate(
                TableName=table, Segment=number, TotalSegments=segments, PaginationConfig=config
            ):
                with condition:
                    while len(pages) > segments * 2 and not stop.is_set():  # bounded: the consumer keeps up
                        condition.wait(WAIT)
                    if stop.is_set():
                        return
                    pages.append(page.get("Items", []))
                    condition.notify_all()
        except BaseException as error:
            with condition:
                errors.append(error)
            stop.set()
        finally:
            with condition:
                finished[0] += 1
                condition.notify_all()

    threads = [
        threading.Thread(target=segment, args=(n,), name=f"dms-scan-{table}-{n}", daemon=True) for n in range(segments)
    ]
    for thread in threads:
        thread.start()
    try:
        while True:
            with condition:
                while not pages and not errors and finished[0] < segments:
                    condition.wait(WAIT)
                if errors:
                    raise errors[0]  # a failed segment ends the scan
                if not pages:
                    return  # every segment finished
                page = pages.popleft()
                condition.notify_all()
            yield page
    finally:
        stop.set()
        with condition:
            condition.notify_all()
        deadline = time.monotonic() + GRACE
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
