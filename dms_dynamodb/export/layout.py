"""The files of a DynamoDB full export in ``DYNAMODB_JSON``, written and read as AWS documents them.

DynamoDB developer guide, "DynamoDB table export output format": ``manifest-summary.json`` (the
export's ``tableArn``, ``exportTime``, ``itemCount``, ``outputFormat``, ``manifestFilesS3Key``),
``manifest-files.json`` (one JSON object a line per data file: ``itemCount``, ``md5Checksum``,
``etag``, ``dataFileS3Key``) and ``data/*.json.gz``, one ``{"Item": {...}}`` a line in DynamoDB JSON.

Assumption (the guide shows the field, not how it is computed): ``md5Checksum`` is the base64 MD5
digest of the data file's bytes as stored (the gzip file), like S3's ``Content-MD5``. A data file is
found by its ``dataFileS3Key`` below the folder holding the manifests (its ``data/...`` part).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mappings.items import Item
from mappings.items.comparison import flat_canonical

SUMMARY, FILES = "manifest-summary.json", "manifest-files.json"
FORMAT = "DYNAMODB_JSON"


class ExportError(Exception):
    """An export folder that is missing, partial or does not match its manifests (a usage error: exit 2)."""


@dataclass(frozen=True)
class DataFile:
    path: Path
    item_count: int
    md5: str
    #: Where Spark reads it when it is not a local file (``s3://bucket/key`` of an export on S3).
    uri: str | None = None


@dataclass(frozen=True)
class Export:
    """One table's export, its manifests read and checked against its files."""

    folder: Path
    table_arn: str
    export_time: str
    item_count: int
    files: tuple[DataFile, ...]
    #: The summary's ``exportArn`` (None when it names none): what a position file must belong to.
    export_arn: str | None = None

    @property
    def table_name(self) -> str:
        """The table's name from its ARN (``arn:aws:dynamodb:REGION:ACCOUNT:table/NAME``)."""
        return self.table_arn.split(":table/", 1)[1].split("/", 1)[0]


def md5_base64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def _file_md5(path: Path) -> str:
    """A file's MD5 (base64), read in 1 MiB blocks: memory does not grow with the file."""
    digest = hashlib.md5()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return base64.b64encode(digest.digest()).decode()


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ExportError(f"{path}: cannot read it ({exc.strerror}): the export is missing or partial") from None
    except ValueError as exc:
        raise ExportError(f"{path}: not JSON ({exc}): the export is partial or not a DynamoDB export") from None


def data_path(folder: Path, key: str) -> Path:
    """A data file's path from its S3 key: the ``data/...`` part below the manifests' folder."""
    if key.startswith("data/"):
        return folder / key
    if "/data/" in key:
        return folder / "data" / key.rsplit("/data/", 1)[1]
    raise ExportError(f"{folder / FILES}: dataFileS3Key {key!r} names no data/ file")


def parse_summary(summary: Any, where: str) -> tuple[str, str, int]:
    """``tableArn``, ``exportTime`` and ``itemCount`` of a summary manifest, checked (ExportError naming ``where``)."""
    if not isinstance(summary, dict):
        raise ExportError(f"{where}: not a summary manifest (a JSON object)")
    missing = [name for name in ("tableArn", "exportTime", "itemCount", "outputFormat") if name not in summary]
    if missing:
        raise ExportError(f"{where}: no {', '.join(missing)}: the export is partial")
    if summary["outputFormat"] != FORMAT:
        raise ExportError(f"{where}: outputFormat {summary['outputFormat']!r}; verify reads {FORMAT} only")
    if ":table/" not in str(summary["tableArn"]):
        raise ExportError(f"{where}: tableArn {summary['tableArn']!r} is no DynamoDB table ARN")
    return str(summary["tableArn"]), str(summary["exportTime"]), int(summary["itemCount"])


def summary_export_arn(summary: dict[str, Any]) -> str | None:
    """The summary's ``exportArn``, when it names one."""
    arn = summary.get("exportArn")
    return str(arn) if arn else None


