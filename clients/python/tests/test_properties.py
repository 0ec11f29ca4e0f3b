"""Property tests: whatever change() accepts is valid by the JSON Schema and carries exactly what was given;
what it refuses is what the worker would dead-letter."""
from __future__ import annotations

import datetime as dt
import json
import math
import re
import uuid
from typing import Any, Dict, List, Optional, Set

from hypothesis import given
from hypothesis import strategies as st

from conftest import require, schema
from weaviate_sync import FLOAT32_MAX, InvalidChange, change

jsonschema = require("jsonschema")
VALIDATOR = jsonschema.Draft202012Validator(schema())
UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# Text that may hold lone surrogates (category Cs), which change() must refuse.
any_text = st.text(st.characters(codec=None), max_size=20)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | any_text
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(any_text, inner, max_size=4), max_leaves=20)
properties = st.dictionaries(any_text, json_values, max_size=6)
ids = st.uuids().flatmap(lambda u: st.sampled_from([str(u), str(u).upper(), u]))
versions = st.none() | st.integers(min_value=-3, max_value=2**64) | st.sampled_from([0, 2**63 - 1, 2**63])
vectors = st.none() | st.lists(st.floats(width=64) | st.integers(min_value=-10**40, max_value=10**40), max_size=5)
times = st.datetimes(timezones=st.timezones() | st.just(dt.timezone.utc))


def has_lone_surrogate(v: Any) -> bool:
    if isinstance(v, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in v)
    if isinstance(v, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(x) for k, x in v.items())
    if isinstance(v, list):
        return any(has_lone_surrogate(x) for x in v)
    return False


def has_non_finite(v: Any) -> bool:
    if isinstance(v, float):
        return not math.isfinite(v)
    if isinstance(v, dict):
        return any(has_non_finite(x) for x in v.values())
    if isinstance(v, list):
        return any(has_non_finite(x) for x in v)
    return False


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON: dicts by keys, lists in order, numbers by value (json.loads of 1.0 is 1.0)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


@given(type_=st.sampled_from(["ItemChanged", "TaskChanged"]), id_=ids, op=st.sampled_from(["UPSERT", "DELETE"]),
       version=versions, props=st.none() | properties, vector=vectors, at=times)
def test_accepted_changes_are_valid_and_faithful_refused_ones_name_the_broken_rule(
        type_: str, id_: Any, op: Any, version: Optional[int], props: Optional[Dict[str, Any]],
        vector: Optional[List[float]], at: dt.datetime) -> None:
    problems: Set[str] = set()
    offset = at.utcoffset()
    if offset is not None and offset % dt.timedelta(minutes=1):
        problems.add("occurredAt")  # historical offsets with seconds (LMT): RFC 3339 has none
    if version is not None and not 0 <= version <= 2**63 - 1:
        problems.add("version")
    if props is None and op == "UPSERT":
        problems.add("properties")
    if props is not None and (has_lone_surrogate(props) or has_non_finite(props)):
        problems.add("properties")
    if vector is not None and (not vector or any(not math.isfinite(x) or abs(x) > FLOAT32_MAX for x in vector)):
        problems.add("vector")
    try:
        c = change(type_, id_, op, version=version, properties=props, vector=vector, occurred_at=at)
    except InvalidChange as e:
        assert e.field in problems, f"refused for {e.field} ({e}), expected one of {problems or 'none'}"
        return
    assert not problems, f"accepted although {problems} break the contract: {c.json[:200]}"
    ev = json.loads(c.value.decode("utf-8"))  # strict UTF-8: no lone surrogates slipped through
    VALIDATOR.validate(ev)
    assert c.key == str(uuid.UUID(str(id_))).encode() and ev["id"] == c.id == c.key.decode()
    assert ev["type"] == type_ and ev["op"] == op and ev.get("version") == version
    assert ev["occurredAt"] == at.isoformat(timespec="microseconds")
    if props is None:
        assert "properties" not in ev
    else:
        assert same_json(ev["properties"], props)
    if vector is not None:
        assert ev["vector"] == [float(x) for x in vector]


@given(st.text(max_size=40) | st.uuids().map(str) | st.uuids().map(lambda u: str(u).upper()))
def test_an_id_is_taken_exactly_when_it_is_8_4_4_4_12_hex(text: str) -> None:
    try:
        c = change("ItemChanged", text, properties={})
    except InvalidChange as e:
        assert e.field == "id" and not UUID_TEXT.fullmatch(text)
        return
    assert UUID_TEXT.fullmatch(text) and c.id == text.lower() and c.key == text.lower().encode()


@given(st.text(max_size=40))
def test_a_timestamp_string_is_taken_exactly_when_the_schema_pattern_takes_it(text: str) -> None:
    pattern = re.compile(schema()["properties"]["occurredAt"]["pattern"])
    try:
        change("ItemChanged", uuid.uuid4(), properties={}, occurred_at=text)
    except InvalidChange as e:
        assert e.field == "occurredAt"
        assert not pattern.fullmatch(text)
        return
    # The schema's pattern is anchored with ^...$, where Python's $ also matches before a final newline;
    # change() uses a full match, so a taken string matches with no newline.
    assert pattern.fullmatch(text) and not text.endswith("\n")
