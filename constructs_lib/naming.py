"""Identifier rules of the services, checked before Terraform sees them."""

from __future__ import annotations

import re

from constructs_lib.errors import ConstructValidationError

# DMS: "must contain 1-63 alphanumeric characters or hyphens; first character must be a letter;
# cannot end with a hyphen or contain two consecutive hyphens". DMS stores them lower-case, so an
# upper-case id plans a change forever: we require lower case.
_DMS_ID = re.compile(r"[a-z](?:[a-z0-9]|-(?!-))*")
_DDB_TABLE = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_RDS_ID = re.compile(r"[a-z](?:[a-z0-9]|-(?!-))*")


def dms_identifier(value: str, *, prop: str, max_length: int = 63) -> str:
    """Check a DMS replication instance / endpoint / task / subnet group identifier."""
    if not (1 <= len(value) <= max_length and _DMS_ID.fullmatch(value) and not value.endswith("-")):
        raise ConstructValidationError(
            f"{prop}: {value!r} is not a valid DMS identifier; use 1-{max_length} lower-case letters, digits "
            "and single hyphens, starting with a letter and not ending with a hyphen (e.g. 'sakila-migration')"
        )
    return value


def dynamodb_table_name(value: str, *, prop: str) -> str:
    if not _DDB_TABLE.fullmatch(value):
        raise ConstructValidationError(
            f"{prop}: {value!r} is not a valid DynamoDB table name; use 3-255 characters of a-z, A-Z, 0-9, "
            "'_', '-' and '.'"
        )
    return value


def rds_identifier(value: str, *, prop: str) -> str:
    if not (1 <= len(value) <= 63 and _RDS_ID.fullmatch(value) and not value.endswith("-")):
        raise ConstructValidationError(
            f"{prop}: {value!r} is not a valid RDS identifier; use 1-63 lower-case letters, digits and single "
            "hyphens, starting with a letter and not ending with a hyphen"
        )
    return value
