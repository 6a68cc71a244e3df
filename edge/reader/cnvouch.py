"""A 2-row Chinese plate's bottom row vouched for by the Latin classifier, not chi_sim.

Why (round 26, speed): a Chinese easy frame is the set's median frame, and a 2-row plate's
chi_sim reads are two row calls (~9 ms the top row, ~11 the bottom: the dearest calls of
the frame). The top row names the province, which eng cannot read; the bottom row is read
only as the tail's second look, to agree with eng's (``cntails.two_row``): where they
agree the read is seconded and ends the search with no binary eng call
(``CropReader._seconded``). Where eng read the bottom row with no hesitation (every
character ahead of its LSTM runner-up by ``MARGIN``, at ``SURE`` or more) and the Latin
classifier, a third model, names every one of its five glyphs as eng read it, the classifier
stands as that second look, as it does for a VN grey read (``wholevouch``, round 24), and
chi_sim's bottom-row call is spared: the row's "read" is eng's own text at the confidence of
the plate's Latin letters (the top-row letter with the five), so the two tails agree by
construction.

Only on the grey (first) read, on a tail no shape judge or classifier relabelled, on a row
Tesseract did not take for noise; only under a province chi_sim's top-row read named and the
province classifier names too (``province_sure``), at ``FLOOR`` or more (``chinese._province``
asks). ``ENABLED`` is the switch (tests, paired timing runs).
"""

from __future__ import annotations

from edge.reader.base import ACT, Frame
from edge.reader.claims import MARGIN, SURE
from edge.reader.engines import LineRead, line_conf
from edge.reader.latin import LatinClassifier, blob_image
from edge.reader.province import ProvinceGuess
from edge.reader.provlooks import CLASSIFIER_MARGIN
from edge.reader.rowcut import glyphs_at
from edge.reader.vouch import named_as_read

#: Switch: off, chi_sim reads a 2-row plate's bottom row as before.
ENABLED = True
#: A 2-row Chinese plate's bottom row: exactly this many letters and digits.
BOTTOM = 5
#: The least confidence (the province's and the row's) for the vouched row: seconded, a
#: read is graded ``1 - (1 - c)^2`` and ends the search, so under this it would end under
#: the band where chi_sim's row read, disagreeing, sent it on to a binary read that reached
#: the band (川LG1FBG, 3101 easy: 0.95 -> 0.76 without it); ``wholevouch.FLOOR``'s reason.
FLOOR = 1 - (1 - ACT) ** 0.5
#: The cache key ``chinese._province`` takes the vouched bottom row from.
KEY = "vouched_bottom"


def province_sure(guess: ProvinceGuess | None, province: str) -> bool:
    """Whether the province classifier names ``province`` itself, at ``CLASSIFIER_MARGIN``:
    the read's province confirmed with no chi_sim glyph call (``province_confirmed``), so the
    seconded read is not held under the band for its province. Where it does not, chi_sim's
    bottom row is read as before."""
    return guess is not None and guess.char == province and guess.margin >= CLASSIFIER_MARGIN


def bottom(tail: LineRead, binary: Frame, starts: list[float],
           clf: LatinClassifier | None = None) -> LineRead | None:
    """eng's bottom row as the row read chi_sim would have given, when vouched; else None.

    ``tail``: eng's read of the joined rows (as read, not relabelled); ``binary``: the joined
    rows' mask; ``starts``: where the bottom row's part of the line begins (one start: two
    rows). ``None`` when off, not two rows, a character hesitated or is under ``SURE``, the
    row holds other than five letters and digits, or the classifier names a glyph otherwise.
    """
    if not ENABLED or len(starts) != 1 or tail.kept:
        return None
    chars = [(ch, c, x, m) for (ch, c, x), m in zip(tail.chars, tail.margins, strict=False)
             if x >= starts[0]]
    if len(chars) != BOTTOM or any(not ch.isalnum() or not ch.isascii() or c < SURE
                                   or m < MARGIN for ch, c, _, m in chars):
        return None
    blobs = []
    for _, _, x, _ in chars:
        blob = max(glyphs_at(binary, x), key=lambda b: b.shape[0], default=None)
        if blob is None:
            return None
        blobs.append(blob_image(blob))
    if not named_as_read(blobs, [ch for ch, _, _, _ in chars], clf):
        return None
    # At the confidence of the Latin letters the plate is built from (the top row's letter
    # too: ``cntails.tail_stats``), which caps the read: over ``FLOOR`` its seconded grade
    # reaches the band (v3 at the bottom row's own: 桂B2G0LZ, 3404 easy, its top-row letter
    # unsure, seconded at 0.79 where chi_sim's disagreeing row had sent it to 0.91).
    top = [c for (_, c, x) in tail.chars if x < starts[0]][-1:]
    return LineRead("".join(ch for ch, _, _, _ in chars),
                    line_conf(top + [c for _, c, _, _ in chars]))
