"""Closed value sets of the DMS table-mapping grammar.

Each member's value is the exact string DMS expects; all are case-sensitive.
See https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.html
"""

from __future__ import annotations

from enum import StrEnum


class RuleType(StrEnum):
    """The ``rule-type`` of a rule."""

    SELECTION = "selection"
    TRANSFORMATION = "transformation"
    TABLE_SETTINGS = "table-settings"
    OBJECT_MAPPING = "object-mapping"
    POST_PROCESSING = "post-processing"


class SelectionAction(StrEnum):
    """``rule-action`` of a selection rule. ``explicit`` selects exactly one object, no wildcards."""

    INCLUDE = "include"
    EXCLUDE = "exclude"
    EXPLICIT = "explicit"


class TableType(StrEnum):
    """``object-locator.table-type``. Views load only in full-load tasks."""

    TABLE = "table"
    VIEW = "view"
    ALL = "all"


class FilterType(StrEnum):
    SOURCE = "source"


class FilterOperator(StrEnum):
    """Source filter operators (FILT page). ``ste`` is a documented alias of ``lte``."""

    LTE = "lte"
    STE = "ste"
    GTE = "gte"
    EQ = "eq"
    NOTEQ = "noteq"
    BETWEEN = "between"
    NOTBETWEEN = "notbetween"
    NULL = "null"
    NOTNULL = "notnull"

    @property
    def is_negative(self) -> bool:
        """Negative operators must be alone in their filter (DMS FILT page)."""
        return self in (FilterOperator.NOTEQ, FilterOperator.NOTBETWEEN, FilterOperator.NOTNULL)

    @property
    def operands(self) -> tuple[str, ...]:
        """The condition keys this operator needs."""
        if self in (FilterOperator.BETWEEN, FilterOperator.NOTBETWEEN):
            return ("start-value", "end-value")
        if self in (FilterOperator.NULL, FilterOperator.NOTNULL):
            return ()
        return ("value",)


class TransformationAction(StrEnum):
    """``rule-action`` of a transformation rule (TRAN and MASK pages)."""

    RENAME = "rename"
    REMOVE_COLUMN = "remove-column"
    INCLUDE_COLUMN = "include-column"
    ADD_COLUMN = "add-column"
    CONVERT_LOWERCASE = "convert-lowercase"
    CONVERT_UPPERCASE = "convert-uppercase"
    ADD_PREFIX = "add-prefix"
    REMOVE_PREFIX = "remove-prefix"
    REPLACE_PREFIX = "replace-prefix"
    ADD_SUFFIX = "add-suffix"
    REMOVE_SUFFIX = "remove-suffix"
    REPLACE_SUFFIX = "replace-suffix"
    DEFINE_PRIMARY_KEY = "define-primary-key"
    CHANGE_DATA_TYPE = "change-data-type"
    ADD_BEFORE_IMAGE_COLUMNS = "add-before-image-columns"
    DATA_MASKING_DIGITS_MASK = "data-masking-digits-mask"
    DATA_MASKING_DIGITS_RANDOMIZE = "data-masking-digits-randomize"
    DATA_MASKING_HASH_MASK = "data-masking-hash-mask"

    @property
    def is_masking(self) -> bool:
        return self.value.startswith("data-masking-")


class RuleTarget(StrEnum):
    """``rule-target`` of a transformation rule. The tablespace targets are Oracle-only."""

    SCHEMA = "schema"
    TABLE = "table"
    COLUMN = "column"
    TABLE_TABLESPACE = "table-tablespace"
    INDEX_TABLESPACE = "index-tablespace"


class DataType(StrEnum):
    """``data-type.type`` values DMS accepts for add-column and change-data-type."""

    BYTES = "bytes"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    INT1 = "int1"
    INT2 = "int2"
    INT4 = "int4"
    INT8 = "int8"
    NUMERIC = "numeric"
    REAL4 = "real4"
    REAL8 = "real8"
    STRING = "string"
    UINT1 = "uint1"
    UINT2 = "uint2"
    UINT4 = "uint4"
    UINT8 = "uint8"
    WSTRING = "wstring"
    BLOB = "blob"
    NCLOB = "nclob"
    CLOB = "clob"
    BOOLEAN = "boolean"
    SET = "set"
    LIST = "list"
    MAP = "map"
    TUPLE = "tuple"


class PrimaryKeyOrigin(StrEnum):
    PRIMARY_KEY = "primary-key"
    UNIQUE_INDEX = "unique-index"


class BeforeImageColumnFilter(StrEnum):
    PK_ONLY = "pk-only"
    NON_LOB = "non-lob"
    ALL = "all"


class ParallelLoadType(StrEnum):
    """``parallel-load.type`` of a table-settings rule (TSET page)."""

    PARTITIONS_AUTO = "partitions-auto"
    SUBPARTITIONS_AUTO = "subpartitions-auto"
    PARTITIONS_LIST = "partitions-list"
    RANGES = "ranges"
    NONE = "none"


class LobMode(StrEnum):
    LIMITED = "limited"
    UNLIMITED = "unlimited"
    NONE = "none"


class ObjectMappingAction(StrEnum):
    """``rule-action`` of an object-mapping rule: "the only valid values" (DynamoDB target page)."""

    MAP_RECORD_TO_RECORD = "map-record-to-record"
    MAP_RECORD_TO_DOCUMENT = "map-record-to-document"


class AttributeType(StrEnum):
    SCALAR = "scalar"
    DOCUMENT = "document"


class AttributeSubType(StrEnum):
    """``attribute-sub-type``. Only ``string`` is documented for scalars; the others appear in
    community mappings and are accepted with a warning for DynamoDB targets."""

    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    BINARY = "binary"
    DYNAMODB_MAP = "dynamodb-map"
    DYNAMODB_LIST = "dynamodb-list"
    JSON = "json"


class PartitionKeyType(StrEnum):
    """``mapping-parameters.partition-key-type`` for Kinesis and Kafka targets."""

    SCHEMA_TABLE = "schema-table"
    TRANSACTION_ID = "transaction-id"
    PRIMARY_KEY = "primary-key"
    CONSTANT = "constant"
    ATTRIBUTE_NAME = "attribute-name"


class PostProcessingAction(StrEnum):
    ADD_TAG = "add-tag"


class TargetEngine(StrEnum):
    """The kind of DMS target a document is checked for; DynamoDB gets the deepest checks."""

    DYNAMODB = "dynamodb"
    KINESIS = "kinesis"
    KAFKA = "kafka"
    OPENSEARCH = "opensearch"
    S3 = "s3"
    OTHER = "other"


class MigrationType(StrEnum):
    """What a DMS task does: load, replicate changes, or both (the zero-downtime path).

    See: https://docs.aws.amazon.com/dms/latest/APIReference/API_CreateReplicationTask.html
    """

    FULL_LOAD = "full-load"
    CDC = "cdc"
    FULL_LOAD_AND_CDC = "full-load-and-cdc"
