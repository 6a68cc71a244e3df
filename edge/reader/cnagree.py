"""A Chinese plate the frame's crops read again and again, one of them surely, believed where
the frame reads nothing else (round 26).

Why: on hard Chinese frames the right plate is often read, even at 0.74-0.89 by one
preprocessing, on crops whose own rules do not believe it: a jittered look whose neighbours
read nothing (``jitter.VOTES`` is three looks: 桂PFG2006 read at 0.84 and 0.70 on two looks),
a neck part's look that is not sure alone (湘R807TL at 0.75, 0.74 and 0.72 on two parts), a
crop evened out whose lone read is dropped (贵LF60608 at 0.89, seven crops reading it). Each
rule asks its own crop for its own evidence; none asks whether the frame's other crops read
the same plate. Here they do: the frame's every preprocessing read, believed, dropped or
forgotten (a neck look's read leaves no vote in ``_heard``), counted by crop.

The rule (``agreed``): a Chinese plate, repair-free and not a weak classifier guess, read by
``CROPS`` crops or more, more crops than any other Chinese plate; one of those reads at
``WITNESS`` or more by one preprocessing with its province chi_sim's own (not the classifier's
alone, ``CropRead.classified``) and read from no row Tesseract dropped as noise
(``CropRead.kept``); a plate of chi_sim's habit province (吉) only where the classifier names
it on one of its crops. On 800 extra hard Chinese frames (seeds 5301-5316) the rule, asked of
every frame, named 118 frames' right reads and no wrong plate on a frame read right; where a
frame read a wrong plate it named that same plate (the crops share a misread), so it is asked
only where the frame reads nothing, and the plate stands at ``LONE``: under the band.
No Tesseract call: the reads are those the frame already paid for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from edge.reader.claims import SURE, CropRead
from edge.reader.cnhabit import HABIT
from edge.reader.segment import Lines

#: The crops (``Lines`` read) that must read the plate.
CROPS = 2
#: ... and the confidence one preprocessing's read of it must reach, its province chi_sim's.
WITNESS = SURE
#: Under this a read is no plate (``slotwise.FLOOR``): it counts for no plate's crops.
FLOOR = 0.3


def counts(read: CropRead) -> bool:
    """Whether a preprocessing's read counts for its plate's crops: a Chinese plate at
    ``FLOOR`` or more, repair-free, its province no weak classifier guess."""
    return (read.cand.country == "CN" and read.cand.cost == 0 and read.conf >= FLOOR
            and not read.weak)


def witness(read: CropRead) -> bool:
    """Whether a read is its plate's witness: at ``WITNESS``, its province chi_sim's own,
    read from no row Tesseract dropped as noise."""
    return counts(read) and read.conf >= WITNESS and not read.classified and not read.kept


def agreed(reads: Sequence[tuple[CropRead, Lines]], leans: Mapping[int, str | None]
           ) -> tuple[CropRead, list[tuple[CropRead, Lines]]] | None:
    """The plate the frame's preprocessing reads (``reads``, each with the crop's lines it
    read) agree on by the rule above: its witness read, and all its counted reads in the
    order read (the caller places the plate on the first whose crop it knows); or ``None``.

    ``leans``: the province classifier's guess on each crop, by its lines' ``id``. A plate of
    chi_sim's habit province (``cnhabit.HABIT``, 吉) needs the classifier to name it on one
    of its crops: chi_sim names 吉 for a glyph it cannot read on crop after crop, so there the
    crops' agreement is one misread shared (extra seed 5503's 云RHZ534, read 吉RHZ534 at 0.76
    and 0.53 on two crops, the classifier leaning to 云 on one of them).
    """
    crops: dict[str, set[int]] = {}
    for read, lines in reads:
        if counts(read):
            crops.setdefault(read.cand.plate, set()).add(id(lines))
    if not crops:
        return None
    ranked = sorted(crops.items(), key=lambda kv: -len(kv[1]))
    plate, mine = ranked[0]
    if len(mine) < CROPS or any(len(other) >= len(mine) for _, other in ranked[1:]):
        return None
    if plate[0] == HABIT and all(leans.get(crop) != HABIT for crop in mine):
        return None
    own = [(read, lines) for read, lines in reads if read.cand.plate == plate and counts(read)]
    sure = next((read for read, _ in own if witness(read)), None)
    return (sure, own) if sure is not None else None
