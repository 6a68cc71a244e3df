"""canonical_json must give exactly the bytes json.dumps gave: old signatures and audit hashes
stay valid, and an edge on the older encoder verifies what the centre signs."""

from __future__ import annotations

import json
import math
from enum import Enum
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.canonical import canonical_json, json_text, plain_copy


def reference(data: Any, default: Any = None) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=default).encode()


scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text())
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


@settings(max_examples=2000)
@given(values)
def test_same_bytes_as_json_dumps(data: Any) -> None:
    assert canonical_json(data) == reference(data)


@settings(max_examples=500)
@given(values)
def test_plain_copy_is_the_json_round_trip(data: Any) -> None:
    expected = json.loads(json.dumps(data))
    got = plain_copy(data)
    assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_the_cases_orjson_formats_differently_take_the_json_path() -> None:
    class Colour(Enum):
        RED = "red"

    class Name(str):
        pass

    for data in ({"f": 1e-05}, {"f": 1e16}, {"f": 2.5e-7}, {"f": math.nan}, {"f": -math.inf},
                 {"i": 2**64}, {1: "int key"}, {"e": Colour.RED}, {"s": Name("x")},
                 ("tuple", 1.5), {"nested": [{"f": 1.234e-05}]}, {"u": "é中\x00\x7f\u2028"}):
        assert canonical_json(data, default=str) == reference(data, default=str), data


def test_lone_surrogate_fails_as_before() -> None:
    data = {"s": "\ud800"}
    for encode in (lambda: canonical_json(data), lambda: reference(data)):
        try:
            encode()
        except UnicodeEncodeError:
            continue
        raise AssertionError("a lone surrogate must not encode")


@settings(max_examples=1000)
@given(values)
def test_json_text_reads_back_as_json_dumps_does(data: Any) -> None:
    """A JSON column written with json_text holds the value json.dumps would have stored."""
    try:
        expected = json.loads(json.dumps(data))
    except ValueError:  # a lone surrogate: json_text fails (or succeeds) exactly as json does
        return
    got = json.loads(json_text(data))
    assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_json_text_keeps_what_orjson_would_change() -> None:
    for data in ({"f": 1e-05}, {"f": math.nan}, {"i": 2**64}, {1: "int key"},
                 {"u": "Xe đã khai báo 中"}, [{"code": "MATCHED", "vi": "Khớp", "en": "ok"}]):
        got, expected = json.loads(json_text(data)), json.loads(json.dumps(data))
        assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True), data
