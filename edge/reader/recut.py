"""A 1-line VN read whose length the segmentation's count misses, its row cut again by the
glyph pitch and checked glyph by glyph by the Latin classifier (``fits``; round 18).

Why: blur merges two touching glyphs into one blob and a glared stroke breaks into pieces, so
the count of a hard plate's row is off by one or two, and every read of it, right or wrong,
is unfit (its agreements capped at ``UNFIT``, its lone reads dropped or never sure). The read
itself names the plate's glyphs and where they sit (each character's x); the row's mask says
where its ink is. Cut again, a blob as wide as two or three glyphs (the row's median glyph
width) is that many glyphs, side by side; pieces of one glyph overlapping in x are one
(``dropped.columns``). Where the re-cut row holds the read's characters one a glyph, in
order, each within reach of its glyph, and the Latin classifier (a second model, as
``vouch.confirmed``) names each glyph the re-cut split from a wider blob as the read does and
opposes none of the others (gives the read's character ``OPPOSED`` of its votes or more:
blur makes twins of 8 and 6, 8 and S, and 12Z-878.08's frame had two 8s named otherwise at
0.57 and 0.58, the 8 at 0.43 and 0.42), the read fits its crop. A read the re-cut does not
explain (the classifier names a merged blob's halves otherwise: 29K-705.70's '29' blob read
'22') stays unfit. Such a fit is capped at ``UNFIT`` (``choose.capped``): the count was the
read's word and the classifier's, not the segmentation's.
"""

from __future__ import annotations

from domain.plate_candidates import Candidate
from edge.reader import dropped, latin
from edge.reader.base import Frame
from edge.reader.engines import LineRead
from edge.reader.rowcut import TEXT_HEIGHT, median
from edge.reader.segment import Lines

#: The most glyphs one blob is re-cut into (three touching glyphs merged by blur).
MOST = 3
#: The farthest a read character may sit from its glyph's middle (character heights).
REACH = 0.5
#: Least classifier share for a glyph's read character (look-alikes mapped by its slot).
SHARE = 0.5
#: Least share a glyph found whole gives the read's character: under it the classifier
#: opposes the read (blur's twins, 8 and 6, 8 and S, split their votes above it).
OPPOSED = 0.1



def parts(binary: Frame) -> list[tuple[tuple[int, int, int, int], bool]]:
    """The row's glyphs (x, y, w, h) re-cut by pitch, each with whether it was split from a
    wider blob: each ink column (``dropped.columns``) split into as many equal parts as the
    row's median column width goes into it."""
    cols = dropped.columns(binary, 0, binary.shape[1])
    if len(cols) < 3:
        return []
    pitch = median([c[2] for c in cols])
    out: list[tuple[tuple[int, int, int, int], bool]] = []
    for x, y, w, h in cols:
        k = max(1, round(w / pitch))
        if k > MOST:
            return []
        out += [((x + j * w // k, y, w // k, h), k > 1) for j in range(k)]
    return out


def fits(got: LineRead, binary: Frame, plate: str, classify: latin.Classify | None = None) -> bool:
    """Whether the read ``got`` of a 1-line row (``binary``: the row's mask, dark ink on white)
    holds ``plate`` (its repair-free VN plate) one character a re-cut glyph, each named so by
    the Latin classifier (see the module)."""
    chars = [(ch, x) for ch, _, x in got.chars if ch not in ("-", ".")]
    if "".join(ch for ch, _ in chars) != plate:
        return False
    glyphs = parts(binary)
    if len(glyphs) != len(chars):
        return False
    if any(abs(x - (g[0] + g[2] / 2)) > REACH * TEXT_HEIGHT
           for (_, x), (g, _) in zip(chars, glyphs, strict=True)):
        return False
    images = [latin.box_image(binary, box) for box, _ in glyphs]
    try:
        guesses = (classify or latin.shared().classify)(images)
    except (RuntimeError, ValueError):  # no fonts installed, or an empty part: unexplained
        return False
    for i, ((ch, _), guess, (_, split)) in enumerate(zip(chars, guesses, glyphs, strict=True)):
        kind = dropped.slot_kind("1-line", 0, i)
        pick = dropped.named(guess.shares, kind)
        if split and (pick is None or pick[0] != ch or pick[1] < SHARE):
            return False  # a glyph only the re-cut made: the classifier must name it
        if share_of(guess.shares, kind, ch) < OPPOSED:
            return False
    return True


def share_of(shares: dict[str, float], kind: str, ch: str) -> float:
    """The classifier's share for ``ch`` in a slot of ``kind``, its look-alikes mapped in."""
    return sum(s for c, s in shares.items()
               if c == ch or dropped.named({c: s}, kind) == (ch, s))


def explains(lines: Lines, got: LineRead, binary: Frame, cand: Candidate) -> bool:
    """Whether ``got``, read from ``lines`` as the repair-free VN plate ``cand``, fits its crop
    only by the re-cut (``fits``): a 1-line crop whose count is not the plate's length."""
    return (lines.layout == "1-line" and cand.country == "VN" and cand.cost == 0
            and lines.chars != len(cand.plate) and fits(got, binary, cand.plate))
