"""A 2-row Chinese plate's top-row letter that one model alone read: a doubt on the read.

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

So the letter needs a second look of its own: both models' top rows ending in it, or the
Latin classifier naming eng's top-row glyph as it, clearly (``cnlook.judge`` at
``cntails.TOP``: ``latin.TRUST`` and a lead of ``cnlook.CLEAR``). Where neither holds, the
read keeps its plate but loses its lead, as ``disputes.doubted`` does: never sure alone,
never seconded, two preprocessings agreeing capped at ``CONTESTED``. Not a change of the
letter: a lone eng letter the classifier names otherwise (云Z57894's L, named Z at 1.0) is
one model against one (round 14: each right about half the time).
"""

from __future__ import annotations

from dataclasses import replace

from domain.plate_candidates import clean
from edge.reader.claims import MARGIN, CropRead
from edge.reader.cntails import TOP
from edge.reader.lookalikes import Judge


def letters(raw: str) -> tuple[str, str]:
    """chi_sim's and eng's top-row letters (their rows' last letter or digit, or '') in a
    2-row Chinese read's raw text (``cntails.two_row``: ``cjk rows|eng rows``)."""
    cjk, _, latin = raw.partition("|")
    return clean(cjk.split("/")[0])[-1:], clean(latin.split("/")[0])[-1:]


def confirmed(read: CropRead, judge: Judge | None) -> bool:
    """Whether ``read``'s top-row letter has a second look: both models' top rows end in it,
    or the Latin classifier clearly names eng's top-row glyph as it (``judge``)."""
    letter = read.cand.plate[1:2]
    cjk, eng = letters(read.raw)
    if cjk == eng == letter:
        return True
    return judge is not None and judge(TOP, letter + letter) == letter


def held(read: CropRead, judge: Judge | None) -> CropRead:
    """``read`` (a 2-row Chinese crop read) with no lead where its top-row letter has no
    second look (``confirmed``); a read already hesitant is left as it is (the classifier's
    call spared: the doubt would change nothing)."""
    if read.margin < MARGIN and not read.seconded:
        return read
    if confirmed(read, judge):
        return read
    return replace(read, margin=0.0, sure=False, settled=False, seconded=False, vouched=False)
