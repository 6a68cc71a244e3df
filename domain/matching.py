"""Closed-set matching: which declared plate (and trip) does this vehicle pass belong to?

Why closed-set: a read is compared only with the plates pre-declared at this
gate, so the question is never "what does the plate say?" but "which of these
few hundred expected plates is it, and is the answer clear?". Opening the
barrier needs, all at once:

* the read is close to one declared plate (``accept_distance``),
* it is clearly closer to it than to any other declared plate *and* to any
  other grammatical plate (``min_margin``; see :func:`domain.lookalikes.nearest_other`),
* enough frames of the pass agree (``min_frames``) and few dissent.

Everything else becomes a hand-off with a reason and the candidates to show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from domain.lookalikes import MISS, cached_skeleton, rank, skeleton, substitution_distance
from domain.nearest import nearest_other  # lookalikes.nearest_other, by table (exact)
from domain.plates import is_plate
from domain.reference import Gate, Lane
from domain.trips import CLEARABLE_STATUSES, TripFacts, TripStatus

MatchStatus = Literal["resolved", "ambiguous", "uncertain", "none", "disagree"]


@dataclass(frozen=True, slots=True)
class MatchParams:
    """Matching thresholds; loaded with (and versioned by) the rule set."""

    accept_distance: float = 0.35
    min_margin: float = 0.6
    min_frames: int = 2
    min_confidence: float = 0.6
    max_dissent_ratio: float = 0.5
    max_dissent_frames: int = 1
    window_grace: timedelta = timedelta(hours=2)

    def __post_init__(self) -> None:
        # Every candidate outside the look-alike skeleton is at least MISS away; the
        # skeleton shortcut is only sound when accept + margin stays within that.
        if self.accept_distance + self.min_margin > MISS:
            raise ValueError("accept_distance + min_margin must not exceed 1.0")
        if self.min_frames < 1 or not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError("min_frames must be >= 1 and min_confidence within 0..1")


class PlateIndex:
    """Declared plates grouped by look-alike skeleton (all plates closer than 1 share one).

    ``universe`` (all declared plates, built only when asked) feeds the officer's
    ranking on a hand-off; the buckets may be restricted to the skeletons of the
    reads at hand, which keeps a decision O(candidates) with a tiny constant.
    """

    __slots__ = ("_buckets", "_ranker", "_universe", "_universe_fn")

    def __init__(
        self, plates: Iterable[str], *, universe: Callable[[], Iterable[str]] | None = None,
        ranker: Callable[[str], list[tuple[float, str]]] | None = None,
    ) -> None:
        own = tuple(sorted(set(plates)))
        buckets: dict[str, list[str]] = {}
        for p in own:
            buckets.setdefault(cached_skeleton(p), []).append(p)
        self._buckets = {k: tuple(v) for k, v in buckets.items()}
        self._universe: tuple[str, ...] | None = None if universe else own
        self._universe_fn = universe
        self._ranker = ranker  # an indexed ranking equal to rank(text, self.plates)

    def near(self, text: str) -> tuple[str, ...]:
        return self._buckets.get(skeleton(text), ())

    def rank(self, text: str) -> list[tuple[float, str]]:
        """Declared plates an officer should see for ``text`` (:func:`rank` over the universe)."""
        if self._ranker is not None:
            return self._ranker(text)
        return rank(text, self.plates)

    @property
    def plates(self) -> tuple[str, ...]:
        if self._universe is None:
            assert self._universe_fn is not None
            self._universe = tuple(sorted(set(self._universe_fn())))
        return self._universe


@dataclass(frozen=True, slots=True)
class ReadMatch:
    text: str
    status: MatchStatus
    plate: str | None = None  # nearest declared plate (the match when resolved)
    distance: float = MISS
    margin: float = 0.0
    near: tuple[str, ...] = ()  # declared plates in the same look-alike skeleton


def match_text(text: str, index: PlateIndex, params: MatchParams) -> ReadMatch:
    """Match one normalised read against the declared plates."""
    near = index.near(text)
    if not near:
        return ReadMatch(text, "none")
    # A clean read of a declared plate costs 0.0 at every position: skip the per-slot walk.
    scored = sorted((0.0 if text == p else substitution_distance(text, p), p) for p in near)
    d, plate = scored[0]
    runner_declared = scored[1][0] if len(scored) > 1 else MISS
    if len(scored) > 1 and runner_declared - d < params.min_margin:
        return ReadMatch(text, "ambiguous", plate, d, runner_declared - d, near)
    margin = min(runner_declared, nearest_other(text, plate)) - d
    status: MatchStatus = (
        "resolved" if d <= params.accept_distance and margin >= params.min_margin else "uncertain"
    )
    return ReadMatch(text, status, plate, d, margin, near)


@dataclass(frozen=True, slots=True)
class Consensus:
    """What all reads of one pass say together."""

    status: MatchStatus
    plate: str | None
    support: int = 0  # frames resolving to ``plate``
    dissent: int = 0  # frames agreeing on the strongest other real or declared plate
    distance: float = MISS
    margin: float = 0.0
    shown: tuple[str, ...] = field(default=())  # declared plates an officer should see


def aggregate(
    reads: Sequence[tuple[str, int]], index: PlateIndex, params: MatchParams, claimed: int = 0
) -> Consensus:
    """Combine the reads of one pass, ``(text, frames)`` each, the decision-grade read first.

    ``claimed``: the agreeing frames the edge reports for the decision-grade read, when
    the frame reads given are only those the centre kept (support is the larger).
    """
    # A plain dict (insertion-ordered) rather than a Counter: building a Counter costs more
    # than the whole loop for the one or two reads of a pass (~2 % of the central's CPU).
    counts: dict[str, int] = {}
    for text, n in reads:
        if text:
            counts[text] = counts.get(text, 0) + n
    order = list(counts)
    if not order:
        return Consensus("none", None)
    matches = {t: match_text(t, index, params) for t in order}
    resolved = sorted({m.plate for m in matches.values() if m.status == "resolved" and m.plate})
    if len(resolved) > 1:
        return Consensus("disagree", None, shown=tuple(resolved))
    if not resolved:
        first = matches[order[0]]
        if first.near:
            return Consensus(first.status, first.plate, 0, 0, first.distance, first.margin,
                             first.near)
        # Nothing within look-alike reach: a partial read, a dropped or extra character, or
        # a truck nobody declared. Rank by edit distance so the officer sees the likely trips.
        ranked = index.rank(first.text)
        if not ranked:
            return Consensus("none", None)
        tie = len(ranked) > 1 and ranked[0][0] == ranked[1][0]
        return Consensus("ambiguous" if tie else "uncertain", ranked[0][1], 0, 0, ranked[0][0],
                         0.0, tuple(p for _, p in ranked))
    plate = resolved[0]
    support = sum(
        counts[t] for t, m in matches.items() if m.plate == plate and m.status == "resolved"
    )
    first = matches[order[0]]
    if first.status == "resolved" and first.plate == plate:
        support = max(support, claimed)
    # Frames that read another declared plate, or another real plate, speak against ``plate``;
    # garbled reads (not a plate) and partial reads of ``plate`` itself (``12C8202`` for
    # ``12C82025``) do not. The strongest alternative counts: single-frame slips scatter
    # over many texts, a second truck repeats one.
    dissent = max(
        (
            counts[t]
            for t, m in matches.items()
            if m.status != "resolved"
            and (
                (m.plate is not None and m.plate != plate)
                or (t != plate and is_plate(t) and not _is_partial(t, plate))
            )
        ),
        default=0,
    )
    best = min(
        (m for m in matches.values() if m.plate == plate and m.status == "resolved"),
        key=lambda m: (m.distance, m.text),
    )
    if dissent > params.max_dissent_frames or dissent > support * params.max_dissent_ratio:
        return Consensus("disagree", plate, support, dissent, best.distance, best.margin, (plate,))
    return Consensus("resolved", plate, support, dissent, best.distance, best.margin, best.near)


def _is_partial(text: str, plate: str) -> bool:
    """``text`` is ``plate`` with characters dropped (a subsequence)."""
    rest = iter(plate)
    return len(text) < len(plate) and all(ch in rest for ch in text)


def _aware(dt: datetime) -> datetime:
    """Naive datetimes are UTC by the project's convention (SQLite drops the zone)."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def in_window(trip: TripFacts, at: datetime, grace: timedelta) -> bool:
    return _aware(trip.window_start) - grace <= _aware(at) <= _aware(trip.window_end) + grace


