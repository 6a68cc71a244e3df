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
:func:`domain.matching.select_trip` may depend on for ties). :meth:`CandidateIndex.ranked`
only skips plates that :func:`domain.lookalikes.rank` would drop anyway;
``tests/domain/test_candidate_index.py`` compares the two on random data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from domain.lookalikes import _bigrams, cached_skeleton, edit_distance, rank, skeleton
from domain.trips import TripFacts


class CandidateIndex:
    """Trips of one gate by look-alike skeleton, by plate, and plates by skeleton bigram."""

    __slots__ = ("_by_plate", "_by_skeleton", "_deleted", "_grams", "_plates", "_span",
                 "_uses", "trips")

    def __init__(self, trips: Iterable[TripFacts]) -> None:
        self.trips: tuple[TripFacts, ...] = tuple(trips)
        # Each index is built on its second use: a list given to one decide() is scanned
        # as before, at no extra cost; the central's index, reused, pays once.
        self._uses: Counter[str] = Counter()
        self._by_skeleton: dict[str, list[tuple[int, TripFacts]]] | None = None
        self._by_plate: dict[str, list[TripFacts]] | None = None
        self._plates: tuple[str, ...] | None = None
        self._grams: dict[tuple[str, int], list[str]] | None = None
        self._deleted: dict[int, dict[str, list[str]]] = {}
        self._span: tuple[datetime, datetime] | None = None

    def _reused(self, what: str) -> bool:
        self._uses[what] += 1
        return self._uses[what] > 1

    @property
    def plates(self) -> tuple[str, ...]:
        """Every declared plate, sorted, once (the officer's ranking universe)."""
        if self._plates is None:
            self._plates = tuple(sorted({t.plate for t in self.trips}))
        return self._plates

    def window_span(self, *, default: datetime) -> tuple[datetime, datetime]:
        """(earliest ``window_end``, latest ``window_start``) of the trips; ``default`` twice
        when there are none. Computed once: the central asks it for every batch, and the
        walk over a day's trips cost more than the batch's other uses of the index."""
        if not self.trips:
            return default, default
        if self._span is None:
            self._span = (min(t.window_end for t in self.trips),
                          max(t.window_start for t in self.trips))
        return self._span

    def by_plate_for(self, reads: Iterable[str]) -> dict[str, list[TripFacts]]:
        """Plate -> trips (caller's order) for trips sharing a skeleton with one of ``reads``.

        Equals ``{t.plate: [...] for t in trips if skeleton(t.plate) in {skeleton(r)}}``.
        """
        wanted = {skeleton(r) for r in reads if r}
        out: dict[str, list[TripFacts]] = {}
        if self._by_skeleton is None and not self._reused("skeleton"):
            for t in self.trips:
                if cached_skeleton(t.plate) in wanted:
                    out.setdefault(t.plate, []).append(t)
            return out
        if self._by_skeleton is None:
            self._by_skeleton = {}
            for pos, t in enumerate(self.trips):
                self._by_skeleton.setdefault(cached_skeleton(t.plate), []).append((pos, t))
        hits: list[tuple[int, TripFacts]] = []
        for skel in wanted:
            hits.extend(self._by_skeleton.get(skel, ()))
        hits.sort(key=lambda hit: hit[0])
        for _, t in hits:
            out.setdefault(t.plate, []).append(t)
        return out

    def trips_of(self, plates: Iterable[str]) -> dict[str, list[TripFacts]]:
        """Plate -> its trips (caller's order) for the given plates that are declared."""
        wanted = list(dict.fromkeys(plates))
        if self._by_plate is None and not self._reused("plate"):
            found: dict[str, list[TripFacts]] = {}
            members = set(wanted)
            for t in self.trips:
                if t.plate in members:
                    found.setdefault(t.plate, []).append(t)
            return {p: found[p] for p in wanted if p in found}
        if self._by_plate is None:
            self._by_plate = {}
            for t in self.trips:
                self._by_plate.setdefault(t.plate, []).append(t)
        return {p: self._by_plate[p] for p in wanted if p in self._by_plate}

    def ranked(self, read: str, limit: int = 5, max_distance: float = 1.5
               ) -> list[tuple[float, str]]:
        """Exactly ``rank(read, self.plates, limit, max_distance)``, over far fewer plates.

        ``rank`` keeps (a) plates whose skeleton contains the read's, when longer by
        more than ``k = int(max_distance)``: all of them contain the read's rarest
        skeleton bigram, so only that bigram's plates are checked; and (b) plates within
        ``max_distance``. Every weighted edit costs at least its unit edit on skeletons
        (a look-alike swap costs 0 there), so (b) plates are within ``k`` unit edits of
        the read's skeleton, hence share a string with it after deleting at most ``k``
        characters from each (the symmetric-deletion index). ``rank`` then filters this
        superset exactly as it filters every plate.
        """
        if not self._reused("rank"):  # maybe a one-off: the index would cost more than a scan
            return rank(read, self.plates, limit=limit, max_distance=max_distance)
        k = int(max_distance)
        rs = skeleton(read)
        variants = self._variants(k)
        subset: set[str] = set()
        for v in _deletions(rs, k):
            subset.update(variants.get(v, ()))
        grams = _bigrams(rs)
        if len(rs) >= 3 and grams:
            postings = self._postings()
            rarest = min(grams, key=lambda g: len(postings.get(g, ())))
            subset.update(p for p in postings.get(rarest, ())
                          if len(p) > len(rs) + k and rs in cached_skeleton(p))
        return _rank_within(read, rs, subset, limit, max_distance)

    def _variants(self, k: int) -> dict[str, list[str]]:
        """Skeleton with up to ``k`` characters deleted -> plates (built once per ``k``)."""
        if k not in self._deleted:
            variants: dict[str, list[str]] = {}
            for p in self.plates:
                for v in _deletions(cached_skeleton(p), k):
                    variants.setdefault(v, []).append(p)
            self._deleted[k] = variants
        return self._deleted[k]

    def _postings(self) -> dict[tuple[str, int], list[str]]:
        """Numbered skeleton bigram -> plates (built on the first ranking)."""
        if self._grams is None:
            grams: dict[tuple[str, int], list[str]] = {}
            for p in self.plates:
                for gram in _bigrams(cached_skeleton(p)):
                    grams.setdefault(gram, []).append(p)
            self._grams = grams
        return self._grams


