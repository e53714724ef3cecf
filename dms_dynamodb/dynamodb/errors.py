"""What a DynamoDB error means for the writes it answered: wait and resend, isolate one write, or stop.

DynamoDB's error table (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html):
throttling (``ProvisionedThroughputExceededException``, ``ThrottlingException``, ``RequestLimitExceeded``)
and 5xx errors (``InternalServerError``, ``ServiceUnavailable``) are "OK to retry"; ``ValidationException``,
``AccessDeniedException``, ``ResourceNotFoundException`` and the other 400 errors are not: the same
request fails again. A batch fails whole for one bad write (API_BatchWriteItem: "DynamoDB rejects the
entire batch write operation" when an item exceeds 400 KB, a key does not match the key schema ...),
so a ``ValidationException`` names no write: the writer sends the batch's writes one at a time.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError, ParamValidationError
from botocore.exceptions import ConnectionError as BotoConnectionError

THROTTLING = frozenset({"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"})
TRANSIENT = frozenset({"InternalServerError", "ServiceUnavailable", "InternalFailure", "RequestTimeout"})
#: Errors about one write of the batch: the batch's writes are sent alone, and the one still refused
#: alone is refused. ``ItemCollectionSizeLimitExceededException``: one partition key's item collection
#: is full (tables with a local secondary index); the other writes of the batch can go.
ONE_WRITE = frozenset({"ValidationException", "SerializationException", "ItemCollectionSizeLimitExceededException"})


class TargetUnavailable(Exception):
    """DynamoDB did not take the pending writes: they stay pending, nothing is dropped.

    Raised as such when retryable errors (throttling, 5xx, connection) outlast the retry budget.
    """


class TargetRefused(TargetUnavailable):
    """A permanent error (access denied, no such table, bad credentials): raised at its first answer.

    A subclass of :class:`TargetUnavailable`, so a caller that stops on an unavailable target stops
    on this one too (nothing is dropped: the writes stay pending); ``code`` names DynamoDB's error.
    """

    def __init__(self, code: str, message: str, tables: tuple[str, ...] = (), *, refused: Sequence[Any] = ()) -> None:
        where = f" (BatchWriteItem on {', '.join(tables)})" if tables else ""
        super().__init__(f"{code}: {message}{where}; retrying cannot help")
        self.code, self.message, self.tables = code, message, tables
        #: The writes refused alone, for a writer without ``keep_refused`` (RefusedWrite each).
        self.refused = tuple(refused)


class WriterStopped(Exception):
    """The writer's stop signal was set (another part of the job failed): pending writes are abandoned."""


class Answer(enum.Enum):
    """What the writer does with an error."""

    RETRY = "retry"  # back off with jitter and send the same writes again
    ONE_AT_A_TIME = "one at a time"  # send the batch's writes alone; the one refused alone is refused
    STOP = "stop"  # permanent for every write: raise TargetRefused at once


def answer(error: BaseException) -> Answer | None:
    """The writer's answer to ``error``; None for an error that is not DynamoDB's (raised as it is)."""
    if isinstance(error, ClientError):
        code = error_code(error)
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        if code in THROTTLING or code in TRANSIENT or status >= 500:
            return Answer.RETRY
        return Answer.ONE_AT_A_TIME if code in ONE_WRITE else Answer.STOP
    if isinstance(error, (BotoConnectionError, HTTPClientError)):  # refused, reset, timed out: botocore's transient
        return Answer.RETRY
    if isinstance(error, ParamValidationError):  # botocore refused the request's shape before sending it
        return Answer.ONE_AT_A_TIME
    if isinstance(error, BotoCoreError):  # no credentials, no region: permanent
        return Answer.STOP
    return None


def error_code(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "ClientError")
    return type(error).__name__


def error_message(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Message") or error)[:500]
    return str(error)[:500]
