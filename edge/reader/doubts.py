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
"""

from __future__ import annotations

from edge.reader.claims import CropRead

#: A grey read stands alone, unchecked by a second preprocessing, only with this lead of
#: every character over its LSTM runner-up (``claims.MARGIN`` for the rest).
ALONE_MARGIN = 0.3
#: A VN plate reached by this many grammar corrections is no read (``twice_repaired``).
REPAIRS = 2


def twice_repaired(read: CropRead) -> bool:
    """A VN read the grammar repaired at ``REPAIRS`` characters or more."""
    return read.cand.country == "VN" and read.cand.corrections >= REPAIRS


def sure_alone(read: CropRead) -> bool:
    """Whether a sure grey read may stand with no second preprocessing (``ALONE_MARGIN``)."""
    return read.sure and (read.settled or read.margin >= ALONE_MARGIN)