def _rank_within(read: str, rs: str, plates: Iterable[str], limit: int, max_distance: float
                 ) -> list[tuple[float, str]]:
    """``rank(read, plates, limit, max_distance)`` for plates already near ``read``, exactly.

    Why apart: ``rank``'s bigram filter only ever drops plates more than ``k`` unit edits
    from the read's skeleton (the q-gram lemma), whose weighted distance is then at least
    ``k + 1 > max_distance`` (every weighted edit costs at least its unit edit on
    skeletons), so ``edit_distance`` drops them too. The symmetric-deletion index hands
    over only plates that mostly pass it: the filter was a second walk for nothing (~15 us
    of a ~45 us ranking, bench replay, round 24). The order of ``plates`` does not matter:
    the result is sorted by ``(distance, plate)`` and plates are distinct.
    """
    k = int(max_distance)
    scored: list[tuple[float, str]] = []
    for p in plates:
        ps = cached_skeleton(p)
        if abs(len(ps) - len(rs)) > k:
            if 3 <= len(rs) < len(ps) and rs in ps:
                scored.append((edit_distance(read, p), p))
            continue
        d = edit_distance(read, p, cap=max_distance)
        if d <= max_distance:
            scored.append((d, p))
    scored.sort()
    return scored[:limit]


def _deletions(text: str, k: int) -> set[str]:
    """``text`` with every choice of at most ``k`` characters deleted."""
    out = {text}
    layer = {text}
    for _ in range(k):
        layer = {w[:i] + w[i + 1:] for w in layer for i in range(len(w))}
        out |= layer
    return out


def index_of(candidates: Sequence[TripFacts] | CandidateIndex) -> CandidateIndex:
    """The caller's prebuilt index, or one built for this call (same results either way)."""
    return candidates if isinstance(candidates, CandidateIndex) else CandidateIndex(candidates)