def parse_files(text: str, where: str) -> list[dict[str, Any]]:
    """The entries of a files manifest (one JSON object a line), each with its key, item count and MD5."""
    entries = []
    for number, line in enumerate((line for line in text.splitlines() if line.strip()), 1):
        try:
            entry = json.loads(line)
            entries.append({**entry, "itemCount": int(entry["itemCount"])})
            _ = entry["dataFileS3Key"], entry["md5Checksum"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ExportError(f"{where} line {number}: not a data file entry ({exc!r})") from None
    return entries


def read_export(folder: Path, *, check: bool = True) -> Export:
    """The export in ``folder`` (the one holding ``manifest-summary.json``), its manifests checked.

    ``check``: every data file exists and has its manifest's MD5; the files' item counts add up to the
    summary's. Anything missing or different is an :class:`ExportError` naming it.
    """
    summary_path = folder / SUMMARY
    if not summary_path.is_file():
        raise ExportError(
            f"{folder}: no {SUMMARY}: pass the export folder that holds it (AWSDynamoDB/<ExportId>/ of an export)"
        )
    summary = _json(summary_path)
    table_arn, export_time, item_count = parse_summary(summary, str(summary_path))
    files_path = folder / FILES
    try:
        text = files_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExportError(f"{files_path}: cannot read it ({exc.strerror}): the export is partial") from None
    files = tuple(
        DataFile(data_path(folder, e["dataFileS3Key"]), e["itemCount"], e["md5Checksum"])
        for e in parse_files(text, str(files_path))
    )
    found = Export(folder, table_arn, export_time, item_count, files, summary_export_arn(summary))
    if check:
        _check(found, files_path)
    return found


def check_counts(export: Export, where: str) -> None:
    total = sum(f.item_count for f in export.files)
    if total != export.item_count:
        raise ExportError(
            f"{where}: its data files hold {total} items, {SUMMARY} says {export.item_count}: the export is partial"
        )


def _check(export: Export, files_path: Path) -> None:
    check_counts(export, str(files_path))
    for data in export.files:
        try:
            digest = _file_md5(data.path)
        except OSError as exc:
            raise ExportError(f"{data.path}: listed in {FILES} but cannot be read ({exc.strerror})") from None
        if digest != data.md5:
            raise ExportError(
                f"{data.path}: its MD5 is {digest}, {FILES} says {data.md5}: the file is partial or changed"
            )


def from_dynamodb_json(value: dict[str, Any]) -> dict[str, Any]:
    """One attribute value of DynamoDB JSON as boto3's low-level client returns it (binary as bytes)."""
    ((kind, content),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(content)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v) for v in content]}
    if kind == "M":
        return {"M": {k: from_dynamodb_json(v) for k, v in content.items()}}
    if kind == "L":
        return {"L": [from_dynamodb_json(v) for v in content]}
    return {kind: content}


def to_dynamodb_json(value: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`from_dynamodb_json`: binary as base64 text."""
    ((kind, content),) = value.items()
    if kind == "B":
        return {"B": base64.b64encode(bytes(content)).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(bytes(v)).decode() for v in content]}
    if kind == "M":
        return {"M": {k: to_dynamodb_json(v) for k, v in content.items()}}
    if kind == "L":
        return {"L": [to_dynamodb_json(v) for v in content]}
    return {kind: content}


def _fast_loads() -> Any:
    """``orjson.loads`` when orjson is installed (a dependency; a Glue job's zip cannot carry its compiled
    module, so there ``json.loads`` does the same work, slower)."""
    try:
        import orjson
    except ImportError:
        return None
    return orjson.loads


_LOADS = _fast_loads()


def parse_line(line: str | bytes) -> Any:
    """One line of an export data file as ``json.loads`` reads it.

    orjson first (twice as fast on these lines), its result kept only for the lines of DynamoDB JSON proper:
    ``{"Item": {...}}`` whose every value is one type and its text (``{"S": "..."}``, ``{"N": "1.5"}``), where
    the two parsers agree (strings are decoded alike; what orjson refuses, a lone surrogate's escape, falls
    back). Any other line (a map, a list, a bare number, which orjson would read differently: an integer
    beyond 64 bits as a float) is read by ``json.loads``, so the result is ``json.loads``'s, and a line
    neither reads is ``json.loads``'s error. One exception is known: a value nested too deep for
    ``json.loads`` (about a thousand levels, a ``RecursionError``) that a later duplicate of its key replaces
    is read by orjson; DynamoDB writes neither."""
    found = _fast_item(line)
    return {"Item": found} if found is not None else json.loads(line)


def _orjson_item(line: str | bytes) -> dict[str, Any] | None:
    """The line's ``Item`` as orjson reads it (not yet checked to be what ``json.loads`` reads), or None."""
    if _LOADS is None:
        return None
    try:
        found = _LOADS(line)
    except ValueError:
        return None
    item = found.get("Item") if type(found) is dict and len(found) == 1 else None
    return item if type(item) is dict else None


def _fast_item(line: str | bytes) -> dict[str, Any] | None:
    """The line's item as orjson reads it when it is DynamoDB JSON proper (see :func:`parse_line`), else None."""
    item = _orjson_item(line)
    if item is None:
        return None
    for value in item.values():
        if type(value) is not dict or len(value) != 1 or type(next(iter(value.values()))) is not str:
            return None
    return item


def line_item(line: str | bytes) -> tuple[Item, str | None]:
    """One export line's item (as :func:`file_items` yields it) and, for an item of strings and numbers only,
    its :func:`~mappings.items.canonical` text (None: any other item; ``canonical`` gives it)."""
    found = _orjson_item(line)
    if found is not None:
        # Strings and numbers only (every value a type and its text, where orjson reads as json.loads does):
        # their DynamoDB JSON is the item itself.
        text = flat_canonical(found)
        if text is not None:
            return found, text
    item = {name: from_dynamodb_json(value) for name, value in json.loads(line)["Item"].items()}
    return item, flat_canonical(item)


def file_items(data: DataFile) -> Iterator[Item]:
    """The items of one data file, streamed; a count that differs from the manifest's is an ExportError."""
    count = 0
    with gzip.open(data.path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                record = parse_line(line)
                yield {name: from_dynamodb_json(v) for name, v in record["Item"].items()}
                count += 1
    if count != data.item_count:
        raise ExportError(f"{data.path}: holds {count} items, {FILES} says {data.item_count}: the file is partial")


def pages(export: Export, size: int = 1000) -> Iterator[list[Item]]:
    """The export's items in pages of ``size`` (bounded memory), as a Scan would return them."""
    page: list[Item] = []
    for data in export.files:
        for item in file_items(data):
            page.append(item)
            if len(page) >= size:
                yield page
                page = []
    if page:
        yield page
