"""A pass's frames split at some glyph of a 2-row Chinese tail, judged across the frames by the
Latin classifier on their crops: the plate whose every contested glyph the classifier names.

Why: where Tesseract reads one glyph of a blurred tail as a coin (川GNB0F0's fourth glyph read
6, 9, 9, 6 and 0 by its five frames, its last 0 and 8), the pass has no plate two frames
agree on, and its frames read again at other scales repeat the split (round 17: "the
majority wrong"), so the second look leaves it to an officer. The classifier looks at the
glyph's own blob on each frame's crop, not at the row as Tesseract does: on 川GNB0F0 it
named 0 at share 1.0 on four of the five crops (round 20). ``rivalglyph`` settles one place
a frame's two models read apart; this settles the places the frames read apart, when every
clear verdict at each of them names one of the characters the frames read there, and the
plate they make is one some frame read whole. No Tesseract call: a segmentation of each
frame's crop and one classifier batch, only for a pass the second look and ``rivalglyph``
left undecided; it claims at most ``UNCONFIRMED`` (an officer's band stays shut to it).
"""

from __future__ import annotations

from collections.abc import Sequence

from edge.reader.base import ACT, FrameRead
from edge.reader.consensus import UNCONFIRMED, PassRead
from edge.reader.rivalglyph import clear_names


def _tails(reads: Sequence[FrameRead]) -> list[tuple[FrameRead, list[str | None]]]:
    """Each 2-row Chinese frame read with the classifier's clear name of each tail glyph on its
    crop (``None`` where it hesitates); frames whose crop's tail does not hold one glyph a
    place (or, with no classifier, every frame) are left out."""
    out = []
    for r in reads:
        if r.plate is None or r.crop is None or r.layout != "2-line" or r.country != "CN":
            continue
        names = clear_names(r.crop, len(r.plate) - 2)
        if names is not None:
            out.append((r, names))
    return out


def voted(reads: Sequence[FrameRead], *, min_agree: int) -> str | None:
    """The plate the frames' 2-row Chinese reads make where every place they read apart takes
    the character ``min_agree`` or more frames' clear verdicts name there, none naming another,
    and it is one of the frames' characters there; when some frame read that plate whole.
    ``None`` where the frames differ in length or top row, a contested place has no such
    verdict, or no place is contested."""
    plated = [r for r in reads if r.plate]
    cn = [r for r in plated if r.layout == "2-line" and r.country == "CN"]
    if len(cn) < min_agree or len(cn) != len(plated):
        return None
    n = len(cn[0].plate or "")
    if any(len(r.plate or "") != n or (r.plate or "")[:2] != (cn[0].plate or "")[:2]
           for r in cn):
        return None
    tails = _tails(cn)
    out = list(cn[0].plate or "")
    contested = False
    for k in range(2, n):
        read = {(r.plate or "")[k] for r in cn}
        if len(read) == 1:
            continue
        contested = True
        named = [v[k - 2] for _, v in tails if v[k - 2] is not None]
        if len(named) < min_agree or len(set(named)) != 1 or named[0] not in read:
            return None
        out[k] = named[0] or ""
    plate = "".join(out)
    return plate if contested and any(r.plate == plate for r in cn) else None


def decided(reads: Sequence[FrameRead], *, min_agree: int) -> PassRead | None:
    """The pass read for ``voted``'s plate, under the band (``UNCONFIRMED``), when no frame read
    another plate at ``ACT`` (a read that may act alone is not outvoted by a classifier)."""
    plate = voted(reads, min_agree=min_agree)
    if plate is None or any(r.plate and r.plate != plate and r.confidence >= ACT for r in reads):
        return None
    best = max((r for r in reads if r.plate == plate), key=lambda r: r.confidence)
    seen = sum(1 for r in reads if r.plate)
    return PassRead(plate, min(best.confidence, UNCONFIRMED), sum(
        1 for r in reads if r.plate == plate), seen, best.layout, best.country, best)
