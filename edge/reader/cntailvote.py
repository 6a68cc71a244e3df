"""A Chinese lone read's tail, outvoted by the tail the frame's other crops read (round 21).

Why: a blurred 1-row Chinese plate is read as a Chinese plate on one crop only, where chi_sim's
row read named the province; its eng tail there may be a look-alike off ('HERYLEGV' for
桂RYL8GV, 8 read E) and nothing seconds it, so it stands as a lone read (``LONE``). The
frame's other crops read the tail right ('FERYL8GV', 'LRERYL8GV', 'ERYL8GV') but no plate,
for want of a province (chi_sim's row read names none, the classifier rejects the glyph):
their texts are votes the frame never weighed. Here they vote for the tail, under the lone
read's own province: no province is guessed, only the tail is the crops' majority.

Guards (``cnvote``'s): a text votes only as 1-``cnvote.PREFIX`` junk characters and a
repair-free tail, no VN plate fitting it as is, no painted words; a crop votes once per plate,
for a plate of a length its blobs fit; the plate needs ``cnvote.CROPS`` crops and twice the
other plates' crops together (the lone read's own crops among them). It stays at ``LONE``.
No Tesseract call: the texts are those the crops' reads already paid for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from domain.plate_candidates import Candidate, clean, cn_candidates, vn_candidates
from edge.reader.claims import LONE, CropRead
from edge.reader.cnvote import CROPS, PREFIX
from edge.reader.segment import Lines


def tail_read(text: str, province: str) -> str | None:
    """The one plate ``text`` reads as under ``province``: 1-``PREFIX`` junk characters and
    a repair-free tail holding a digit, ending the text; ``None`` where a VN plate fits it as
    is. Unlike ``cnvote.tail_read`` painted words are not refused: a 1-row tail of one digit
    ('ERYL8GV') reads as words there; the digit and the lone read's province stand in."""
    text = clean(text)
    if any(c.cost == 0 for c in vn_candidates(text)):
        return None
    plates = {c.plate for c in cn_candidates(text, province, max_trim=0)
              if c.cost == 0 and 1 <= len(text) - (len(c.plate) - 1) <= PREFIX
              and any(ch.isdigit() for ch in c.plate)}
    return next(iter(plates)) if len(plates) == 1 else None


def revoted(read: CropRead, crops: Sequence[tuple[dict[str, object], Lines]]
            ) -> Candidate | None:
    """The plate the crops' texts vote for in place of ``read`` (a Chinese read at most
    ``LONE``), under its province; ``None`` where they do not outvote it."""
    if read.cand.country != "CN" or read.conf > LONE:
        return None
    province = read.cand.plate[0]
    votes: Counter[str] = Counter()
    for cache, lines in crops:
        mine: set[str] = set()
        for text in cache.get("texts", []):  # type: ignore[attr-defined]
            plate = tail_read(text, province)
            if plate is not None and -1 <= lines.chars - len(plate) <= 2:
                mine.add(plate)
        votes.update(mine)
    if not votes:
        return None
    (plate, n), *rest = votes.most_common()
    if plate == read.cand.plate or n < CROPS or n < 2 * sum(m for _, m in rest):
        return None
    return Candidate(plate, "CN", 0, 0)
