"""Table tests: one row per rule and reason code, through the public ``decide`` call.

The last test checks the table is complete: every code in the catalogue is produced
by at least one row, so a new reason cannot be added without a case here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from domain.clearance import DecisionResult
from domain.hours import extension_after_closing
from domain.reasons import all_codes, reason
from domain.reference import Direction, LaneMode
from domain.trips import CargoLine, Channel, DocumentKind, TripStatus

World = Any  # tests/domain/conftest.py: World (fixtures are not imported by tests)
TODAY = date(2026, 11, 22)  # the world fixture's day (10:00 local)

Case = Callable[[World], DecisionResult]

FRUIT = (CargoLine("08109092", "dragon fruit", 18000.0, perishable=True),)
VEGETABLES = (CargoLine("0709.99.90", "vegetables", 15000.0),)
CARS = (CargoLine("87032363", "passenger cars", 12000.0),)
FORM_E = (CargoLine("31052000", "fertiliser", 30000.0, preferential_claim=True),)
EXPIRED = TODAY - timedelta(days=1)


def _frames(w: World, *texts: str) -> DecisionResult:
    reads = [w.read(t, frames=1) for t in texts]
    return w.decide(w.read(texts[0], frames=len(texts)), [w.trip("a", "12C12345"),
                    w.trip("b", "12C12346")], frame_reads=reads)


def _transit(w: World) -> DecisionResult:
    gate = replace(w.ref.gate("huu-nghi-1088"), transit_allowed=False)
    lane = w.ref.lane("hn1088-t1")
    trip = w.trip(gate_id=gate.id, direction=Direction.TRANSIT)
    return w.decide("12C12345", [trip], lane=lane, gate=gate)


def _late(w: World, extended: bool) -> DecisionResult:
    now = w.now + timedelta(hours=13, minutes=30)  # 23:30 local, after the 22:00 close
    trip = w.trip(window_start=now - timedelta(hours=1), window_end=now + timedelta(hours=1))
    ext = (extension_after_closing(gate=w.gate, day=TODAY, hours=2),) if extended else ()
    return w.decide(w.read("12C12345"), [trip], now=now, extensions=ext)


def _import(w: World, plate: str = "12C12345", **kw: object) -> DecisionResult:
    trip = w.trip(plate=plate, direction=Direction.IMPORT, **kw)
    return w.decide(plate, [trip], lane=w.import_lane)


def _cn(w: World, **kw: object) -> DecisionResult:
    return _import(w, "桂A12345", vehicle_country="CN", **kw)


D = DocumentKind
CASES: dict[str, tuple[Case, str, tuple[str, ...]]] = {
    # matching
    "clean green": (lambda w: w.decide("12C-123.45", [w.trip()]), "open",
                    ("MATCHED", "CLEARED_CONTACTLESS")),
    "O for 0 in a digit slot": (lambda w: w.decide("12C1O345", [w.trip(plate="12C10345")]),
                                "open", ("MATCHED", "CLEARED_CONTACTLESS")),
    "no plate": (lambda w: w.decide(None, [w.trip()]), "manual", ("NO_PLATE",)),
    "unregistered": (lambda w: w.decide("29H55555", [w.trip()]), "manual", ("UNREGISTERED",)),
    "dropped char": (lambda w: w.decide("12C1234", [w.trip()]), "manual", ("READ_UNCERTAIN",)),
    "read is another real plate": (lambda w: w.decide("12C72345", [w.trip()]), "manual",
                                   ("READ_UNCERTAIN",)),
    "I is 1 or 7": (lambda w: w.decide("12CI2345", [w.trip()]), "manual", ("READ_UNCERTAIN",)),
    "equally close": (lambda w: w.decide("12C1234X", [w.trip("a", "12C12345"),
                                                      w.trip("b", "12C12346")]),
                      "manual", ("AMBIGUOUS_MATCH",)),
    "declared look-alike twins": (lambda w: w.decide("12C12345", [w.trip("a", "12C12345"),
                                                                  w.trip("b", "12C72345")]),
                                  "manual", ("MATCHED", "LOOKALIKE_CONFLICT")),
    "frames disagree": (lambda w: _frames(w, "12C12345", "12C12346", "12C12345", "12C12346"),
                        "manual", ("READS_DISAGREE",)),
    "low confidence": (lambda w: w.decide(w.read("12C12345", confidence=0.3), [w.trip()]),
                       "manual", ("MATCHED", "LOW_CONFIDENCE")),
    "one frame": (lambda w: w.decide(w.read("12C12345", frames=1), [w.trip()]), "manual",
                  ("MATCHED", "TOO_FEW_FRAMES")),
    "lane manual": (lambda w: w.decide("12C12345", [w.trip()], lane=replace(
        w.export_lane, mode=LaneMode.MANUAL)), "manual", ("MATCHED", "LANE_MANUAL")),
    # trip state
    "two trips now": (lambda w: w.decide("12C12345", [w.trip("a"), w.trip("b")]), "manual",
                      ("MATCHED", "DUPLICATE_TRIPS")),
    "wrong gate": (lambda w: w.decide("12C12345", [w.trip(gate_id="chi-ma")]), "manual",
                   ("MATCHED", "WRONG_GATE")),
    "wrong direction": (lambda w: w.decide("12C12345", [w.trip(direction=Direction.IMPORT)]),
                        "manual", ("MATCHED", "DIRECTION_MISMATCH")),
    "used": (lambda w: w.decide("12C12345", [w.trip(status=TripStatus.CLEARED)]), "manual",
             ("MATCHED", "TRIP_ALREADY_USED")),
    "completed": (lambda w: w.decide("12C12345", [w.trip(status=TripStatus.COMPLETED)]),
                  "manual", ("TRIP_ALREADY_USED",)),
    "cancelled": (lambda w: w.decide("12C12345", [w.trip(status=TripStatus.CANCELLED)]),
                  "manual", ("MATCHED", "TRIP_CANCELLED")),
    "draft": (lambda w: w.decide("12C12345", [w.trip(status=TripStatus.DRAFT)]), "manual",
              ("TRIP_NOT_SUBMITTED",)),
    "held": (lambda w: w.decide("12C12345", [w.trip(status=TripStatus.HELD)]), "manual",
             ("TRIP_HELD",)),
    "refused": (lambda w: w.decide("12C12345", [w.trip(status=TripStatus.REFUSED)]), "manual",
                ("TRIP_REFUSED",)),
    "far outside window": (lambda w: w.decide("12C12345", [w.trip(
        window_start=w.now + timedelta(hours=4), window_end=w.now + timedelta(hours=6))]),
        "manual", ("MATCHED", "OUTSIDE_WINDOW")),
    "late within grace": (lambda w: w.decide("12C12345", [w.trip(
        window_start=w.now - timedelta(hours=3), window_end=w.now - timedelta(hours=1))]),
        "open", ("CLEARED_CONTACTLESS",)),
    # trailer
    "trailer matches": (lambda w: w.decide(w.read("12C12345", trailer_plate="12R-0O123"),
                                           [w.trip(trailer_plate="12R00123")]),
                        "open", ("CLEARED_CONTACTLESS",)),
    "trailer undeclared": (lambda w: w.decide(w.read("12C12345", trailer_plate="12R00123"),
                                              [w.trip()]), "manual", ("TRAILER_UNDECLARED",)),
    "trailer other": (lambda w: w.decide(w.read("12C12345", trailer_plate="12R99999"),
                                         [w.trip(trailer_plate="12R00123")]),
                      "manual", ("TRAILER_MISMATCH",)),
    "trailer look-alike": (lambda w: w.decide(w.read("12C12345", trailer_plate="12R70123"),
                                              [w.trip(trailer_plate="12R10123")]),
                           "manual", ("TRAILER_UNCERTAIN",)),
    "trailer declared, not read": (lambda w: w.decide("12C12345",
                                                      [w.trip(trailer_plate="12R00123")]),
                                   "open", ("CLEARED_CONTACTLESS",)),
    # customs declaration and channel
    "no declaration": (lambda w: w.decide("12C12345", [w.trip(declaration_no=None)]), "manual",
                       ("NO_DECLARATION",)),
    "no channel yet": (lambda w: w.decide("12C12345", [w.trip(channel=None)]), "manual",
                       ("NO_DECLARATION",)),
    "yellow": (lambda w: w.decide("12C12345", [w.trip(channel=Channel.YELLOW)]), "manual",
               ("MATCHED", "CHANNEL_YELLOW")),
    "red": (lambda w: w.decide("12C12345", [w.trip(channel=Channel.RED)]), "inspect",
            ("MATCHED", "CHANNEL_RED")),
    "red and unpaid": (lambda w: w.decide("12C12345", [w.trip(channel=Channel.RED,
                                                              fee_paid=False)]),
                       "manual", ("CHANNEL_RED", "FEE_UNPAID")),
    # documents required by cargo
    "fruit without phyto": (lambda w: w.decide("12C12345", [w.trip(cargo=FRUIT)]), "manual",
                            ("MISSING_PHYTOSANITARY", "PERISHABLE_PRIORITY")),
    "vegetables with phyto": (lambda w: w.decide("12C12345", [w.trip(
        cargo=VEGETABLES, documents=(w.doc(D.PHYTOSANITARY),))]), "open",
        ("PERISHABLE_PRIORITY", "CLEARED_CONTACTLESS")),
    "phyto expired": (lambda w: w.decide("12C12345", [w.trip(
        cargo=FRUIT, documents=(w.doc(D.PHYTOSANITARY, EXPIRED),))]), "manual",
        ("EXPIRED_PHYTOSANITARY",)),
    "form E without C/O": (lambda w: _import(w, cargo=FORM_E), "manual",
                           ("MISSING_CERTIFICATE_OF_ORIGIN",)),
    "C/O expired": (lambda w: _import(w, cargo=FORM_E, documents=(
        w.doc(D.CERTIFICATE_OF_ORIGIN, EXPIRED),)), "manual", ("EXPIRED_CERTIFICATE_OF_ORIGIN",)),
    "C/O present": (lambda w: _import(w, cargo=FORM_E, documents=(
        w.doc(D.CERTIFICATE_OF_ORIGIN),)), "open", ("CLEARED_CONTACTLESS",)),
    "cars without safety cert": (lambda w: _import(w, cargo=CARS), "manual",
                                 ("MISSING_VEHICLE_SAFETY",)),
    "cars, safety cert expired": (lambda w: _import(w, cargo=CARS, documents=(
        w.doc(D.VEHICLE_SAFETY, EXPIRED),)), "manual", ("EXPIRED_VEHICLE_SAFETY",)),
    "cars exported need no cert": (lambda w: w.decide("12C12345", [w.trip(cargo=CARS)]), "open",
                                   ("CLEARED_CONTACTLESS",)),
    "CN truck without permit": (lambda w: _cn(w), "manual", ("MISSING_CROSS_BORDER_PERMIT",)),
    "CN permit expired": (lambda w: _cn(w, documents=(w.doc(D.CROSS_BORDER_PERMIT, EXPIRED),)),
                          "manual", ("EXPIRED_CROSS_BORDER_PERMIT",)),
    "CN permit valid": (lambda w: _cn(w, documents=(w.doc(D.CROSS_BORDER_PERMIT),)), "open",
                        ("CLEARED_CONTACTLESS",)),
    "fee unpaid": (lambda w: w.decide("12C12345", [w.trip(fee_paid=False)]), "manual",
                   ("FEE_UNPAID",)),
    "transit at a non-transit passage": (_transit, "manual", ("TRANSIT_NOT_ALLOWED",)),
    "transit at 1088/2-1089": (lambda w: w.decide("12C12345", [w.trip(
        gate_id="huu-nghi-1088", direction=Direction.TRANSIT)], lane=w.ref.lane("hn1088-t1"),
        gate=w.ref.gate("huu-nghi-1088")), "open", ("CLEARED_CONTACTLESS",)),
    # hours
    "after closing": (lambda w: _late(w, extended=False), "manual", ("GATE_CLOSED",)),
    "in an agreed extension": (lambda w: _late(w, extended=True), "open",
                               ("CLEARED_CONTACTLESS",)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_reason_table(world: World, name: str) -> None:
    case, outcome, codes = CASES[name]
    result = case(world)
    assert result.outcome == outcome, result.codes
    for code in codes:
        assert code in result.codes, (code, result.codes)
    if outcome == "open":
        assert result.trip_id is not None and result.codes[0] == "MATCHED"
    assert result.rules_version and result.reasons == tuple(reason(c) for c in result.codes)


def test_every_reason_code_has_a_row(world: World) -> None:
    produced = {code for case, _, _ in CASES.values() for code in case(world).codes}
    assert set(all_codes()) - produced == set()


def test_every_reason_has_both_sentences() -> None:
    for code in all_codes():
        r = reason(code)
        assert r.vi.strip() and r.en.strip() and r.vi != r.en


def test_perishable_sets_priority_without_blocking(world: World) -> None:
    trip = world.trip(cargo=VEGETABLES, documents=(world.doc(D.PHYTOSANITARY),))
    result = world.decide("12C12345", [trip])
    assert result.outcome == "open" and result.priority


def test_open_names_the_trip_and_only_it(world: World) -> None:
    trips = [world.trip("a", "12C12345"), world.trip("b", "12C54321")]
    result = world.decide("12C12345", trips)
    assert (result.outcome, result.trip_id, result.candidates) == ("open", "a", ("a",))


def test_manual_hand_off_lists_candidates(world: World) -> None:
    trips = [world.trip("a", "12C12345"), world.trip("b", "12C12346"), world.trip("c", "29H1")]
    result = world.decide("12C1234", trips)
    assert result.outcome == "manual" and set(result.candidates) == {"a", "b"}


def _pass(w: World, *texts: str, claimed: int | None = None) -> DecisionResult:
    reads = [w.read(t, frames=1) for t in texts]
    ev = w.read(texts[0], frames=claimed if claimed is not None else texts.count(texts[0]))
    return w.decide(ev, [w.trip("a", "12C82025")], frame_reads=reads)


def test_frames_aggregate(world: World) -> None:
    # look-alike slips and partial reads of the same plate support or stay neutral
    assert _pass(world, "12C82025", "12C8Z025", "12C8202", "12C8202", "C82025").outcome == "open"
    # one frame reading another real plate is a slip; two agreeing frames are another truck
    assert _pass(world, "12C82025", "12C82025", "12C82026").outcome == "open"
    disagree = _pass(world, "12C82025", "12C82025", "12C82026", "12C82026")
    assert disagree.codes == ("READS_DISAGREE",)
    # only one frame of several agrees, whatever the edge claims without frames
    assert "TOO_FEW_FRAMES" in _pass(world, "12C82025", "12C8", "129", claimed=1).codes
    assert _pass(world, "12C82025", "12C8", claimed=3).outcome == "open"


def test_a_reason_is_built_once_and_a_registered_code_speaks_its_new_sentences(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import domain.reasons as reasons

    monkeypatch.setattr(reasons, "_CATALOGUE", dict(reasons._CATALOGUE))
    monkeypatch.setattr(reasons, "_MADE", {})
    assert reason("MATCHED") is reason("MATCHED")  # frozen: one object serves every decision
    reasons.register("TEST_ONLY_CODE", "Câu thứ nhất.", "First sentence.")
    assert reason("TEST_ONLY_CODE").en == "First sentence."
    reasons.register("TEST_ONLY_CODE", "Câu thứ hai.", "Second sentence.")
    assert (reason("TEST_ONLY_CODE").vi, reason("TEST_ONLY_CODE").en) == (
        "Câu thứ hai.", "Second sentence.")
    with pytest.raises(reasons.UnknownReason):
        reason("NOT_A_CODE")
