"""Builds and checks events of the weaviate-sync contract (schema/change-event.schema.json).

The rules mirror the worker's own parser (``dev.weaviatesync.event.EventParser``): an event that
:func:`change` accepts is one the worker applies, and one it refuses raises :class:`InvalidChange`
before anything is sent. Where Python could express something the contract cannot carry faithfully
(a NaN, a lone surrogate, a ``Decimal``, a non-string key), it is refused here too rather than sent
and dead-lettered.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import numbers
import re
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional, Sequence, Tuple, Union

__all__ = [
    "Change",
    "InvalidChange",
    "MAX_NESTING_DEPTH",
    "MAX_NUMBER_DIGITS",
    "MAX_STRING_LENGTH",
    "MAX_NAME_LENGTH",
    "FLOAT32_MAX",
    "OPS",
    "Op",
    "change",
    "item_changed",
    "task_changed",
]

Op = Literal["UPSERT", "DELETE"]
"""UPSERT: ``properties`` is the full new state. DELETE: remove the object."""
OPS: Tuple[Op, Op] = ("UPSERT", "DELETE")

#: Jackson's ``StreamReadConstraints`` in the worker: the whole value (the event object is level 1,
#: ``properties`` level 2) may nest this deep; a deeper record is dead-lettered as malformed JSON.
MAX_NESTING_DEPTH = 1000
#: The most digits of an integer the worker's parser reads (the sign not counted).
MAX_NUMBER_DIGITS = 1000
#: The longest string value the worker's parser reads, in UTF-16 code units (Java's ``length()``:
#: a character beyond U+FFFF counts twice).
MAX_STRING_LENGTH = 20_000_000
#: The longest property name the worker's parser reads, in UTF-16 code units.
MAX_NAME_LENGTH = 50_000
#: The largest magnitude of a vector element (a 32-bit float), as in the JSON Schema.
FLOAT32_MAX = 3.4028234663852886e38

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# The JSON Schema's pattern for occurredAt (re.fullmatch: Python's "$" would also match before a "\n").
_RFC3339 = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]"
                      r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_INT64_MAX = 2**63 - 1

class InvalidChange(ValueError):
    """The event breaks the contract; nothing was sent.

    ``field`` names what is wrong (``type``, ``op``, ``id``, ``version``, ``occurredAt``,
    ``properties``, ``vector``, ``value`` for the record as a whole), ``reason`` says why; ``str()``
    is ``"field: reason"``, as the worker's dead-letter message would put it.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Change:
    """One checked event, ready to publish (made by :func:`change`): its type, op, canonical id and the
    record value (UTF-8 JSON).

    Immutable, and a snapshot: later changes to the dict it was built from do not alter it. Also what
    a service writes to a transactional outbox: :attr:`key` as the aggregate id, :attr:`value` as
    the payload.
    """

    type: str
    op: Op
    id: str
    version: Optional[int]
    value: bytes

    @property
    def key(self) -> bytes:
        """The record key: the id in canonical lower-case form, UTF-8."""
        return self.id.encode("utf-8")

    @property
    def json(self) -> str:
        """The record value as text."""
        return self.value.decode("utf-8")


def _abbreviate(s: str) -> str:
    return s if len(s) <= 80 else s[:77] + "..."


def _kind(value: object) -> str:
    return type(value).__name__


def _canonical_id(id: object) -> str:
    if id is None:
        raise InvalidChange("id", "is missing")
    if isinstance(id, uuid.UUID):
        return str(id)
    if not isinstance(id, str):
        raise InvalidChange("id", f"must be a UUID or a string, not {_kind(id)}")
    if not _UUID.fullmatch(id):
        raise InvalidChange("id", f"{_abbreviate(id)!r} is not a UUID")
    return str(uuid.UUID(id))


def _check_version(version: object) -> Optional[int]:
    if version is None:
        return None
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidChange("version", f"must be an integer, not {_kind(version)}")
    if version < 0:
        raise InvalidChange("version", f"must be >= 0, not {version}")
    if version > _INT64_MAX:
        raise InvalidChange("version", f"must fit in 64 bits (at most {_INT64_MAX}), not {version}")
    return int(version)


