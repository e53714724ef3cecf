"""Every wall-clock bound in the tests, scaled by one factor for a loaded machine.

``DMS_TEST_TIME_FACTOR`` (default 1) multiplies every deadline, join, subprocess timeout and
"within N s" assertion, so a slow CI runner raises one number instead of editing tests. A bound
that is a product promise (Ctrl-C ends within about a second) is still asserted, only later.
"""

from __future__ import annotations

import math
import os

ENV = "DMS_TEST_TIME_FACTOR"


def factor() -> float:
    """The factor from the environment: a positive number, 1 when unset."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return 1.0
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{ENV}={raw!r}: give a positive number, e.g. {ENV}=3 on a loaded machine") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{ENV}={raw!r}: give a positive number, e.g. {ENV}=3 on a loaded machine")
    return value


def seconds(x: float) -> float:
    """``x`` seconds on this machine: ``x`` times the factor."""
    return x * factor()
