"""The checks of weaviate_sync.change, rule by rule (the worker's EventParser and the JSON Schema)."""
from __future__ import annotations

import datetime as dt
import json
import math
import types
import uuid
from decimal import Decimal
from typing import Any, Dict, List

import pytest

from weaviate_sync import (
    FLOAT32_MAX,
    MAX_NAME_LENGTH,
    MAX_NESTING_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_STRING_LENGTH,
    InvalidChange,
    change,
    item_changed,
    task_changed,
)

ID = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
AT = dt.datetime(2026, 11, 29, 10, 15, 30, 123456, tzinfo=dt.timezone.utc)


def event(c: Any) -> Dict[str, Any]:
    loaded: Dict[str, Any] = json.loads(c.value)
    return loaded


def refused(field: str, **kwargs: Any) -> InvalidChange:
    kwargs.setdefault("properties", {"title": "Desk lamp"})
    with pytest.raises(InvalidChange) as e:
        item_changed(kwargs.pop("id", ID), **kwargs)
    assert e.value.field == field, str(e.value)
    assert str(e.value).startswith(field + ": ")
    return e.value


def test_upsert_is_the_contracts_json_keyed_by_the_id() -> None:
    c = item_changed(ID, version=42, occurred_at=AT, properties={"title": "Desk lamp", "price": 19.9,
                                                                 "tags": ["home"]})
    assert c.type == "ItemChanged" and c.op == "UPSERT" and c.id == ID and c.version == 42
    assert c.key == ID.encode()
    assert event(c) == {"type": "ItemChanged", "op": "UPSERT", "id": ID, "version": 42,
                        "occurredAt": "2026-11-29T10:15:30.123456+00:00",
                        "properties": {"title": "Desk lamp", "price": 19.9, "tags": ["home"]}}
    assert c.json == c.value.decode()


def test_the_id_and_the_key_are_canonical_lower_case_whatever_the_input() -> None:
    for given in (ID.upper(), uuid.UUID(ID), "6F1c2A3b-4d5e-4f60-8a7b-9C0D1E2F3A4B"):
        c = task_changed(given, properties={})
        assert c.id == ID and c.key == ID.encode() and event(c)["id"] == ID


@pytest.mark.parametrize("bad", ["item-42", ID + "\n", "{" + ID + "}", "urn:uuid:" + ID, ID.replace("-", ""),
                                 ID[:-1] + "g", " " + ID, "", "٦f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"])
def test_an_id_that_is_not_a_uuid_in_8_4_4_4_12_form_is_refused(bad: str) -> None:
    assert "is not a UUID" in str(refused("id", id=bad))


@pytest.mark.parametrize("bad", [None, 42, b"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"])
def test_an_id_of_another_type_is_refused(bad: Any) -> None:
    refused("id", id=bad)


def test_type_and_op_are_checked() -> None:
    for bad_type in ("", "   ", None, 7):
        with pytest.raises(InvalidChange) as e:
            change(bad_type, ID, properties={})  # type: ignore[arg-type]
        assert e.value.field == "type"
    for bad_op in ("upsert", "PATCH", "", None):
        assert refused("op", op=bad_op).field == "op"


@pytest.mark.parametrize("good", [0, 1, 2**63 - 1])
def test_versions_from_0_to_the_largest_64_bit_integer_are_taken(good: int) -> None:
    assert event(item_changed(ID, version=good, properties={}))["version"] == good


@pytest.mark.parametrize("bad", [-1, 2**63, True, 1.0, "3"])
def test_other_versions_are_refused(bad: Any) -> None:
    refused("version", version=bad)


def test_no_version_means_no_version_field() -> None:
    assert "version" not in event(item_changed(ID, properties={}))


def test_upsert_needs_properties_and_delete_does_not() -> None:
    assert "required for UPSERT" in str(refused("properties", properties=None))
    d = item_changed(ID, "DELETE", version=3)
    assert event(d)["op"] == "DELETE" and "properties" not in event(d) and d.op == "DELETE"
    with_props = item_changed(ID, "DELETE", properties={"title": "gone"})
    assert event(with_props)["properties"] == {"title": "gone"}


@pytest.mark.parametrize("bad", [[], "title", 3, [("title", "x")]])
def test_properties_must_be_a_mapping(bad: Any) -> None:
    refused("properties", properties=bad)
    with pytest.raises(InvalidChange):
        item_changed(ID, "DELETE", properties=bad)


@pytest.mark.parametrize("bad, where", [
    ({"price": math.nan}, "price"),
    ({"price": math.inf}, "price"),
    ({"a": [1, {"b": -math.inf}]}, "a[1].b"),
    ({"price": Decimal("19.90")}, "price"),
    ({"at": AT}, "at"),
    ({"id": uuid.UUID(ID)}, "id"),
    ({"raw": b"bytes"}, "raw"),
    ({"s": {1, 2}}, "s"),
])
def test_values_json_cannot_carry_are_refused_naming_where(bad: Dict[str, Any], where: str) -> None:
    e = refused("properties", properties=bad)
    assert e.reason.startswith(where + " "), e.reason


def test_keys_must_be_strings() -> None:
    assert "the top level has a key of type int" in str(refused("properties", properties={1: "x"}))
    assert "properties: a has a key of type NoneType" in str(refused("properties", properties={"a": {None: 1}}))