def _timestamp(occurred_at: object) -> str:
    if occurred_at is None:
        return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="microseconds")
    if isinstance(occurred_at, _dt.datetime):
        if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
            raise InvalidChange("occurredAt", "needs a time zone (a naive datetime says nothing about the instant)")
        text = occurred_at.isoformat(timespec="microseconds")
    elif isinstance(occurred_at, str):
        text = occurred_at
    else:
        raise InvalidChange("occurredAt", f"must be a datetime or an RFC 3339 string, not {_kind(occurred_at)}")
    if not _RFC3339.fullmatch(text):
        raise InvalidChange("occurredAt", f"{_abbreviate(text)!r} is not an RFC 3339 timestamp with offset "
                                          "(an offset must be whole minutes)")
    return text


def _java_length(s: str) -> int:
    """``String.length()`` in Java: UTF-16 code units."""
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def _too_long(s: str, limit: int) -> bool:
    return len(s) > limit // 2 and _java_length(s) > limit


def _number(value: Union[int, float], where: str) -> Union[int, float]:
    if isinstance(value, int):
        v = int(value)
        # Digits without the sign, as the worker counts them. Checked by bit length first, so that a
        # huge int is never turned into text (Python refuses that beyond 4300 digits).
        if v.bit_length() > 3400 or len(str(abs(v))) > MAX_NUMBER_DIGITS:
            raise InvalidChange("properties", f"{where} is an integer of more than {MAX_NUMBER_DIGITS} digits, "
                                              "longer than the worker reads")
        return v
    f = float(value)
    if not math.isfinite(f):
        raise InvalidChange("properties", f"{where} is {f!r}, which JSON cannot carry")
    return f


