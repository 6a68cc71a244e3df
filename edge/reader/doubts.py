"""Reads whose own evidence says they may be wrong, however confident (round 22, issue 3).

Why apart from :mod:`edge.reader.cropread` (at its size limit) and the caps of
:mod:`edge.reader.claims`: these are the reader's doubts about the rules that made the wide
pool's wrong reads (seeds 3101-3404, traced stage by stage with ``scripts/read_trace.py``):
a confidence must mean something, and a wrong read is worse than none (it may open a lane
for the wrong truck).

- ``twice_repaired``: a VN plate the grammar reached only by two corrections or more. Two
  preprocessings agreeing on it agree on eng's same misread ('AQR753.50' for 12R-753.50 in
  grey and adaptive), and the grammar repairs both alike (A -> 4, Q -> 0: 40R75350), so
  their agreement is one read, not two; alone, it is a guess on a guess. On the pool, every
  such read a frame reported was wrong (40R75350, 41Y86765, 21B1403, a Chinese 粤L68286 read
  21G8286 from '2L/68286').
- ``sure_alone``: a single grey read trusted alone needs a clearer lead over its runner-up
  than ``MARGIN``: the pool's two wrong reads sure alone (36R6269 for 36R0209 at 0.97, a
  lead of 0.22; 20G42376 for 20G48976 at 0.95, 0.25) stood on one Tesseract call; a read
  under ``ALONE_MARGIN`` is asked of the binary image as any other (a settled read, its
  hesitation named by the Latin classifier, is graded so already).
- ``province_as_letter``: a Chinese read whose eng tail is one letter longer than chi_sim's
  row read, that letter where chi_sim saw the province glyph, kept under the band.
- ``lost_to_dot`` (round 23): a VN read of a four-digit number whose four blobs are spaced
  as a five-digit number's are around its dot: the crop lost a glyph (12H-650.33 read 12H6503
  at 0.99 on unseen seeds: a crop ending at its last 3 but one, eng reading no dot).
- ``settles`` (round 27): a hesitant VN read settled by the Latin classifier stands alone
  only where the classifier sides with eng's runner-up on no character ``sure_alone`` doubts.
"""

from __future__ import annotations

from itertools import pairwise

from domain.plate_candidates import Candidate, clean
from edge.reader import vouch
from edge.reader.base import Frame
from edge.reader.claims import MARGIN, CropRead
from edge.reader.engines import LineRead
from edge.reader.segment import Lines

#: A grey read stands alone, unchecked by a second preprocessing, only with this lead of
#: every character over its LSTM runner-up (``claims.MARGIN`` for the rest).
ALONE_MARGIN = 0.3
#: A VN plate reached by this many grammar corrections is no read (``twice_repaired``).
REPAIRS = 2
#: A four-digit VN number's blobs are evenly spaced (their centres' largest step over the
#: next largest: at most 1.06 on 86 rendered true crops, seeds 24000-24281); a five-digit
#: number is printed NNN.NN, and its dot widens the step around it to 1.46-2.0 of the others
#: (55 of 56 crops, their first four blobs or the number's last glyph cut off; one 1.22).
DOT_STEP = 1.3
#: A hesitant VN grey read (a lead under ``MARGIN``) settled by the Latin classifier (round
#: 15: its hesitant characters named as read) is graded as two agreeing and stands alone
#: (``sure_alone``); a character led by less than this, which a read trusted alone must not
#: have, is asked too (``settles``, round 27).
SETTLE_BELOW = ALONE_MARGIN


def twice_repaired(read: CropRead) -> bool:
    """A VN read the grammar repaired at ``REPAIRS`` characters or more."""
    return read.cand.country == "VN" and read.cand.corrections >= REPAIRS


def sure_alone(read: CropRead) -> bool:
    """Whether a sure grey read may stand with no second preprocessing (``ALONE_MARGIN``)."""
    return read.sure and (read.settled or read.margin >= ALONE_MARGIN)


def province_as_letter(read: CropRead, blobs: int) -> bool:
    """A Chinese read of eight characters from seven blobs whose chi_sim row read holds the
    province and, behind it, the plate's tail less its first letter: eng read the province
    glyph as that letter (云DV6321's row read '云DV6321', eng's 'ADV6321', the plate
    云ADV6321 at 0.87 on an easy frame of the pool). The two models disagree on the tail's
    length, and their preprocessings share chi_sim's one row read: no agreement for the band.
    """
    plate = read.cand.plate
    if read.cand.country != "CN" or len(plate) != 8 or blobs != len(plate) - 1:
        return False
    row = read.raw.split("|")[0]
    return row[:1] == plate[0] and clean(row[1:]) == plate[2:]


def lost_to_dot(lines: Lines, cand: Candidate) -> bool:
    """Whether a VN read of a four-digit number came from a row whose last four blobs hold a
    five-digit number's dot between two of them (``DOT_STEP``): a glyph the crop lost, so
    the read does not fit its crop, however many blobs it found.

    Why the blobs' spacing: a read that names a dot is doubted already (``rules.glyphs_named``),
    but eng often reads none, and the crop's blob count equals the shorter plate's length.
    """
    plate = cand.plate
    if cand.country != "VN" or len(plate) - len(plate.rstrip("0123456789")) != 4:
        return False
    if not lines.boxes:
        return False
    row = sorted(max(lines.boxes, key=lambda r: max((y + h / 2 for _, y, _, h in r), default=0)))
    if len(row) != (len(plate) if lines.layout == "1-line" else 4):
        return False
    centres = [x + w / 2 for x, _, w, _ in row[-4:]]
    steps = sorted(b - a for a, b in pairwise(centres))
    return steps[0] > 0 and steps[-1] >= DOT_STEP * steps[-2]


def settles(got: LineRead, binary: Frame) -> bool:
    """Whether the Latin classifier settles eng's hesitant read ``got`` (``binary``: its line
    as the segmentation's mask): every character led by less than ``MARGIN`` named as read
    (round 15, ``vouch.confirmed``), none led by less than ``SETTLE_BELOW`` named as eng's
    own runner-up (``vouch.contradicted``).

    Why: a settled read stands alone in the band, and two unseen seeds' wrong reads stood so,
    each on a character at a lead of 0.24-0.26 the settle never asked: 29L37971 read 29L97971
    at 0.98 (a 3 read 9 over eng's runner-ups S and 3, the classifier naming it 3) and
    20Y43963 read 20N43963 at 0.99 (Y read N over X and Y, named Y at 1.0); their only
    characters under ``MARGIN``, an L and a 6, were named as read. Asking every such character
    to be named as read (v1) refused 12DA885's settle on tuning seed 4242 (an 8 over B, named
    S at 0.44), a right read lost.
    """
    return (vouch.confirmed(got, binary, MARGIN)
            and not vouch.contradicted(got, binary, SETTLE_BELOW))
