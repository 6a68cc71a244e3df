"""The centre's own messages built straight to their JSON, without a pydantic model each.

Why: the central worker builds a lane command and a decision notice per decided read from
values it made or already validated, and only ever publishes and stores their JSON;
validating a ``LaneCommandV1`` and a ``DecisionV1`` and dumping them was ~10 % of the
worker's CPU per read (docs/messaging-journal.md, round 17). What these functions return is
the model's own output byte for byte (``tests/domain/test_wirejson.py``): the keys in the
model's field order, pydantic's own datetime text, orjson's string escapes (the same as
pydantic-core's). Whatever the model would change or refuse (a string with whitespace at
an end, an id off its pattern, a string too long, a naive time, a reason that is not a
``Reason``) goes through the model itself, so it strips or raises exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import orjson
from pydantic import AwareDatetime, TypeAdapter

from domain.messages import DecisionV1, LaneCommandV1, Reason

_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
_LANE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_SHA = re.compile(r"[0-9a-f]{64}")
_OUTCOMES = frozenset(("open", "manual", "inspect"))
_ACTIONS = frozenset(("open", "hold", "inspect"))
_WHEN = TypeAdapter(AwareDatetime)
#: Times already written: a batch's commands and notices share a few (its ``now``, ``now`` +
#: the command's life). Keyed by the wall clock and the offset, all pydantic's text shows.
_when: dict[tuple[datetime, timedelta | None], str] = {}


def _when_text(at: datetime) -> str:
    """``at`` as pydantic writes it (``Z`` for UTC)."""
    key = (at.replace(tzinfo=None), at.utcoffset())
    text = _when.get(key)
    if text is None:
        if len(_when) >= 64:
            _when.clear()
        text = _when[key] = _WHEN.dump_python(at, mode="json")
    return text


def _aware(at: datetime) -> bool:
    return type(at) is datetime and at.utcoffset() is not None


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
            and _aware(decided_at)
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


def reason_rows(reasons: Sequence[Reason]) -> list[dict[str, Any]]:
    """``[r.model_dump() for r in reasons]`` (a decision row's reasons), without pydantic's
    serializer for the exact ``Reason`` (three strings, in field order): ~0.5 us each."""
    return [{"code": r.code, "vi": r.vi, "en": r.en} if type(r) is Reason else r.model_dump()
            for r in reasons]


def command_draft_dump(*, command_id: str, lane_id: str, action: str, plate: str | None,
                       trip_id: str | None, decision_id: str | None, issued_at: datetime,
                       expires_at: datetime, reason_codes: Sequence[str], key_id: str
                       ) -> dict[str, Any]:
    """``LaneCommandV1(...).model_dump(mode="json", exclude={"sig", "proof"})`` for these
    fields: what the command's signature (or Merkle leaf) covers, and its payload's start
    (:func:`domain.signing.signed_dump_payloads`)."""
    codes = list(reason_codes)
    if (_plain(command_id) and _plain(lane_id) and _plain(plate) and _plain(trip_id)
            and _plain(decision_id) and _plain(key_id) and all(_plain(c) for c in codes)
            and action in _ACTIONS and _ID.fullmatch(command_id) and _LANE.fullmatch(lane_id)
            and (decision_id is None or _ID.fullmatch(decision_id))
            and (plate is None or len(plate) <= 16) and (trip_id is None or len(trip_id) <= 64)
            and len(key_id) <= 64 and _aware(issued_at) and _aware(expires_at)):
        return {"v": 1, "type": "lane_command", "command_id": command_id, "lane_id": lane_id,
                "action": action, "plate": plate, "trip_id": trip_id,
                "decision_id": decision_id, "issued_at": _when_text(issued_at),
                "expires_at": _when_text(expires_at), "reason_codes": codes,
                "key_id": key_id}
    return LaneCommandV1(
        command_id=command_id, lane_id=lane_id, action=action,
        plate=plate, trip_id=trip_id, decision_id=decision_id, issued_at=issued_at,
        expires_at=expires_at, reason_codes=tuple(reason_codes), key_id=key_id,
    ).model_dump(mode="json", exclude={"sig", "proof"})
