"""A decision notice's payload built straight to bytes, without a ``DecisionV1`` model.

Why: the central worker builds one notice per decided read from values it made or already
validated, and only ever publishes its JSON; validating a ``DecisionV1`` and dumping it was
~4 % of the worker's CPU per read (docs/messaging-journal.md, round 17). The bytes are
``DecisionV1(...).to_json()`` byte for byte (``tests/domain/test_notice_bytes.py``): the keys
in the model's field order, pydantic's own datetime text, orjson's string escapes (the
same as pydantic-core's). Whatever the model would change or refuse (a string with
whitespace at an end, an id off its pattern, a naive time, a reason that is not a
``Reason``) goes through the model itself, so it strips or raises exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

import orjson
from pydantic import AwareDatetime, TypeAdapter

from domain.messages import DecisionV1, Reason

_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
_LANE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_SHA = re.compile(r"[0-9a-f]{64}")
_OUTCOMES = frozenset(("open", "manual", "inspect"))
_WHEN = TypeAdapter(AwareDatetime)
_last_when: tuple[datetime, str] | None = None  # a batch's notices share one ``decided_at``


def _when_text(at: datetime) -> str:
    """``decided_at`` as pydantic writes it (``Z`` for UTC), remembered for the next call."""
    global _last_when
    last = _last_when
    if (last is not None and last[0] == at and last[0].tzinfo is at.tzinfo
            and last[0].fold == at.fold):
        return last[1]
    text: str = _WHEN.dump_python(at, mode="json")
    _last_when = (at, text)
    return text


def _plain(text: str | None) -> bool:
    """A string pydantic keeps as it is (``str_strip_whitespace`` strips Rust's whitespace,
    which Python's ``isspace`` covers)."""
    return text is None or (type(text) is str
                            and not (text and (text[0].isspace() or text[-1].isspace())))


def decision_notice_json(*, decision_id: str, event_id: str, lane_id: str, gate_id: str,
                         plate: str | None, trip_id: str | None, outcome: str,
                         reasons: Sequence[Reason], command_id: str | None,
                         decided_at: datetime, crop_sha256: str | None) -> bytes:
    """``DecisionV1(...).to_json()`` for these fields (keyword for keyword)."""
    if (_plain(decision_id) and _plain(event_id) and _plain(lane_id) and _plain(gate_id)
            and _plain(plate) and _plain(trip_id) and _plain(command_id)
            and _plain(crop_sha256) and outcome in _OUTCOMES
            and _ID.fullmatch(decision_id) and _ID.fullmatch(event_id)
            and _LANE.fullmatch(lane_id)
            and (command_id is None or _ID.fullmatch(command_id))
            and (crop_sha256 is None or _SHA.fullmatch(crop_sha256))
            and type(decided_at) is datetime and decided_at.utcoffset() is not None
            and all(type(r) is Reason for r in reasons)):
        return orjson.dumps({
            "v": 1, "type": "decision", "decision_id": decision_id, "event_id": event_id,
            "lane_id": lane_id, "gate_id": gate_id, "plate": plate, "trip_id": trip_id,
            "outcome": outcome,
            "reasons": [{"code": r.code, "vi": r.vi, "en": r.en} for r in reasons],
            "command_id": command_id, "decided_at": _when_text(decided_at),
            "crop_sha256": crop_sha256,
        })
    return DecisionV1(
        decision_id=decision_id, event_id=event_id, lane_id=lane_id, gate_id=gate_id,
        plate=plate, trip_id=trip_id, outcome=outcome, reasons=tuple(reasons),
        command_id=command_id, decided_at=decided_at, crop_sha256=crop_sha256).to_json()
