"""Registering a new stack in the user's checkout, by editing text: ``stacks/registry.py`` and the Makefile.

The registry gains an import (in ``ruff``'s sorted place among the ``from stacks.`` imports) and a
``STACKS`` entry, so ``make synth`` builds the stack; the Makefile gains ``DDL_<name>`` (its source DDL,
for ``make check`` and ``make rehearse``), the name in ``STACKS`` and ``DESIGN_<name>`` (the access
patterns ``make rehearse`` runs). Editing text, not importing: the tool half imports no stack and no
cdktf. Each edit is idempotent: what is already there exactly as ``init`` writes it stays as it is.
"""

from __future__ import annotations

import re

from dms_dynamodb.init.names import StackNames, import_order
from dms_dynamodb.init.pysource import LINE


class RegistrationError(ValueError):
    """The file is not shaped as ``init`` expects: the message says what to add by hand."""


def registry_entry(names: StackNames) -> list[str]:
    """The ``STACKS`` entry, wrapped as ``ruff format`` wraps it when one line is too long."""
    head = f'    "{names.name}": lambda app, config: {names.class_name}('
    arguments = f'app, "{names.name}", config'
    one = f"{head}{arguments}),"
    return [one] if len(one) <= LINE else [head, f"        {arguments}", "    ),"]


def registry_import(names: StackNames) -> str:
    return f"from stacks.{names.module} import {names.class_name}"


def names_in_registry(text: str, names: StackNames) -> bool:
    return re.search(rf'^\s*"{re.escape(names.name)}"\s*:', text, re.MULTILINE) is not None


def register_in_registry(text: str, names: StackNames) -> str:
    """``text`` of ``stacks/registry.py`` with the stack's import and entry (kept if already there)."""
    lines = text.split("\n")
    entry = registry_entry(names)
    if names_in_registry(text, names):
        if "\n".join(entry) not in text:
            raise RegistrationError(
                f"stacks/registry.py already registers {names.name!r} with a factory init did not write; "
                "remove that entry or choose another name"
            )
    else:
        start = next((i for i, line in enumerate(lines) if re.match(r"STACKS\b.*=\s*\{\s*$", line)), None)
        end = next((i for i in range(start + 1, len(lines)) if lines[i] == "}"), None) if start is not None else None
        if end is None:
            raise RegistrationError(
                "stacks/registry.py has no `STACKS = { ... }` block ending in a line `}`; add by hand:\n"
                + "\n".join(entry)
            )
        lines[end:end] = entry
    wanted = registry_import(names)
    if wanted not in lines:
        ours = [i for i, line in enumerate(lines) if line.startswith("from stacks.")]
        if not ours:
            raise RegistrationError(f"stacks/registry.py imports nothing from stacks; add by hand: {wanted}")
        module = f"stacks.{names.module}"
        after = [i for i in ours if import_order(lines[i].split()[1]) > import_order(module)]
        lines.insert(after[0] if after else ours[-1] + 1, wanted)
    return "\n".join(lines)


def _assignment(variable: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(variable)}\s*:=.*$", re.MULTILINE)


def names_in_makefile(text: str, names: StackNames) -> bool:
    return _assignment(f"DDL_{names.name}").search(text) is not None


def register_in_makefile(text: str, names: StackNames, *, ddl: str) -> str:
    """``text`` of the Makefile with ``DDL_<name>``, the name in ``STACKS`` and ``DESIGN_<name>``."""
    ddl_line = f"DDL_{names.name} := {ddl}"
    design_line = f"DESIGN_{names.name} := stacks.{names.design_module}:DESIGN"
    stacks = re.search(r"^STACKS\s*:=(.*)$", text, re.MULTILINE)
    last_ddl = list(re.finditer(r"^DDL_\S+\s*:=.*$", text, re.MULTILINE))
    if stacks is None or not last_ddl:
        raise RegistrationError(
            f"the Makefile has no `DDL_<stack> := ...` or `STACKS := ...` line; add by hand:\n{ddl_line}\n"
            f"STACKS += {names.name}\n{design_line}"
        )
    text = _put(text, f"DDL_{names.name}", ddl_line, after=last_ddl[-1].end())
    stacks = re.search(r"^STACKS\s*:=(.*)$", text, re.MULTILINE)
    assert stacks is not None  # still there: only lines of other variables changed
    if names.name not in stacks.group(1).split():
        text = text[: stacks.end()] + f" {names.name}" + text[stacks.end() :]
    designs = list(re.finditer(r"^DESIGN_\S+\s*:=.*$", text, re.MULTILINE))
    anchor = designs[-1] if designs else re.search(r"^STACKS\s*:=.*$", text, re.MULTILINE)
    assert anchor is not None
    return _put(text, f"DESIGN_{names.name}", design_line, after=anchor.end())


def _put(text: str, variable: str, line: str, *, after: int) -> str:
    """Replace the variable's assignment, or insert ``line`` after offset ``after`` (the end of a line)."""
    found = _assignment(variable).search(text)
    if found is not None:
        return text[: found.start()] + line + text[found.end() :]
    return text[:after] + "\n" + line + text[after:]