def test_lone_surrogates_are_refused_in_values_and_keys_but_pairs_are_text() -> None:
    assert "unpaired UTF-16 surrogate" in str(refused("properties", properties={"title": "lamp \ud800"}))
    assert "unpaired UTF-16 surrogate" in str(refused("properties", properties={"t\udc00": "lamp"}))
    assert "unpaired UTF-16 surrogate" in str(refused("properties", properties={"tags": ["ok", "\udfff"]}))
    c = item_changed(ID, properties={"title": "lamp \U0001F4A1 ü"})
    assert event(c)["properties"]["title"] == "lamp \U0001F4A1 ü"
    assert "lamp \U0001F4A1 ü".encode() in c.value  # UTF-8, not \\u escapes


def nested(depth: int) -> List[Any]:
    root: List[Any] = []
    inner = root
    for _ in range(depth - 1):
        new: List[Any] = []
        inner.append(new)
        inner = new
    return root


def test_nesting_is_limited_as_the_worker_limits_it() -> None:
    # The event object is level 1 and properties level 2: lists at levels 3..N.
    assert item_changed(ID, properties={"a": nested(500)})
    e = refused("properties", properties={"a": nested(MAX_NESTING_DEPTH - 1)})
    assert "nests" in e.reason
    # Python's own encoder gives up a little before the worker's limit; that is refused too, never sent.
    refused("properties", properties={"a": nested(MAX_NESTING_DEPTH - 2)})


def test_a_mapping_that_contains_itself_is_refused() -> None:
    loop: Dict[str, Any] = {}
    loop["self"] = loop
    refused("properties", properties={"loop": loop})


def test_integers_of_up_to_1000_digits_are_taken() -> None:
    big = int("9" * MAX_NUMBER_DIGITS)
    assert event(item_changed(ID, properties={"n": big, "m": -big}))["properties"] == {"n": big, "m": -big}
    assert "more than 1000 digits" in str(refused("properties", properties={"n": big + 1}))
    assert "more than 1000 digits" in str(refused("properties", properties={"n": -(10 ** 5000)}))


def test_long_names_and_strings_are_limited_in_utf16_units_as_java_counts() -> None:
    assert item_changed(ID, properties={"k" * MAX_NAME_LENGTH: 1})
    refused("properties", properties={"k" * (MAX_NAME_LENGTH + 1): 1})
    refused("properties", properties={"k" * (MAX_NAME_LENGTH - 1) + "\U0001F4A1": 1})
    assert item_changed(ID, properties={"s": "a" * MAX_STRING_LENGTH})
    e = refused("properties", properties={"s": "a" * (MAX_STRING_LENGTH - 1) + "\U0001F4A1"})
    assert "UTF-16 units" in e.reason


def test_any_mapping_and_tuples_become_objects_and_arrays() -> None:
    props = types.MappingProxyType({"tags": ("a", "b"), "inner": types.MappingProxyType({"x": 1})})
    assert event(item_changed(ID, properties=props))["properties"] == {"tags": ["a", "b"], "inner": {"x": 1}}


def test_the_change_is_a_snapshot_of_the_properties() -> None:
    props: Dict[str, Any] = {"title": "before", "tags": ["a"]}
    c = item_changed(ID, properties=props)
    props["title"] = "after"
    props["tags"].append("b")
    assert event(c)["properties"] == {"title": "before", "tags": ["a"]}


def test_vectors() -> None:
    assert event(item_changed(ID, properties={}, vector=[1, 0.5, -FLOAT32_MAX]))["vector"] == [1.0, 0.5, -FLOAT32_MAX]
    assert event(item_changed(ID, properties={}, vector=(0.25,)))["vector"] == [0.25]
    for bad in ([], "abc", [True], ["1"], [None], [math.nan], [math.inf], [1e39], [10 ** 400], {"a": 1}, 3):
        refused("vector", vector=bad)


def test_occurred_at() -> None:
    assert event(item_changed(ID, properties={}, occurred_at=AT))["occurredAt"] == "2026-11-29T10:15:30.123456+00:00"
    plus2 = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert event(item_changed(ID, properties={}, occurred_at=plus2))["occurredAt"] == "2026-01-02T03:04:05.000000+02:00"
    # A string is taken as the contract's pattern takes it (days 01-31 whatever the month).
    assert event(item_changed(ID, properties={}, occurred_at="2026-02-30T10:00:00Z"))["occurredAt"] == \
        "2026-02-30T10:00:00Z"
    now = event(item_changed(ID, properties={}))["occurredAt"]
    assert now.endswith("+00:00")
    assert abs(dt.datetime.fromisoformat(now) - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)
    assert "time zone" in str(refused("occurredAt", occurred_at=dt.datetime(2026, 1, 1)))
    odd = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(minutes=5, seconds=30)))
    refused("occurredAt", occurred_at=odd)
    for bad in ("2026-11-29 10:15:30Z", "2026-11-29T10:15:30", "2026-11-29T24:00:00Z",
                "2026-11-29T10:15:30Z\n", "yesterday", 1_700_000_000):
        refused("occurredAt", occurred_at=bad)


def test_invalid_change_is_a_value_error_with_field_and_reason() -> None:
    e = refused("id", id="item-42")
    assert isinstance(e, ValueError)
    assert str(e) == "id: 'item-42' is not a UUID" and e.reason == "'item-42' is not a UUID"
