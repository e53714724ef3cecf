"""Every example stack, by name: ``main.py`` synthesizes them all and the snapshot tests cover each."""

from __future__ import annotations

from collections.abc import Callable

from cdktf import App, TerraformStack

from stacks.aurora_serverless import AuroraServerlessStack
from stacks.config import StackConfig
from stacks.existing_source import ExistingSourceStack
from stacks.minimal import MinimalStack
from stacks.sakila import SakilaMigrationStack
from stacks.shop import ShopMigrationStack

StackFactory = Callable[[App, StackConfig], TerraformStack]

STACKS: dict[str, StackFactory] = {
    "sakila": lambda app, config: SakilaMigrationStack(app, "sakila", config),
    "minimal": lambda app, config: MinimalStack(app, "minimal", config),
    "aurora-serverless": lambda app, config: AuroraServerlessStack(app, "aurora-serverless", config),
    "shop": lambda app, config: ShopMigrationStack(app, "shop", config),
    "existing-source": lambda app, config: ExistingSourceStack(app, "existing-source", config),
}


def build_app(app: App, config: StackConfig | None = None) -> App:
    """Add every example stack to ``app`` (configuration from context/environment unless given)."""
    config = config or StackConfig.load(app)
    for factory in STACKS.values():
        factory(app, config)
    return app
