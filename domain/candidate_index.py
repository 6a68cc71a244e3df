"""A gate's candidate trips indexed once, so each decision looks only at trips that could match.

Why: :func:`domain.clearance.decide` used to walk every candidate trip of the gate
(1,500 a day at Hữu Nghị) for each read: once to keep the trips sharing a
look-alike skeleton with the read, once more to list what an officer is shown,
and, for a read that matches nothing (an undeclared truck), a ranking pass over
every declared plate. The central service decides hundreds of reads against the
same trips, so it builds a :class:`CandidateIndex` once per trip load and each
decision costs a few dictionary lookups.

Exactness is the contract: every answer here equals the full scan it replaces,
in content and in order (trips keep the order the caller gave them in, which
:func:`domain.matching.select_trip` may depend on for ties). The bigram filter in
:func:`ranked` only skips plates that :func:`domain.lookalikes.rank` would drop
anyway; ``tests/domain/test_candidate_index.py`` compares the two on random data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from domain.lookalikes import _bigrams, cached_skeleton, rank, skeleton
from domain.trips import TripFacts


class CandidateIndex:
    """Trips of one gate by look-alike skeleton, by plate, and plates by skeleton bigram."""

    __slots__ = ("_by_length", "_by_plate", "_by_skeleton", "_plates", "_postings", "trips")

    def __init__(self, trips: Iterable[TripFacts]) -> None:
        self.trips: tuple[TripFacts, ...] = tuple(trips)
        by_skeleton: dict[str, list[tuple[int, TripFacts]]] = {}
        by_plate: dict[str, list[TripFacts]] = {}
        for pos, t in enumerate(self.trips):
            by_skeleton.setdefault(cached_skeleton(t.plate), []).append((pos, t))
            by_plate.setdefault(t.plate, []).append(t)
        self._by_skeleton = by_skeleton
        self._by_plate = by_plate
        self._plates: tuple[str, ...] = tuple(sorted(by_plate))
        #: Built on the first ranking (most reads match and never rank).
        self._postings: dict[tuple[str, int], list[str]] | None = None
        self._by_length: dict[int, list[str]] = {}

    @property
    def plates(self) -> tuple[str, ...]:
        """Every declared plate, sorted, once (the officer's ranking universe)."""
        return self._plates

    def by_plate_for(self, reads: Iterable[str]) -> dict[str, list[TripFacts]]:
        """Plate -> trips (caller's order) for trips sharing a skeleton with one of ``reads``.

        Equals ``{t.plate: [...] for t in trips if skeleton(t.plate) in {skeleton(r)}}``.
        """
        hits: list[tuple[int, TripFacts]] = []
        for skel in {skeleton(r) for r in reads if r}:
            hits.extend(self._by_skeleton.get(skel, ()))
        hits.sort(key=lambda hit: hit[0])
        out: dict[str, list[TripFacts]] = {}
        for _, t in hits:
            out.setdefault(t.plate, []).append(t)
        return out

    def trips_of(self, plates: Iterable[str]) -> dict[str, list[TripFacts]]:
        """Plate -> its trips (caller's order) for the given plates that are declared."""
        return {p: self._by_plate[p] for p in plates if p in self._by_plate}

    def ranked(self, read: str, limit: int = 5, max_distance: float = 1.5
               ) -> list[tuple[float, str]]:
        """Exactly ``rank(read, self.plates, limit, max_distance)``, over fewer plates.

        ``rank`` keeps a plate only if (a) its skeleton contains the read's (then it
        shares the read's first bigram) or (b) it shares at least
        ``max(len) - 1 - 2k`` bigrams with the read, which is >= 1 unless both are at
        most ``1 + 2k`` long. So the plates sharing a bigram, plus the short plates,
        are a superset of what ``rank`` keeps; ``rank`` then filters them exactly as before.
        """
        k = int(max_distance)
        postings = self._ensure_postings()
        subset: set[str] = set()
        for gram in _bigrams(skeleton(read)):
            subset.update(postings.get(gram, ()))
        for length, plates in self._by_length.items():
            if length <= 1 + 2 * k:
                subset.update(plates)
        return rank(read, sorted(subset), limit=limit, max_distance=max_distance)

    def _ensure_postings(self) -> dict[tuple[str, int], list[str]]:
        if self._postings is None:
            postings: dict[tuple[str, int], list[str]] = {}
            for p in self._plates:
                self._by_length.setdefault(len(p), []).append(p)
                for gram in _bigrams(cached_skeleton(p)):
                    postings.setdefault(gram, []).append(p)
            self._postings = postings
        return self._postings


def index_of(candidates: Sequence[TripFacts] | CandidateIndex) -> CandidateIndex:
    """The caller's prebuilt index, or one built for this call (same results either way)."""
    return candidates if isinstance(candidates, CandidateIndex) else CandidateIndex(candidates)
