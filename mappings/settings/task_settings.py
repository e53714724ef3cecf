"""Typed DMS task settings (``ReplicationTaskSettings``), emitting only what was set.

Terraform's AWS provider compares task settings key by key against what DMS returns and ignores
keys you leave out, so the quiet plan is the minimal one: only the keys you set, never the
read-only ``CloudWatchLogGroup``/``CloudWatchLogStream`` ("cannot be set on create"), never
``EnableLogContext`` without ``EnableLogging`` (terraform-provider-aws #21512, #43974), and no
arrays other than ``LogComponents`` (the provider cannot compare them: a perpetual diff).

See https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Tasks.CustomizingTasks.TaskSettings.html
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from mappings.document._json import loads_strict, strip_nulls
from mappings.document._wire import INVALID, ParseContext, WireModel, parse_model, wire
from mappings.errors import Issue, MappingError, Severity, raise_if_errors
from mappings.settings.sections import (
    BeforeImageSettings,
    ChangeProcessingDdlHandlingPolicy,
    ChangeProcessingTuning,
    CharacterSetSettings,
    ControlTablesSettings,
    ErrorAction,
    ErrorBehavior,
    FullLoadSettings,
    LogComponent,
    LogComponentId,
    Logging,
    LogSeverity,
    LoopbackPreventionSettings,
    StreamBufferSettings,
    TargetMetadata,
    TargetTablePrepMode,
    TTSettings,
    ValidationSettings,
)

SUBJECT = "task settings"

_Section = TypeVar("_Section", bound=WireModel)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskSettings(WireModel):
    """A DMS task-settings document. Every section is optional; unset means "DMS default".

    The ``with_*`` methods return a new object, so settings read like the article's
    ``TaskSettings().with_target_table_prep_mode(TargetTablePrepMode.DO_NOTHING)``.
    """

    _label: ClassVar[str] = "task settings"

    target_metadata: TargetMetadata | None = wire("TargetMetadata")
    full_load_settings: FullLoadSettings | None = wire("FullLoadSettings")
    tt_settings: TTSettings | None = wire("TTSettings")
    logging: Logging | None = wire("Logging")
    control_tables_settings: ControlTablesSettings | None = wire("ControlTablesSettings")
    stream_buffer_settings: StreamBufferSettings | None = wire("StreamBufferSettings")
    change_processing_tuning: ChangeProcessingTuning | None = wire("ChangeProcessingTuning")
    change_processing_ddl_handling_policy: ChangeProcessingDdlHandlingPolicy | None = wire(
        "ChangeProcessingDdlHandlingPolicy"
    )
    validation_settings: ValidationSettings | None = wire("ValidationSettings")
    error_behavior: ErrorBehavior | None = wire("ErrorBehavior")
    before_image_settings: BeforeImageSettings | None = wire("BeforeImageSettings")
    character_set_settings: CharacterSetSettings | None = wire("CharacterSetSettings")
    loopback_prevention_settings: LoopbackPreventionSettings | None = wire("LoopbackPreventionSettings")
    fail_task_when_clean_task_resource_failed: bool | None = wire("FailTaskWhenCleanTaskResourceFailed")

    def __post_init__(self) -> None:
        raise_if_errors(check_task_settings(self), subject=SUBJECT)

    # ------------------------------------------------------------------ fluent form

    def _with(self, attr: str, cls: type[_Section], **changes: Any) -> TaskSettings:
        current: Any = getattr(self, attr) or cls()
        updated: Any = dataclasses.replace(current, **changes)
        return dataclasses.replace(self, **{attr: updated})

    def with_target_table_prep_mode(self, mode: TargetTablePrepMode) -> TaskSettings:
        """DO_NOTHING keeps a table you manage (keys, GSIs); DMS's default is DROP_AND_CREATE."""
        return self._with("full_load_settings", FullLoadSettings, target_table_prep_mode=mode)

    def with_max_full_load_sub_tasks(self, count: int) -> TaskSettings:
        """How many tables load in parallel (1-49, default 8)."""
        return self._with("full_load_settings", FullLoadSettings, max_full_load_sub_tasks=count)

    def with_commit_rate(self, rows: int) -> TaskSettings:
        return self._with("full_load_settings", FullLoadSettings, commit_rate=rows)

    def with_parallel_load_threads(self, threads: int, *, buffer_size: int | None = None) -> TaskSettings:
        """Threads per table for DynamoDB targets (0-200); buffer size (up to 1000) needs threads > 1."""
        changes: dict[str, Any] = {"parallel_load_threads": threads}
        if buffer_size is not None:
            changes["parallel_load_buffer_size"] = buffer_size
        return self._with("target_metadata", TargetMetadata, **changes)

    def with_limited_lob_mode(self, max_size_kb: int) -> TaskSettings:
        """LOBs truncated at ``max_size_kb``: the fast mode, and DynamoDB items cap at 400 KB anyway."""
        return self._with(
            "target_metadata",
            TargetMetadata,
            support_lobs=True,
            full_lob_mode=False,
            limited_size_lob_mode=True,
            lob_max_size=max_size_kb,
        )

    def with_batch_apply(self, enabled: bool = True) -> TaskSettings:
        return self._with("target_metadata", TargetMetadata, batch_apply_enabled=enabled)

    def with_logging(
        self,
        enabled: bool = True,
        *,
        components: Mapping[LogComponentId, LogSeverity] | None = None,
        log_context: bool | None = None,
    ) -> TaskSettings:
        """Turn task logging on (or off), optionally with per-component severities."""
        log_components = (
            tuple(LogComponent(id=cid, severity=sev) for cid, sev in components.items()) if components else None
        )
        return self._with(
            "logging", Logging, enable_logging=enabled, enable_log_context=log_context, log_components=log_components
        )

    def with_error_behavior(self, **policies: Any) -> TaskSettings:
        """Set ErrorBehavior fields by their Python names, e.g. ``data_error_policy=ErrorAction.STOP_TASK``."""
        return self._with("error_behavior", ErrorBehavior, **policies)

    def with_control_tables(self, **settings: Any) -> TaskSettings:
        return self._with("control_tables_settings", ControlTablesSettings, **settings)

    # ------------------------------------------------------------------ JSON

    def to_json(self, *, indent: int | None = None) -> str:
        separators = (",", ": ") if indent is not None else (",", ":")
        return json.dumps(self.to_dict(), indent=indent, separators=separators)

    @classmethod
    def from_dict(cls, data: Any) -> TaskSettings:
        issues = task_settings_issues(data)
        raise_if_errors(issues, subject=SUBJECT)
        ctx = ParseContext([])
        parsed = parse_model(cls, strip_nulls(data), ctx)
        assert parsed is not INVALID  # task_settings_issues ran the same parse
        return parsed  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, text: str | bytes) -> TaskSettings:
        return cls.from_dict(loads_strict(text, subject=SUBJECT))

    @property
    def target_table_prep_mode(self) -> TargetTablePrepMode | None:
        return self.full_load_settings.target_table_prep_mode if self.full_load_settings else None


