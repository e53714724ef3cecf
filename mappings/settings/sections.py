"""The sections of a DMS task-settings document, one frozen dataclass each, and their closed value sets.

See https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.html
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from mappings.document._wire import WireModel, wire, wire_required
from mappings.document.enums import BeforeImageColumnFilter


class TargetTablePrepMode(StrEnum):
    """What DMS does to an existing target table when a full load starts."""

    DO_NOTHING = "DO_NOTHING"
    DROP_AND_CREATE = "DROP_AND_CREATE"
    TRUNCATE_BEFORE_LOAD = "TRUNCATE_BEFORE_LOAD"


class LogSeverity(StrEnum):
    DEFAULT = "LOGGER_SEVERITY_DEFAULT"
    ERROR = "LOGGER_SEVERITY_ERROR"
    WARNING = "LOGGER_SEVERITY_WARNING"
    INFO = "LOGGER_SEVERITY_INFO"
    DEBUG = "LOGGER_SEVERITY_DEBUG"
    DETAILED_DEBUG = "LOGGER_SEVERITY_DETAILED_DEBUG"


class LogComponentId(StrEnum):
    """Log components that appear in DMS task settings."""

    ADDONS = "ADDONS"
    ASSERTION = "ASSERTION"
    COMMON = "COMMON"
    COMMUNICATION = "COMMUNICATION"
    DATA_RESYNC = "DATA_RESYNC"
    DATA_STRUCTURE = "DATA_STRUCTURE"
    FILE_FACTORY = "FILE_FACTORY"
    FILE_TRANSFER = "FILE_TRANSFER"
    IO = "IO"
    METADATA_MANAGER = "METADATA_MANAGER"
    PERFORMANCE = "PERFORMANCE"
    REST_SERVER = "REST_SERVER"
    SERVER = "SERVER"
    SORTER = "SORTER"
    SORTER_STORAGE = "SORTER_STORAGE"
    SOURCE_CAPTURE = "SOURCE_CAPTURE"
    SOURCE_UNLOAD = "SOURCE_UNLOAD"
    TABLES_MANAGER = "TABLES_MANAGER"
    TARGET_APPLY = "TARGET_APPLY"
    TARGET_LOAD = "TARGET_LOAD"
    TASK_MANAGER = "TASK_MANAGER"
    TRANSFORMATION = "TRANSFORMATION"
    UTILITIES = "UTILITIES"
    VALIDATOR = "VALIDATOR"
    VALIDATOR_EXT = "VALIDATOR_EXT"


class ErrorAction(StrEnum):
    """Values of the ErrorBehavior policies; each policy accepts a subset (checked)."""

    IGNORE = "IGNORE"
    IGNORE_RECORD = "IGNORE_RECORD"
    LOG_ERROR = "LOG_ERROR"
    SUSPEND_TABLE = "SUSPEND_TABLE"
    STOP_TASK = "STOP_TASK"
    INSERT_RECORD = "INSERT_RECORD"
    UPDATE_RECORD = "UPDATE_RECORD"


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetMetadata(WireModel):
    _label: ClassVar[str] = "TargetMetadata"

    target_schema: str | None = wire("TargetSchema")
    support_lobs: bool | None = wire("SupportLobs")
    full_lob_mode: bool | None = wire("FullLobMode")
    lob_chunk_size: int | None = wire("LobChunkSize")
    limited_size_lob_mode: bool | None = wire("LimitedSizeLobMode")
    lob_max_size: int | None = wire("LobMaxSize")
    inline_lob_max_size: int | None = wire("InlineLobMaxSize")
    load_max_file_size: int | None = wire("LoadMaxFileSize")
    parallel_load_threads: int | None = wire("ParallelLoadThreads")
    parallel_load_buffer_size: int | None = wire("ParallelLoadBufferSize")
    parallel_load_queues_per_thread: int | None = wire("ParallelLoadQueuesPerThread")
    parallel_apply_threads: int | None = wire("ParallelApplyThreads")
    parallel_apply_buffer_size: int | None = wire("ParallelApplyBufferSize")
    parallel_apply_queues_per_thread: int | None = wire("ParallelApplyQueuesPerThread")
    batch_apply_enabled: bool | None = wire("BatchApplyEnabled")
    task_recovery_table_enabled: bool | None = wire("TaskRecoveryTableEnabled")


@dataclass(frozen=True, slots=True, kw_only=True)
class FullLoadSettings(WireModel):
    _label: ClassVar[str] = "FullLoadSettings"

    target_table_prep_mode: TargetTablePrepMode | None = wire("TargetTablePrepMode")
    create_pk_after_full_load: bool | None = wire("CreatePkAfterFullLoad")
    stop_task_cached_changes_applied: bool | None = wire("StopTaskCachedChangesApplied")
    stop_task_cached_changes_not_applied: bool | None = wire("StopTaskCachedChangesNotApplied")
    max_full_load_sub_tasks: int | None = wire("MaxFullLoadSubTasks")
    transaction_consistency_timeout: int | None = wire("TransactionConsistencyTimeout")
    commit_rate: int | None = wire("CommitRate")


@dataclass(frozen=True, slots=True, kw_only=True)
class TTS3Settings(WireModel):
    _label: ClassVar[str] = "TTS3Settings"

    encryption_mode: str | None = wire("EncryptionMode")
    server_side_encryption_kms_key_id: str | None = wire("ServerSideEncryptionKmsKeyId")
    service_access_role_arn: str | None = wire("ServiceAccessRoleArn")
    bucket_name: str | None = wire("BucketName")
    bucket_folder: str | None = wire("BucketFolder")
    enable_deleting_from_s3_on_task_delete: bool | None = wire("EnableDeletingFromS3OnTaskDelete")


@dataclass(frozen=True, slots=True, kw_only=True)
class TTRecordSettings(WireModel):
    _label: ClassVar[str] = "TTRecordSettings"

    enable_raw_data: bool | None = wire("EnableRawData")
    operations_to_log: str | None = wire("OperationsToLog")
    max_record_size: int | None = wire("MaxRecordSize")


@dataclass(frozen=True, slots=True, kw_only=True)
class TTSettings(WireModel):
    """Time Travel: logs the task's changes to S3."""

    _label: ClassVar[str] = "TTSettings"

    enable_tt: bool | None = wire("EnableTT")
    tt_s3_settings: TTS3Settings | None = wire("TTS3Settings")
    tt_record_settings: TTRecordSettings | None = wire("TTRecordSettings")


