"""Pre-clearance rules (issue 10): which lists a lane adopts and when it may open on its own.

The central property: whatever a lane opens offline, the centre's own ``decide`` over
the same trips opens too, for the same trip (same matching rules and margins).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest

from domain.lookalikes import skeleton
from domain.messages import PreclearanceListV1, PreclearanceV1
from domain.preclearance import (
    PreclearanceError,
    check_list,
    clearable_span,
    decide_offline,
    matching_of,
    offline_codes,
    offline_reason,
)
from domain.rules import Context, RuleSet, default_rules
from domain.signing import generate_signing_key, sign_centre
from domain.trips import Channel, TripFacts, TripStatus

World = Any  # tests/domain/conftest.py
PRIVATE, PUBLIC = generate_signing_key()
KEYS = {"k1": PUBLIC}
HORIZON = timedelta(hours=4)


def make_list(w: World, trips: list[TripFacts], *, version: int = 1, others: tuple[str, ...] = (),
              key: str = PRIVATE, lane_id: str = "hn1119-x1", **kw: Any) -> PreclearanceListV1:
    entries = []
    for t in trips:
        span = clearable_span(t, lane=w.export_lane, gate=w.gate, now=w.now, horizon=HORIZON,
                              rules=default_rules())
        assert span is not None, t
        entries.append(PreclearanceV1(trip_id=t.trip_id, plate=t.plate,
                                      trailer_plate=t.trailer_plate, valid_from=span[0],
                                      valid_until=span[1]))
    fields: dict[str, Any] = {
        "list_id": f"list{version:012d}", "lane_id": lane_id, "version": version,
        "issued_at": w.now, "expires_at": w.now + HORIZON, "rules_version": "r",
        "matching": matching_of(default_rules().matching), "entries": tuple(entries),
        "others": others, "key_id": "k1", **kw}
    return sign_centre(PreclearanceListV1(**fields), key)


def offline(w: World, lst: PreclearanceListV1 | None, plate: str | None, *, frames: int = 3,
            confidence: float = 0.92, trailer: str | None = None, used: tuple[str, ...] = (),
            at: timedelta = timedelta(0)) -> tuple[str, tuple[str, ...]]:
    d = decide_offline(plate=plate, confidence=confidence, frames=frames, trailer_plate=trailer,
                       lst=lst, used=set(used), now=w.now + at)
    return d.outcome, d.codes


# -- which lists a lane adopts ----------------------------------------------------------------

def test_a_fresh_signed_list_for_this_lane_is_adopted(world: World) -> None:
    lst = make_list(world, [world.trip()])
    check_list(lst, lane_id="hn1119-x1", public_keys=KEYS, now=world.now, held=None)


@pytest.mark.parametrize(("change", "code"), [
    ({"lane_id": "hn1119-x2"}, "other_lane"),
    ({"key": generate_signing_key()[0]}, "bad_signature"),
    ({"key_id": "k9"}, "unknown_key"),
    ({"expires_at_delta": timedelta(seconds=-1)}, "expired"),
    ({"issued_at_delta": timedelta(hours=1)}, "not_yet_valid"),
])
def test_a_foreign_forged_or_stale_list_is_refused(world: World, change: dict[str, Any],
                                                   code: str) -> None:
    kw = dict(change)
    if "expires_at_delta" in kw:
        kw["expires_at"] = world.now + kw.pop("expires_at_delta")
    if "issued_at_delta" in kw:
        kw["issued_at"] = world.now + kw.pop("issued_at_delta")
    lst = make_list(world, [world.trip()], **kw)
    with pytest.raises(PreclearanceError) as err:
        check_list(lst, lane_id="hn1119-x1", public_keys=KEYS, now=world.now, held=None)
    assert err.value.reason == code


def test_a_tampered_or_unsigned_list_is_refused(world: World) -> None:
    lst = make_list(world, [world.trip()])
    extra = PreclearanceV1(trip_id="forged", plate="30E99911", valid_from=world.now,
                           valid_until=world.now + HORIZON)
    tampered = lst.model_copy(update={"entries": (*lst.entries, extra)})
    for bad, code in ((tampered, "bad_signature"), (lst.model_copy(update={"sig": ""}),
                                                    "unsigned")):
        with pytest.raises(PreclearanceError) as err:
            check_list(bad, lane_id="hn1119-x1", public_keys=KEYS, now=world.now, held=None)
        assert err.value.reason == code


def test_an_older_list_never_undoes_a_revocation(world: World) -> None:
    v2 = make_list(world, [], version=2)
    v1 = make_list(world, [world.trip()], version=1)
    for lst, code in ((v1, "old_version"), (v2, "same_version")):
        with pytest.raises(PreclearanceError) as err:
            check_list(lst, lane_id="hn1119-x1", public_keys=KEYS, now=world.now, held=v2)
        assert err.value.reason == code


# -- what the lane decides on its own -----------------------------------------------------------

def test_a_clear_read_of_a_valid_unused_pre_clearance_opens(world: World) -> None:
    lst = make_list(world, [world.trip()])
    assert offline(world, lst, "12C-123.45") == ("open", ("MATCHED", "PRECLEARED_OFFLINE"))


def test_everything_else_stays_closed(world: World) -> None:
    trip = world.trip(trailer_plate="12R00123")
    lst = make_list(world, [trip])
    expired = make_list(world, [trip], expires_at=world.now + timedelta(minutes=1))
    assert offline(world, lst, None)[1] == ("NO_PLATE",)
    assert offline(world, None, "12C12345")[1] == ("NO_PRECLEARANCE_LIST",)
    assert offline(world, expired, "12C12345", at=timedelta(minutes=2))[1] == (
        "NO_PRECLEARANCE_LIST",)
    assert offline(world, lst, "30E99911")[1] == ("NOT_PRECLEARED",)
    assert "TOO_FEW_FRAMES" in offline(world, lst, "12C12345", frames=1)[1]
    assert "LOW_CONFIDENCE" in offline(world, lst, "12C12345", confidence=0.3)[1]
    assert "PRECLEARANCE_USED" in offline(world, lst, "12C12345", used=(trip.trip_id,))[1]
    assert "PRECLEARANCE_NOT_VALID" in offline(world, lst, "12C12345", at=timedelta(hours=3.5))[1]
    assert "TRAILER_MISMATCH" in offline(world, lst, "12C12345", trailer="29R99999")[1]
    assert offline(world, lst, "12C12345", trailer="12R00123")[0] == "open"


def test_two_pre_clearances_for_one_plate_need_an_officer(world: World) -> None:
    lst = make_list(world, [world.trip("a"), world.trip("b")])
    assert offline(world, lst, "12C12345") == ("manual", ("MATCHED", "DUPLICATE_TRIPS"))


def test_a_declared_look_alike_that_is_not_pre_cleared_blocks_an_unclear_read(
        world: World) -> None:
    assert skeleton("12C34567") == skeleton("12C34561")
    lst = make_list(world, [world.trip(plate="12C34567")], others=("12C34561",))
    alone = make_list(world, [world.trip(plate="12C34567")])
    outcome, codes = offline(world, lst, "12C34567")
    assert outcome == "manual" and "LOOKALIKE_CONFLICT" in codes, codes  # as at the centre
    assert offline(world, lst, "12C34561")[0] == "manual"  # the other truck never opens
    assert offline(world, alone, "12C34561")[0] == "manual"  # a misread is not a match


def _mutations(plate: str) -> list[str]:
    alphabet = "0123456789ABCDEFGHKLMNPSTUVXYZ"
    out = [plate[:i] + c + plate[i + 1:] for i in range(len(plate)) for c in alphabet]
    out += [plate[:i] + plate[i + 1:] for i in range(len(plate))]
    return out


def test_the_lane_never_opens_where_the_centre_would_not(world: World) -> None:
    """Every single-character misread of two pre-cleared plates, with a look-alike declared."""
    green = [world.trip("a", "12C34567"), world.trip("b", "29H18226")]
    declared = [*green, world.trip("c", "12C34561", channel=Channel.YELLOW),
                world.trip("d", "51D24680", status=TripStatus.CANCELLED)]
    lst = make_list(world, green, others=("12C34561",))
    opened = 0
    for plate in ("12C34567", "29H18226", "12C34561", "51D24680"):
        for read in [plate, *_mutations(plate)]:
            local = decide_offline(plate=read, confidence=0.9, frames=3, trailer_plate=None,
                                   lst=lst, used=set(), now=world.now)
            if local.outcome != "open":
                continue
            opened += 1
            centre = world.decide(read, declared)
            assert centre.outcome == "open", (read, centre.codes)
            assert local.entry is not None and centre.trip_id == local.entry.trip_id
    assert opened >= 2


# -- which trips the centre pre-clears ----------------------------------------------------------

def span(w: World, trip: TripFacts, **kw: Any) -> Any:
    return clearable_span(trip, lane=w.export_lane, gate=w.gate, now=w.now, horizon=HORIZON,
                          rules=default_rules(), **kw)


def test_only_green_clearable_trips_of_this_lane_are_pre_cleared(world: World) -> None:
    t = world.trip()
    assert span(world, t) is not None
    assert span(world, replace(t, channel=Channel.YELLOW)) is None
    assert span(world, replace(t, channel=Channel.RED)) is None
    assert span(world, replace(t, status=TripStatus.CANCELLED)) is None
    assert span(world, replace(t, status=TripStatus.CLEARED)) is None
    assert span(world, replace(t, fee_paid=False)) is None
    assert span(world, replace(t, declaration_no=None)) is None
    assert span(world, replace(t, gate_id="tra-linh")) is None
    assert span(world, t, ) == span(world, t)  # stable: an unchanged list is not re-issued
    assert clearable_span(t, lane=world.import_lane, gate=world.gate, now=world.now,
                          horizon=HORIZON, rules=default_rules()) is None


def test_a_pre_clearance_ends_before_the_gate_closes(world: World) -> None:
    """The gate closes at 22:00 local (15:00 UTC); the truck's window runs past it."""
    trip = world.trip(window_end=world.now + timedelta(hours=14))
    got = clearable_span(trip, lane=world.export_lane, gate=world.gate, now=world.now,
                         horizon=timedelta(hours=16), rules=default_rules())
    assert got is not None
    closing = world.now.replace(hour=15, minute=0)
    assert closing - timedelta(minutes=10) <= got[1] < closing


