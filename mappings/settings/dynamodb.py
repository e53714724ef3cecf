"""Task settings read for a DynamoDB target: what DMS documents, checked before deploy.

Sources: CHAP_Target.DynamoDB ("Using multithreaded full load", the write capacity DMS sets) and
CHAP_Tasks.CustomizingTasks.TaskSettings.FullLoad / .TargetMetadata:
- ``MaxFullLoadSubTasks``: tables loaded at once, default 8, at most 49;
- ``ParallelLoadThreads``: writer threads per table, default 0 (single-threaded), at most 200;
- ``ParallelLoadBufferSize``: records per thread's buffer, default 50, at most 1,000, and only used
  with more than one thread;
- ``ParallelLoadQueuesPerThread`` is documented for Kinesis and Kafka targets, the
  ``ParallelApply*`` settings for other targets: none of them for DynamoDB;
- DMS provisions 200 WCU, or 200 x ``ParallelLoadThreads``, of write capacity during the load;
- total threads are about ``ParallelLoadThreads`` x ``MaxFullLoadSubTasks``; large values can make a
  task run out of memory.
"""

from __future__ import annotations

from mappings.errors import Issue, Severity
from mappings.settings import TaskSettings

DEFAULT_SUBTASKS = 8
MAX_THREADS = 200
WCU_PER_THREAD = 200
#: Writer threads across all tables at once beyond which we warn: more than DMS's documented maximum
#: for one table (200), which it only allows for one table at a time.
MANY_THREADS = MAX_THREADS

_NOT_FOR_DYNAMODB = (
    ("parallel_load_queues_per_thread", "ParallelLoadQueuesPerThread", "Kinesis and Kafka targets"),
    ("parallel_apply_threads", "ParallelApplyThreads", "other targets"),
    ("parallel_apply_buffer_size", "ParallelApplyBufferSize", "other targets"),
    ("parallel_apply_queues_per_thread", "ParallelApplyQueuesPerThread", "other targets"),
)


def load_threads(settings: TaskSettings) -> tuple[int, int]:
    """(tables at once, writer threads per table) as DMS runs the full load with these settings."""
    full = settings.full_load_settings
    target = settings.target_metadata
    subtasks = full.max_full_load_sub_tasks if full and full.max_full_load_sub_tasks else DEFAULT_SUBTASKS
    threads = target.parallel_load_threads if target and target.parallel_load_threads else 1
    return subtasks, threads


def write_capacity(settings: TaskSettings) -> int:
    """The write capacity units DMS sets on the target table for the full load."""
    return WCU_PER_THREAD * load_threads(settings)[1]


def dynamodb_settings_issues(settings: TaskSettings) -> list[Issue]:
    """Warnings for ``settings`` on a DynamoDB target, each with the documented behaviour and the fix."""
    issues: list[Issue] = []

    def add(code: str, path: str, message: str) -> None:
        issues.append(Issue(Severity.WARNING, code, path, message))

    # The documented ranges (MaxFullLoadSubTasks 1-49, ParallelLoadThreads 0-200, ParallelLoadBufferSize
    # up to 1,000) are errors of every TaskSettings (mappings.task_settings); these are DynamoDB's own.
    target = settings.target_metadata
    threads = target.parallel_load_threads if target else None
    buffer = target.parallel_load_buffer_size if target else None
    if buffer is not None and (threads or 0) <= 1:
        add(
            "dynamodb-buffer-without-threads",
            "$.TargetMetadata.ParallelLoadBufferSize",
            "ParallelLoadBufferSize is only used with more than one thread (ParallelLoadThreads > 1); "
            "set ParallelLoadThreads or drop it",
        )
    for attribute, key, documented_for in _NOT_FOR_DYNAMODB:
        if target is not None and getattr(target, attribute) is not None:
            add(
                "dynamodb-setting-without-effect",
                f"$.TargetMetadata.{key}",
                f"{key} is documented for {documented_for}, not DynamoDB: it has no documented effect here",
            )
    tables_at_once, per_table = load_threads(settings)
    if tables_at_once * per_table > MANY_THREADS:
        add(
            "dynamodb-many-threads",
            "$.TargetMetadata.ParallelLoadThreads",
            f"{tables_at_once} tables at once x {per_table} threads = {tables_at_once * per_table} writer threads; "
            "DMS warns that large values can make the task run out of memory. Size the replication instance for it, "
            "or lower MaxFullLoadSubTasks",
        )
    return issues