def _path(parent: str, key: Union[str, int]) -> str:
    """Where a value is, as ``a[1].b`` (from the top of the properties)."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{_abbreviate(key)}" if parent else _abbreviate(key)


def _properties(properties: object) -> Dict[str, Any]:
    """A plain-JSON copy of ``properties`` (dicts, lists, str, int, float, bool, None), or InvalidChange."""
    if not isinstance(properties, Mapping):
        raise InvalidChange("properties", f"must be a mapping (a JSON object), not {_kind(properties)}")
    root: Dict[str, Any] = {}
    # Iterative, not recursive: the worker takes MAX_NESTING_DEPTH levels, more than Python's stack.
    # Each entry: (source container, copy to fill, its depth in the whole event, its path).
    stack: List[Tuple[Any, Any, int, str]] = [(properties, root, 2, "")]
    while stack:
        source, target, depth, where = stack.pop()
        items: Sequence[Tuple[Union[str, int], Any]]
        if isinstance(target, dict):
            items = list(source.items())
        else:
            items = list(enumerate(source))
        container = where or "the top level"
        for key, value in items:
            if isinstance(target, dict):
                if not isinstance(key, str):
                    raise InvalidChange("properties", f"{container} has a key of type {_kind(key)} "
                                                      f"({_abbreviate(repr(key))}); "
                                                      "JSON object keys are strings")
                if _too_long(key, MAX_NAME_LENGTH):
                    raise InvalidChange("properties", f"{container} has a key of {_java_length(key)} UTF-16 units, more "
                                                      f"than the {MAX_NAME_LENGTH} the worker reads")
                if _LONE_SURROGATE.search(key):
                    raise InvalidChange("properties", f"a key in {container} holds an unpaired UTF-16 surrogate "
                                                      "(not Unicode text)")
            at = _path(where, key)
            copy: Any
            if value is None or isinstance(value, bool):
                copy = None if value is None else bool(value)
            elif isinstance(value, (int, float)):
                copy = _number(value, at)
            elif isinstance(value, str):
                if _too_long(value, MAX_STRING_LENGTH):
                    raise InvalidChange("properties", f"{at} is a string of {_java_length(value)} UTF-16 units, "
                                                      f"more than the {MAX_STRING_LENGTH} the worker reads")
                if _LONE_SURROGATE.search(value):
                    raise InvalidChange("properties", f"{at} holds an unpaired UTF-16 surrogate (not Unicode text)")
                copy = str(value)
            elif isinstance(value, (Mapping, list, tuple)):
                if depth + 1 > MAX_NESTING_DEPTH:
                    raise InvalidChange("properties", f"{at} nests deeper than the {MAX_NESTING_DEPTH} levels "
                                                      "the worker reads (or it contains itself)")
                copy = {} if isinstance(value, Mapping) else []
                stack.append((value, copy, depth + 1, at))
            else:
                raise InvalidChange("properties", f"{at} is a {_kind(value)}, not a JSON value (str, int, float, "
                                                  "bool, None, list, tuple or a mapping); convert it first, e.g. "
                                                  "str() or float()")
            if isinstance(target, dict):
                target[key] = copy
            else:
                target.append(copy)
    return root


def _vector(vector: object) -> List[float]:
    if isinstance(vector, (str, bytes, Mapping)) or not isinstance(vector, Iterable):
        raise InvalidChange("vector", f"must be a non-empty sequence of numbers, not {_kind(vector)}")
    values = list(vector)
    if not values:
        raise InvalidChange("vector", "must be a non-empty array of numbers")
    out: List[float] = []
    for i, x in enumerate(values):
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise InvalidChange("vector", f"element {i} is {_kind(x)}, not a number")
        try:
            f = float(x)
        except OverflowError:
            f = math.inf
        if not math.isfinite(f) or abs(f) > FLOAT32_MAX:
            raise InvalidChange("vector", f"element {i} is out of float range ({_abbreviate(repr(x))})")
        out.append(f)
    return out


def change(type: str, id: Union[str, uuid.UUID], op: Op = "UPSERT", *, version: Optional[int] = None,
           properties: Optional[Mapping[str, Any]] = None, vector: Optional[Sequence[float]] = None,
           occurred_at: Union[_dt.datetime, str, None] = None) -> Change:
    """Builds and checks one event of any configured type.

    :param type: the entity type, e.g. ``"ItemChanged"``; the publisher must have a topic for it
    :param id: the entity's UUID (a :class:`uuid.UUID`, or its text in either case); the event and
        the record key carry its canonical lower-case form
    :param op: ``"UPSERT"`` (``properties`` is the full new state) or ``"DELETE"``
    :param version: grows with every change of this id (a row version, or ``updated_at`` in
        microseconds); 0 to 2**63-1
    :param properties: the full state, required for UPSERT; JSON values only (see :data:`JsonValue`)
    :param vector: a bring-your-own vector: non-empty, finite numbers within 32-bit float range
    :param occurred_at: when it happened in the source: an aware datetime or an RFC 3339 string with
        offset; default now (UTC)
    :raises InvalidChange: naming the field, when the worker would dead-letter the event
    """
    if not isinstance(type, str):
        raise InvalidChange("type", f"must be a string, not {_kind(type)}")
    if not type.strip():
        raise InvalidChange("type", "is missing")
    if _LONE_SURROGATE.search(type):
        raise InvalidChange("type", "holds an unpaired UTF-16 surrogate (not Unicode text)")
    if op not in OPS:
        raise InvalidChange("op", f"unknown op {_abbreviate(str(op))!r}; expected UPSERT or DELETE")
    canonical = _canonical_id(id)
    checked_version = _check_version(version)
    at = _timestamp(occurred_at)
    event: Dict[str, Any] = {"type": type, "op": op, "id": canonical}
    if checked_version is not None:
        event["version"] = checked_version
    event["occurredAt"] = at
    if properties is None:
        if op == "UPSERT":
            raise InvalidChange("properties", "required for UPSERT (the full state of the object)")
    else:
        event["properties"] = _properties(properties)
    if vector is not None:
        event["vector"] = _vector(vector)
    try:
        text = json.dumps(event, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except RecursionError:
        # Python's encoder recurses; near MAX_NESTING_DEPTH it may give up before the worker would.
        raise InvalidChange("properties", "nests too deeply for Python's JSON encoder") from None
    return Change(type, op, canonical, checked_version, text.encode("utf-8"))


def item_changed(id: Union[str, uuid.UUID], op: Op = "UPSERT", *, version: Optional[int] = None,
                 properties: Optional[Mapping[str, Any]] = None, vector: Optional[Sequence[float]] = None,
                 occurred_at: Union[_dt.datetime, str, None] = None) -> Change:
    """An ``ItemChanged`` event; see :func:`change`."""
    return change("ItemChanged", id, op, version=version, properties=properties, vector=vector,
                  occurred_at=occurred_at)


def task_changed(id: Union[str, uuid.UUID], op: Op = "UPSERT", *, version: Optional[int] = None,
                 properties: Optional[Mapping[str, Any]] = None, vector: Optional[Sequence[float]] = None,
                 occurred_at: Union[_dt.datetime, str, None] = None) -> Change:
    """A ``TaskChanged`` event; see :func:`change`."""
    return change("TaskChanged", id, op, version=version, properties=properties, vector=vector,
                  occurred_at=occurred_at)
