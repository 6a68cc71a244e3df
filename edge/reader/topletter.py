"""A 2-row Chinese plate's top-row letter another look names otherwise: a doubt on the read.

Why: a read at >= 0.8 may open a lane alone, and the band's worst class in rounds 25-27 was
a 2-row plate's top-row letter read as another letter (桂MS43SX read 桂NS43SX at 0.94,
云Z57894 read 云L57894 at 0.99, 桂JA7398 read 桂EA7398 at 0.99; docs/reader-journal.md,
round 28). The letter is one glyph that only one model read, yet the read came out as two
agreeing looks: ``cntails.two_row`` builds its pool from chi_sim's bottom row and eng's,
each under the one top letter it took (chi_sim's where its row named the province, else
eng's), so "the two models agree" there speaks of the bottom five only. Seconded by chi_sim's
tail (``CropReader._seconded``) or agreed by two preprocessings sharing chi_sim's one row read
(``agreement.agreed``), the lone letter rode into the band: chi_sim's row read nothing on
the top row and eng's letter stood alone (L for Z, E for J), or chi_sim's N stood against
eng's right M in every preprocessing, the Latin classifier unsure (H at 0.46).

So the letter's own evidence is weighed, and a read whose letter another look contradicts
loses its lead, as ``disputes.doubted`` does: never sure alone, never seconded, two
preprocessings agreeing capped at ``CONTESTED``. Contradicted: the two models' top rows end
in two different letters (a digit read as its letter, chi_sim's 5 for S), and the Latin
classifier does not clearly name the read's one (``latin.TRUST`` and a lead of ``cnlook.CLEAR``,
as ``cnlook.judge`` at ``cntails.TOP``); or the classifier names another letter at
``disputes.SHARE`` or more (云Z57894's lone L, named Z at 1.0). Not a change of the letter:
one model against one (round 14: each right about half the time).

v1 (every letter one model alone read needed the classifier's word) held three right band
reads of new seeds under it (桂TAD395 0.88, 贵SH3886 0.96, 桂MP402G 0.99): the classifier
names no glyph under eng's letter on some crops, calls an M an H (0.86-0.87, its fonts'
habit), and chi_sim's row read a digit for the S (now read as its letter). A lone letter
nothing contradicts stands; chi_sim's letter counts against eng's only where its row named
the province (v2 counted any: 川W2RG10, chi_sim's 'A' against eng's right W, 0.99 -> 0.75).
v3 left 桂JA7398 read 桂EA7398 at 0.99: eng's lone E placed in the blank left of the J, no
glyph under it for the classifier, so nothing contradicted it (as nothing contradicts
桂TAD395's right lone T); v4 asks the classifier of the next glyph right (``top_guess``).
"""

from __future__ import annotations

from collections.abc import Callable

from domain.plate_candidates import TO_LETTER, clean, province_of
from edge.reader import cnlook
from edge.reader.base import Frame
from edge.reader.claims import CropRead
from edge.reader.cnlook import CLEAR
from edge.reader.disputes import SHARE, hesitant, unled
from edge.reader.engines import LineRead
from edge.reader.latin import TRUST, LatinGuess
from edge.reader.rowcut import glyphs_at

#: The step (px) of the walk right from eng's top-row x to the next glyph (``top_guess``).
STEP = 2


def letters(raw: str) -> tuple[str, str]:
    """chi_sim's and eng's top-row letters in a 2-row Chinese read's raw text
    (``cntails.two_row``: ``cjk rows|eng rows``): each row's last letter or digit, a digit as
    the letter the grammar makes of it (``TO_LETTER``), '' where none or another digit (the
    province's junk: tuning 999's 粤S43LAF, chi_sim's top row '9')."""
    cjk, _, latin = raw.partition("|")
    tops = (TO_LETTER.get(c, c) for c in (clean(cjk.split("/")[0])[-1:],
                                          clean(latin.split("/")[0])[-1:]))
    cjk_top, eng_top = (c if c.isalpha() else "" for c in tops)
    return cjk_top, eng_top


def top_guess(tail: LineRead, binary: Frame, starts: list[float]) -> LatinGuess | None:
    """The Latin classifier's guess at eng's top-row glyph (its last letter or digit left of
    the bottom row, as ``cnlook.judge`` finds it at ``cntails.TOP``), or None. Where no whole
    glyph sits under eng's x, the top row's next glyph right of it (v4: 6412's 桂JA7398, eng's
    E placed at x 105 in the blank between 桂 and the J, whose ink starts at 134)."""
    xs = [x for ch, _, x in tail.chars if ch.isalnum() and starts and x < starts[0]][-1:]
    if not xs:
        return None
    x, end = xs[0], starts[0]
    while x < end and next(glyphs_at(binary, x), None) is None:
        x += STEP
    return cnlook.classified(binary, x, {}) if x < end else None


def contradicted(read: CropRead, guess: Callable[[], LatinGuess | None]) -> bool:
    """Whether another look names ``read``'s top-row letter otherwise: the other model's top
    row, the Latin classifier (``guess``, asked only here) not clearly siding with the read;
    or the classifier naming another character at ``disputes.SHARE``."""
    letter = read.cand.plate[1:2]
    cjk, eng = letters(read.raw)
    if cjk == eng == letter:
        return False
    named = guess()
    # chi_sim's letter stands against eng's only where its row named the province beside it,
    # as ``cntails.two_row_pool`` takes it (v2 without this: scan 5476's 川W2RG10, chi_sim's
    # top row 'A' alone, held at 0.75; main 0.99)
    top_row = read.raw.partition("|")[0].split("/")[0]
    against = bool(cjk and eng and cjk != eng and province_of(top_row))
    if named is None or named.char is None:
        return against
    if named.char == letter and named.confidence >= TRUST and named.margin >= CLEAR:
        return False
    return against or (named.confidence >= SHARE and named.char != letter)


def held(read: CropRead, tail: LineRead, binary: Frame, starts: list[float]) -> CropRead:
    """``read`` (a 2-row Chinese crop read from eng's ``tail``, ``binary`` its mask, ``starts``
    its rows' x) with no lead where its top-row letter is ``contradicted``; a read already
    hesitant is left as it is (the classifier's call spared: the doubt would change nothing)."""
    if hesitant(read):
        return read
    return unled(read) if contradicted(read, lambda: top_guess(tail, binary, starts)) else read
