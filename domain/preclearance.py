"""Pre-clearance: which trucks a lane may clear on its own while it cannot reach the centre.

Why this exists: a lane that stops when its uplink drops turns a network fault into
a queue on the road (GVMS 2022, ACE downtime procedures). The centre therefore ships
each lane a signed, versioned, expiring list of trucks that are already clearable
without an officer (:class:`domain.messages.PreclearanceListV1`); while the lane has
lost the centre, a vehicle pass whose read matches one of them opens the barrier,
once. Everything else stays closed for an officer.

The local decision uses the centre's own closed-set matching
(:func:`domain.matching.aggregate`, :func:`domain.matching.check_trailer`) with the
thresholds the centre put in the signed list, over the same closed set for the
plates concerned (the pre-cleared plates plus every declared plate near them), so a
read the centre would not resolve never opens at the lane either. Pure functions:
no clock, no I/O; the edge store and the centre's list builder call them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from domain.hours import GATE_TZ, HoursExtension
from domain.matching import MatchParams, PlateIndex, aggregate, check_trailer
from domain.messages import MatchingV1, PreclearanceListV1, PreclearanceV1, Reason
from domain.plates import normalise
from domain.reasons import reason
from domain.reference import Gate, Lane, LaneMode
from domain.rules import Context, RuleSet
from domain.signing import SignatureError, verify_centre
from domain.trips import CLEARABLE_STATUSES, Channel, TripFacts

#: Reason codes of decisions a lane takes on its own, and of their reconciliation.
#: Kept apart from the centre's catalogue: the centre's decide() never produces them.
_OFFLINE_REASONS: dict[str, tuple[str, str]] = {
    "PRECLEARED_OFFLINE": (
        "Mất liên lạc trung tâm: xe đã được thông quan trước, làn tự mở barie.",
        "Centre unreachable: the truck was pre-cleared and the lane opened on its own.",
    ),
    "NOT_PRECLEARED": (
        "Mất liên lạc trung tâm: xe không có trong danh sách thông quan trước, chờ cán bộ.",
        "Centre unreachable: the truck is not on the lane's pre-clearance list; an officer "
        "decides.",
    ),
    "PRECLEARANCE_USED": (
        "Thông quan trước của chuyến này đã được dùng tại làn.",
        "This trip's pre-clearance was already used at the lane.",
    ),
    "PRECLEARANCE_NOT_VALID": (
        "Xe đến ngoài thời hạn hiệu lực của thông quan trước.",
        "The truck arrived outside its pre-clearance's validity.",
    ),
    "NO_PRECLEARANCE_LIST": (
        "Làn không có danh sách thông quan trước còn hiệu lực.",
        "The lane holds no valid pre-clearance list.",
    ),
    "OFFLINE_TRIP_REVOKED": (
        "Chuyến đi bị thu hồi hoặc tạm giữ trong lúc làn mất liên lạc nhưng xe đã được mở.",
        "The trip was revoked or held while the lane was offline, yet the lane opened.",
    ),
    "OFFLINE_TRIP_AMENDED": (
        "Chuyến đi đã được sửa đổi trong lúc làn mất liên lạc: cán bộ kiểm tra lại.",
        "The trip was amended while the lane was offline: an officer reviews it.",
    ),
    "OFFLINE_ALREADY_USED": (
        "Chuyến đi đã được thông quan ở làn khác: một xe có thể đã dùng lại.",
        "The trip had already been cleared elsewhere: it may have been used twice.",
    ),
    "OFFLINE_UNKNOWN_TRIP": (
        "Trung tâm không tìm thấy thông quan trước mà làn đã dùng.",
        "The centre cannot find the pre-clearance the lane used.",
    ),
}

OPEN_CODES = ("MATCHED", "PRECLEARED_OFFLINE")
#: The grid a span's time-dependent rules are checked on; a list's spans move at each step.
GRID_STEP = timedelta(minutes=5)
_STATUS_CODE = {"none": "NOT_PRECLEARED", "uncertain": "READ_UNCERTAIN",
                "ambiguous": "AMBIGUOUS_MATCH", "disagree": "READS_DISAGREE"}


def offline_reason(code: str) -> Reason:
    """The :class:`Reason` for an offline or a centre code (unknown: a programming error)."""
    if code in _OFFLINE_REASONS:
        vi, en = _OFFLINE_REASONS[code]
        return Reason(code=code, vi=vi, en=en)
    return reason(code)


def offline_codes() -> tuple[str, ...]:
    return tuple(_OFFLINE_REASONS)


class PreclearanceError(ValueError):
    """A list the lane must refuse; ``reason`` is a short code for logs and counters."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason


