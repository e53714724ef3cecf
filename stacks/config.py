"""Stack configuration from cdktf context (``cdktf.json`` "context" or ``--context``) or environment.

Region, names and the state backend are configuration, not code. Environment variables win over
context so CI can override without editing files:

| setting | context key | environment | default |
| --- | --- | --- | --- |
| AWS region | ``region`` | ``DMS_REGION`` | ``us-east-1`` |
| create dms-vpc-role etc. | ``createAccountRoles`` | ``DMS_CREATE_ACCOUNT_ROLES`` | ``true`` |
| S3 state bucket | ``stateBucket`` | ``DMS_STATE_BUCKET`` | none: local state |
| S3 state key prefix | ``stateKeyPrefix`` | ``DMS_STATE_KEY_PREFIX`` | ``dms-migration`` |
| DynamoDB lock table | ``stateLockTable`` | ``DMS_STATE_LOCK_TABLE`` | none: S3 native lock file |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from constructs import Construct

_KEYS = {
    "region": ("region", "DMS_REGION"),
    "create_account_roles": ("createAccountRoles", "DMS_CREATE_ACCOUNT_ROLES"),
    "state_bucket": ("stateBucket", "DMS_STATE_BUCKET"),
    "state_key_prefix": ("stateKeyPrefix", "DMS_STATE_KEY_PREFIX"),
    "state_lock_table": ("stateLockTable", "DMS_STATE_LOCK_TABLE"),
}


@dataclass(frozen=True, kw_only=True)
class StackConfig:
    region: str = "us-east-1"
    create_account_roles: bool = True
    #: Default: - local state in ``terraform.<stack>.tfstate``.
    state_bucket: str | None = None
    state_key_prefix: str = "dms-migration"
    #: Default: - S3's native lock file (Terraform 1.10+, OpenTofu 1.10+).
    state_lock_table: str | None = None

    @classmethod
    def load(cls, scope: Construct, environ: Mapping[str, str] | None = None) -> StackConfig:
        """Read from the environment first, then from cdktf context, else the defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for attr, (context_key, env_key) in _KEYS.items():
            raw = env.get(env_key)
            if raw is None:
                raw = scope.node.try_get_context(context_key)
            if raw is None or raw == "":
                continue
            values[attr] = _as_bool(attr, raw) if attr == "create_account_roles" else str(raw)
        return cls(**values)  # type: ignore[arg-type]


def _as_bool(name: str, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes"):
        return True
    if text in ("0", "false", "no"):
        return False
    raise ValueError(f"{name}: {raw!r} is not a boolean; use true or false")
