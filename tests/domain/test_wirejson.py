"""Centre messages written straight to JSON (domain.wirejson) are the models' JSON.

The central worker publishes ``decision_notice_json``'s bytes instead of building and
dumping a ``DecisionV1``; consoles, the decision log and the golden examples see pydantic's
bytes. So for any field values the two must agree byte for byte, and whatever the model
refuses must still be refused.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.messages import DecisionV1, LaneCommandV1, Reason, parse_message
from domain.reasons import reason
from domain.signing import generate_signing_key, sign_commands, signed_dump_payloads
from domain.wirejson import command_draft_dump, decision_notice_json

_TEXT = st.text(max_size=20)  # any text: escapes, controls, non-ASCII, whitespace at the ends
_GOOD_ID = st.from_regex(r"[A-Za-z0-9_-]{8,64}", fullmatch=True)
_GOOD_LANE = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
_GOOD_SHA = st.none() | st.from_regex(r"[0-9a-f]{64}", fullmatch=True)
_ID, _LANE, _SHA = _GOOD_ID | _TEXT, _GOOD_LANE | _TEXT, _GOOD_SHA | _TEXT
_ZONES = [UTC, timezone(timedelta(0)), timezone(timedelta(hours=7)),
          timezone(timedelta(hours=-3, minutes=-30)), ZoneInfo("America/New_York"),
          ZoneInfo("Asia/Ho_Chi_Minh")]
_AWARE = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1),
                      timezones=st.sampled_from(_ZONES))
_TIMES = _AWARE | st.datetimes()  # naive: refused
_REASONS = st.lists(st.sampled_from([reason("MATCHED"), reason("CLEARED_CONTACTLESS"),
                                     reason("NO_PLATE")])
                    | st.builds(Reason, code=st.just("X_TEXT"), vi=_TEXT, en=_TEXT), max_size=3)


def _both(**fields: object) -> tuple[bytes | None, bytes | None]:
    """(the model's JSON or None if it refuses, the direct bytes or None if refused)."""
    try:
        model: bytes | None = DecisionV1(**fields).to_json()  # type: ignore[arg-type]
    except ValidationError:
        model = None
    try:
        direct: bytes | None = decision_notice_json(**fields)  # type: ignore[arg-type]
    except ValidationError:
        direct = None
    return model, direct


@settings(max_examples=300, deadline=None)
@given(decision_id=_GOOD_ID, event_id=_GOOD_ID, lane_id=_GOOD_LANE, gate_id=_TEXT,
       plate=st.none() | _TEXT, trip_id=st.none() | _TEXT,
       outcome=st.sampled_from(["open", "manual", "inspect"]), reasons=_REASONS,
       command_id=st.none() | _GOOD_ID, decided_at=_AWARE, crop_sha256=_GOOD_SHA)
def test_notices_of_valid_ids_are_the_models_json_for_any_text(**fields: object) -> None:
    """The worker's case: ids it made or validated, any plate, trip, gate or reason text."""
    model, direct = _both(**fields)
    assert direct == model
    assert _both(**fields) == (model, direct)  # the second call of a batch reuses the time


@settings(max_examples=300, deadline=None)
@given(decision_id=_ID, event_id=_ID, lane_id=_LANE, gate_id=_TEXT,
       plate=st.none() | _TEXT, trip_id=st.none() | _TEXT,
       outcome=st.sampled_from(["open", "manual", "inspect", "opened"]), reasons=_REASONS,
       command_id=st.none() | _ID, decided_at=_TIMES, crop_sha256=_SHA)
def test_direct_notice_bytes_are_the_models_json_byte_for_byte(**fields: object) -> None:
    model, direct = _both(**fields)
    assert direct == model
    again = _both(**fields)  # the second call of a batch reuses the time's text
    assert again == (model, direct)


def test_a_batch_of_notices_at_one_time_in_two_zones_keeps_each_zone() -> None:
    at = datetime(2026, 11, 1, 5, 30, 0, 250000, tzinfo=UTC)
    fields = dict(decision_id="d" * 12, event_id="e" * 12, lane_id="hn1119-x1",
                  gate_id="huu-nghi-1119", plate="12C12345", trip_id=None, outcome="open",
                  reasons=(reason("MATCHED"),), command_id="c" * 12, crop_sha256=None)
    for when in (at, at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")), at,
                 at.astimezone(ZoneInfo("America/New_York"))):
        model, direct = _both(decided_at=when, **fields)
        assert direct == model and direct is not None
        parsed = parse_message(direct)
        assert isinstance(parsed, DecisionV1) and parsed.decided_at == at


def test_what_the_model_refuses_is_still_refused() -> None:
    fields = dict(decision_id="d" * 12, event_id="e" * 12, lane_id="hn1119-x1",
                  gate_id="g", plate=None, trip_id=None, outcome="open", reasons=(),
                  command_id=None, crop_sha256=None)
    with pytest.raises(ValidationError):
        decision_notice_json(decided_at=datetime(2026, 11, 1, 5, 30), **fields)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        decision_notice_json(**{**fields, "lane_id": "HN1119"},  # type: ignore[arg-type]
                             decided_at=datetime(2026, 11, 1, tzinfo=UTC))


_CMD_TEXT = st.text(min_size=14, max_size=18) | st.text(max_size=6)  # about the 16 allowed
_CODES = st.lists(st.sampled_from(["MATCHED", "NO_TRIP", " LOW_CONFIDENCE", "X\n"]), max_size=3)


def _cmd_both(**fields: object) -> tuple[dict[str, object] | None, dict[str, object] | None]:
    """(the model's dump or None if it refuses, the direct dump or None if refused)."""
    try:
        model: dict[str, object] | None = LaneCommandV1(
            **{**fields, "reason_codes": tuple(fields["reason_codes"])}  # type: ignore[arg-type,call-overload]
        ).model_dump(mode="json", exclude={"sig", "proof"})
    except ValidationError:
        model = None
    try:
        direct: dict[str, object] | None = command_draft_dump(**fields)  # type: ignore[arg-type]
    except ValidationError:
        direct = None
    return model, direct


@settings(max_examples=300, deadline=None)
@given(command_id=_GOOD_ID, lane_id=_GOOD_LANE,
       action=st.sampled_from(["open", "hold", "inspect"]), plate=st.none() | _CMD_TEXT,
       trip_id=st.none() | st.text(min_size=62, max_size=66, alphabet="ab c"),
       decision_id=st.none() | _GOOD_ID, issued_at=_AWARE, expires_at=_AWARE,
       reason_codes=st.lists(st.sampled_from(["MATCHED", "NO_TRIP"]), max_size=3),
       key_id=st.sampled_from(["centre-1", "k" * 64, "k" * 65, " centre-1"]))
def test_command_dumps_of_valid_ids_are_the_models_for_any_text(**fields: object) -> None:
    """The worker's case, and the payloads signed from those dumps are the models' JSON."""
    model, direct = _cmd_both(**fields)
    assert direct == model
    if model is None:
        return
    assert orjson.dumps(direct) == orjson.dumps(model)  # the same key order too
    private, _ = generate_signing_key()
    commands = [LaneCommandV1(**{**fields, "reason_codes": tuple(fields["reason_codes"])})  # type: ignore[arg-type,call-overload]
                for _ in range(3)]
    drafts = [command_draft_dump(**fields) for _ in range(3)]  # type: ignore[arg-type]
    assert signed_dump_payloads(drafts, private, batch=2) == [
        c.to_json() for c in sign_commands(commands, private, batch=2)]


@settings(max_examples=300, deadline=None)
@given(command_id=_ID, lane_id=_LANE, action=st.sampled_from(["open", "hold", "opened"]),
       plate=st.none() | _CMD_TEXT, trip_id=st.none() | _TEXT, decision_id=st.none() | _ID,
       issued_at=_TIMES, expires_at=_TIMES, reason_codes=_CODES, key_id=_TEXT)
def test_command_dumps_are_the_models_or_refused_as_the_model_is(**fields: object) -> None:
    assert _cmd_both(**fields)[1] == _cmd_both(**fields)[0]


def test_command_bounds_are_the_models() -> None:
    at = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    base = dict(command_id="c" * 12, lane_id="hn1119-x1", action="open", plate=None,
                trip_id=None, decision_id=None, issued_at=at, expires_at=at, reason_codes=[],
                key_id="centre-1")
    for field, size in (("plate", 16), ("trip_id", 64), ("key_id", 64)):
        model, direct = _cmd_both(**{**base, field: "Á" * size})
        assert direct == model and direct is not None
        assert _cmd_both(**{**base, field: "Á" * (size + 1)}) == (None, None)


def test_reason_rows_are_the_models_dumps() -> None:
    """A decision row's reasons (round 24): every catalogue reason, and a subclass, as
    ``model_dump`` gives them, key order included."""
    from domain.messages import Reason
    from domain.reasons import all_codes, reason
    from domain.wirejson import reason_rows

    class Noted(Reason):
        note: str = ""

    reasons = [reason(c) for c in all_codes()] + [Noted(code="X_Y", vi="v", en="e", note="n")]
    rows = reason_rows(reasons)
    assert rows == [r.model_dump() for r in reasons]
    assert [list(row) for row in rows] == [list(r.model_dump()) for r in reasons]