@dataclass(frozen=True, slots=True, kw_only=True)
class LogComponent(WireModel):
    _label: ClassVar[str] = "a log component"

    id: LogComponentId = wire_required("Id")
    severity: LogSeverity = wire_required("Severity")


@dataclass(frozen=True, slots=True, kw_only=True)
class Logging(WireModel):
    """Task logging. DMS writes to the group ``dms-tasks-<replication-instance-id>``."""

    _label: ClassVar[str] = "Logging"

    enable_logging: bool | None = wire("EnableLogging")
    enable_log_context: bool | None = wire("EnableLogContext")
    log_components: tuple[LogComponent, ...] | None = wire("LogComponents")


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlTablesSettings(WireModel):
    _label: ClassVar[str] = "ControlTablesSettings"

    control_schema: str | None = wire("ControlSchema")
    history_timeslot_in_minutes: int | None = wire("HistoryTimeslotInMinutes")
    history_table_enabled: bool | None = wire("HistoryTableEnabled")
    suspended_tables_table_enabled: bool | None = wire("SuspendedTablesTableEnabled")
    status_table_enabled: bool | None = wire("StatusTableEnabled")
    full_load_exception_table_enabled: bool | None = wire("FullLoadExceptionTableEnabled")


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamBufferSettings(WireModel):
    _label: ClassVar[str] = "StreamBufferSettings"

    stream_buffer_count: int | None = wire("StreamBufferCount")
    stream_buffer_size_in_mb: int | None = wire("StreamBufferSizeInMB")
    ctrl_stream_buffer_size_in_mb: int | None = wire("CtrlStreamBufferSizeInMB")


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeProcessingTuning(WireModel):
    _label: ClassVar[str] = "ChangeProcessingTuning"

    batch_apply_preserve_transaction: bool | None = wire("BatchApplyPreserveTransaction")
    batch_apply_timeout_min: int | None = wire("BatchApplyTimeoutMin")
    batch_apply_timeout_max: int | None = wire("BatchApplyTimeoutMax")
    batch_apply_memory_limit: int | None = wire("BatchApplyMemoryLimit")
    batch_split_size: int | None = wire("BatchSplitSize")
    min_transaction_size: int | None = wire("MinTransactionSize")
    commit_timeout: int | None = wire("CommitTimeout")
    memory_limit_total: int | None = wire("MemoryLimitTotal")
    memory_keep_time: int | None = wire("MemoryKeepTime")
    statement_cache_size: int | None = wire("StatementCacheSize")
    recovery_timeout: int | None = wire("RecoveryTimeout")


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeProcessingDdlHandlingPolicy(WireModel):
    _label: ClassVar[str] = "ChangeProcessingDdlHandlingPolicy"

    handle_source_table_dropped: bool | None = wire("HandleSourceTableDropped")
    handle_source_table_truncated: bool | None = wire("HandleSourceTableTruncated")
    handle_source_table_altered: bool | None = wire("HandleSourceTableAltered")


