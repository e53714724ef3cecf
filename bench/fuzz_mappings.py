"""Fuzz the table-mapping and task-settings parsers with hypothesis; report any foreign exception.

    python bench/fuzz_mappings.py [--examples 20000]

Inputs: arbitrary JSON values, arbitrary text, and real documents from the shared corpus with one
node replaced by arbitrary JSON (the most realistic kind of mistake). Anything but MappingError
raised by from_json/from_dict is a bug; each one is printed with its input.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mappings import MappingError, TableMappings, TaskSettings

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dms-table-mappings"
DOCUMENTS = [json.loads(p.read_text()) for p in sorted(CORPUS.glob("*.json")) if "fragment" not in p.name]
SETTINGS = [
    {
        "FullLoadSettings": {"TargetTablePrepMode": "DO_NOTHING", "MaxFullLoadSubTasks": 8},
        "Logging": {"EnableLogging": True, "LogComponents": [{"Id": "IO", "Severity": "LOGGER_SEVERITY_DEFAULT"}]},
        "ErrorBehavior": {"DataErrorPolicy": "LOG_ERROR"},
    }
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


def paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += paths(value, (*path, index))
    return out


@st.composite
def corrupted(draw: st.DrawFn, documents: list[Any]) -> Any:
    doc = copy.deepcopy(draw(st.sampled_from(documents)))
    path = draw(st.sampled_from(paths(doc)))
    replacement = draw(json_values)
    if not path:
        return replacement
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = replacement
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=20_000)
    args = parser.parse_args()
    foreign: list[str] = []
    counted = {"inputs": 0, "rejected": 0}

    def attempt(parse: Any, value: Any) -> None:
        counted["inputs"] += 1
        try:
            parse(value)
        except MappingError:
            counted["rejected"] += 1
        except Exception as exc:  # the point of the exercise
            foreign.append(f"{parse.__qualname__}: {type(exc).__name__}: {exc} <- {value!r:.300}")

    inputs = st.one_of(
        json_values.map(lambda v: ("dict", v)),
        st.text(max_size=80).map(lambda t: ("text", t)),
        corrupted(DOCUMENTS).map(lambda d: ("mappings", d)),
        corrupted(SETTINGS).map(lambda d: ("settings", d)),
    )

    @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs)
    def fuzz(item: tuple[str, Any]) -> None:
        kind, value = item
        if kind == "text":
            attempt(TableMappings.from_json, value)
            attempt(TaskSettings.from_json, value)
        elif kind == "settings":
            attempt(TaskSettings.from_dict, value)
        else:
            attempt(TableMappings.from_dict, value)
            attempt(TaskSettings.from_dict, value)

    start = time.perf_counter()
    fuzz()
    print(
        f"{args.examples} examples, {counted['inputs']} parser calls in {time.perf_counter() - start:.1f} s: "
        f"{counted['rejected']} rejected with MappingError, {len(foreign)} raised anything else"
    )
    for line in foreign[:20]:
        print("  " + line)
    raise SystemExit(1 if foreign else 0)


if __name__ == "__main__":
    main()
