"""Canonical JSON bytes (keys sorted, no spaces, UTF-8) for signatures and the audit chain.

Why not plain ``json.dumps``: the centre builds canonical bytes three times per plate
read (verifying the device's HMAC, signing the command, hashing the audit event), and
the standard encoder was the largest single cost of signing. orjson with
``OPT_SORT_KEYS`` produces the very same bytes as
``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` for plain
JSON values, except in cases it formats differently, which are sent to ``json`` instead:

* floats outside ``[1e-4, 1e16)`` in magnitude (orjson writes ``1e-5`` where Python
  writes ``1e-05``, ``1e16`` where Python writes ``1e+16``), and NaN or infinity
  (orjson writes ``null``, Python ``NaN``);
* integers beyond 64 bits, strings that are not valid UTF-8 (lone surrogates), and
  non-string keys (orjson refuses them);
* any type other than exactly ``dict``, ``list``, ``tuple``, ``str``, ``int``,
  ``float``, ``bool`` and ``None`` (subclasses and enums are formatted differently,
  and ``default`` is only ever applied by ``json``).

Signatures made with either encoder verify with the other; the golden messages in
``tests/golden`` and ``tests/domain/test_canonical.py`` hold them to that.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

_SCALARS = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> bool:
    """Only values orjson formats byte for byte as ``json`` does (see the module docstring).

    Loops rather than ``all()`` over generators: this walk runs on every signed message,
    and scalars (most values) are checked inline without a call.
    """
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is float:
        return bool(value == 0.0 or 1e-4 <= abs(value) < 1e16)
    if kind is dict:
        for k, v in value.items():
            if type(k) is not str or (type(v) not in _SCALARS and not _plain(v)):
                return False
        return True
    if kind is list or kind is tuple:
        for v in value:  # noqa: SIM110 - a loop, not all(genexpr): see the docstring
            if type(v) not in _SCALARS and not _plain(v):
                return False
        return True
    return False


def is_plain(data: Any) -> bool:
    """Whether ``data`` holds only plain JSON values that orjson and ``json`` format alike."""
    return _plain(data)


def canonical_json(data: Any, *, default: Callable[[Any], Any] | None = None) -> bytes:
    """``json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` as UTF-8."""
    if _plain(data):
        try:
            return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # an int beyond 64 bits, a lone surrogate
            pass
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=default).encode()


def plain_copy(data: Any, *, default: Callable[[Any], Any] | None = None) -> Any:
    """``json.loads(json.dumps(data, default=default))``: what a JSON column gives back."""
    if _plain(data):
        try:
            return orjson.loads(orjson.dumps(data))
        except orjson.JSONEncodeError:
            pass
    return json.loads(json.dumps(data, default=default))


def json_text(data: Any) -> str:
    """JSON text of ``data`` for a JSON column: orjson where it reads back the same as ``json``.

    Why: the central worker writes two JSON values per plate read (a decision's reasons,
    an audit event's data) in its bulk ``COPY``; ``json.dumps`` was several times the
    cost of orjson. The text may differ (orjson keeps non-ASCII as UTF-8 where ``json``
    escapes it), never the value a reader parses back: values orjson would format
    differently (see the module docstring) go through ``json``.
    """
    if _plain(data):
        try:
            return orjson.dumps(data).decode()
        except orjson.JSONEncodeError:
            pass
    return json.dumps(data)
