"""A Chinese lone read's tail, outvoted by the tail the frame's other crops read (round 21).

Why: a blurred 1-row Chinese plate is read as a Chinese plate on one crop only, where chi_sim's
row read named the province; its eng tail there may be a look-alike off ('HERYLEGV' for
桂RYL8GV, 8 read E) and nothing seconds it, so it stands as a lone read (``LONE``). The
frame's other crops read the tail right ('FERYL8GV', 'LRERYL8GV', 'ERYL8GV') but no plate,
for want of a province (chi_sim's row read names none, the classifier rejects the glyph):
their texts are votes the frame never weighed. Here they vote for the tail, under the lone
read's own province: no province is guessed, only the tail is the crops' majority.

Guards (``cnvote``'s, its ``crop_votes`` and ``outvoted``): a text votes only as
1-``cnvote.PREFIX`` junk characters and a repair-free tail, no VN plate fitting it as is
(painted words read, the tail then holding a digit); a crop votes once per plate,
for a plate of a length its blobs fit; the plate needs ``cnvote.CROPS`` crops and twice the
other plates' crops together (the lone read's own crops among them). It stays at ``LONE``.
No Tesseract call: the texts are those the crops' reads already paid for.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.plate_candidates import Candidate
from edge.reader.claims import LONE, CropRead
from edge.reader.cnvote import crop_votes, outvoted
from edge.reader.segment import Lines


def revoted(read: CropRead, crops: Sequence[tuple[dict[str, object], Lines]],
            heard: Sequence[tuple[CropRead, Lines]] = ()) -> Candidate | None:
    """The plate the crops' texts vote for in place of ``read`` (a Chinese read at most
    ``LONE``), under its province (``cnvote.tail_read`` with painted words read, the tail
    holding a digit); ``None`` where they do not outvote it.

    ``heard``: the frame's crops' reads (``CropReader._heard``); a crop that read ``read``'s
    plate votes for it, its texts or not (round 24: 桂HE0L1J read on four crops, each
    judging eng's Q a 0 against chi_sim's row, ``cnmix``; eng's texts 'EH-EQL1J' on the same
    four crops then outvoted the plate no text held, for the Q the judges had overruled)."""
    if read.cand.country != "CN" or read.conf > LONE:
        return None
    votes, _ = crop_votes(crops, read.cand.plate[0], painted=True)
    own = len({id(lines) for got, lines in heard if got.cand.plate == read.cand.plate})
    votes[read.cand.plate] = max(votes[read.cand.plate], own)
    plate = outvoted(votes)
    if plate is None or plate == read.cand.plate:
        return None
    return Candidate(plate, "CN", 0, 0)
