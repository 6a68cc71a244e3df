"""The indexed candidate lookups equal the full scans they replace, for any trips and reads.

Why: ``decide`` now asks a :class:`CandidateIndex` instead of walking every trip of
the gate. A difference in which trips or plates it returns would change decisions,
so each lookup is compared here with the plain scan over random, crowded plate sets
(a few characters, so look-alikes, partial reads and near misses are common).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.candidate_index import CandidateIndex
from domain.lookalikes import cached_skeleton, rank, skeleton
from domain.matching import PlateIndex, aggregate
from domain.rules import default_rules

World = Any  # tests/domain/conftest.py: World
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

# A small alphabet full of look-alikes, so plates collide, share bigrams and contain each other.
chars = st.sampled_from("01278BOIZC")
plates = st.text(chars, min_size=1, max_size=9)
declared = st.lists(plates, min_size=0, max_size=40)


@st.composite
def reads_of(draw: st.DrawFn, pool: list[str]) -> str:
    """A read: random, or a declared plate cut, extended or with one character changed."""
    if not pool or draw(st.booleans()):
        return draw(plates)
    plate = draw(st.sampled_from(pool))
    i = draw(st.integers(0, len(plate)))
    j = draw(st.integers(i, len(plate)))
    kind = draw(st.sampled_from(["partial", "insert", "swap", "exact"]))
    if kind == "partial":
        return plate[i:j] or plate
    if kind == "insert":
        return plate[:i] + draw(chars) + plate[i:]
    if kind == "swap" and i < len(plate):
        return plate[:i] + draw(chars) + plate[i + 1:]
    return plate


@SETTINGS
@given(data=st.data(), pool=declared, max_distance=st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.5]),
       limit=st.integers(1, 8))
def test_ranked_equals_rank_over_every_plate(data: st.DataObject, pool: list[str],
                                             max_distance: float, limit: int,
                                             world: World) -> None:
    index = CandidateIndex(world.trip(f"t{i}", p) for i, p in enumerate(pool))
    for _ in range(5):
        read = data.draw(reads_of(pool))
        assert index.ranked(read, limit, max_distance) == rank(
            read, sorted(set(pool)), limit, max_distance)


@SETTINGS
@given(data=st.data(), pool=declared)
def test_skeleton_and_plate_lookups_equal_the_scan(data: st.DataObject, pool: list[str],
                                                   world: World) -> None:
    trips = [world.trip(f"t{i}", p) for i, p in enumerate(pool)]
    index = CandidateIndex(trips)
    reads = data.draw(st.lists(reads_of(pool), max_size=4))
    wanted = {skeleton(r) for r in reads if r}
    scan: dict[str, list[Any]] = {}
    for t in trips:
        if cached_skeleton(t.plate) in wanted:
            scan.setdefault(t.plate, []).append(t)
    for _ in range(2):  # the first call scans, the next ones use the index built for them
        assert index.by_plate_for(reads) == scan
        assert [list(v) for v in index.by_plate_for(reads).values()] == list(scan.values())
    for _ in range(3):
        shown = data.draw(st.lists(st.one_of(st.sampled_from(pool or ["x"]), plates),
                                   max_size=5))
        assert index.trips_of(shown) == {p: [t for t in trips if t.plate == p]
                                         for p in shown if any(t.plate == p for t in trips)}
    assert index.plates == tuple(sorted({t.plate for t in trips}))


@SETTINGS
@given(data=st.data(), pool=declared)
def test_aggregate_with_the_indexed_ranking_equals_the_plain_one(
        data: st.DataObject, pool: list[str], world: World) -> None:
    index = CandidateIndex(world.trip(f"t{i}", p) for i, p in enumerate(pool))
    reads = [(r, data.draw(st.integers(0, 3)))
             for r in data.draw(st.lists(reads_of(pool), min_size=1, max_size=4))]
    near = index.by_plate_for(r for r, _ in reads)
    params = default_rules().matching
    plain = aggregate(reads, PlateIndex(near, universe=lambda: pool), params)
    fast = aggregate(reads, PlateIndex(near, universe=lambda: pool, ranker=index.ranked), params)
    assert fast == plain


def test_decide_gives_the_same_result_from_a_list_or_a_prebuilt_index(world: World) -> None:
    """Undeclared, look-alike, partial and exact reads against 1,500 crowded plates."""
    trips = [world.trip(f"t{i:04d}", f"12C{i:05d}") for i in range(1500)]
    trips += [replace(trips[7], trip_id="dup-7")]  # one plate declared twice
    index = CandidateIndex(trips)
    for text in ("12C00007", "12C0OO07", "12C00100", "12C0150", "29H55555", "12C01999",
                 "12C000", "12C07", "12CO1234", "2C00042"):
        read = world.read(text)
        assert world.decide(read, trips) == world.decide(read, index)
