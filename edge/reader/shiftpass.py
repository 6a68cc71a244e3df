"""A pass whose other frames read the plate shifted by one glyph: a piece of the province read
as a letter, the tail pushed right and one of its characters lost. Those reads set aside and
the second look's rule asked again.

Why: a Chinese province glyph of separate strokes (川's three) can be cut into two blobs; the
row is then read as the province, a letter for the stray stroke, and the tail shifted one
place to the right, the plate grammar keeping seven characters by dropping one. Round 28
(pass seed 6617, pass 42): 川Q6N0WZ read by two frames (0.66, 0.45) and as 川JQ6N0W (0.68),
川NQ6NWZ (0.53) and 川MQ6NWZ (0.51) by the other three; read again at 0.7, 1.5, 0.85 and 1.25,
four frames said 川Q6N0WZ (ten looks) and no look said any shifted plate. The shifted reads
still voted against the plate place by place (``consensus.outvoted``: Q against 6, 6 against
N, ...), and the surest of them (0.68 against 0.66) outread it (``second_look._outread``), so
the pass went to an officer though no frame told another story of the truck's characters.

A shifted read is no evidence against the plate *when* it holds the plate's tail in order, one
character dropped, behind one inserted letter, under ``ACT``, and no read or look of the pass
names it at ``ACT``; and the plate is read by ``min_agree`` frames' own reads and by the looks
of ``min_agree`` frames (the same images at other scales read it unshifted), and every other
plated frame read is such a shift of it. Only then are the shifted reads and the looks naming a
shifted plate set aside (those frames count as blank) and ``second_look.decide`` asked again,
with every guard it has and its cap under the band. Pure: no image, no Tesseract call; only
for a pass every other stage of the second look left undecided.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from domain.plate_candidates import province_of
from edge.reader.base import ACT, FrameRead
from edge.reader.consensus import PassRead
from edge.reader.second_look import decide


def shifted(read: str, plate: str) -> bool:
    """Whether ``read`` is Chinese ``plate`` with one letter inserted after its province and
    one character of the rest dropped (the same length, the province the same), not a read
    that differs at its letter only (云Q00B5V for 云L00B5V is a misread letter, no shift).

    Directional: a read shifted the other way (the letter lost, a stray glyph appended:
    川VT5ENJ for 川GVT5EN, pass seed 6311) is no shift of the plate, but the plate is one of
    it; in the round's dumps such lone frames were as common (3 passes) as shifted ones (2),
    so which is which is left to ``decided``'s majority and the looks, never to the strings."""
    if len(read) != len(plate) or len(plate) < 3 or read[0] != plate[0]:
        return False
    if not province_of(plate[0]) or not read[1].isalpha() or read[2:] == plate[2:]:
        return False
    rest, tail = read[2:], plate[1:]
    return any(tail[:k] + tail[k + 1:] == rest for k in range(1, len(tail)))


def decided(reads: Sequence[FrameRead], looks: Sequence[Sequence[FrameRead]], *,
            min_agree: int) -> PassRead | None:
    """The pass's plate with its shifted reads set aside (the module says when), or ``None``."""
    plated = [r for r in reads if r.plate]
    top = Counter(r.plate for r in plated).most_common(1)  # ties: the first read, as before
    plate = top[0][0] if top else None
    if plate is None or top[0][1] < min_agree or not province_of(plate[0]):
        return None
    others = [r for r in plated if r.plate != plate]
    if not others or not all(shifted(r.plate or "", plate) for r in others):
        return None
    frame_looks = [list(looks[i]) if i < len(looks) else [] for i in range(len(reads))]
    every = [*reads, *(x for xs in frame_looks for x in xs)]
    if any(x.plate and x.confidence >= ACT and shifted(x.plate, plate) for x in every):
        return None
    if sum(1 for xs in frame_looks if any(x.plate == plate for x in xs)) < min_agree:
        return None
    kept = [r if r.plate in (None, plate) else FrameRead(None, 0.0) for r in reads]
    kept_looks = [[x for x in xs if not (x.plate and shifted(x.plate, plate))]
                  for xs in frame_looks]
    got = decide(kept, kept_looks, min_agree=min_agree)
    return got if got is not None and got.plate == plate else None
