"""A VN read checked slot by slot against its crop's glyphs: eng's characters laid one a blob,
each slot's repair or misfit named by the Latin classifier (docs/reader-journal.md, round 19).

Why: on hard VN frames eng finds the rows and most glyphs, yet its read is repaired (a series
letter read as its digit look-alike, '362-7526' for 36Z-7526) or holds one character more
than the row has glyphs, a speck or the gap between two rows read as a digit ('98C8473.53'
for 98C/473.53 from 3 + 5 blobs). The grammar repairs the first at a cost (never trusted
alone, never a vote) and trims the second at the plate's ends, where the surplus is not. The
segmentation has counted the glyphs, and each character's x says which glyph it sits on: a
character whose nearest glyph holds a nearer character has no glyph of its own and is no
character of the plate; a slot whose character the grammar must repair, or cannot read at
all (a 9 in the series slot), is read as the classifier, a second model, names its glyph as
the slot's kind at ``latin.TRUST`` or more (eng's character being no such kind as read, the
grammar's look-alike is a guess too); a slot the classifier opposes (gives eng's character under
``recut.OPPOSED``) leaves the read unchecked. No Tesseract call: one classifier batch.

Such a read names glyphs eng did not name as read, so it is graded as the classifier's
characters are: no lead over a runner-up (never sure alone), marked ``filled`` (never a
lone read nor a rival; ``CropReader._judged``).
"""

from __future__ import annotations

from dataclasses import replace

from domain.plate_candidates import TO_DIGIT, TO_LETTER, Candidate, clean
from edge.reader import dropped, latin, recut, rules
from edge.reader.base import Frame
from edge.reader.claims import LONE
from edge.reader.engines import LineRead, line_conf, split_rows
from edge.reader.rowcut import TEXT_HEIGHT
from edge.reader.segment import Lines

#: The farthest a character may sit from the middle of its glyph (character heights).
REACH = 0.5

_DIGITS = "0123456789"

Slot = tuple[int, int, int, tuple[int, int, int, int]]  # got.chars index, row, index, box


def aligned(got: LineRead, binary: Frame, starts: list[float], row_chars: tuple[int, ...]
            ) -> list[Slot] | None:
    """``got``'s characters laid one a glyph (``dropped.columns``) of each row, in order, or
    ``None``: every row's columns must number its blobs, and a row may hold one character
    more than its glyphs only where that character's nearest glyph holds a nearer one."""
    if not got.chars or len(row_chars) != len(starts) + 1:
        return None
    bounds = [0.0, *starts, float(binary.shape[1])]
    chars = [(i, x) for i, (ch, _, x) in enumerate(got.chars) if ch not in ("-", ".")]
    out: list[Slot] = []
    surplus = 0
    for r, want in enumerate(row_chars):
        cols = dropped.columns(binary, bounds[r], bounds[r + 1])
        row = [(i, x) for i, x in chars if bounds[r] <= x < bounds[r + 1]]
        if len(cols) != want or len(row) not in (want, want + 1):
            return None
        mids = [c[0] + c[2] / 2 for c in cols]
        if len(row) == want + 1:
            surplus += 1
            kept = _without_stray(row, cols)
            if kept is None:
                return None
            row = kept
        if any(abs(x - m) > REACH * TEXT_HEIGHT for (_, x), m in zip(row, mids, strict=True)):
            return None
        out += [(i, r, k, cols[k]) for k, (i, _) in enumerate(row)]
    return out if surplus <= 1 else None


def _without_stray(row: list[tuple[int, float]], cols: list[tuple[int, int, int, int]]
                   ) -> list[tuple[int, float]] | None:
    """The row without its one character on no glyph of its own: the only one beyond the
    row's first or last glyph whose nearest glyph holds a nearer character; ``None`` when no
    such character, or more than one. A character between two glyphs may be one the mask
    lost (round 19 v1: '12R454.06', its 0 in a gap of the local look's 7 blobs, made the wrong
    12R4546), and two inside one glyph's columns two glyphs blur merged."""
    mids = [c[0] + c[2] / 2 for c in cols]
    near = [min(range(len(mids)), key=lambda k: abs(x - mids[k])) for _, x in row]
    strays = [j for j, (_, x) in enumerate(row)
              if (x < cols[0][0] or x > cols[-1][0] + cols[-1][2])
              and any(near[o] == near[j] and abs(row[o][1] - mids[near[j]]) < abs(x - mids[near[j]])
                      for o in range(len(row)) if o != j)]
    if len(strays) != 1:
        return None
    return [c for j, c in enumerate(row) if j != strays[0]]


