"""A 1-row Chinese tail eng read one glyph short, anywhere in the tail, the province's junk
in its count: the skipped glyph named by the Latin classifier, the junk dropped.

Why: eng reads the province glyph as junk characters (川 as 'JJ', 'M', 'JU'; 云 as '3' or
'B'), and where it also skips one of the tail's glyphs, the junk fills the count and the
plate is taken as a window of the wrong characters: the last glyph cut off and the junk
made the series letter (川A66UL1 read 川MA66UL, 川R0L17X read 川JRL17X, 云WG0JBD read
云BWG0BD at 0.84), or a new-energy tail one short that still parses (云JF11332 read 云F11332
at 0.99: 'JF11332' lost its J to a '-'). ``cnletter`` fills only the letter's place, and only
where the junk could pass for it; the other places were read as eng read them.

The segmentation's mask says where the glyphs are and the province cutter
(``glyphcut.province_edge``) where the province ends, as in ``cnletter``: the tail is the
glyph columns right of that edge. Where the tail holds 6 or 7 columns (a plate's tail), eng's
characters right of the edge sit one a column on all of them but one, and the Latin
classifier names that one (at ``latin.TRUST``; a letter at the series place), the tail is
eng's characters with the named one put in its place, and whatever eng read left of the edge
is dropped. The filled character has no LSTM lead (margin 0): a read holding it is never
sure alone. docs/reader-journal.md, round 23.
"""

from __future__ import annotations

from dataclasses import replace

from edge.reader import latin
from edge.reader.base import Frame
from edge.reader.dropped import REACH, columns
from edge.reader.engines import LineRead, line_conf
from edge.reader.glyphcut import province_edge
from edge.reader.rowcut import TEXT_HEIGHT

#: The letters a Chinese plate's series slot holds (no I, no O).
LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")
#: A Chinese plate's tail: 6 glyphs, or 7 on a new-energy plate.
TAILS = (6, 7)


def refilled(got: LineRead, binary: Frame, row: Frame, classify: latin.Classify | None = None
             ) -> LineRead:
    """``got`` (eng's read of a 1-row plate's line; ``binary`` its segmentation mask, ``row``
    its grey row) with the one tail glyph it skipped named and its province junk dropped
    (see the module), else ``got`` itself. ``classify``: a scripted classifier (tests)."""
    if not got.chars:
        return got
    edge = province_edge(row)
    if edge is None:
        return got
    every = columns(binary, 0, binary.shape[1])
    cols = [c for c in every if c[0] + c[2] / 2 > edge]
    if len(cols) not in TAILS:
        return got
    mids = [x + w / 2 for x, _, w, _ in every]
    first = len(every) - len(cols)  # the first tail column's index in ``every``
    reach = REACH * TEXT_HEIGHT
    on: list[int] = []  # the tail column each of eng's characters right of the province sits on
    keep: list[int] = []
    for i, (ch, _, x) in enumerate(got.chars):
        if not ch.isalnum():
            continue
        # A character belongs to the glyph it sits nearest, as in ``cnletter``: a letter
        # Tesseract placed a little left of the edge is still the letter's, not junk.
        k = min(range(len(mids)), key=lambda j: abs(mids[j] - x))
        if k < first:
            continue  # the province's junk
        if abs(mids[k] - x) > reach:
            return got
        on.append(k - first)
        keep.append(i)
    if len(on) != len(cols) - 1 or len(set(on)) != len(on) or on != sorted(on):
        return got  # not one skipped column with one character on each other
    gap = next(k for k in range(len(cols)) if k not in on)
    named = latin.guesses([latin.box_image(binary, cols[gap])], classify)
    if named is None:
        return got
    guess = named[0]
    if guess.char is None or guess.confidence < latin.TRUST or (gap == 0
                                                               and guess.char not in LETTERS):
        return got
    filled = (guess.char, guess.confidence, mids[first + gap])
    chars = [got.chars[i] for i in keep[:gap]] + [filled] + [got.chars[i] for i in keep[gap:]]
    margins = ([got.margins[i] for i in keep[:gap] if i < len(got.margins)] + [0.0]
               + [got.margins[i] for i in keep[gap:] if i < len(got.margins)])
    alts = ([got.alts[i] for i in keep[:gap] if i < len(got.alts)]
            + [((guess.char, guess.confidence),)]
            + [got.alts[i] for i in keep[gap:] if i < len(got.alts)])
    text = "".join(c for c, _, _ in chars)
    if "".join(ch for ch, _, _ in got.chars if ch.isalnum()).endswith(text):
        return got  # eng's own read holds that tail: nothing to fill
    return replace(got, text=text, chars=tuple(chars),
                   margins=tuple(margins), alts=tuple(alts),
                   conf=line_conf([c for _, c, _ in chars]))
