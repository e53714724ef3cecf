"""Every example stack, by name: ``main.py`` synthesizes them all and the snapshot tests cover each."""

from __future__ import annotations

from collections.abc import Callable

from cdktf import App, TerraformStack

from stacks.minimal import MinimalStack

StackFactory = Callable[[App], TerraformStack]

STACKS: dict[str, StackFactory] = {
    "minimal": lambda app: MinimalStack(app, "minimal"),
}


def build_app(app: App) -> App:
    """Add every example stack to ``app``."""
    for factory in STACKS.values():
        factory(app)
    return app