def test_every_offline_reason_has_both_sentences() -> None:
    for code in offline_codes():
        r = offline_reason(code)
        assert r.vi.strip() and r.en.strip() and r.vi != r.en
    assert offline_reason("MATCHED").code == "MATCHED"  # the centre's codes still resolve


def test_the_rule_memo_changes_no_span_and_spares_the_checks_of_each_grid_step(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Across a day of grid steps (the gate closing at 22:00 and opening again), a span
    computed with the caller's memo of rule checks is the span computed afresh, and the
    memo spares most checks (each step only adds the instants that are new)."""
    calls = [0]
    real = RuleSet.evaluate

    def counting(self: RuleSet, trip: TripFacts, ctx: Context) -> Any:
        calls[0] += 1
        return real(self, trip, ctx)

    monkeypatch.setattr(RuleSet, "evaluate", counting)
    rules = default_rules()
    trips = [world.trip(f"t{i}", window_start=world.now + timedelta(hours=start),
                        window_end=world.now + timedelta(hours=end))
             for i, (start, end) in enumerate([(-1, 1), (0, 9), (2, 14), (8, 20), (-3, 24)])]
    memos: dict[str, dict[datetime, bool]] = {t.trip_id: {} for t in trips}
    fresh = memo = 0
    for step in range(0, 24 * 12, 2):  # ten-minute steps over a day
        now = world.now + timedelta(minutes=5 * step, seconds=37)
        for t in trips:
            kw: dict[str, Any] = {"lane": world.export_lane, "gate": world.gate, "now": now,
                                  "horizon": HORIZON, "rules": rules}
            calls[0] = 0
            want = clearable_span(t, **kw)
            fresh, calls[0] = fresh + calls[0], 0
            assert clearable_span(t, **kw, verdicts=memos[t.trip_id]) == want, (t.trip_id, now)
            memo += calls[0]
            if want is not None:  # sampled: the instants before this step are dropped
                assert all(at >= now - timedelta(minutes=5) for at in memos[t.trip_id])
    assert fresh > 5000 and memo < fresh / 4