def is_active(trip: TripFacts, *, lane: Lane, gate: Gate, at: datetime, grace: timedelta) -> bool:
    """Expected at this lane right now: clearable, this gate, this direction, within its window."""
    return (
        trip.gate_id == gate.id
        and trip.status in CLEARABLE_STATUSES
        and trip.direction == lane.direction
        and in_window(trip, at, grace)
    )


_STATUS_REASON = {
    TripStatus.CANCELLED: "TRIP_CANCELLED",
    TripStatus.DRAFT: "TRIP_NOT_SUBMITTED",
    TripStatus.HELD: "TRIP_HELD",
    TripStatus.REFUSED: "TRIP_REFUSED",
    TripStatus.CLEARED: "TRIP_ALREADY_USED",
    TripStatus.COMPLETED: "TRIP_ALREADY_USED",
}


def select_trip(
    trips: Sequence[TripFacts], *, lane: Lane, gate: Gate, at: datetime, grace: timedelta
) -> tuple[TripFacts | None, tuple[str, ...]]:
    """Pick the trip of a matched plate; return it with the reason codes that block opening.

    No blocking code means exactly one trip is expected here and now. Otherwise the
    trip that best explains the arrival is returned (so the officer sees it) with why.
    """
    if not trips:
        return None, ("UNREGISTERED",)
    active = sorted(
        (t for t in trips if is_active(t, lane=lane, gate=gate, at=at, grace=grace)),
        key=lambda t: (t.window_start, t.trip_id),
    )
    if len(active) == 1:
        return active[0], ()
    if active:
        return active[0], ("DUPLICATE_TRIPS",)
    here = [t for t in trips if t.gate_id == gate.id]
    if not here:
        return min(trips, key=lambda t: t.trip_id), ("WRONG_GATE",)

    def how_far(t: TripFacts) -> timedelta:
        start, end, now = _aware(t.window_start), _aware(t.window_end), _aware(at)
        return max(start - now, now - end, timedelta(0))

    trip = min(
        here,
        key=lambda t: (
            t.status not in CLEARABLE_STATUSES,
            t.direction != lane.direction,
            how_far(t),
            t.trip_id,
        ),
    )
    codes: list[str] = []
    if trip.status not in CLEARABLE_STATUSES:
        codes.append(_STATUS_REASON.get(trip.status, "TRIP_ALREADY_USED"))
    if trip.direction != lane.direction:
        codes.append("DIRECTION_MISMATCH")
    if not in_window(trip, at, grace):
        codes.append("OUTSIDE_WINDOW")
    return trip, tuple(codes) or ("TRIP_ALREADY_USED",)


def check_trailer(
    declared: str | None, read: str | None, params: MatchParams
) -> str | None:
    """Reason code when a read trailer plate contradicts the trip (None when fine or not read)."""
    if not read:
        return None
    if not declared:
        return "TRAILER_UNDECLARED"
    m = match_text(read, PlateIndex([declared]), params)
    if m.status == "resolved":
        return None
    return "TRAILER_MISMATCH" if m.status == "none" else "TRAILER_UNCERTAIN"
