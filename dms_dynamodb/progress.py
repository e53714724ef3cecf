"""Progress on stderr: a tqdm bar per table on a terminal, one plain line per table otherwise.

stdout stays for results (reports, summaries), so piping a command's output never mixes in bars.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Progress:
    def __init__(self, *, enabled: bool = True, terminal: bool | None = None) -> None:
        self.enabled = enabled
        self.terminal = sys.stderr.isatty() if terminal is None else terminal
        self._positions = 0
        self._lock = threading.Lock()

    @contextmanager
    def bar(self, label: str, total: int) -> Iterator[Callable[[int], None]]:
        """A counter for one table: call it with the rows done since the last call."""
        if not self.enabled:
            yield lambda _: None
            return
        if not self.terminal:
            done = [0]

            def count(rows: int) -> None:
                done[0] += rows

            yield count
            print(f"  {label}: {done[0]}/{total} rows", file=sys.stderr, flush=True)
            return
        from tqdm import tqdm

        with self._lock:
            position = self._positions
            self._positions += 1
        with tqdm(total=total, desc=f"  {label}", unit="rows", position=position, leave=True, file=sys.stderr) as bar:
            yield bar.update
