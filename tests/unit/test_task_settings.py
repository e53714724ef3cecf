"""Task settings: only what was set is emitted, in canonical form, and diff traps are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mappings import MappingError, TargetTablePrepMode, TaskSettings
from mappings.settings import ErrorAction, LogComponentId, LogSeverity, task_settings_issues

SAVED_BY_DMS = {  # the shape the DMS console's "saved task settings" has, read-only keys included
    "TargetMetadata": {
        "TargetSchema": "",
        "SupportLobs": True,
        "FullLobMode": False,
        "LobChunkSize": 0,
        "LimitedSizeLobMode": True,
        "LobMaxSize": 32,
        "ParallelLoadThreads": 0,
        "BatchApplyEnabled": False,
    },
    "FullLoadSettings": {
        "TargetTablePrepMode": "DO_NOTHING",
        "CreatePkAfterFullLoad": False,
        "MaxFullLoadSubTasks": 8,
        "TransactionConsistencyTimeout": 600,
        "CommitRate": 10000,
    },
    "Logging": {
        "EnableLogging": True,
        "LogComponents": [{"Id": "TRANSFORMATION", "Severity": "LOGGER_SEVERITY_DEFAULT"}],
        "CloudWatchLogGroup": None,
        "CloudWatchLogStream": None,
    },
    "ControlTablesSettings": {"ControlSchema": "", "HistoryTimeslotInMinutes": 5, "HistoryTableEnabled": False},
    "ErrorBehavior": {
        "DataErrorPolicy": "LOG_ERROR",
        "ApplyErrorInsertPolicy": "LOG_ERROR",
        "RecoverableErrorCount": -1,
        "FailOnNoTablesCaptured": False,
    },
    "BeforeImageSettings": None,
}


def test_article_fluent_form() -> None:
    settings = TaskSettings().with_target_table_prep_mode(TargetTablePrepMode.DO_NOTHING)
    assert settings.to_dict() == {"FullLoadSettings": {"TargetTablePrepMode": "DO_NOTHING"}}
    assert settings.to_json() == '{"FullLoadSettings":{"TargetTablePrepMode":"DO_NOTHING"}}'


def test_fluent_calls_accumulate_without_mutating() -> None:
    base = TaskSettings().with_max_full_load_sub_tasks(16)
    tuned = base.with_parallel_load_threads(8, buffer_size=100).with_logging(
        components={LogComponentId.TARGET_LOAD: LogSeverity.DEBUG}, log_context=True
    )
    assert base.to_dict() == {"FullLoadSettings": {"MaxFullLoadSubTasks": 16}}
    assert tuned.to_dict() == {
        "TargetMetadata": {"ParallelLoadThreads": 8, "ParallelLoadBufferSize": 100},
        "FullLoadSettings": {"MaxFullLoadSubTasks": 16},
        "Logging": {
            "EnableLogging": True,
            "EnableLogContext": True,
            "LogComponents": [{"Id": "TARGET_LOAD", "Severity": "LOGGER_SEVERITY_DEBUG"}],
        },
    }


def _section(settings: dict[str, Any], name: str) -> dict[str, Any]:
    section = settings[name]
    assert isinstance(section, dict)
    return section


def test_saved_settings_are_read_with_nulls_dropped() -> None:
    settings = TaskSettings.from_dict(
        {**SAVED_BY_DMS, "Logging": {k: v for k, v in _section(SAVED_BY_DMS, "Logging").items() if v is not None}}
    )
    assert settings.target_table_prep_mode is TargetTablePrepMode.DO_NOTHING
    assert "BeforeImageSettings" not in settings.to_dict()
    assert settings.to_dict()["ErrorBehavior"]["RecoverableErrorCount"] == -1


def test_read_only_log_group_is_refused_with_the_dms_message() -> None:
    doc = json.loads(json.dumps(SAVED_BY_DMS))
    doc["Logging"]["CloudWatchLogGroup"] = "dms-tasks-x"
    with pytest.raises(MappingError, match="cannot be set on create") as caught:
        TaskSettings.from_dict(doc)
    assert caught.value.issues[0].path == "$.Logging.CloudWatchLogGroup"


def test_log_context_needs_logging() -> None:
    with pytest.raises(MappingError, match=r"EnableLogContext is not allowed when Logging\.EnableLogging"):
        TaskSettings.from_dict({"Logging": {"EnableLogging": False, "EnableLogContext": True}})
    with pytest.raises(MappingError, match="log-context-without-logging"):
        TaskSettings().with_logging(False, log_context=True)


def test_unknown_key_is_refused_with_its_path() -> None:
    with pytest.raises(MappingError) as caught:
        TaskSettings.from_dict({"ControlTablesSettings": {"statusTableEnabled": True}})
    (issue,) = caught.value.issues
    assert issue.path == "$.ControlTablesSettings.statusTableEnabled"
    assert "StatusTableEnabled" in issue.message  # the allowed keys are listed


@pytest.mark.parametrize(
    ("doc", "path", "fragment"),
    [
        ({"FullLoadSettings": {"MaxFullLoadSubTasks": 50}}, "$.FullLoadSettings.MaxFullLoadSubTasks", "range 1-49"),
        ({"TargetMetadata": {"ParallelLoadThreads": 201}}, "$.TargetMetadata.ParallelLoadThreads", "range 0-200"),
        (
            {"ErrorBehavior": {"TableErrorPolicy": "LOG_ERROR"}},
            "$.ErrorBehavior.TableErrorPolicy",
            "allowed: STOP_TASK, SUSPEND_TABLE",
        ),
        (
            {"FullLoadSettings": {"TargetTablePrepMode": "do_nothing"}},
            "$.FullLoadSettings.TargetTablePrepMode",
            "did you mean 'DO_NOTHING'",
        ),
        (
            {
                "Logging": {
                    "EnableLogging": True,
                    "LogComponents": [
                        {"Id": "IO", "Severity": "LOGGER_SEVERITY_DEFAULT"},
                        {"Id": "IO", "Severity": "LOGGER_SEVERITY_ERROR"},
                    ],
                }
            },
            "$.Logging.LogComponents[1]",
            "listed twice",
        ),
        ({"BeforeImageSettings": {"EnableBeforeImage": True}}, "$.BeforeImageSettings.FieldName", "needs a FieldName"),
        ({"FullLoadSettings": {"CommitRate": "10000"}}, "$.FullLoadSettings.CommitRate", "expected an integer"),
    ],
)
def test_settings_errors(doc: dict[str, object], path: str, fragment: str) -> None:
    errors = [i for i in task_settings_issues(doc) if i.is_error]
    assert [(i.path, fragment in i.message) for i in errors] == [(path, True)]


def test_arrays_other_than_log_components_warn_of_perpetual_diff() -> None:
    issues = task_settings_issues(
        {
            "CharacterSetSettings": {
                "CharacterReplacements": [{"SourceCharacterCodePoint": 35, "TargetCharacterCodePoint": 52}]
            }
        }
    )
    assert [(i.code, i.is_error) for i in issues] == [("array-perpetual-diff", False)]


def test_error_behavior_by_python_names() -> None:
    settings = TaskSettings().with_error_behavior(data_error_policy=ErrorAction.STOP_TASK, recoverable_error_count=5)
    assert settings.to_dict() == {"ErrorBehavior": {"DataErrorPolicy": "STOP_TASK", "RecoverableErrorCount": 5}}