_READ_ONLY_LOGGING = ("CloudWatchLogGroup", "CloudWatchLogStream")


def task_settings_issues(data: Any) -> list[Issue]:
    """Every shape and meaning problem of a task-settings document, without raising."""
    issues: list[Issue] = []
    ctx = ParseContext(issues)
    data = strip_nulls(data)
    if isinstance(data, dict) and isinstance(data.get("Logging"), dict):
        logging = data["Logging"]
        for key in _READ_ONLY_LOGGING:
            if key in logging:
                ctx.child("Logging").child(key).error(
                    "read-only-setting",
                    f"{key} is read-only: DMS sets it, and creating a task with it fails with 'Task Settings "
                    "CloudWatchLogGroup or CloudWatchLogStream cannot be set on create'. Remove it",
                )
        data = {**data, "Logging": {k: v for k, v in logging.items() if k not in _READ_ONLY_LOGGING}}
    try:
        parsed = parse_model(TaskSettings, data, ctx)
    except MappingError as exc:  # the constructor's own checks failed: report them with the rest
        return issues + list(exc.issues) + list(exc.warnings)
    if parsed is not INVALID:
        issues.extend(check_task_settings(parsed))
    return issues


_POLICY_CHOICES: dict[str, frozenset[ErrorAction]] = {
    "data_error_policy": frozenset(
        {ErrorAction.IGNORE_RECORD, ErrorAction.LOG_ERROR, ErrorAction.SUSPEND_TABLE, ErrorAction.STOP_TASK}
    ),
    "data_truncation_error_policy": frozenset(
        {ErrorAction.IGNORE_RECORD, ErrorAction.LOG_ERROR, ErrorAction.SUSPEND_TABLE, ErrorAction.STOP_TASK}
    ),
    "data_masking_error_policy": frozenset(
        {ErrorAction.IGNORE_RECORD, ErrorAction.LOG_ERROR, ErrorAction.SUSPEND_TABLE, ErrorAction.STOP_TASK}
    ),
    "data_error_escalation_policy": frozenset({ErrorAction.SUSPEND_TABLE, ErrorAction.STOP_TASK}),
    "table_error_policy": frozenset({ErrorAction.SUSPEND_TABLE, ErrorAction.STOP_TASK}),
    "table_error_escalation_policy": frozenset({ErrorAction.STOP_TASK}),
    "apply_error_delete_policy": frozenset(
        {ErrorAction.IGNORE_RECORD, ErrorAction.LOG_ERROR, ErrorAction.SUSPEND_TABLE, ErrorAction.STOP_TASK}
    ),
    "apply_error_insert_policy": frozenset(
        {
            ErrorAction.IGNORE_RECORD,
            ErrorAction.LOG_ERROR,
            ErrorAction.SUSPEND_TABLE,
            ErrorAction.STOP_TASK,
            ErrorAction.INSERT_RECORD,
        }
    ),
    "apply_error_update_policy": frozenset(
        {
            ErrorAction.IGNORE_RECORD,
            ErrorAction.LOG_ERROR,
            ErrorAction.SUSPEND_TABLE,
            ErrorAction.STOP_TASK,
            ErrorAction.UPDATE_RECORD,
        }
    ),
    "apply_error_escalation_policy": frozenset(
        {ErrorAction.LOG_ERROR, ErrorAction.SUSPEND_TABLE, ErrorAction.STOP_TASK}
    ),
    "event_error_policy": frozenset({ErrorAction.IGNORE, ErrorAction.STOP_TASK}),
}