@dataclass(frozen=True, slots=True, kw_only=True)
class ValidationSettings(WireModel):
    """Data validation (not available for DynamoDB targets: use the rehearsal's ``verify``)."""

    _label: ClassVar[str] = "ValidationSettings"

    enable_validation: bool | None = wire("EnableValidation")
    validation_mode: str | None = wire("ValidationMode")
    thread_count: int | None = wire("ThreadCount")
    partition_size: int | None = wire("PartitionSize")
    failure_max_count: int | None = wire("FailureMaxCount")
    record_failure_delay_in_minutes: int | None = wire("RecordFailureDelayInMinutes")
    record_suspend_delay_in_minutes: int | None = wire("RecordSuspendDelayInMinutes")
    max_key_column_size: int | None = wire("MaxKeyColumnSize")
    table_failure_max_count: int | None = wire("TableFailureMaxCount")
    validation_only: bool | None = wire("ValidationOnly")
    handle_collation_diff: bool | None = wire("HandleCollationDiff")
    record_failure_delay_limit_in_minutes: int | None = wire("RecordFailureDelayLimitInMinutes")
    skip_lob_columns: bool | None = wire("SkipLobColumns")
    validation_partial_lob_size: int | None = wire("ValidationPartialLobSize")
    validation_query_cdc_delay_seconds: int | None = wire("ValidationQueryCdcDelaySeconds")


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrorBehavior(WireModel):
    _label: ClassVar[str] = "ErrorBehavior"

    data_error_policy: ErrorAction | None = wire("DataErrorPolicy")
    data_truncation_error_policy: ErrorAction | None = wire("DataTruncationErrorPolicy")
    data_masking_error_policy: ErrorAction | None = wire("DataMaskingErrorPolicy")
    data_error_escalation_policy: ErrorAction | None = wire("DataErrorEscalationPolicy")
    data_error_escalation_count: int | None = wire("DataErrorEscalationCount")
    table_error_policy: ErrorAction | None = wire("TableErrorPolicy")
    table_error_escalation_policy: ErrorAction | None = wire("TableErrorEscalationPolicy")
    table_error_escalation_count: int | None = wire("TableErrorEscalationCount")
    recoverable_error_count: int | None = wire("RecoverableErrorCount")
    recoverable_error_interval: int | None = wire("RecoverableErrorInterval")
    recoverable_error_throttling: bool | None = wire("RecoverableErrorThrottling")
    recoverable_error_throttling_max: int | None = wire("RecoverableErrorThrottlingMax")
    recoverable_error_stop_retry_after_throttling_max: bool | None = wire("RecoverableErrorStopRetryAfterThrottlingMax")
    apply_error_delete_policy: ErrorAction | None = wire("ApplyErrorDeletePolicy")
    apply_error_insert_policy: ErrorAction | None = wire("ApplyErrorInsertPolicy")
    apply_error_update_policy: ErrorAction | None = wire("ApplyErrorUpdatePolicy")
    apply_error_escalation_policy: ErrorAction | None = wire("ApplyErrorEscalationPolicy")
    apply_error_escalation_count: int | None = wire("ApplyErrorEscalationCount")
    apply_error_fail_on_truncation_ddl: bool | None = wire("ApplyErrorFailOnTruncationDdl")
    fail_on_no_tables_captured: bool | None = wire("FailOnNoTablesCaptured")
    fail_on_transaction_consistency_breached: bool | None = wire("FailOnTransactionConsistencyBreached")
    full_load_ignore_conflicts: bool | None = wire("FullLoadIgnoreConflicts")
    event_error_policy: ErrorAction | None = wire("EventErrorPolicy")


@dataclass(frozen=True, slots=True, kw_only=True)
class BeforeImageSettings(WireModel):
    _label: ClassVar[str] = "BeforeImageSettings"

    enable_before_image: bool | None = wire("EnableBeforeImage")
    field_name: str | None = wire("FieldName")
    column_filter: BeforeImageColumnFilter | None = wire("ColumnFilter")


@dataclass(frozen=True, slots=True, kw_only=True)
class CharacterReplacement(WireModel):
    _label: ClassVar[str] = "a character replacement"

    source_character_code_point: int = wire_required("SourceCharacterCodePoint")
    target_character_code_point: int = wire_required("TargetCharacterCodePoint")


@dataclass(frozen=True, slots=True, kw_only=True)
class CharacterSetSupport(WireModel):
    _label: ClassVar[str] = "CharacterSetSupport"

    character_set: str | None = wire("CharacterSet")
    replace_with_character_code_point: int | None = wire("ReplaceWithCharacterCodePoint")


@dataclass(frozen=True, slots=True, kw_only=True)
class CharacterSetSettings(WireModel):
    _label: ClassVar[str] = "CharacterSetSettings"

    character_replacements: tuple[CharacterReplacement, ...] | None = wire("CharacterReplacements")
    character_set_support: CharacterSetSupport | None = wire("CharacterSetSupport")


@dataclass(frozen=True, slots=True, kw_only=True)
class LoopbackPreventionSettings(WireModel):
    _label: ClassVar[str] = "LoopbackPreventionSettings"

    enable_loopback_prevention: bool | None = wire("EnableLoopbackPrevention")
    source_schema: str | None = wire("SourceSchema")
    target_schema: str | None = wire("TargetSchema")
