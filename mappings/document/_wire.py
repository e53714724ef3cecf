"""Generic mapping between frozen dataclasses and DMS JSON.

Models declare their JSON key with :func:`wire`; this module derives both directions from the
dataclass fields and their type hints, so each model is written once and parsing and
serialisation cannot drift apart. Parsing collects every shape problem (wrong type, unknown
key, missing key, value outside a closed set) with its JSON path instead of stopping at the
first one.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from typing import Any, ClassVar, Union

from mappings.document._json import json_type
from mappings.errors import Issue, Severity


def wire(name: str, default: Any = None, *, hint: str = "") -> Any:
    """An optional JSON key ``name``; ``None`` means absent from the document."""
    return dataclasses.field(default=default, metadata={"wire": name, "hint": hint})


def wire_required(name: str, *, hint: str = "") -> Any:
    """A JSON key that must be present (DMS rejects the rule without it)."""
    return dataclasses.field(metadata={"wire": name, "required": True, "hint": hint})


class JsonObject(Mapping[str, Any]):
    """An immutable, hashable JSON object that keeps its key order.

    Used where DMS takes free-form JSON (DynamoDB-typed documents, Kinesis ``json`` values),
    so models stay frozen and comparable. Nested objects are JsonObjects, arrays are tuples.
    """

    __slots__ = ("_index", "_items")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._items = tuple((str(k), freeze(v)) for k, v in data.items())
        self._index = dict(self._items)

    def __getitem__(self, key: str) -> Any:
        return self._index[key]

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._index) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"JsonObject({thaw(self)!r})"


def freeze(value: Any) -> Any:
    if isinstance(value, JsonObject):
        return value
    if isinstance(value, Mapping):
        return JsonObject(value)
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Turn frozen JSON back into plain dicts and lists."""
    if isinstance(value, JsonObject):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [thaw(v) for v in value]
    return value


class WireModel:
    """Base of every model written to DMS JSON. Subclasses are frozen dataclasses."""

    __slots__ = ()
    #: Keys written before the fields (e.g. ``rule-type``), as constant values.
    _wire_prefix: ClassVar[tuple[tuple[str, str], ...]] = ()

    def to_dict(self) -> dict[str, Any]:
        """The exact DMS JSON object, keys in canonical order, absent fields omitted."""
        out: dict[str, Any] = dict(self._wire_prefix)
        for attr, key, convert in _serial_spec(type(self)):
            value = getattr(self, attr)
            if value is not None:
                out[key] = value if convert is None else convert(value)
        return out


_PLAIN = frozenset({str, int, bool, float})


