"""What every wire message shares: limits, field types, the error, the base models.

Split out of :mod:`domain.messages` so the device's messages (:mod:`domain.messages.edge`)
and the centre's (:mod:`domain.messages.centre`) can each be read alone.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.canonical import canonical_json

#: Largest payload the centre or an edge will parse (a read never needs more).
MAX_PAYLOAD_BYTES = 16 * 1024
#: A lane's pre-clearance list holds a few hours of trucks: it may be larger.
MAX_LIST_BYTES = 1024 * 1024 - 4096  # under the broker's 1 MiB packet limit
#: Most decisions one :class:`DecisionBatchV1` carries (the byte bound usually comes first).
MAX_BATCH_DECISIONS = 64
#: Most commands one :class:`LaneCommandsV1` carries (the byte bound usually comes first).
MAX_BATCH_COMMANDS = 64

Id = Annotated[str, Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
LaneId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Layout = Literal["1-line", "2-line"]
CountryCode = Literal["VN", "CN"]
Outcome = Literal["open", "manual", "inspect"]
CommandAction = Literal["open", "hold", "inspect"]


class MessageError(ValueError):
    """A payload that is not a valid message; ``reason`` is a short code for counters."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class BaseMessage(BaseModel):
    """What every wire message shares: frozen, no extra fields, ``v`` and its signed bytes."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    v: Literal[1] = 1

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()

    def signing_bytes(self) -> bytes:
        """Canonical bytes that a signature covers: every field but ``sig``, keys sorted.

        That is ``canonical_json(self.model_dump(mode="json", exclude={"sig"}))``. A message
        of scalar fields (every plate read and barrier state the centre verifies) is written
        by orjson straight from its field values, without the dump and ``canonical_json``'s
        walk: ~5.2 -> ~2 us a read, the same bytes (:func:`_flat_signing_bytes`).
        """
        flat = _flat_signing_bytes(self)
        return flat if flat is not None else canonical_json(
            self.model_dump(mode="json", exclude={"sig"}))


#: Value types the flat path writes (floats and times checked further, see below).
_FLAT = frozenset({str, int, bool, type(None), float, datetime})


def _scalar_only(annotation: Any) -> bool:
    """Whether a field of this annotation can only hold a str, int, bool or None."""
    if annotation in (str, int, bool, type(None)):
        return True
    if get_origin(annotation) is Annotated:
        return _scalar_only(get_args(annotation)[0])
    if get_origin(annotation) is Literal:
        return all(type(arg) in (str, int, bool) for arg in get_args(annotation))
    if get_origin(annotation) in (Union, UnionType):
        return all(_scalar_only(arg) for arg in get_args(annotation))
    return False


@cache
def _flat_plan(cls: type[BaseModel]) -> tuple[str, ...] | None:
    """The fields of ``cls`` that may hold more than a str, int, bool or None (a float, a
    time: checked per message); None when its JSON dump is not
    its field values under their own names (a renamed, excluded or serialised field, a
    computed field, a model serializer)."""
    decorators = cls.__pydantic_decorators__
    if (cls.__pydantic_computed_fields__ or decorators.field_serializers
            or decorators.model_serializers
            or any(f.serialization_alias is not None or f.alias is not None or f.exclude
                   for f in cls.model_fields.values())):
        return None
    return tuple(name for name, f in cls.model_fields.items()
                 if not _scalar_only(f.annotation))


def _flat_signing_bytes(message: BaseMessage) -> bytes | None:
    """``canonical_json(message.model_dump(mode="json", exclude={"sig"}))``, or None.

    Exact for what it takes: every value a ``str``, ``int``, ``bool`` or None (orjson
    writes them as ``json`` does), a float that :mod:`domain.canonical` calls plain, or a
    time with an offset of whole minutes, which orjson with ``OPT_UTC_Z`` writes as
    pydantic's JSON mode does (``Z`` for UTC, ``+07:00`` otherwise, microseconds only
    when not zero). Anything else (a nested model, a tuple, an enum, a naive time, a
    float orjson and ``json`` write apart, an int beyond 64 bits, a lone surrogate): None,
    and the caller dumps the model. ``tests/domain/test_signing_bytes_fast.py``.
    """
    plan = _flat_plan(type(message))
    if plan is None:
        return None
    values = message.__dict__
    kinds = list(map(type, values.values()))
    if not _FLAT.issuperset(kinds):
        return None
    checked = 0
    for name in plan:
        value = values[name]
        kind = type(value)
        if kind is float:
            if not (value == 0.0 or 1e-4 <= abs(value) < 1e16):
                return None
            checked += 1
        elif kind is datetime:
            offset = value.utcoffset()
            if offset is None or offset.seconds % 60 or offset.microseconds:
                return None
            checked += 1
    if checked != kinds.count(float) + kinds.count(datetime):  # one outside the plan
        return None
    flat = dict(values)
    flat.pop("sig", None)
    try:
        return orjson.dumps(flat, option=orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z)
    except orjson.JSONEncodeError:
        return None


class DeviceSigned(BaseMessage):
    """Fields every device-originated message carries for authenticity and replay defence."""

    device_id: LaneId
    sent_at: AwareDatetime
    nonce: Annotated[str, Field(min_length=16, max_length=64, pattern=r"^[0-9a-f]+$")]
    sig: str = ""
