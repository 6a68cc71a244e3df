"""A Chinese tail put together glyph by glyph where chi_sim and eng each misread another one.

Why: where the two models' tails tie at one cost and differ only in glyphs a judge can name
(``lookalikes.judged``: the glyph's shape, or the Latin classifier, ``cnlook.judge``), the
tail whose every differing character the judge names wins. When each model misread a
different glyph, neither tail wins: eng reads a plain 0 as Q with no LSTM choice at all and
chi_sim reads it 0, while chi_sim reads the Z as 2 (or the 1 as J) that eng read right. The
judge names the right character at each place (round 24: wide pool 3101's easy 粤Y0P13Z,
'WYQP13Z' against '粤Y0P132', the judge 0 at the Q and Z at the 2; 3404's 桂HE0L1J,
'EHEQL1J' against '桂HE0LJJ', 0 at the Q and 1 at the J), and eng's tail led the tie with
its Q. The plate the judge names place by place is the read; each model read every one of
its characters, so it is no guess, but neither model read it whole: it stays a tie's read
(not an agreement), at the confidence the tie had.
"""

from __future__ import annotations

from domain.plate_candidates import Candidate
from domain.plates import try_parse_plate
from edge.reader.lookalikes import Judge, pair_of


def mixed(pool: list[Candidate], best: Candidate, judge: Judge, tail: int = 5
          ) -> Candidate | None:
    """The plate the ``judge`` names where ``best`` and a plate of ``pool`` at its cost
    and length differ at two places or more of the last ``tail`` (``judge`` asked for the
    k-th of those, as ``lookalikes.judged`` asks), taking some characters from each; else
    None. Every differing place must be named one of its two characters, and the plate
    must parse as a Chinese plate. ``best`` keeps its repairs (its glyphs are the line's)."""
    for other in pool:
        if (other.cost != best.cost or len(other.plate) != len(best.plate)
                or other.plate[:-tail] != best.plate[:-tail]):
            continue
        diffs = [(k, a, b) for k, (a, b) in enumerate(zip(best.plate[-tail:],
                                                           other.plate[-tail:], strict=True))
                 if a != b]
        if len(diffs) < 2:
            continue
        named = {k: judge(k, pair_of(a, b) or a + b) for k, a, b in diffs}
        if any(named[k] not in (a, b) for k, a, b in diffs):
            continue
        if all(named[k] == a for k, a, _ in diffs) or all(named[k] == b for k, _, b in diffs):
            continue  # one model's tail whole: ``lookalikes.judged``'s
        chars = list(best.plate[-tail:])
        for k, _, _ in diffs:
            chars[k] = named[k] or chars[k]
        plate = best.plate[:-tail] + "".join(chars)
        parsed = try_parse_plate(plate)
        if parsed is None or parsed.country != "CN" or parsed.canonical != plate:
            continue
        return Candidate(plate, "CN", best.corrections, best.trimmed)
    return None