def to_json_value(value: Any) -> Any:
    """Plain JSON data for any model value (used where the static type is not known)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple:
        return [v if type(v) in _PLAIN else to_json_value(v) for v in value]
    if isinstance(value, WireModel):
        return value.to_dict()
    if isinstance(value, StrEnum):
        return value.value
    if kind is JsonObject:
        return thaw(value)
    return value


Converter = Callable[[Any], Any] | None
_SERIAL_CACHE: dict[type, tuple[tuple[str, str, Converter], ...]] = {}


def _enum_value(value: Any) -> Any:
    return value._value_


def _model_dict(value: Any) -> Any:
    return value.to_dict()


def _models_list(value: Any) -> Any:
    return [v.to_dict() for v in value]


def _converter(tp: Any) -> Converter:
    """How to turn a field of this type into JSON data, decided once per class (speed: to_dict is hot)."""
    args = (
        [a for a in typing.get_args(tp) if a is not type(None)]
        if typing.get_origin(tp) in (Union, types.UnionType)
        else [tp]
    )
    if len(args) == 1:
        tp = args[0]
        if isinstance(tp, type) and issubclass(tp, StrEnum):
            return _enum_value
        if isinstance(tp, type) and issubclass(tp, WireModel):
            return _model_dict
        if typing.get_origin(tp) is tuple:
            item = typing.get_args(tp)[0]
            if isinstance(item, type) and issubclass(item, WireModel):
                return _models_list
            return to_json_value
        if tp in _PLAIN:
            return None
    return to_json_value


def _serial_spec(cls: type) -> tuple[tuple[str, str, Converter], ...]:
    spec = _SERIAL_CACHE.get(cls)
    if spec is None:
        hints = typing.get_type_hints(cls)
        spec = tuple(
            (f.name, f.metadata["wire"], _converter(hints[f.name]))
            for f in dataclasses.fields(cls)
            if "wire" in f.metadata
        )
        _SERIAL_CACHE[cls] = spec
    return spec


# --------------------------------------------------------------------------- parsing


class Invalid:
    """Sentinel for a value that failed to parse (its issue is already recorded)."""

    _instance: Invalid | None = None

    def __new__(cls) -> Invalid:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "INVALID"


INVALID = Invalid()


@dataclasses.dataclass
class ParseContext:
    """Where the parser is, and what it has found wrong so far."""

    issues: list[Issue]
    path: str = "$"
    rule_id: str | None = None
    rule_name: str | None = None

    def child(self, key: str | int) -> ParseContext:
        suffix = f"[{key}]" if isinstance(key, int) else f".{key}"
        return ParseContext(self.issues, self.path + suffix, self.rule_id, self.rule_name)

    def error(self, code: str, message: str) -> Invalid:
        self.issues.append(Issue(Severity.ERROR, code, self.path, message, self.rule_id, self.rule_name))
        return INVALID

    def warn(self, code: str, message: str) -> None:
        self.issues.append(Issue(Severity.WARNING, code, self.path, message, self.rule_id, self.rule_name))


Parser = Callable[[Any, ParseContext], Any]


def _expect(kind: str, value: Any, ctx: ParseContext) -> Invalid:
    return ctx.error("wrong-type", f"expected {kind}, got {json_type(value)} {value!r}")


def _parse_str(value: Any, ctx: ParseContext) -> Any:
    return value if isinstance(value, str) else _expect("a string", value, ctx)


def _parse_bool(value: Any, ctx: ParseContext) -> Any:
    return value if isinstance(value, bool) else _expect("true or false", value, ctx)


def _parse_int(value: Any, ctx: ParseContext) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _expect("an integer", value, ctx)


def _parse_int_or_str(value: Any, ctx: ParseContext) -> Any:
    # DMS's own examples write numbers both ways ("load-order": "1", "precision": 6); keep the
    # form the author chose so the document round-trips exactly.
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return _expect("a number or a string", value, ctx)


def _parse_bool_or_str(value: Any, ctx: ParseContext) -> Any:
    if isinstance(value, (bool, str)):
        return value
    return _expect('true, false or a string such as "true"', value, ctx)


def _parse_json_object(value: Any, ctx: ParseContext) -> Any:
    if isinstance(value, dict):
        return JsonObject(value)
    return _expect("a JSON object", value, ctx)


def _parse_str_or_json_object(value: Any, ctx: ParseContext) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return JsonObject(value)
    return _expect("a string (a ${column} template) or a JSON object (a document)", value, ctx)


def _enum_parser(enum: type[StrEnum]) -> Parser:
    allowed = ", ".join(repr(m.value) for m in enum)

    def parse(value: Any, ctx: ParseContext) -> Any:
        if not isinstance(value, str):
            return _expect(f"one of {allowed}", value, ctx)
        try:
            return enum(value)
        except ValueError:
            near = [m.value for m in enum if m.value.lower() == value.lower()]
            tip = f" (values are case-sensitive: did you mean {near[0]!r}?)" if near else ""
            return ctx.error("unknown-value", f"{value!r} is not allowed{tip}; allowed: {allowed}")

    return parse


def _tuple_parser(item: Parser) -> Parser:
    def parse(value: Any, ctx: ParseContext) -> Any:
        if not isinstance(value, list):
            return _expect("an array", value, ctx)
        items = [item(v, ctx.child(i)) for i, v in enumerate(value)]
        return INVALID if any(v is INVALID for v in items) else tuple(items)

    return parse


_PARSER_CACHE: dict[Any, Parser] = {}


def parser_for(tp: Any) -> Parser:
    cached = _PARSER_CACHE.get(tp)
    if cached is None:
        cached = _build_parser(tp)
        _PARSER_CACHE[tp] = cached
    return cached


def _build_parser(tp: Any) -> Parser:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = frozenset(a for a in typing.get_args(tp) if a is not type(None))
        if len(args) == 1:
            return parser_for(next(iter(args)))
        if args == {int, str}:
            return _parse_int_or_str
        if args == {bool, str}:
            return _parse_bool_or_str
        if args == {str, JsonObject}:
            return _parse_str_or_json_object
        raise TypeError(f"no parser for union {tp!r}")
    if origin is tuple:
        return _tuple_parser(parser_for(typing.get_args(tp)[0]))
    if tp is str:
        return _parse_str
    if tp is bool:
        return _parse_bool
    if tp is int:
        return _parse_int
    if tp is JsonObject:
        return _parse_json_object
    if isinstance(tp, type) and issubclass(tp, StrEnum):
        return _enum_parser(tp)
    if isinstance(tp, type) and issubclass(tp, WireModel):
        return lambda value, ctx: parse_model(tp, value, ctx)
    raise TypeError(f"no parser for {tp!r}")


@dataclasses.dataclass(frozen=True)
class _FieldSpec:
    attr: str
    key: str
    required: bool
    hint: str
    parse: Parser


_MODEL_CACHE: dict[type, tuple[_FieldSpec, ...]] = {}


def _model_spec(cls: type) -> tuple[_FieldSpec, ...]:
    spec = _MODEL_CACHE.get(cls)
    if spec is None:
        hints = typing.get_type_hints(cls)
        spec = tuple(
            _FieldSpec(
                f.name,
                f.metadata["wire"],
                bool(f.metadata.get("required")),
                f.metadata.get("hint", ""),
                parser_for(hints[f.name]),
            )
            for f in dataclasses.fields(cls)
            if "wire" in f.metadata
        )
        _MODEL_CACHE[cls] = spec
    return spec


def allowed_keys(cls: type) -> list[str]:
    return [k for k, _ in getattr(cls, "_wire_prefix", ())] + [s.key for s in _model_spec(cls)]


def parse_model(cls: type[Any], value: Any, ctx: ParseContext, *, what: str = "") -> Any:
    """Parse a JSON object into ``cls``, recording every problem in ``ctx``."""
    if not isinstance(value, dict):
        return _expect("a JSON object", value, ctx)
    spec = _model_spec(cls)
    known = {s.key for s in spec} | {k for k, _ in cls._wire_prefix}
    label = what or getattr(cls, "_label", cls.__name__)
    failed = False
    for key in value:
        if key not in known:
            failed = True
            ctx.child(key).error(
                "unknown-key",
                f"unknown key {key!r} in {label}; allowed keys: {', '.join(allowed_keys(cls))}",
            )
    kwargs: dict[str, Any] = {}
    for field_spec in spec:
        if field_spec.key in value:
            parsed = field_spec.parse(value[field_spec.key], ctx.child(field_spec.key))
            if parsed is INVALID:
                failed = True
            else:
                kwargs[field_spec.attr] = parsed
        elif field_spec.required:
            failed = True
            hint = f"; {field_spec.hint}" if field_spec.hint else ""
            ctx.error("missing-key", f"missing required key {field_spec.key!r} in {label}{hint}")
    if failed:
        return INVALID
    return cls(**kwargs)
