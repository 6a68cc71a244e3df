"""A 1-row Chinese plate's series letter that eng skipped, its place taken by province junk.

Why: eng's LSTM reads the province glyph as one or two junk characters, and a glyph of two
parts (桂: 木 and 圭) can read as two letters, the second one where the plate's letter would
be. Where eng then skips the real letter (a J beside a separator dot, read as '-' or not
at all), the junk becomes the plate's letter: the easy 桂J0388V read '7E0388V' and
'FE-0388V' (E for 圭) and was taken as 桂E0388V, while chi_sim's row read '桂0388V' had
lost the J too (docs/reader-journal.md, round 18).

The segmentation's mask says where the glyphs are, and the province cutter
(``glyphcut.province_edge``) where the province glyph ends: a character of eng's whose
nearest glyph column lies left of that edge belongs to the province (Tesseract places a
character only roughly: a letter read a little left of the edge is still the letter's), and
the first column right of it, with no character of eng's on it, is a glyph eng skipped.
Named a letter by the Latin classifier (``latin.py``, at ``latin.TRUST``), it is the plate's
letter, and the province's junk is dropped.

Only then: the province classifier names the crop's province (the cut is a province
glyph's), something eng read inside the province could pass for the letter, every later
column holds exactly one of eng's characters, and the classifier's letter is not the one eng
read inside the province (that is the letter, placed roughly). The filled letter has no LSTM
lead (margin 0) and the read counts as relabelled, so it is never sure alone.
"""

from __future__ import annotations

from dataclasses import replace

from edge.reader import cnjunk, cnskip, latin
from edge.reader.base import Frame
from edge.reader.dropped import REACH, columns
from edge.reader.engines import LineRead, line_conf
from edge.reader.glyphcut import province_edge
from edge.reader.provlooks import CLASSIFIER_MARGIN, classified
from edge.reader.rowcut import TEXT_HEIGHT
from edge.reader.segment import Lines

#: The letters a Chinese plate's series slot holds (no I, no O).
LETTERS = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")


def filled(tail: LineRead, binary: Frame, lines: Lines, cache: dict[str, object]) -> LineRead:
    """``refilled`` on a 1-row crop whose first glyph the province classifier names a province
    (margin >= ``provlooks.CLASSIFIER_MARGIN``: the cut is a province glyph's, so what eng
    read left of it is junk), else ``tail`` itself. ``cache``: the crop's chi_sim cache,
    where the classifier's guess is kept (asked only when a letter would be filled), and
    ``"skipfill"``, whether ``cnskip`` filled this read: such a read on a weak classifier
    province (``CLASSIFIER_WEAK``: chi_sim named none) is no read (round 23, check 1234's easy
    粤RH0CTN: eng's 'RHCTN' filled, the classifier's weak 闽 outread chi_sim's right 粤).
    """
    if lines.layout != "1-line":
        return tail
    letter = refilled(tail, binary, lines.gray[0])
    cache["skipfill"] = False
    if letter is tail:  # no letter to fill: any other one glyph skipped (cnskip, round 23)
        letter = cnskip.refilled(tail, binary, lines.gray[0])
        cache["skipfill"] = letter is not tail  # never on a weak classifier province (cropread)
    if letter is tail:  # nothing skipped: junk kept from a longer plate (cnjunk, round 24)
        letter = cnjunk.shed(tail, binary, lines.gray[0])
    if letter is tail:
        return tail
    guess = classified(lines, cache)
    ok = guess is not None and guess.char is not None and guess.margin >= CLASSIFIER_MARGIN
    return letter if ok else tail


def refilled(got: LineRead, binary: Frame, row: Frame,
             classify: latin.Classify | None = None
             ) -> LineRead:
    """``got`` (eng's read of a 1-row plate's line, ``binary`` its segmentation mask, ``row``
    its grey row) with its series letter filled in where eng skipped it and read the
    province's part in its place (see the module), else ``got`` itself.
    ``classify``: the Latin classifier's ``classify`` (tests), else the shared one's."""
    if not got.chars:
        return got
    every = columns(binary, 0, binary.shape[1])
    mids = [x + w / 2 for x, _, w, _ in every]
    if not mids:
        return got

    def nearest(x: float) -> int:
        return min(range(len(mids)), key=lambda j: abs(mids[j] - x))

    hit = {nearest(x) for ch, _, x in got.chars if ch.isalnum()}
    if not any(k not in hit and any(j < k for j in hit) for k in range(len(mids))):
        return got  # no glyph unread right of a read one: the cut is not worth finding
    edge = province_edge(row)
    if edge is None:
        return got
    # A character belongs to the glyph it sits nearest: the province's (left of the edge)
    # or one of the tail's. Tesseract places a character only roughly, so a letter read a
    # little left of the edge is still the letter's (no junk).
    junk = [i for i, (_, _, x) in enumerate(got.chars) if mids[nearest(x)] < edge]
    rest = [i for i, (ch, _, x) in enumerate(got.chars) if ch.isalnum() and i not in junk]
    if not any(got.chars[i][0] in LETTERS for i in junk) or not rest:
        return got  # nothing eng read inside the province could pass for the letter
    cols = [c for c, m in zip(every, mids, strict=True) if m > edge]
    first = next(j for j, m in enumerate(mids) if m > edge) if cols else 0
    reach = REACH * TEXT_HEIGHT
    on = []  # the tail column each of eng's characters sits on
    for i in rest:
        k = nearest(got.chars[i][2])
        if abs(mids[k] - got.chars[i][2]) > reach:
            return got
        on.append(k - first)
    if not cols or on != list(range(1, len(cols))):
        return got  # not one skipped column before one character a column
    x, _, w, _ = cols[0]
    named = latin.guesses([latin.box_image(binary, cols[0])], classify)
    if named is None:
        return got
    guess = named[0]
    if (guess.char not in LETTERS or guess.confidence < latin.TRUST
            or guess.char == [got.chars[i][0] for i in junk][-1]):
        return got  # unsure, no letter, or the letter eng read (placed inside the province)
    keep = [i for i in range(len(got.chars)) if i not in junk]
    chars = [(guess.char, guess.confidence, x + w / 2)] + [got.chars[i] for i in keep]
    margins = [0.0] + [got.margins[i] for i in keep if i < len(got.margins)]
    alts = [((guess.char, guess.confidence),)] + [got.alts[i] for i in keep
                                                   if i < len(got.alts)]
    return replace(got, text="".join(c for c, _, _ in chars), chars=tuple(chars),
                   margins=tuple(margins), alts=tuple(alts),
                   conf=line_conf([c for t, c, _ in chars if t not in ("-", ".")]))
