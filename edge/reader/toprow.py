"""A Chinese tail's slots with no LSTM choice, vouched for by chi_sim's row read.

Why: eng's LSTM gives some characters no choice at all (every choice ~0): on a 2-row
Chinese plate always the top-row letter beside the province's junk (桂B79717's B), often
the first letter of a 1-row plate's tail (粤B7M4T5's B) or a glyph beside a gap. Counted
as margin 0, such a slot made the read a hesitation: chi_sim's tail never seconded the
grey read, and two preprocessings agreeing were capped at ``CONTESTED`` (0.75), which never
ends the search, so every other candidate of the frame was read too (4-10 Tesseract calls
on the Chinese easy frames above the median; docs/reader-journal.md, round 16, speed).
Where chi_sim's own row read holds the same characters as eng's tail, with the plate's
province (a 2-row plate's top row and bottom row each on its own; the plate's top-row
letter is chi_sim's there anyway, ``cntails.two_row_pool``), a second model has read those
slots, and they are no hesitation.

Not alone: round 15 settled such a slot with the Latin classifier and a confident wrong
character elsewhere came into the band (桂X7S602 read 桂X75602 at 0.96: eng's 5 led its
runner-ups 8 and S by 0.21, chi_sim read 5 too). So the Latin classifier looks at every
tail character (``unopposed``), and where it names one as another character (>= its
``TRUST``) nothing is settled (docs/reader-journal.md, round 17).
"""

from __future__ import annotations

from domain.plate_candidates import Candidate, clean, province_of
from edge.reader import latin
from edge.reader.base import Frame
from edge.reader.claims import MARGIN
from edge.reader.cntails import tail_stats
from edge.reader.engines import LineRead, split_rows
from edge.reader.glyphs import LATIN
from edge.reader.lookalikes import hesitations, tail_of
from edge.reader.rowcut import glyphs_at


def margin(tail: LineRead, starts: list[float], binary: Frame, cn_raw: str, cand: Candidate,
           rows: list[list[tuple[float, float]]], least: float) -> float:
    """A Chinese read's tail margin (``cntails.tail_stats``: ``least``, from eng's ``rows``)
    with eng's slots that have no LSTM choice counted as no hesitation where chi_sim's row
    read holds the same characters (``vouched``) and the Latin classifier opposes none of
    the tail's characters (``unopposed``; asked only when the margin would then reach
    ``MARGIN``: where a character still hesitates, nothing changes).
    ``tail``: eng's read of the joined rows as the tail was judged; ``binary``: its mask;
    ``cn_raw``: ``cntails``' raw reads, chi_sim's rows before the ``|``."""
    two_rows = len(rows) > 1
    cjk = cn_raw.split("|")[0].split("/")
    eng = tail_of(tail, starts, two_rows, len(cand.plate) - 1, cand.trimmed)
    top, bottom = vouched(eng, cjk, cand, two_rows)
    if not (top or bottom):
        return least
    hes = split_rows(hesitations(tail), starts, len(rows))[1]
    if two_rows:
        hes = [hes[0] if top else rows[0]] + (hes[1:] if bottom else rows[1:])
    settled = tail_stats(hes, cand, two_rows)[1]
    if settled < MARGIN or not unopposed(eng, binary):
        return least
    return settled


def vouched(eng: LineRead, cjk: list[str], cand: Candidate, two_rows: bool
            ) -> tuple[bool, bool]:
    """Whether chi_sim's rows (``cjk``) read what eng's tail (``lookalikes.tail_of``) reads,
    character for character, with the plate's province, as the plate ``cand`` has them: on
    a 2-row plate the top row's letter and the bottom row's five apart; on a 1-row plate
    the whole row (a read the two models' plates merely tie on, repaired, is no vouching)."""
    text = clean(eng.text)
    if len(text) != len(cand.plate) - 1:
        return False, False
    if not two_rows:
        same = province_of(cjk[0]) == cand.plate[0] and clean(cjk[0]) == text == cand.plate[1:]
        return same, same
    top = province_of(cjk[0]) == cand.plate[0] and clean(cjk[0])[-1:] == text[:1] == cand.plate[1]
    bottom = len(cjk) > 1 and clean(cjk[1])[-5:] == text[1:] == cand.plate[-5:]
    return top, bottom


def unopposed(tail: LineRead, binary: Frame, clf: latin.LatinClassifier | None = None
              ) -> bool:
    """Whether the Latin classifier names none of ``tail``'s characters as another
    character at ``latin.TRUST`` or more (``False`` without training fonts)."""
    blobs: list[Frame] = []
    chars: list[str] = []
    for ch, _, cx in tail.chars:
        blob = max(glyphs_at(binary, cx), key=lambda b: b.shape[0], default=None)
        if blob is not None and ch in LATIN:
            blobs.append(latin.blob_image(blob))
            chars.append(ch)
    if not blobs:
        return True
    try:
        guesses = (clf or latin.shared()).classify(blobs)
    except RuntimeError:
        return False
    return not any(g.char not in (None, ch) and g.confidence >= latin.TRUST
                   for g, ch in zip(guesses, chars, strict=True))
