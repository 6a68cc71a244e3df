"""Small rules the reader applies to one Tesseract read, each measured (see the docstrings).

Kept apart from :mod:`edge.reader.tesseract` so the reading loop stays readable; pure
functions of a read and the segmentation, no Tesseract calls.
"""

from __future__ import annotations

import re

from domain.plate_candidates import Candidate, clean, vn_candidates
from domain.plates import VN_SERIES
from edge.reader.cntails import MAX_COST
from edge.reader.engines import LineRead
from edge.reader.segment import Lines

#: Least LSTM choice confidence for a series letter offered behind a digit.
SERIES_ALT = 0.3
VN_SERIES_LETTERS = frozenset(VN_SERIES + "R")
#: Where the character after a VN plate's series falls in its cleaned text (its dash's place).
DASH = 3
#: A first read with fewer digits than this that fits no plate is not read again.
HOPELESS = 2


def series_from_choices(got: LineRead, text: str, *, after_series: bool = False
                        ) -> list[Candidate]:
    """A one-line row of digits only, made a VN plate by a letter the LSTM itself offered
    for the series slot (the third character), at a confidence of at least SERIES_ALT.

    Why: a series letter read as a digit (T as 7, G as 6, U as 0) left such a plate
    unread, since inventing the letter would turn painted phone numbers into plates; a
    letter among the model's own choices for that very character is evidence, not
    invention (measured: T 0.80 behind 7, G 0.55, U 0.90). Counted as a correction.
    """
    alts = [a for (ch, _, _), a in zip(got.chars, got.alts, strict=False) if clean(ch)]
    if len(alts) != len(text):
        return []
    out: list[tuple[Candidate, int]] = []
    for i in (2, 3):  # after the province digits, or after one stray leading character
        letters = [t for t, c in alts[i] if t in VN_SERIES_LETTERS and c >= SERIES_ALT
                   ] if i < len(alts) else []
        for letter in letters[:1]:
            fixed = text[:i] + letter + text[i + 1:]
            out += [(Candidate(c.plate, c.country, c.corrections + 1, c.trimmed), tie)
                    for c, tie in _vn_ranked(fixed, after_series and i == 2)
                    if c.cost + 1 <= MAX_COST]
    out.sort(key=lambda t: (t[0].cost, t[0].trimmed, t[1], t[0].plate))
    return [c for c, _ in out]


def vn_plates(text: str, *, after_series: bool) -> list[Candidate]:
    """VN plates the cleaned text could be, cheapest first, with an extra character right
    after the series letter tried dropped when ``after_series`` (see :func:`extra_after_series`).

    Why: a one-line VN plate prints a dash between its series and its number (21S-360.16),
    too small for the segmentation to count as a character, and Tesseract often reads it as a
    digit ('2152360.16', '29G635592'); a bolt or a shadow there reads as one too
    ('36S8-604.51'). Trimming only the ends then turns the extra digit into the plate's and
    drops its last (21S23601, 29G63559, 36S86045: wrong plates). The drop counts as a trimmed
    character; at equal cost and trim it comes first, since the read's separators say the
    end is the plate's own.
    """
    return [c for c, _ in _vn_ranked(text, after_series)]


def _vn_ranked(text: str, after_series: bool) -> list[tuple[Candidate, int]]:
    """:func:`vn_plates` with each candidate's tie-break (0: the extra character dropped)."""
    seen = {c.plate: (c, 1) for c in vn_candidates(text) if c.cost <= MAX_COST}
    if after_series and len(text) > DASH + 1:
        for c in vn_candidates(text[:DASH] + text[DASH + 1:], max_trim=0):
            got = Candidate(c.plate, c.country, c.corrections, c.trimmed + 1)
            if got.cost <= MAX_COST and (c.plate not in seen
                                         or (got.cost, got.trimmed) <= (seen[c.plate][0].cost,
                                                                        seen[c.plate][0].trimmed)):
                seen[c.plate] = (got, 0)
    return sorted(seen.values(), key=lambda t: (t[0].cost, t[0].trimmed, t[1], t[0].plate))


def extra_after_series(layout: str, texts: list[str]) -> bool:
    """Whether a read's separators say an extra character may sit right after the series.

    A one-line read without the dash (it was read as something else, most often a digit);
    or a read whose last row ends in a dot and two characters ('604.51', '3255.39'): a
    five-digit number's dot, which pins the plate's end, so a surplus character is not the
    last one. On a two-row plate only behind a top row of three (province and series): a
    top row of four is a two-letter series (11QT), whose T is no surplus.
    """
    if layout == "1-line" and "-" not in texts[0]:
        return True
    pinned = re.search(r"\.[0-9A-Z]{2}$", texts[-1].strip().upper()) is not None
    return pinned and (layout == "1-line" or len(clean(texts[0])) == DASH)


def words(text: str) -> bool:
    """A read of painted words (a company name): letters, hardly any digits.

    Why: a plate misread by one preprocessing still shows its digits (a VN plate has five
    or more, nine in ten Chinese tails two or more), so a read with four or more letters
    and under HOPELESS digits is a sign, not a plate, and is not read again (measured on
    seed 999: no exact read lost, 15-20% fewer calls). A read of almost nothing (a dark
    image) may still be a plate another preprocessing shows.
    """
    digits = sum(ch.isdigit() for ch in text)
    return digits < HOPELESS and len(text) - digits >= 4


def vn_rows_fit(lines: Lines, texts: list[str]) -> bool:
    """A 2-line VN plate has its province and series on the top row only."""
    if lines.layout == "1-line" or len(texts) < 2:
        return True
    return 3 <= len(clean(texts[0])) <= 4


def glyphs_named(cand: Candidate, raw: str) -> int:
    """How many blobs the read says its crop holds: its plate's characters, and one more for a
    VN number of four digits printed with a five-digit number's dot ('36C/658.6', '12K/32.25').

    Why: such a read is evidence that the segmentation lost or merged a glyph (glare on one
    end, two digits blurred into one), which no blob count can tell from a complete shorter
    plate beforehand (round 12: the local look asked at 7 characters put 24Y2181 in the band).
    A five-digit number is printed NNN.NN, a four-digit one without a dot, so a dot next to
    four digits is a digit the row lost (round 13: 36C-658.66 read 36C6586 at 0.75 from 3 + 4
    blobs, 12K-324.25 read 12K3225). A Chinese plate's province may be 0-3 blobs: its tail.
    """
    if cand.country == "CN":
        return len(cand.plate) - 1
    digits = len(cand.plate) - len(cand.plate.rstrip("0123456789"))
    dotted = re.search(r"[0-9A-Z]\.[0-9A-Z]", raw.split("/")[-1].upper()) is not None
    return len(cand.plate) + (1 if dotted and digits == 4 else 0)


def discount(conf: float, cand: Candidate) -> float:
    return conf * (0.8 ** cand.corrections) * (0.85 ** cand.trimmed)