# (section, field, low, high): documented ranges.
_RANGES: tuple[tuple[str, str, int, int], ...] = (
    ("full_load_settings", "max_full_load_sub_tasks", 1, 49),
    ("target_metadata", "parallel_load_threads", 0, 200),
    ("target_metadata", "parallel_load_buffer_size", 0, 1000),
    ("full_load_settings", "commit_rate", 1, 50000),
)


def _issue(code: str, path: str, message: str, severity: Severity = Severity.ERROR) -> Issue:
    return Issue(severity, code, path, message)


def check_task_settings(settings: TaskSettings) -> list[Issue]:
    """Meaning checks: logging consistency, documented ranges and policy values, diff-stability."""
    issues: list[Issue] = []
    log = settings.logging
    if log is not None and log.enable_log_context is not None and log.enable_logging is not True:
        issues.append(
            _issue(
                "log-context-without-logging",
                "$.Logging.EnableLogContext",
                "EnableLogContext is set but EnableLogging is not true; Terraform rejects it ('The parameter "
                "Logging.EnableLogContext is not allowed when Logging.EnableLogging is not set to true'). Set "
                "EnableLogging to true or drop EnableLogContext",
            )
        )
    if log is not None and log.log_components:
        seen: set[LogComponentId] = set()
        for index, comp in enumerate(log.log_components):
            if comp.id in seen:
                issues.append(
                    _issue(
                        "duplicate-log-component",
                        f"$.Logging.LogComponents[{index}]",
                        f"log component {comp.id.value!r} is listed twice; list each component once",
                    )
                )
            seen.add(comp.id)
    for section, attr, low, high in _RANGES:
        value = getattr(getattr(settings, section) or object(), attr, None)
        if value is not None and not low <= value <= high:
            key = _wire_key(section, attr)
            issues.append(_issue("out-of-range", key, f"{value} is outside the documented range {low}-{high}"))
    behavior = settings.error_behavior
    if behavior is not None:
        for attr, choices in _POLICY_CHOICES.items():
            value = getattr(behavior, attr)
            if value is not None and value not in choices:
                allowed = ", ".join(sorted(c.value for c in choices))
                issues.append(
                    _issue(
                        "policy-value",
                        _wire_key("error_behavior", attr),
                        f"{value.value!r} is not allowed here; allowed: {allowed}",
                    )
                )
    bis = settings.before_image_settings
    if bis is not None and bis.enable_before_image and not bis.field_name:
        issues.append(
            _issue(
                "before-image-field",
                "$.BeforeImageSettings.FieldName",
                "EnableBeforeImage needs a FieldName for the before-image values",
            )
        )
    css = settings.character_set_settings
    if css is not None and css.character_replacements is not None:
        issues.append(
            _issue(
                "array-perpetual-diff",
                "$.CharacterSetSettings.CharacterReplacements",
                "the AWS provider compares no arrays in task settings except LogComponents, so this one shows as a "
                "change on every terraform plan",
                Severity.WARNING,
            )
        )
    return issues


def _wire_key(section: str, attr: str) -> str:
    section_cls = {f.name: f for f in dataclasses.fields(TaskSettings)}[section]
    hints = {f.name: f for f in dataclasses.fields(_SECTION_TYPES[section])}
    return f"$.{section_cls.metadata['wire']}.{hints[attr].metadata['wire']}"


_SECTION_TYPES: dict[str, type] = {
    "target_metadata": TargetMetadata,
    "full_load_settings": FullLoadSettings,
    "error_behavior": ErrorBehavior,
}
