"""Task settings read for a DynamoDB target: each check by its message (CHAP_Target.DynamoDB)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mappings import MappingError, TaskSettings
from mappings.settings.dynamodb import dynamodb_settings_issues, load_threads, write_capacity


def _messages(settings: dict[str, Any]) -> list[str]:
    return [f"{i.code} {i.path}: {i.message}" for i in dynamodb_settings_issues(TaskSettings.from_dict(settings))]


def test_defaults_are_clean_and_dms_sizes_200_wcu() -> None:
    settings = TaskSettings()
    assert dynamodb_settings_issues(settings) == []
    assert load_threads(settings) == (8, 1) and write_capacity(settings) == 200


def test_parallel_load_threads_multiply_the_write_capacity() -> None:
    settings = TaskSettings().with_parallel_load_threads(16, buffer_size=500)
    assert _messages(settings.to_dict()) == []
    assert write_capacity(settings) == 3200


@pytest.mark.parametrize(
    ("settings", "fragment"),
    [
        (
            {"FullLoadSettings": {"MaxFullLoadSubTasks": 50}},
            "$.FullLoadSettings.MaxFullLoadSubTasks: 50 is outside the documented range 1-49",
        ),
        (
            {"TargetMetadata": {"ParallelLoadThreads": 201}},
            "$.TargetMetadata.ParallelLoadThreads: 201 is outside the documented range 0-200",
        ),
        (
            {"TargetMetadata": {"ParallelLoadThreads": 4, "ParallelLoadBufferSize": 1001}},
            "ParallelLoadBufferSize: 1001 is outside the documented range 0-1000",
        ),
    ],
)
def test_documented_ranges_are_errors(settings: dict[str, Any], fragment: str) -> None:
    with pytest.raises(MappingError, match="out-of-range") as raised:
        TaskSettings.from_dict(settings)
    assert fragment in str(raised.value)


def test_a_buffer_without_threads_does_nothing() -> None:
    assert _messages({"TargetMetadata": {"ParallelLoadBufferSize": 100}}) == [
        "dynamodb-buffer-without-threads $.TargetMetadata.ParallelLoadBufferSize: ParallelLoadBufferSize is only used "
        "with more than one thread (ParallelLoadThreads > 1); set ParallelLoadThreads or drop it"
    ]


@pytest.mark.parametrize(
    ("key", "documented_for"),
    [
        ("ParallelLoadQueuesPerThread", "Kinesis and Kafka targets"),
        ("ParallelApplyThreads", "other targets"),
        ("ParallelApplyBufferSize", "other targets"),
        ("ParallelApplyQueuesPerThread", "other targets"),
    ],
)
def test_settings_without_a_documented_effect_on_dynamodb_are_warned(key: str, documented_for: str) -> None:
    assert _messages({"TargetMetadata": {key: 4}}) == [
        f"dynamodb-setting-without-effect $.TargetMetadata.{key}: {key} is documented for {documented_for}, not "
        "DynamoDB: it has no documented effect here"
    ]


def test_many_threads_in_total_warn_about_memory() -> None:
    assert _messages({"TargetMetadata": {"ParallelLoadThreads": 30}}) == [
        "dynamodb-many-threads $.TargetMetadata.ParallelLoadThreads: 8 tables at once x 30 threads = 240 writer "
        "threads; DMS warns that large values can make the task run out of memory. Size the replication instance "
        "for it, or lower MaxFullLoadSubTasks"
    ]
    assert _messages({"TargetMetadata": {"ParallelLoadThreads": 25}}) == []  # 8 x 25 = 200: the limit itself


def test_check_command_reads_settings_for_a_dynamodb_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dms_dynamodb.cli import main
    from stacks.shop_design import shop_table_mappings

    mappings, settings = tmp_path / "m.json", tmp_path / "s.json"
    mappings.write_text(shop_table_mappings().to_json())
    settings.write_text('{"TargetMetadata": {"ParallelLoadThreads": 4, "ParallelApplyThreads": 2}}')
    assert main(["check", str(mappings), "--task-settings", str(settings)]) == 0  # warnings alone
    out = capsys.readouterr().out
    assert f"{settings}: info: DMS sets 800 WCU on the target table for the full load" in out
    assert "warning[dynamodb-setting-without-effect] $.TargetMetadata.ParallelApplyThreads" in out
    assert main(["check", str(mappings), "--task-settings", str(settings), "--strict"]) == 1
