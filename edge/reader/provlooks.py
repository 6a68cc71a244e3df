"""The province glyph's own looks: the classifier's guess and chi_sim's read of the glyph alone.

Why apart from ``chinese``: a Chinese plate's province is named first by chi_sim's read of
the whole row (``chinese._province``); these are the second looks that confirm, replace or
dispute it, asked by ``chinese`` and by the rules after it (``agreement``, ``choose``,
``slotwise``, ``cnletter``). Each is paid for once per candidate, in the candidate's
``cache`` ("class": the classifier's guess, "glyph": chi_sim's glyph read).
"""

from __future__ import annotations

import cv2
import numpy as np

from domain.plate_candidates import province_of
from edge.reader.base import Frame
from edge.reader.disputes import province_disputed
from edge.reader.engines import LineEngine
from edge.reader.glyphcut import cut_candidates, read_province
from edge.reader.province import ProvinceGuess, shared
from edge.reader.segment import TEXT_HEIGHT, Lines

#: Width of the province glyph after its first ink, in text heights (a CJK glyph is about
#: as wide as it is tall, and a Latin capital is ~0.75 of a CJK glyph's height).
GLYPH_WIDTH = 1.2

#: A glyph read alone is forced into a province (the whitelist): below this it may be
#: anything, a clutter letter or a bolt (it named 吉 on a plate-free test frame).
GLYPH_SURE = 0.9

#: The province classifier's guess is a second look at the glyph from this margin on (its
#: share of the neighbours' votes minus the runner-up's).
CLASSIFIER_MARGIN = 0.5


def glyph_image(lines: Lines) -> Frame:
    """The first row's leading glyph, on white: where the province character is."""
    row = lines.gray[0]
    x1 = min(row.shape[1], lines.lead + int(GLYPH_WIDTH * TEXT_HEIGHT))
    return np.asarray(cv2.copyMakeBorder(row[:, :x1], 0, 0, 0, 12, cv2.BORDER_CONSTANT,
                                         value=255), np.uint8)


def glyph_read(engine: LineEngine, lines: Lines) -> tuple[str, float]:
    """chi_sim's read of the province glyph alone: (text, confidence).

    On a 1-row plate the province cutter's likeliest cut (``glyphcut``) is read first: the
    series letter stands right after the province there, and the window of ``GLYPH_WIDTH``
    from the row's first ink (``glyph_image``) takes part of it in, which the single-glyph
    read then doubts (true quads of 1-row plates, seeds 999/777/4242: the province named at
    >= GLYPH_SURE from the window on 10 of 47 easy and 8 of 43 hard plates, from the cut on
    28 and 18, none wrong either way). The window is still read where the cut's read is
    under GLYPH_SURE (a cut of 桂 read 0.80 that the window read 0.94), the more confident
    kept. On a 2-row plate the letter is two characters away: the window alone (20 of 35
    easy against the cut's 17). docs/reader-journal.md, round 14.
    """
    cut: tuple[str, float] | None = None
    if lines.layout == "1-line":
        cuts = cut_candidates(lines.gray[0])
        if cuts:
            cut = engine.glyph(np.asarray(cv2.copyMakeBorder(
                cuts[0], 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=255), np.uint8))
            if cut[1] >= GLYPH_SURE and province_of(cut[0]) is not None:
                return cut
    window = engine.glyph(glyph_image(lines))
    if cut is None:
        return window
    return max(cut, window, key=lambda r: (province_of(r[0]) is not None, r[1]))


def glyph_cached(engine: LineEngine, lines: Lines, cache: dict[str, object]
                 ) -> tuple[str, float]:
    """``glyph_read`` paid for once per candidate (kept in ``cache``)."""
    if "glyph" not in cache:
        cache["glyph"] = glyph_read(engine, lines)
    return cache["glyph"]  # type: ignore[return-value]


def province_confirmed(engine: LineEngine, lines: Lines, cache: dict[str, object],
                       province: str) -> bool:
    """Whether the glyph read alone names the same province as the row read did.

    Why before a Chinese read may be acted on alone: chi_sim reading the row names a wrong
    province with high confidence now and then (吉 for 粤 at 0.94 on a generated frame), and the
    letters' agreement between preprocessings says nothing about the province (they share
    one chi_sim read). The glyph alone is a second, different look at it; chi_sim's glyph
    read is not, where the province classifier names another province (``disputes``).
    """
    return (second_opinion(engine, lines, cache, province, 0.0) is not None  # round 24:
            and not province_disputed(classified(lines, cache), province))  # another model


def second_opinion(engine: LineEngine, lines: Lines, cache: dict[str, object], province: str,
                   glyph_least: float) -> float | None:
    """The confidence of a second look naming ``province``, or ``None`` when none does:
    the classifier (at margin >= CLASSIFIER_MARGIN), else chi_sim's glyph read (at
    ``glyph_least``; each is paid for once per candidate, in ``cache``)."""
    guess = classified(lines, cache)
    if guess is not None and guess.char == province and guess.margin >= CLASSIFIER_MARGIN:
        return guess.confidence  # a second, different model names it: no chi_sim call
    alone = glyph_cached(engine, lines, cache)
    if province_of(alone[0]) == province and alone[1] >= glyph_least:
        return alone[1]
    return None


def classified(lines: Lines, cache: dict[str, object]) -> ProvinceGuess | None:
    """The province classifier's guess at the glyph (``None`` without training fonts).

    Why a classifier beside chi_sim: it is a different model (HOG + k-NN over other fonts,
    ``edge.reader.province``; every cut of the row's first glyph, ``glyphcut``), ~2.5 ms
    against ~7 ms for chi_sim's glyph call, so where it names the province chi_sim's row
    read named, that is an independent confirmation, and where it sees no province glyph at
    all chi_sim is not asked to force one.

    Not more: where chi_sim's glyph read was unsure (< 0.9), the classifier naming the same
    province does not make the plate (the row read had missed the province, and the letter
    with it: 云ZA02A4 read as 云LA02A4 at 0.75); nor is it the province's first source
    (seed 999, trusted at >= 0.8 in place of chi_sim's row read: 3 of 32 easy Chinese
    plates lost and 2 wrong reads in the >= 0.8 band: 粤 named 闽, and without chi_sim's
    tail to check eng's, G read as 6).
    """
    if "class" not in cache:
        try:
            cache["class"] = read_province(lines.gray[0], shared())
        except (RuntimeError, ValueError):  # no training fonts; an empty glyph crop
            cache["class"] = None
    return cache["class"]  # type: ignore[return-value]
