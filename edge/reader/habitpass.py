"""A pass split only at its Chinese province, chi_sim's habit 吉 against one other province:
the habit reads set aside and the second look's rule asked again.

Why: chi_sim's row read names 吉 for a province glyph it cannot read (``cnhabit``: blurred,
small or badly lit 云, 粤 and 贵 read 吉 on hard frames; the frame's reader lets the province
classifier overrule it only at a margin it often lacks there). Across a pass the truck's
tail is read alike by every frame and the province splits: 粤M8L28G (pass seed 3305) read
粤M8L28G by two frames (0.70, its rival 粤MSL28G; 0.69) and 吉M8L28G by two (0.50, 0.71),
the fifth blank. The frames' own reads then support the habit plate a little more (1.21
against 1.04), ``second_look.decide``'s guards refuse its plate, and the pass goes to an
officer although every frame read the same tail and the only other story is the glyph
chi_sim names when it reads none. A 吉 read is evidence of a glyph chi_sim could not read,
not of 吉, *when* the same frame read again at another scale names the other province (the
glyph wavers between the two on its own image) and no read or look of the pass names the
habit plate at ``ACT`` (a 吉 the reader confirmed with a second model, ``provlooks``).

Only then are the habit plate's reads and looks set aside (those frames count as blank
for their own read) and ``second_look.decide`` asked again, with every guard it has (two
frames, the frames' own support, ``outvoted``, ``_outread``, the look-alike split) and its
cap under the band: an officer's band stays shut to it. Pure: no image, no Tesseract call,
only for a pass every other stage of the second look left undecided.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.plate_candidates import province_of
from edge.reader.base import ACT, FrameRead
from edge.reader.cnhabit import HABIT
from edge.reader.consensus import PassRead
from edge.reader.second_look import decide


def _split(reads: Sequence[FrameRead]) -> tuple[str, str] | None:
    """(the other plate, the habit plate) when the frames' own reads name exactly two plates,
    one tail under two provinces, one of them ``HABIT``; else ``None``."""
    plates = {r.plate for r in reads if r.plate}
    if len(plates) != 2 or not all(province_of(p[0]) for p in plates):
        return None
    a, b = sorted(plates, key=lambda p: p[0] == HABIT)
    if a[1:] != b[1:] or b[0] != HABIT or a[0] == HABIT:
        return None
    return a, b


def decided(reads: Sequence[FrameRead], looks: Sequence[Sequence[FrameRead]], *,
            min_agree: int) -> PassRead | None:
    """The pass's plate with its habit province's reads set aside (the module says when),
    or ``None``."""
    split = _split(reads)
    if split is None:
        return None
    plate, habit = split
    mine = [i for i, r in enumerate(reads) if r.plate == plate]
    theirs = [i for i, r in enumerate(reads) if r.plate == habit]
    frame_looks = [list(looks[i]) if i < len(looks) else [] for i in range(len(reads))]
    every = [*reads, *(x for xs in frame_looks for x in xs)]
    if (len(mine) < min_agree or len(mine) < len(theirs)
            or any(x.plate == habit and x.confidence >= ACT for x in every)
            or not any(x.plate == plate for i in theirs for x in frame_looks[i])):
        return None
    kept = [FrameRead(None, 0.0) if r.plate == habit else r for r in reads]
    kept_looks = [[x for x in xs if x.plate != habit] for xs in frame_looks]
    got = decide(kept, kept_looks, min_agree=min_agree)
    return got if got is not None and got.plate == plate else None
