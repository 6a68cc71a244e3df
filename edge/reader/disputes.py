"""A read's character a second model names otherwise: a doubt on the read, not a change of
it (round 24, issue 3: confident wrong reads on unseen frames).

Why: a read at >= 0.8 may open a lane alone, so that confidence must mean something; the
scan pool's band errors (seeds 4101-5208, every one at 0.90-0.99) were reads whose own crop
held a second model's contrary evidence that the grade never asked for:

- ``province_disputed``: chi_sim names a province twice, once in its row read, once in its
  glyph read (``provlooks.province_confirmed``), but that is one model's two looks, and chi_sim
  reads 粤 as 吉 in both (粤TZ28F5 read 吉TZ28F5 at 0.80, the province classifier naming 粤
  at margin 1.0 on the same crop). Where the classifier (another model, other fonts) names
  another province clearly, the province is not confirmed: the read stays under the band.
- ``doubted``: eng reads a glyph confidently as its look-alike (51R76159 read 91R76159, its 9
  named 5 by the Latin classifier at 1.0; 桂V76Z6H read 桂V7626H by both models, the 2 named
  Z at 1.0; 12L75078 read 12L75878, the 8 named 0). Such a character loses its lead over
  its runner-up, as a shape judge's character does (``rowcut.reshaped``): the read is not
  sure alone, and two preprocessings agreeing on it stay at ``CONTESTED``. The character is
  not changed: where eng and the classifier disagree, each is right about half the time
  (round 14); their disagreement is a doubt, not a verdict.
"""

from __future__ import annotations

from dataclasses import replace

from edge.reader.base import Frame
from edge.reader.claims import MARGIN, CropRead
from edge.reader.engines import LineRead
from edge.reader.latin import blob_image, guesses
from edge.reader.province import ProvinceGuess
from edge.reader.rowcut import glyphs_at

#: The province classifier disputes chi_sim's province from this margin on (its lead over
#: the runner-up, as ``provlooks.CLASSIFIER_MARGIN``, from which it confirms one).
PROVINCE_MARGIN = 0.5
#: The Latin classifier disputes eng's character from this vote share on (at 0.8 it named
#: right 0s 8 and a right 7 a 1 at 0.86-0.87 on four band reads of the old groups and the scan
#: pool; the pool's disputes that were right named at 1.0; on 250 rendered frames' glyphs
#: (seeds 30000-32150) 24 right glyphs disputed at 0.8, 12 at 0.9, 25 and 22 wrong ones).
SHARE = 0.9
#: ... where both are digits, or a pair no shape judge separates (``lookalikes``'
#: ``CLASSIFIED_PAIRS``): the classifier's letters for a 1 (J, F) and its 0/Q are its own
#: font's habits, not eng's misreads (round 14).
PAIRS = frozenset({"S5", "B8", "Z2", "D0"})
#: ... and on a Chinese tail, T/7 too (round 25: scan 5402's easy 2-row 桂P7VNHY read
#: 桂PTVNHY at 0.90, chi_sim's T for the 7 on every crop and eng's on most, the classifier
#: naming that T 7 at 1.0 on four of them). Not on VN plates: a series T leans like a 7
#: (tuning 999's 21T-976.55), and the VN grammar settles a series letter.
CN_PAIRS = PAIRS | {"T7"}


def province_disputed(guess: ProvinceGuess | None, province: str) -> bool:
    """Whether the province classifier names another province than ``province`` clearly."""
    return (guess is not None and guess.char is not None and guess.char != province
            and guess.margin >= PROVINCE_MARGIN)


def disputable(ch: str, pairs: frozenset[str] = PAIRS) -> bool:
    """Whether the classifier could dispute eng's ``ch`` at all: a digit (any other digit
    disputes it), or a character of one of ``pairs``; any other letter never is, whatever
    the classifier names it, so its glyph is not classified."""
    return ch.isdigit() or any(ch in pair for pair in pairs)


def _disputed(line: LineRead, binary: Frame, chars: str, pairs: frozenset[str] = PAIRS
              ) -> bool:
    """Whether the Latin classifier names one of ``chars`` (the plate's characters eng read:
    the last letters and digits of ``line``) as another plate character at ``SHARE``."""
    placed = [(ch, cx) for ch, _, cx in line.chars if ch.isascii() and ch.isalnum()]
    if len(placed) < len(chars) or "".join(ch for ch, _ in placed[-len(chars):]) != chars:
        return False  # the plate is not eng's characters as read: nothing to align
    # Only a character the rule could dispute is asked of the classifier (round 28, speed:
    # exact, a glyph's guess does not depend on its batch): a digit, or a letter of a pair.
    asked = [(ch, cx) for ch, cx in placed[-len(chars):] if disputable(ch, pairs)]
    blobs = [max(glyphs_at(binary, cx), key=lambda b: b.shape[0], default=None)
             for _, cx in asked]
    live = [(ch, b) for (ch, _), b in zip(asked, blobs, strict=True) if b is not None]
    named = guesses([blob_image(b) for _, b in live]) if live else None
    return named is not None and any(
        g.char is not None and g.char != ch and g.confidence >= SHARE
        and ((ch + g.char).isdigit() or ch + g.char in pairs or g.char + ch in pairs)
        for (ch, _), g in zip(live, named, strict=True))


def doubted(read: CropRead, line: LineRead, binary: Frame) -> CropRead:
    """``read`` with no lead over a runner-up (never sure alone, never settled or seconded)
    where the Latin classifier names one of its plate's characters in ``line`` (the eng read
    it came from; ``binary``: the line as the segmentation's mask) as another."""
    if hesitant(read):
        return read  # the doubt would change nothing (its CPU spared)
    if read.recut:  # eng's characters stand on the row cut again, not on its blobs (recut.py)
        return read
    vn = read.cand.country == "VN"
    chars = read.cand.plate if vn else read.cand.plate[1:]
    if not _disputed(line, binary, chars, PAIRS if vn else CN_PAIRS):
        return read
    return unled(read)


def hesitant(read: CropRead) -> bool:
    """Whether ``read`` has no lead to lose already (a small margin, not seconded): a doubt
    would change nothing, so the look behind it is spared (here and ``topletter.held``)."""
    return read.margin < MARGIN and not read.seconded


def unled(read: CropRead) -> CropRead:
    """``read``, its plate unchanged, with no lead over a runner-up: never sure alone, never
    settled, seconded or vouched (what a doubt does, here and in ``topletter``)."""
    return replace(read, margin=0.0, sure=False, settled=False, seconded=False, vouched=False)
