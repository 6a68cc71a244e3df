"""A glyph eng dropped: a row read one character short of its blobs, the blob it skipped named
by the Latin glyph classifier (docs/reader-journal.md, round 15).

Why: on small, blurred rows Tesseract's eng LSTM sometimes reads every glyph but one, which it
leaves out altogether (not a misread: no character, no runner-up). A 2-row VN plate's top row
'12A' read '2A' (its leading 1 dropped), a 1-row '29Z-540.90' read '292-5409' (the last 0):
the read no longer fits the grammar, or fits a shorter plate. The segmentation has counted the
row's blobs, and the read's characters each sit on one of them (their x), so the blob no
character sits on is the one dropped, and the Latin classifier (``latin.py``) names it. No
Tesseract call: one classifier batch (~1 ms).

Only when the rest of the row maps one to one onto its blobs (one character a blob) and the
classifier names the blob, read as its slot's kind (a digit where a VN plate has a digit, a
letter at the series), at ``SHARE`` or more; the filled character has no lead over a runner-up
(margin 0), so a read holding it is never sure alone.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from domain.plate_candidates import TO_DIGIT, TO_LETTER, Candidate, clean
from edge.reader import latin, rules
from edge.reader.base import Frame
from edge.reader.engines import LineRead, line_conf, split_rows
from edge.reader.inkmemo import Memo
from edge.reader.rowcut import TEXT_HEIGHT
from edge.reader.segment import Lines

#: Least share of the classifier's votes for the filled character (its look-alikes that the
#: slot's kind maps onto it counted in: a 1 named J in a digit's slot).
SHARE = 0.6
#: A blob column's height, in row character heights (rows are cut to ~``TEXT_HEIGHT`` px).
LOW, HIGH = 0.55, 1.5

#: The farthest a read character may sit from the blob it is laid on (character heights).
REACH = 0.75
#: Two ways of laying the read on the blobs whose classifier votes differ by less than this
#: (summed shares) and that fill in different texts: the read is left as it is.
TIE = 0.5

_DIGITS = "0123456789"


def columns(binary: Frame, x0: float, x1: float) -> list[tuple[int, int, int, int]]:
    """The glyph-sized ink columns (x, y, w, h) between ``x0`` and ``x1`` of a read's line
    image (the segmentation's mask, dark ink on white): blobs overlapping in x are one glyph
    (a character broken in two by blur). Kept for a row asked again (``inkmemo``, round 25)."""
    a, b = max(0, int(x0)), min(binary.shape[1], int(x1))
    return list(_COLUMNS.get(binary, (a, b), lambda: _columns(binary, a, b)))


_COLUMNS = Memo()


def _columns(binary: Frame, a: int, b: int) -> tuple[tuple[int, int, int, int], ...]:
    """``columns`` computed, ``a`` and ``b`` within the row."""
    ink = np.ascontiguousarray(binary[:, a:b] < 128, np.uint8)
    n, _, table, _ = cv2.connectedComponentsWithStats(ink, connectivity=8, ltype=cv2.CV_32S)
    h, w = ink.shape
    boxes = sorted(
        (int(x), int(y), int(bw), int(bh)) for x, y, bw, bh, area in table[1:n].tolist()
        if area >= 12 and x > 0 and y > 0 and x + bw < w and y + bh < h)
    merged: list[list[int]] = []
    for x, y, bw, bh in boxes:
        if merged:
            m = merged[-1]
            overlap = min(m[0] + m[2], x + bw) - max(m[0], x)
            if overlap >= 0.5 * min(bw, m[2]):
                x1_, y1_ = max(m[0] + m[2], x + bw), max(m[1] + m[3], y + bh)
                m[0], m[1] = min(m[0], x), min(m[1], y)
                m[2], m[3] = x1_ - m[0], y1_ - m[1]
                continue
        merged.append([x, y, bw, bh])
    return tuple((x + a, y, bw, bh) for x, y, bw, bh in merged
                 if LOW * TEXT_HEIGHT <= bh <= HIGH * TEXT_HEIGHT and bw <= HIGH * TEXT_HEIGHT)


def slot_kind(layout: str, row: int, index: int) -> str:
    """What a VN plate holds at ``index`` of row ``row``: "digit", "letter" or "any"."""
    if layout == "2-line" and row > 0:
        return "digit"
    if index < 2:
        return "digit"
    if index == 2:
        return "letter"
    return "any" if index == 3 or layout == "2-line" else "digit"


def named(shares: dict[str, float], kind: str) -> tuple[str, float] | None:
    """The character the classifier's votes name for a slot of ``kind``, with its share (its
    look-alikes of the other kind counted in, as the grammar maps them), or None."""
    score: dict[str, float] = {}
    for ch, s in shares.items():
        if kind == "digit" and ch not in _DIGITS:
            ch = TO_DIGIT.get(ch, "")
        elif kind == "letter" and ch in _DIGITS:
            ch = TO_LETTER.get(ch, "")
        if ch:
            score[ch] = score.get(ch, 0.0) + s
    if not score:
        return None
    best = max(score, key=lambda c: score[c])
    return best, score[best]


def fill(got: LineRead, binary: Frame, starts: list[float], row_chars: tuple[int, ...],
         layout: str, classify: latin.Classify | None
         = None) -> LineRead:
    """``got`` with the one glyph a row's read skipped filled in (see the module), or ``got``.

    ``binary``: the read's line as the segmentation's mask; ``starts``: where each later row
    begins in it (``segment.joined``); ``row_chars``: the segmentation's count per row;
    ``classify``: the Latin classifier's ``classify`` (tests), else the shared classifier's.

    Which blob was skipped: Tesseract places a character only roughly (a '2' read over a
    row's '1' and '2' sits between them), so every blob is tried as the skipped one, the
    read's characters laid in order on the others, and the classifier's votes for the read's
    characters on their blobs choose; two choices about as good that fill in different
    texts leave the read as it is.
    """
    if not got.chars or len(row_chars) != len(starts) + 1:
        return got
    bounds = [0.0, *starts, float(binary.shape[1])]
    chars = [(ch, x) for ch, _, x in got.chars if ch not in ("-", ".")]
    short: tuple[int, list[tuple[str, float]]] | None = None
    for r, want in enumerate(row_chars):
        row = [(ch, x) for ch, x in chars if bounds[r] <= x < bounds[r + 1]]
        if len(row) == want:
            continue
        if len(row) != want - 1 or short is not None or want < 2:
            return got
        short = (r, row)
    if short is None:
        return got
    r, row = short
    cols = columns(binary, bounds[r], bounds[r + 1])
    if len(cols) != row_chars[r]:
        return got
    guesses = latin.guesses([latin.box_image(binary, box) for box in cols], classify)
    if guesses is None:
        return got
    options: list[tuple[float, float, str, int, float]] = []  # score, -dist, text, k, share
    for k in range(len(cols)):
        rest = [j for j in range(len(cols)) if j != k]
        dist = [abs(x - (cols[j][0] + cols[j][2] / 2)) for (_, x), j in zip(row, rest, strict=True)]
        pick = named(guesses[k].shares, slot_kind(layout, r, k))
        if max(dist, default=0.0) > REACH * TEXT_HEIGHT or pick is None:
            continue
        score = sum(guesses[j].shares.get(ch, 0.0) for (ch, _), j in zip(row, rest, strict=True))
        text = "".join(ch for ch, _ in row[:k]) + pick[0] + "".join(ch for ch, _ in row[k:])
        options.append((score, -sum(dist), text, k, pick[1]))
    if not options:
        return got
    options.sort(reverse=True)
    score, _, text, k, share = options[0]
    if share < SHARE or any(o[2] != text and o[0] >= score - TIE for o in options[1:]):
        return got
    x, _, w, _ = cols[k]
    new = (text[k], share, x + w / 2)
    at = next((i for i, (_, _, cx) in enumerate(got.chars) if cx > x + w / 2), len(got.chars))
    out = list(got.chars)
    out.insert(at, new)
    margins, alts = list(got.margins), list(got.alts)
    margins.insert(at, 0.0)
    alts.insert(at, ((new[0], share),))
    return replace(got, text="".join(c for c, _, _ in out), chars=tuple(out),
                   margins=tuple(margins), alts=tuple(alts),
                   conf=line_conf([c for t, c, _ in out if t not in ("-", ".")]))


def vn_filled(got: LineRead, mask: Frame, starts: list[float], lines: Lines
              ) -> tuple[Candidate, LineRead, list[str]] | None:
    """The VN plate a row read one glyph short makes with the skipped blob named (``fill``):
    repair-free, its rows fitting the crop, not a row of digits on one line (a painted
    number, ``rules.series_from_choices``); else ``None``. Chinese tails are left as read."""
    filled = fill(got, mask, starts, lines.row_chars, lines.layout)
    if filled is got:
        return None
    texts = split_rows(filled, starts, len(lines.gray))[0]
    text = clean("".join(texts))
    cands = rules.vn_plates(text, after_series=rules.extra_after_series(lines.layout, texts))
    if (not cands or cands[0].cost or (text.isdigit() and lines.layout == "1-line")
            or not rules.vn_rows_fit(lines, texts)):
        return None
    return cands[0], filled, texts