def matching_of(params: MatchParams) -> MatchingV1:
    return MatchingV1(accept_distance=params.accept_distance, min_margin=params.min_margin,
                      min_frames=params.min_frames, min_confidence=params.min_confidence,
                      max_dissent_ratio=params.max_dissent_ratio,
                      max_dissent_frames=params.max_dissent_frames)


def params_of(matching: MatchingV1) -> MatchParams:
    return MatchParams(accept_distance=matching.accept_distance, min_margin=matching.min_margin,
                       min_frames=matching.min_frames, min_confidence=matching.min_confidence,
                       max_dissent_ratio=matching.max_dissent_ratio,
                       max_dissent_frames=matching.max_dissent_frames)


def check_list(lst: PreclearanceListV1, *, lane_id: str, public_keys: dict[str, str],
               now: datetime, held: PreclearanceListV1 | None,
               max_skew: timedelta = timedelta(minutes=2)) -> None:
    """Raise :class:`PreclearanceError` unless the lane may adopt ``lst`` in place of ``held``.

    Codes: ``other_lane``, ``unsigned``, ``unknown_key``, ``bad_signature``, ``expired``,
    ``not_yet_valid`` (issued in the future: a clock attack or a wrong clock),
    ``old_version`` (a revocation must never be undone by replaying an older list),
    ``same_version`` (already held; a different list under the same version is refused too).
    """
    if lst.lane_id != lane_id:
        raise PreclearanceError("other_lane", f"list for lane {lst.lane_id}, this is {lane_id}")
    if not lst.sig:
        raise PreclearanceError("unsigned", f"list {lst.list_id}")
    try:
        verify_centre(lst, public_keys, what=f"pre-clearance list {lst.list_id}")
    except SignatureError as exc:
        raise PreclearanceError(exc.reason, str(exc)) from None
    if lst.expires_at <= now:
        raise PreclearanceError("expired", f"list v{lst.version} expired {lst.expires_at}")
    if lst.issued_at > now + max_skew:
        raise PreclearanceError("not_yet_valid", f"list v{lst.version} issued {lst.issued_at}")
    if held is not None and lst.version < held.version:
        raise PreclearanceError("old_version", f"v{lst.version} < held v{held.version}")
    if held is not None and lst.version == held.version:
        raise PreclearanceError("same_version", f"v{lst.version} already held")


@dataclass(frozen=True, slots=True)
class LocalDecision:
    """What the lane decides for one pass on its own: ``open`` names the entry it uses."""

    outcome: str  # "open" or "manual"
    codes: tuple[str, ...]
    plate: str | None = None
    entry: PreclearanceV1 | None = None


def decide_offline(*, plate: str | None, confidence: float, frames: int,
                   trailer_plate: str | None, lst: PreclearanceListV1 | None,
                   used: Collection[str], now: datetime) -> LocalDecision:
    """Open only for a clear read of a valid, unused pre-clearance; anything else is manual."""
    text = normalise(plate) if plate else ""
    if not text:
        return LocalDecision("manual", ("NO_PLATE",))
    if lst is None or lst.expires_at <= now:
        return LocalDecision("manual", ("NO_PRECLEARANCE_LIST",))
    params = params_of(lst.matching)
    by_plate: dict[str, list[PreclearanceV1]] = {}
    for e in lst.entries:
        by_plate.setdefault(normalise(e.plate), []).append(e)
    index = PlateIndex([*by_plate, *(normalise(p) for p in lst.others)])
    cons = aggregate([(text, max(frames, 0))], index, params)
    if cons.status != "resolved" or cons.plate is None:
        return LocalDecision("manual", (_STATUS_CODE[cons.status],), cons.plate)
    matched = cons.plate
    if matched not in by_plate:
        return LocalDecision("manual", ("MATCHED", "NOT_PRECLEARED"), matched)
    codes = ["MATCHED"]
    if cons.support < params.min_frames:
        codes.append("TOO_FEW_FRAMES")
    if confidence < params.min_confidence:
        codes.append("LOW_CONFIDENCE")
    if any(p != matched for p in cons.shown):
        codes.append("LOOKALIKE_CONFLICT")
    valid = [e for e in by_plate[matched] if e.valid_from <= now <= e.valid_until]
    entry = valid[0] if len(valid) == 1 else None
    if not valid:
        codes.append("PRECLEARANCE_NOT_VALID")
    elif len(valid) > 1:
        codes.append("DUPLICATE_TRIPS")
    elif entry is not None and entry.trip_id in used:
        codes.append("PRECLEARANCE_USED")
    if entry is not None:
        trailer = check_trailer(normalise(entry.trailer_plate or "") or None,
                                normalise(trailer_plate or "") or None, params)
        if trailer:
            codes.append(trailer)
    if len(codes) > 1:
        return LocalDecision("manual", tuple(codes), matched, entry)
    return LocalDecision("open", OPEN_CODES, matched, entry)


