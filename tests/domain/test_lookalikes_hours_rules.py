"""Unit tables for the distance, the operating hours and the rule-table loader."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.hours import HoursExtension, extension_after_closing, gate_is_open
from domain.lookalikes import (
    _BY_LENGTH,
    MISS,
    TEMPLATES,
    VALID_SWAP,
    _fitting,
    _slot_costs,
    char_cost,
    edit_distance,
    fits,
    nearest_other,
    plate_slots,
    rank,
    read_is_plate,
    skeleton,
    substitution_distance,
)
from domain.rules import RulesError, default_rules, load_rules, parse_rules

World = Any  # tests/domain/conftest.py: World
RULES_TOML = Path(__file__).resolve().parents[2] / "domain" / "data" / "rules.toml"


@pytest.mark.parametrize(
    ("read", "plate", "cost"),
    [
        ("12C12345", "12C12345", 0.0),
        ("12C1O345", "12C10345", 0.15),  # O cannot stand in a digit slot: a sure slip
        ("12C8B345", "12C88345", 0.2),
        ("12C72345", "12C12345", VALID_SWAP),  # 7 is a real digit: maybe another truck
        ("12C92345", "12C12345", MISS),
        ("20D41417", "20DA1417", VALID_SWAP),  # the read is itself a plate (series D)
        ("12CA2345", "12C42345", 0.35),  # A in a digit slot, and the read is no plate
    ],
)
def test_substitution_distance(read: str, plate: str, cost: float) -> None:
    assert substitution_distance(read, plate) == pytest.approx(cost)


def test_lookalike_classes_from_the_issue() -> None:
    for cls in ("0ODQ", "1IL7", "2Z", "5S", "6G", "8B", "4A"):
        assert len({skeleton(c) for c in cls}) == 1
        assert all(char_cost(a, b) < MISS for a in cls for b in cls)
    assert char_cost("0", "8") == MISS and char_cost("B", "D") == MISS


@settings(max_examples=200, deadline=None)
@given(st.text("0123456789ABCDGILOQSZ7", min_size=7, max_size=8),
       st.text("0123456789ABCDGILOQSZ7", min_size=7, max_size=8))
def test_closer_than_one_means_same_skeleton(a: str, b: str) -> None:
    """The matcher's one-lookup candidate search is exact."""
    if len(a) == len(b):
        assert (substitution_distance(a, b) < MISS) == (skeleton(a) == skeleton(b))


def test_nearest_other_plate() -> None:
    assert nearest_other("12C12345", "12C12345") == pytest.approx(VALID_SWAP)  # 12C72345
    assert nearest_other("12CI2345", "12C12345") == pytest.approx(0.6)  # I read for 7
    assert nearest_other("12C1O345", "12C10345") == pytest.approx(0.15 + VALID_SWAP)  # 12C70345
    assert nearest_other("12C72345", "12C12345") == 0.0  # the read is a plate itself


def _nearest_other_every_template_in_full(read: str, plate: str) -> float:
    """:func:`nearest_other` before it stopped adding a template's floor at ``best``."""
    best = MISS
    trusted = read_is_plate(read)
    fitting = _fitting(plate, len(read))
    for slots, plate_fits in zip(_BY_LENGTH.get(len(read), ()), fitting, strict=True):
        ranked = [_slot_costs(s, r, trusted) for s, r in zip(slots, read, strict=True)]
        if not plate_fits:
            floor = 0.0
            for c in ranked:  # left to right, as nearest_other adds them (3.12's sum() may
                floor += c[0][0]  # compensate, and move a last bit)
            best = min(best, floor)
            continue
        floor = sum(c[0][0] for c in ranked)
        for i, c in enumerate(ranked):
            alt = c[0] if c[0][1] != plate[i] else (c[1] if len(c) > 1 else (MISS * 9, ""))
            best = min(best, floor - c[0][0] + alt[0])
    return best


# Vietnamese and Chinese plate characters, look-alikes, special series and province marks, so
# that reads fit (or nearly fit) every template family and floors below ``MISS`` occur.
_PLATE_CHARS = "0123456789ABCDGILOQSZ7KTNMHVĐ京粤学"


