"""A 1-row Chinese tail of six glyphs: eng's province junk kept from making it a new-energy
plate.

Why: eng reads the province glyph as one to three junk characters ('HE', 'FE'), and the
grammar takes a plate's tail at the end of the text, preferring the longer plate at equal
cost; where the junk's last character is a letter and the six-character tail could continue
a new-energy one (its letter D or F and four digits after the next character), the junk
becomes the series letter of an 8-character plate (round 24: scan seed 5111's easy 桂F44929
read 桂EF44929 from 'HEF-44929', 桂DT0702 read 桂EDT0702 from 'FED-T0702', chi_sim right on
both). The segmentation's mask says how many glyphs the tail holds (the glyph columns right
of the province edge, as ``cnskip`` counts them): six is an ordinary plate's tail.

Where the tail holds six columns, eng's characters right of the edge sit one a column on
all six, and the text with its junk makes a longer plate than the tail alone, the junk is
dropped; nothing else changes (no character is named, no Tesseract call).
"""

from __future__ import annotations

from dataclasses import replace

from domain.plate_candidates import cn_candidates
from edge.reader.base import Frame
from edge.reader.dropped import REACH, columns
from edge.reader.engines import LineRead
from edge.reader.glyphcut import province_edge
from edge.reader.rowcut import TEXT_HEIGHT

#: An ordinary Chinese plate's tail: its letter and five characters.
ORDINARY = 6
#: Any province: the plates' shapes, not their province, are compared.
PROBE = "桂"


def shed(got: LineRead, binary: Frame, row: Frame) -> LineRead:
    """``got`` (eng's read of a 1-row plate's line, ``binary`` its mask, ``row`` its grey
    row) without the province junk left of six tail glyphs where that junk made a longer
    plate (see the module), else ``got`` itself."""
    if not got.chars:
        return got
    edge = province_edge(row)
    if edge is None:
        return got
    every = columns(binary, 0, binary.shape[1])
    first = sum(c[0] + c[2] / 2 <= edge for c in every)
    if len(every) - first != ORDINARY:
        return got
    mids = [x + w / 2 for x, _, w, _ in every]
    on: list[int] = []
    keep: list[int] = []
    junk = False
    for i, (ch, _, x) in enumerate(got.chars):
        if not ch.isalnum():
            continue
        k = min(range(len(mids)), key=lambda j: abs(mids[j] - x))
        if k < first:
            junk = True
            continue
        if abs(mids[k] - x) > REACH * TEXT_HEIGHT:
            return got
        on.append(k)
        keep.append(i)
    if not junk or on != list(range(first, len(every))):
        return got  # no junk, or not one character on each of the six glyphs
    whole = cn_candidates(got.text, PROBE)
    tail = "".join(got.chars[i][0] for i in keep)
    alone = cn_candidates(tail, PROBE)
    if not whole or not alone or len(whole[0].plate) <= len(alone[0].plate):
        return got  # the junk made no longer plate: the read as it was
    return replace(got, text=tail, chars=tuple(got.chars[i] for i in keep),
                   margins=tuple(got.margins[i] for i in keep if i < len(got.margins)),
                   alts=tuple(got.alts[i] for i in keep if i < len(got.alts)))
