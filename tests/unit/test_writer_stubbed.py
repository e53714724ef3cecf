"""The batch writer against botocore's Stubber: DynamoDB's answers, as its documentation gives them.

Programming.Errors: throttling and 5xx are "OK to retry"; ValidationException, AccessDeniedException,
ResourceNotFoundException are not. API_BatchWriteItem: one bad item fails the whole batch (so the writer
sends the batch's writes alone to find it); UnprocessedItems are the writes to send again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber

from dms_dynamodb.dynamodb.client import client
from dms_dynamodb.dynamodb.errors import Answer, answer
from dms_dynamodb.dynamodb.writer import (
    BatchWriter,
    RefusedWrite,
    TargetRefused,
    TargetUnavailable,
    WriterStopped,
    key_of,
)
from mappings.items import Item
from tests import timing

TABLE = "shop-table"
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"


@pytest.fixture
def ddb() -> Iterator[tuple[Any, Stubber]]:
    real = client("http://127.0.0.1:9")  # never contacted: the Stubber answers every call
    with Stubber(real) as stubber:
        yield real, stubber


class Sleeps(list[float]):
    def __call__(self, delay: float) -> None:
        self.append(delay)


def _writer(ddb: Any, **options: Any) -> tuple[BatchWriter, Sleeps]:
    writer = BatchWriter(ddb, **options)
    sleeps = Sleeps()
    writer._sleep = sleeps  # type: ignore[method-assign]
    return writer, sleeps


def _item(pk: str, **numbers: str) -> Item:
    return {"pk": {"S": pk}, **{name: {"N": value} for name, value in numbers.items()}}


def _put(item: Item) -> dict[str, Any]:
    return {"PutRequest": {"Item": item}}


def _batch(*items: Item) -> dict[str, Any]:
    return {"RequestItems": {TABLE: [_put(i) for i in items]}}


def _error(
    stubber: Stubber, code: str, message: str, status: int = 400, expected: dict[str, Any] | None = None
) -> None:
    stubber.add_client_error(
        "batch_write_item", service_error_code=code, service_message=message, http_status_code=status,
        expected_params=expected,
    )  # fmt: skip


def test_a_validation_exception_on_a_batch_of_three_refuses_the_bad_item_and_writes_the_others(
    ddb: tuple[Any, Stubber],
) -> None:
    real, stubber = ddb
    good1, bad, good2 = _item("A", v="1"), _item("B", v="1E+126"), _item("C", v="3")
    _error(stubber, "ValidationException", OVERFLOW, expected=_batch(good1, bad, good2))  # the batch fails whole
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, _batch(good1))
    _error(stubber, "ValidationException", OVERFLOW, expected=_batch(bad))  # refused alone: this is the one
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, _batch(good2))
    writer, sleeps = _writer(real, keep_refused=True)
    for item, origin in ((good1, "r1"), (bad, "r2"), (good2, "r3")):
        writer.put(TABLE, key_of(item, ["pk"]), item, origin=origin)
    writer.flush()
    stubber.assert_no_pending_responses()
    assert (writer.written, writer.refused, len(writer), sleeps) == (2, 1, 0, [])  # no backoff: nothing retried
    assert writer.take_refused() == [
        RefusedWrite(TABLE, key_of(bad, ["pk"]), _put(bad), "ValidationException", OVERFLOW, "r2")
    ]
    assert writer.take_refused() == []  # handed out once
    assert writer.written_by == {"r1": 1, "r3": 1}


def test_a_writer_that_does_not_keep_refused_writes_raises_for_them_after_writing_the_rest(
    ddb: tuple[Any, Stubber],
) -> None:
    real, stubber = ddb
    good, bad = _item("A"), _item("B", v="1E+126")
    _error(stubber, "ValidationException", OVERFLOW, expected=_batch(good, bad))
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, _batch(good))
    _error(stubber, "ValidationException", OVERFLOW, expected=_batch(bad))
    writer, _ = _writer(real)  # a caller that never calls take_refused(): CDC today
    for item in (good, bad):
        writer.put(TABLE, key_of(item, ["pk"]), item)
    with pytest.raises(TargetRefused) as refused:
        writer.flush()
    stubber.assert_no_pending_responses()
    assert str(refused.value) == (
        f"ValidationException: {OVERFLOW} (the write of {TABLE} key B, refused alone); retrying cannot help"
    )
    assert [r.key for r in refused.value.refused] == [key_of(bad, ["pk"])]
    assert (writer.written, len(writer), writer.take_refused()) == (1, 0, [])  # the good one is written


def test_an_unprocessed_echo_of_2_5_for_a_written_2_50_is_sent_again_not_counted_as_written(
    ddb: tuple[Any, Stubber],
) -> None:
    real, stubber = ddb
    sent = {"id": {"N": "10.0"}, "price": {"N": "2.50"}}
    other = {"id": {"N": "11"}, "price": {"N": "1"}}
    echo = {"id": {"N": "10"}, "price": {"N": "2.5"}}  # DynamoDB returns numbers by value
    stubber.add_response(
        "batch_write_item",
        {"UnprocessedItems": {TABLE: [_put(echo)]}},
        {"RequestItems": {TABLE: [_put(sent), _put(other)]}},
    )
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, {"RequestItems": {TABLE: [_put(sent)]}})
    writer, sleeps = _writer(real)
    writer.put(TABLE, key_of(sent, ["id"]), sent)
    writer.put(TABLE, key_of(other, ["id"]), other)
    writer.flush(only_full=True)
    assert len(writer) == 2  # fewer than 25: nothing sent yet
    writer.flush()
    stubber.assert_no_pending_responses()
    assert (writer.written, writer.retried, len(writer), len(sleeps)) == (2, 1, 0, 1)


def test_an_echo_the_writer_cannot_place_sends_the_whole_batch_again(ddb: tuple[Any, Stubber]) -> None:
    real, stubber = ddb
    one, two = _item("A"), _item("B")
    stubber.add_response("batch_write_item", {"UnprocessedItems": {TABLE: [_put(_item("Z"))]}}, _batch(one, two))
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, _batch(one, two))
    writer, _ = _writer(real)
    for item in (one, two):
        writer.put(TABLE, key_of(item, ["pk"]), item)
    writer.flush()
    stubber.assert_no_pending_responses()
    assert (writer.written, writer.retried) == (2, 2)  # counted once each, when surely written


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("AccessDeniedException", "User: arn:aws:iam::123456789012:user/dms is not authorized to perform: dynamodb:BatchWriteItem"),
        ("ResourceNotFoundException", "Requested resource not found"),
        ("UnrecognizedClientException", "The security token included in the request is invalid."),
    ],
)  # fmt: skip
def test_a_permanent_error_raises_at_once_with_its_name(ddb: tuple[Any, Stubber], code: str, message: str) -> None:
    real, stubber = ddb
    _error(stubber, code, message)
    writer, sleeps = _writer(real)  # the default budget: 12 attempts, about 45 s, were an outage retried
    items = [_item(f"K{n}") for n in range(3)]
    for item in items:
        writer.put(TABLE, key_of(item, ["pk"]), item)
    started = time.monotonic()
    with pytest.raises(TargetRefused) as refused:
        writer.flush()
    assert time.monotonic() - started < timing.seconds(1) and sleeps == []
    assert (refused.value.code, refused.value.message) == (code, message)
    assert str(refused.value) == f"{code}: {message} (BatchWriteItem on {TABLE}); retrying cannot help"
    assert isinstance(refused.value, TargetUnavailable)  # callers that stop on an outage stop on it too
    assert len(writer) == 3 and writer.written == 0  # nothing dropped


def test_throttling_is_retried_with_backoff_then_succeeds(ddb: tuple[Any, Stubber]) -> None:
    real, stubber = ddb
    items = [_item(f"K{n}") for n in range(3)]
    _error(
        stubber,
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded.",
    )
    _error(stubber, "ThrottlingException", "Rate of requests exceeds the allowed throughput.")
    _error(stubber, "RequestLimitExceeded", "Throughput exceeds the current throughput limit for your account.")
    _error(stubber, "InternalServerError", "Internal server error", status=500)
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, _batch(*items))
    writer, sleeps = _writer(real)
    for item in items:
        writer.put(TABLE, key_of(item, ["pk"]), item)
    writer.flush()
    stubber.assert_no_pending_responses()
    assert writer.written == 3 and len(writer) == 0
    assert sleeps == [0.05, 0.1, 0.2, 0.4]  # doubling (the writer jitters each in its _sleep)


def test_throttling_that_outlasts_the_budget_is_an_outage_with_the_writes_still_pending(
    ddb: tuple[Any, Stubber],
) -> None:
    real, stubber = ddb
    for _ in range(3):
        _error(stubber, "ThrottlingException", "Rate of requests exceeds the allowed throughput.")
    writer, sleeps = _writer(real, attempts=3)
    item = _item("K")
    writer.put(TABLE, key_of(item, ["pk"]), item)
    with pytest.raises(TargetUnavailable, match=r"ThrottlingException.*3 attempts without progress") as raised:
        writer.flush()
    assert not isinstance(raised.value, TargetRefused) and len(writer) == 1 and len(sleeps) == 2


class Unreachable:
    """botocore's connection error (the endpoint refuses), then a stubbed client's answers."""

    def __init__(self, inner: Any, failures: int) -> None:
        self.inner, self.failures = inner, failures

    def batch_write_item(self, **request: Any) -> Any:
        if self.failures:
            self.failures -= 1
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
        return self.inner.batch_write_item(**request)


def test_a_connection_error_is_retried(ddb: tuple[Any, Stubber]) -> None:
    real, stubber = ddb
    item = _item("K")
    stubber.add_response("batch_write_item", {"UnprocessedItems": {}}, _batch(item))
    writer, sleeps = _writer(Unreachable(real, 2))
    writer.put(TABLE, key_of(item, ["pk"]), item)
    writer.flush()
    assert writer.written == 1 and len(sleeps) == 2


def test_a_stop_signal_ends_the_backoff_within_its_wait() -> None:
    class Throttling:
        def batch_write_item(self, **request: Any) -> Any:
            error = {"Code": "ThrottlingException", "Message": "Rate exceeded"}
            raise ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": 400}}, "BatchWriteItem")

    stop = threading.Event()
    writer = BatchWriter(Throttling(), max_delay=30.0, stop=stop)
    item = _item("K")
    writer.put(TABLE, key_of(item, ["pk"]), item)
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with pytest.raises(WriterStopped, match="1 writes pending"):
        writer.flush()
    assert time.monotonic() - started < timing.seconds(2) and len(writer) == 1


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ProvisionedThroughputExceededException", 400, Answer.RETRY),
        ("ThrottlingException", 400, Answer.RETRY),
        ("RequestLimitExceeded", 400, Answer.RETRY),
        ("InternalServerError", 500, Answer.RETRY),
        ("ServiceUnavailable", 503, Answer.RETRY),
        ("ValidationException", 400, Answer.ONE_AT_A_TIME),
        ("AccessDeniedException", 400, Answer.STOP),
        ("ResourceNotFoundException", 400, Answer.STOP),
        ("UnrecognizedClientException", 400, Answer.STOP),
    ],
)
def test_what_the_writer_does_with_each_error(code: str, status: int, expected: Answer) -> None:
    error = ClientError({"Error": {"Code": code, "Message": ""}, "ResponseMetadata": {"HTTPStatusCode": status}}, "x")
    assert answer(error) is expected
    assert answer(EndpointConnectionError(endpoint_url="http://x")) is Answer.RETRY
    assert answer(KeyError("a bug")) is None  # not DynamoDB's: raised as it is


def test_a_key_that_is_not_a_write_key_is_a_clear_error(ddb: tuple[Any, Stubber]) -> None:
    writer, _ = _writer(ddb[0])
    with pytest.raises(TypeError, match=r"WriteKey \(key_of\(item, key_names\)\), not tuple"):
        writer.put(TABLE, ("K",), _item("K"))  # type: ignore[arg-type]