@settings(max_examples=400, deadline=None)
@given(st.data(), st.integers(min_value=7, max_value=9))
def test_nearest_other_stopping_early_is_exact(data: st.DataObject, length: int) -> None:
    """The early stop changes no result, bit for bit (margins are compared to thresholds)."""
    read = data.draw(st.text(_PLATE_CHARS, min_size=length, max_size=length))
    plate = data.draw(st.one_of(
        st.text(_PLATE_CHARS, min_size=length, max_size=length),
        st.builds(lambda i, ch: read[:i] + ch + read[i + 1:],
                  st.integers(0, length - 1), st.sampled_from(_PLATE_CHARS))))
    assert nearest_other(read, plate) == _nearest_other_every_template_in_full(read, plate)


def test_nearest_other_stopping_early_on_real_plates() -> None:
    for read, plate in [("12C12345", "12C12345"), ("12CI2345", "12C12345"),
                        ("29LD12345", "29LD12345"), ("29LD1234", "29LĐ1234"),
                        ("粤B12345", "粤B12345"), ("粤BD12345", "粤BD12345"),
                        ("12C1O345", "12C10345")]:
        assert nearest_other(read, plate) == _nearest_other_every_template_in_full(read, plate)


_TEMPLATE_CHARS = sorted(set().union(*(s for t in TEMPLATES for s in t)) | set("IOQ-] ^\\"))


@st.composite
def _near_template(draw: st.DrawFn) -> str:
    """A string fitting a template, sometimes with one character changed, dropped or added."""
    slots = draw(st.sampled_from(TEMPLATES))
    text = "".join(draw(st.sampled_from(sorted(s))) for s in slots)
    i = draw(st.integers(0, len(text) - 1))
    return draw(st.sampled_from([
        text, text[:i] + draw(st.sampled_from(_TEMPLATE_CHARS)) + text[i + 1:],
        text[:i] + text[i + 1:], text[:i] + draw(st.sampled_from(_TEMPLATE_CHARS)) + text[i:]]))


@settings(max_examples=500, deadline=None)
@given(st.one_of(_near_template(), st.text(st.sampled_from(_TEMPLATE_CHARS), max_size=10)))
def test_template_patterns_say_what_fits_says(plate: str) -> None:
    """The regular expressions behind ``_fitting`` and ``plate_slots`` agree with ``fits``."""
    for length in (len(plate), 7, 8, 9):
        assert _fitting.__wrapped__(plate, length) == tuple(
            fits(plate, t) for t in _BY_LENGTH.get(length, ()))
    matching = [t for t in _BY_LENGTH.get(len(plate), ()) if fits(plate, t)]
    assert plate_slots.__wrapped__(plate) == (
        tuple(frozenset().union(*col) for col in zip(*matching, strict=True)) if matching
        else None)


def test_edit_distance_and_rank() -> None:
    assert edit_distance("12C1234", "12C12345") == MISS
    assert edit_distance("12CO2345", "12C02345") == pytest.approx(0.15)
    ranked = rank("2345", ["12C12345", "29H55555", "12C12346"])
    assert [p for _, p in ranked] == ["12C12345"]  # a partial read finds its plate


# --- hours ---------------------------------------------------------------------------------

def _local(w: World, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, 22, hh, mm, tzinfo=UTC) - timedelta(hours=7)


@pytest.mark.parametrize(("hh", "mm", "open_"), [(6, 59, False), (7, 0, True), (21, 59, True),
                                                 (22, 0, False), (23, 30, False)])
def test_regular_hours(world: World, hh: int, mm: int, open_: bool) -> None:
    assert gate_is_open(gate=world.gate, at=_local(world, hh, mm)) is open_


def test_extension_of_two_hours(world: World) -> None:
    ext = extension_after_closing(gate=world.gate, day=date(2026, 11, 22), reference="UBND-23")
    assert gate_is_open(gate=world.gate, at=_local(world, 23, 30), extensions=[ext])
    other = replace(ext, gate_id="chi-ma")
    assert not gate_is_open(gate=world.gate, at=_local(world, 23, 30), extensions=[other])
    assert not gate_is_open(gate=world.gate, at=_local(world, 23, 30) + timedelta(hours=1),
                            extensions=[ext])


