"""A crop's three preprocessings that agree on no plate, but on every character two by two.

Why: a crop whose grey, binary and adaptive reads name three plates is read as undecided
(``CropReader._judged``: its most confident read at ``LONE``, and a look's lone read is not
kept), yet each preprocessing is a different image of the glyphs, so a character two of them
read alike is confirmed as two agreeing reads confirm a plate. Where one of the three reads
holds, at every slot, a character another read holds too, each of its characters is seconded
by an independent image (round 18b: the easy 桂Y0V1V6's outline look read 桂Y0V1VG,
桂Y0V1V6 and 桂Y0VAV6, all at 0.467; the frame read nothing).

Why only as the frame's last word, where nothing else read at all (``LastLooks``), and at
``LONE``: a slot's two votes are weaker than a plate's (the third read names another plate),
so the read stays under every believed read and under the band. Why the guards: the read must
fit its blobs and need no repair (a repaired read is already doubted, ``choose.votes``), the
three reads must have one length (slots line up), and a Chinese read's province must be named
by the province classifier on its own crop (the preprocessings share one chi_sim read, so their
agreement says nothing about the province: ``choose.votes``' rule, round 17).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from edge.reader.claims import LONE, CropRead
from edge.reader.provlooks import CLASSIFIER_MARGIN, classified
from edge.reader.segment import Lines

#: A majority read under this is no plate (``tesseract.MIN_CONFIDENCE``: no plate-free frame
#: reaches it): round 18b, 云Q5LEXL's two crops, one read at 0.70, the other at 0.0 (云Q5LEXU).
FLOOR = 0.3


def majority(reads: Sequence[CropRead]) -> CropRead | None:
    """The read among three disagreeing ones whose every character another read shares.

    ``None`` unless there are exactly three reads of three different plates of one length,
    and one of them, repair-free, fitting its blobs and at ``FLOOR`` at least, is the
    slot-by-slot majority.
    """
    plates = [r.cand.plate for r in reads]
    if len(reads) != 3 or len(set(plates)) != 3 or len({len(p) for p in plates}) != 1:
        return None
    voted = ""
    for slot in zip(*plates, strict=True):
        char, n = Counter(slot).most_common(1)[0]
        if n < 2:
            return None
        voted += char
    for read in reads:
        if (read.cand.plate == voted and read.cand.cost == 0 and read.fits and not read.filled
                and read.conf >= FLOOR):
            return replace(read, conf=min(read.conf, LONE), sure=False)
    return None


def chosen(heard: Sequence[tuple[CropRead, Lines]]) -> tuple[CropRead, Lines] | None:
    """The frame's one slot-majority plate (``majority``, logged by ``CropReader._judged``),
    its first read and lines; ``None`` when none, or two crops' majorities name two plates,
    or a Chinese read's province is not the classifier's on its crop."""
    if not heard or len({read.cand.plate for read, _ in heard}) != 1:
        return None
    read, lines = heard[0]
    if read.cand.country == "CN":
        guess = classified(lines, {})
        if guess is None or guess.char != read.cand.plate[0] or guess.margin < CLASSIFIER_MARGIN:
            return None
    return read, lines
