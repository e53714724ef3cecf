"""The source schema: pure dataclasses (``model``) and the DDL reader (``ddl``: ``read_ddl`` and
``read_ddl_report``, with ``ddl_*`` beside it; imported only when DDL is read). The live reader is the
tool half's (``dms_dynamodb.source.schema_reader``)."""

from mappings.schema.model import (
    BLOB_TYPES,
    BYTES_PER_CHAR,
    CLOB_TYPES,
    UNKNOWN_TYPE,
    Column,
    ForeignKey,
    Index,
    IndexKind,
    SourceSchema,
    Table,
)

__all__ = [
    "BLOB_TYPES",
    "BYTES_PER_CHAR",
    "CLOB_TYPES",
    "UNKNOWN_TYPE",
    "Column",
    "ForeignKey",
    "Index",
    "IndexKind",
    "SourceSchema",
    "Table",
]