def test_hours_wrapping_midnight(world: World) -> None:
    night = replace(world.gate, opens=time(20, 0), closes=time(4, 0))
    assert gate_is_open(gate=night, at=_local(world, 23))
    assert not gate_is_open(gate=night, at=_local(world, 12))


def test_bad_extensions_are_refused() -> None:
    at = datetime(2026, 11, 22, 15, tzinfo=UTC)
    with pytest.raises(ValueError, match="aware"):
        HoursExtension("g", at.replace(tzinfo=None), at + timedelta(hours=2))
    with pytest.raises(ValueError, match="end after"):
        HoursExtension("g", at, at)


# --- rule table ----------------------------------------------------------------------------

def test_packaged_rules_load_and_are_versioned() -> None:
    rules = default_rules()
    assert rules.version == load_rules(RULES_TOML).version == "2026.11-r1"
    assert {r.reason for r in rules.rules} >= {"CHANNEL_RED", "MISSING_PHYTOSANITARY"}


def test_a_decision_records_the_rule_version_it_used(world: World) -> None:
    text = RULES_TOML.read_text(encoding="utf-8").replace('"2026.11-r1"', '"test-9"')
    custom = parse_rules(text)
    from domain.clearance import decide

    result = decide(evidence=world.read("12C12345"), lane=world.export_lane, gate=world.gate,
                    candidates=[world.trip()], now=world.now, rules=custom)
    assert result.outcome == "open" and result.rules_version == "test-9"


def test_rule_findings_are_the_same_when_the_trip_is_remembered(world: World,
                                                                 monkeypatch: Any) -> None:
    """A rule set remembers which rules a trip object meets; an amended trip is a new object."""
    import domain.rules as rules_module
    from domain.rules import Context
    from domain.trips import CargoLine

    rules = parse_rules(RULES_TOML.read_text(encoding="utf-8"))
    ctx = Context(gate=world.gate, now=world.now)

    def uncached(trip: Any) -> tuple[Any, ...]:
        return tuple(f for r in rules.rules if (f := r.evaluate(trip, ctx)) is not None)

    plywood = world.trip()
    assert rules.evaluate(plywood, ctx) == rules.evaluate(plywood, ctx) == uncached(plywood) == ()
    durian = replace(plywood, cargo=(CargoLine("08106000", "durian", 18000.0, perishable=True),))
    assert rules.evaluate(durian, ctx) == uncached(durian) != ()  # not plywood's empty set
    assert {f.code for f in rules.evaluate(durian, ctx)} >= {"PERISHABLE_PRIORITY"}
    monkeypatch.setattr(rules_module, "_APPLICABLE_MAX", 2)  # the memory starts over when full
    for trip in (plywood, durian, world.trip("trip-2"), durian, plywood):
        assert rules.evaluate(trip, ctx) == uncached(trip)
    assert len(rules._applicable) <= 2


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('version = "2026.11-r1"', ""), "no version"),
        (('check = "fee_paid"', 'check = "fee_paid_maybe"'), "unknown check"),
        (('reason = "FEE_UNPAID"', 'reason = "FEE_LATE"'), "not in domain.reasons"),
        (('effect = "inspect"', 'effect = "shoot"'), "unknown effect"),
        (("when = { perishable = true }", "when = { colour = true }"), "unknown conditions"),
        (('params = { kind = "phytosanitary" }', 'params = { kind = "visa" }'), "visa"),
        (("min_margin = 0.6", "min_margin = 0.9"), "must not exceed"),
        (("[[rules]]", "[[rules]"), "not valid TOML"),
    ],
)
def test_malformed_rule_tables_are_refused(edit: tuple[str, str], message: str) -> None:
    text = RULES_TOML.read_text(encoding="utf-8")
    assert edit[0] in text
    with pytest.raises(RulesError, match=message):
        parse_rules(text.replace(edit[0], edit[1], 1))