def fingerprint(trip: TripFacts) -> str:
    """Digest of everything a clearance depends on: a changed digest means "amended"."""
    data = {
        "plate": trip.plate, "trailer": trip.trailer_plate, "gate": trip.gate_id,
        "direction": str(trip.direction), "start": trip.window_start.isoformat(),
        "end": trip.window_end.isoformat(), "declaration": trip.declaration_no,
        "channel": str(trip.channel) if trip.channel else None, "fee": trip.fee_paid,
        "country": trip.vehicle_country,
        "cargo": [[c.hs_code, c.weight_kg, c.perishable, c.preferential_claim]
                  for c in trip.cargo],
        "docs": [[str(d.kind), d.number, str(d.valid_from), str(d.valid_to)]
                 for d in trip.documents],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


def clearable_span(trip: TripFacts, *, lane: Lane, gate: Gate, now: datetime,
                   horizon: timedelta, rules: RuleSet, extensions: Sequence[HoursExtension] = (),
                   tz: tzinfo = GATE_TZ, step: timedelta = GRID_STEP,
                   verdicts: dict[datetime, bool] | None = None
                   ) -> tuple[datetime, datetime] | None:
    """When this lane may clear ``trip`` with no officer, looking ``horizon`` ahead of ``now``.

    None unless the trip is green-channel, clearable, for this lane's gate and direction,
    expected within the horizon, and every clearance rule passes (no ``manual`` or
    ``inspect`` finding). Rules that depend on the time (gate hours, document validity)
    are checked on a ``step`` grid and at the end; the span stops at the last time known
    to pass, so a gate that closes in the middle never leaves a truck pre-cleared after
    closing. The grid is aligned, so the span does not move with ``now`` between steps
    (an unchanged list is not re-issued).

    ``verdicts``: the caller's memo of this trip's rule checks by time (whether every rule
    passes at that instant), valid while the trip, lane, gate, extensions and rules stay
    the same. Why: at each grid step the samples move on by one step and nearly all of
    them were checked at the step before; without the memo every span was computed afresh
    (1,500 trips: ~1 s of CPU every 5 minutes, in the central's process, against ~0.2 s
    for the rest of the list).
    """
    if lane.mode == LaneMode.MANUAL or trip.channel != Channel.GREEN:
        return None
    if trip.status not in CLEARABLE_STATUSES or trip.gate_id != gate.id \
            or trip.direction != lane.direction:
        return None
    grace = rules.matching.window_grace
    grid = datetime.fromtimestamp(now.timestamp() // step.total_seconds()
                                  * step.total_seconds(), UTC)
    start = _aware(trip.window_start) - grace
    end = min(_aware(trip.window_end) + grace, grid + horizon)
    first = max(grid, start)
    if start > grid + horizon or first > end:
        return None
    samples = [first + step * i for i in range(int((end - first) / step) + 1)]
    if samples[-1] < end:
        samples.append(end)
    last_ok: datetime | None = None
    for at in samples:
        ok = verdicts.get(at) if verdicts is not None else None
        if ok is None:
            ctx = Context(gate=gate, now=at, extensions=tuple(extensions), tz=tz)
            ok = not any(f.effect in ("manual", "inspect") for f in rules.evaluate(trip, ctx))
            if verdicts is not None:
                verdicts[at] = ok
        if not ok:
            break
        last_ok = at
    if verdicts is not None:  # what lies before this grid step is never asked again
        for old in [t for t in verdicts if t < first]:
            del verdicts[old]
    return None if last_ok is None else (start, last_ok)


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)