def _fitted(ch: str, kind: str) -> str | None:
    """``ch`` as a slot of ``kind`` takes it: as is, or by the grammar's look-alike table."""
    if kind == "digit":
        return ch if ch in _DIGITS else TO_DIGIT.get(ch)
    if kind == "letter":
        return TO_LETTER.get(ch) if ch in _DIGITS else ch
    return ch


def checked(got: LineRead, binary: Frame, starts: list[float], lines: Lines,
            classify: latin.Classify | None = None
            ) -> tuple[Candidate, LineRead, list[str]] | None:
    """The repair-free VN plate ``got`` reads slot by slot on its crop's glyphs (see the
    module), with the read it makes and its rows' texts; ``None`` where the read is not
    laid one a glyph, a slot is opposed, or its repairs are not the classifier's."""
    slots = aligned(got, binary, starts, lines.row_chars)
    if slots is None:
        return None
    guesses = latin.guesses([latin.box_image(binary, box) for *_, box in slots], classify)
    if guesses is None:
        return None
    out = list(got.chars)
    pad = len(got.chars)
    margins = [*got.margins, *[0.0] * (pad - len(got.margins))]
    alts = [*got.alts, *[()] * (pad - len(got.alts))]
    keep = {i for i, *_ in slots} | {i for i, (ch, _, _) in enumerate(got.chars)
                                     if ch in ("-", ".")}
    changed, opposed = False, False
    for (i, r, k, _), guess in zip(slots, guesses, strict=True):
        ch = got.chars[i][0]
        kind = dropped.slot_kind(lines.layout, r, k)
        want = _fitted(ch, kind)
        if k < 2 and r == 0 and ch not in _DIGITS:
            return None  # a VN plate's province code is eng's own two digits (not a 桂's junk)
        if want == ch:
            opposed = opposed or recut.share_of(guess.shares, kind, ch) < recut.OPPOSED
            continue
        pick = dropped.named(guess.shares, kind)
        if pick is None or pick[1] < latin.TRUST:
            return None  # a repair, or a misfit, the classifier does not name
        out[i] = (pick[0], pick[1], got.chars[i][2])
        margins[i] = 0.0
        alts[i] = ((pick[0], pick[1]),)
        changed = True
    if (not changed and len(keep) == len(got.chars)) or (changed and opposed):
        # eng's read as it is (the grammar's own); or repaired where the classifier opposes
        # one of eng's own characters (36Z-7526's 3 read 4, its Z read 7: 46Z7526).
        return None
    order = sorted(keep)
    new = replace(got, text="".join(out[i][0] for i in order),
                  chars=tuple(out[i] for i in order),
                  margins=tuple(margins[i] for i in order),
                  alts=tuple(alts[i] for i in order),
                  conf=min(LONE, line_conf([out[i][1] for i in order
                                            if out[i][0] not in ("-", ".")])))
    texts = split_rows(new, starts, len(lines.gray))[0]
    text = clean("".join(texts))
    cands = rules.vn_plates(text, after_series=False)
    if (not cands or cands[0].cost or cands[0].plate != text or text.isdigit()
            or not rules.vn_rows_fit(lines, texts)):
        return None
    return cands[0], new, texts


def vn_read(vn: Candidate | None, got: LineRead, texts: list[str], binary: Frame,
            starts: list[float], lines: Lines
            ) -> tuple[Candidate | None, LineRead, list[str], bool]:
    """The VN plate ``CropReader._read_lines`` grades, the read it comes from, its rows' texts
    and whether it is ``checked`` (this module's): a row read one glyph short filled
    (``dropped.vn_filled``, round 15); else, where eng's plate is repaired, unread or not one
    character a blob, the plate the read makes slot by slot (``checked``); else eng's own."""
    filled = dropped.vn_filled(got, binary, starts, lines)
    if filled is not None:
        return (*filled, False)
    if vn is not None and vn.cost == 0 and len(vn.plate) == lines.chars:
        return vn, got, texts, False
    if clean("".join(texts)).isdigit() and not (lines.layout == "2-line"
                                                and rules.vn_rows_fit(lines, texts)):
        # A row of digits only is a painted number unless the LSTM offered the series letter
        # (``rules.series_from_choices``): the classifier naming one is no such offer (v3 read
        # a plate-free frame's digits as 19D06868 at 0.70, two checked reads agreeing).
        return vn, got, texts, False
    slotted = checked(got, binary, starts, lines)
    if slotted is not None and (vn is None or slotted[0].plate != vn.plate):
        # The grammar's own repair naming the same plate stays the grammar's: its agreements
        # kept their confidence (v1 capped two of seed 555's out of the band).
        return (*slotted, True)
    return vn, got, texts, False
