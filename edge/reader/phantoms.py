"""Characters eng read on blank paper between a 2-row plate's rows, dropped.

Why: a 2-row plate is read as one line, its rows pasted side by side with a blank gap two
characters wide (``segment.joined``), and each character's x says which row it came from
(``engines.split_rows``). The LSTM now and then emits a character in that blank gap with
no choice confidence at all (every choice under ``lookalikes.UNKNOWN``): an 8 or a 6 some
50-60 px from any ink (check 31337's hard 桂W2050D, binary 'W82056D' and adaptive
'4W82050D', the 8 at x 270 with ink from 325 on). Past the gap's middle it joins the bottom
row, which then reads six characters for five glyphs; ``cntails.two_row_pool`` trims it as a
repair, and chi_sim's tail (its 0s read 6: 26560) won at no repair, in both preprocessings:
two reads agreeing on chi_sim's one shared row read, 桂W2656D at 0.75.

Only on the bottom row, where it reads more characters than the segmentation counted blobs
in it (``Lines.row_chars``) and than the five it holds, only unknown slots, only at least
``INK_NEAR`` from any ink of the row's mask, and no more of them than the row's excess: the
LSTM places a row's first character roughly too, up to ~30 px into the gap (tuning 777's
桂H04BX4: its 0 read J at x 284, ink from 316), but that row read as many characters as it
has glyphs; the top row's junk (the province read as letters) is never judged.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from domain.plate_candidates import clean
from edge.reader.base import Frame
from edge.reader.engines import LineRead
from edge.reader.lookalikes import UNKNOWN
from edge.reader.segment import TEXT_HEIGHT

#: Least distance (px, at the rows' ~60 px character height) from a phantom's x to ink.
INK_NEAR = TEXT_HEIGHT // 4
#: A 2-row plate's bottom row holds five characters: a row the segmentation counted short
#: (two glyphs merged) reads five, none of them phantoms (check 31337's hard 川A86505: its 8
#: placed 30 px into the gap, the row counted 4 blobs).
BOTTOM = 5


def dropped(got: LineRead, binary: Frame, starts: list[float], counts: tuple[int, ...]
            ) -> LineRead:
    """``got`` without the characters it read on blank paper in a row read long (see the
    module's doc). ``binary``: the joined rows as the segmentation's mask (dark ink on
    white, ``got``'s geometry); ``starts``: where each later row begins; ``counts``: the
    segmentation's blobs per row."""
    if not starts or len(counts) != len(starts) + 1:
        return got
    ink = np.flatnonzero((np.asarray(binary) < 128).any(axis=0))
    rows: list[list[int]] = [[] for _ in counts]
    for i, (ch, _, x) in enumerate(got.chars):
        if clean(ch):
            rows[sum(x >= s for s in starts)].append(i)
    drop: set[int] = set()
    for found, count in zip(rows[1:], counts[1:], strict=True):  # never the province's row
        excess = sum(len(clean(got.chars[i][0])) for i in found) - max(count, BOTTOM)
        if excess <= 0:
            continue
        blank = sorted((_distance(ink, got.chars[i][2]), i) for i in found
                       if _unknown(got, i) and _distance(ink, got.chars[i][2]) >= INK_NEAR)
        drop |= {i for _, i in blank[::-1][:excess]}
    if not drop:
        return got
    keep = [i for i in range(len(got.chars)) if i not in drop]
    return replace(got, text="".join(got.chars[i][0] for i in keep),
                   chars=tuple(got.chars[i] for i in keep),
                   margins=tuple(got.margins[i] for i in keep if i < len(got.margins)),
                   alts=tuple(got.alts[i] for i in keep if i < len(got.alts)))


def _unknown(got: LineRead, i: int) -> bool:
    """Whether the LSTM gave slot ``i`` no choice at all (every choice under UNKNOWN)."""
    alts = got.alts[i] if i < len(got.alts) else ()
    return bool(alts) and all(c < UNKNOWN for _, c in alts)


def _distance(ink: np.ndarray, x: float) -> float:
    """Distance from ``x`` to the nearest ink column (infinite on a blank line)."""
    return float(np.abs(ink - x).min()) if ink.size else float("inf")
