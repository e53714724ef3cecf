"""README tells the truth: its code sample is the real stack, and its commands are the real ones."""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def _python_block_after(heading: str) -> str:
    start = README.index(heading)
    block = README.index("```python\n", start) + len("```python\n")
    return README[block : README.index("```", block)].rstrip("\n")


def test_the_sakila_sample_is_the_stacks_code() -> None:
    source = (ROOT / "stacks" / "sakila.py").read_text()
    stack = next(
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef) and node.name == "SakilaMigrationStack"
    )
    assert _python_block_after("## The article's stack in Python") == ast.get_source_segment(source, stack)


def test_every_make_target_the_readme_names_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.MULTILINE))
    named = set(re.findall(r"`make ([a-z-]+)", README)) | set(re.findall(r"^make ([a-z-]+)", README, re.MULTILINE))
    assert named and named <= targets, named - targets


def test_every_dms_dynamodb_command_the_readme_names_exists() -> None:
    import argparse

    from dms_dynamodb.cli import _parser

    (subparsers,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    commands = set(subparsers.choices)
    named = set(re.findall(r"dms-dynamodb ([a-z-]+)", README))
    assert named and named <= commands, named - commands


def test_no_readme_command_points_at_a_module_that_is_gone() -> None:
    for module in re.findall(r"python -m ([a-z_.]+)", README):
        path = ROOT / module.replace(".", "/")
        assert path.with_suffix(".py").exists() or (path / "__main__.py").exists(), module


def _subcommand_options() -> dict[str, set[str]]:
    import argparse

    from dms_dynamodb.cli import _parser

    parser = _parser()
    (subparsers,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    top = {o for a in parser._actions for o in a.option_strings}
    return {
        name: top | {o for a in command._actions for o in a.option_strings}
        for name, command in subparsers.choices.items()
    }


def test_every_flag_the_readme_shows_with_a_command_exists() -> None:
    """Each `dms-dynamodb COMMAND ... --flag` the README shows (one line, code or prose) is a real option."""
    options = _subcommand_options()
    shown: list[tuple[str, str]] = []
    for line in README.splitlines():
        for match in re.finditer(r"dms-dynamodb ([a-z-]+)([^`#\n]*)", line):
            command, rest = match.groups()
            shown += [(command, flag) for flag in re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", rest)]
    assert len(shown) > 30
    unknown = sorted({(c, f) for c, f in shown if c in options and f not in options[c]})
    assert unknown == []
