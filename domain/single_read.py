""":func:`domain.matching.aggregate` for a pass of one read, without the many-read bookkeeping.

Why: the centre decides almost every pass from its one decision-grade read (frame reads
are kept only when the edge sends them), and ``aggregate`` builds, for that one read, a
count table, a dictionary of matches, a sorted set of resolved plates and three generator
walks for support, dissent and the best match: ~3-4 us of a ~60 us decision (bench
replay, round 24), for answers that are fixed when there is one read. The result is the
same :class:`~domain.matching.Consensus`, field for field
(``tests/domain/test_single_read.py`` compares the two on random reads and plates).
"""

from __future__ import annotations

from domain.matching import Consensus, MatchParams, PlateIndex, match_text


def aggregate_one(text: str, frames: int, index: PlateIndex, params: MatchParams,
                  claimed: int = 0) -> Consensus:
    """``aggregate([(text, frames)], index, params, claimed)``, exactly."""
    if not text:
        return Consensus("none", None)
    m = match_text(text, index, params)
    if m.status != "resolved" or not m.plate:
        if m.near:
            return Consensus(m.status, m.plate, 0, 0, m.distance, m.margin, m.near)
        # Nothing within look-alike reach: ranked by edit distance, as aggregate does.
        ranked = index.rank(m.text)
        if not ranked:
            return Consensus("none", None)
        tie = len(ranked) > 1 and ranked[0][0] == ranked[1][0]
        return Consensus("ambiguous" if tie else "uncertain", ranked[0][1], 0, 0, ranked[0][0],
                         0.0, tuple(p for _, p in ranked))
    # One read, resolved: it is all the support (or the edge's claim) and nothing dissents.
    support = max(frames, claimed)
    if params.max_dissent_frames < 0 or support * params.max_dissent_ratio < 0:  # dissent 0
        return Consensus("disagree", m.plate, support, 0, m.distance, m.margin, (m.plate,))
    return Consensus("resolved", m.plate, support, 0, m.distance, m.margin, m.near)
