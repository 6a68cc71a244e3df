"""Multi-frame consensus: one decision-grade read per vehicle pass.

A single frame can be confidently wrong (look-alike characters, glare). The
field's fix is to act only when at least two frames agree on the same
canonical plate and that plate clearly beats any rival read in the same pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from domain.plates import is_plate
from edge.reader.base import ACT, FrameRead

#: The most a pass may claim when no frame that read its plate may act alone (``ACT``): its
#: frames are capped reads of one truck in one light, not independent evidence, and the
#: product of their doubts (``_agreement``) overstated them. Measured (round 9, the lane's
#: decisions on 900 generated hard passes of nine non-benchmark seeds): 25 of main's 30
#: wrong decisions were of this kind, at 0.58-0.95; with this cap (and the round's other
#: pass rules) 1 of 607 passes decided at >= ``ACT`` was wrong, against 17 of 729 before.
UNCONFIRMED = ACT - 0.01
#: What a plate read by two frames or more needs over other plates each read by one frame
#: (``_scattered``; any two frames reading the same other plate: the ``ratio``, 2).
SCATTERED = 1.5


@dataclass(frozen=True, slots=True)
class PassRead:
    plate: str
    confidence: float
    frames: int  # frames that agree on ``plate``
    total_frames: int  # frames with any plate read
    layout: str | None
    country: str | None
    best: FrameRead  # highest-confidence agreeing frame: its crop is the evidence


def consensus(reads: Sequence[FrameRead], *, min_agree: int = 2, ratio: float = 2.0,
              scattered: bool = True) -> PassRead | None:
    """The agreed plate of a pass, or ``None`` while evidence is short or contested.

    Support of a plate is the sum of its frames' confidences; the winner needs
    ``min_agree`` agreeing frames and at least ``ratio`` times the support of the runner-up
    (``scripts/pass_replay.py`` replays other ratios), and the frames' rivals must not
    contest it (``_rivalled``), nor may the frames outvote or tie any of its characters
    (``outvoted``; round 17). Frames without a plate do not count against it (the truck
    may be out of view). ``scattered``: a plate of two frames or more against one-frame
    misreads needs less (``_scattered``); the lane turns it off for a pass split off a decided
    one, whose frames may be the last truck's.
    """
    got = _consensus(reads, min_agree=min_agree, ratio=ratio)
    if got is None or _rivalled(got.plate, reads, ratio=ratio):
        got = _scattered(reads, min_agree=min_agree, ratio=ratio) if scattered else None
    if got is None or outvoted(got.plate, reads):
        return None
    if not any(r.plate == got.plate and r.confidence >= ACT for r in reads):
        return replace(got, confidence=min(got.confidence, UNCONFIRMED))
    return got


def _scattered(reads: Sequence[FrameRead], *, min_agree: int, ratio: float) -> PassRead | None:
    """A plate read by ``min_agree`` frames or more against other plates each read by one frame:
    it needs ``SCATTERED`` times the support of each, not ``ratio`` times.

    Why: frames that misread a plate each in their own way (29E81398, 23E87398, 29E87396 at
    0.92-0.99 around two frames of 29E87390 at 0.98-0.99; 12Z1845 at 0.82 dropping the last
    character of two frames' 12Z18450) are no second story, while two frames reading the
    same other plate are; the ratio of 2 made such passes undecided by a hair (1.97 against
    0.99). The frames' rivals keep their veto at ``ratio`` (``_rivalled``), against a plate
    some frame names as its rival; a one-frame misread that no frame names stays at
    ``SCATTERED`` there too (round 15: a rival halving one frame of 粤S216B2 let 25Z1682's one
    frame veto it). Measured (round 11, the lane's decisions on 1,800 generated hard passes of
    18 non-benchmark seeds): 14 undecided passes right, none wrong, with the lane's guard for
    split-off passes (``edge.passes.PassTracker._ask``; without it one split-off half was
    decided wrong). Round 15 (500 passes): the veto's change decided 2 more right, none wrong;
    ``outvoted`` (asked of every decision since round 17) left 1 wrong undecided.
    """
    count: dict[str, int] = defaultdict(int)
    for r in reads:
        if r.plate:
            count[r.plate] += 1
    top = max(count, key=lambda p: count[p], default=None)
    if top is None or count[top] < min_agree or any(
            n > 1 for p, n in count.items() if p != top):
        return None
    got = _consensus(reads, min_agree=min_agree, ratio=SCATTERED)
    if (got is None or got.plate != top
            or _rivalled(top, reads, ratio=ratio, misreads=SCATTERED)):
        return None
    return got


def outvoted(plate: str, reads: Sequence[FrameRead]) -> bool:
    """Whether, among the frames that read a plate of ``plate``'s length, some position's
    other character has as much support as ``plate``'s or more (a frame with a rival counts
    half for its plate and half for its rival, as in ``_rivalled``): the other frames, however
    scattered as whole plates, then tell one story at that position, or tie it.

    Why: 桂T1725B twice at 0.75 against 桂T172JB at 0.94 and 桂T172J5 at 0.76 was a scattered
    plate of two frames (1.5 against 0.94), decided wrong: two frames read J where it read 5
    (1.70 against 1.50; round 15). 29E87390 (0.99, 0.98) keeps its lead at its contested last
    place against 29E81398 and 23E87398 (1.97 against 1.91). Round 17 (docs/reader-journal.md):
    asked of every decision, not only the scattered tie-break's, a tie counting and the rivals
    halved: 吉L40325 was decided at exactly twice any other plate by two frames at 0.45 while
    two frames at 0.45 read 粤 there (0.90 each), and 川GNB6F0 was a scattered plate of two
    frames at 0.75, one of them with a rival, against 9 at that place in two frames (1.125
    against 1.50).
    """
    support: list[dict[str, float]] = [defaultdict(float) for _ in plate]
    for r in reads:
        if not r.plate:
            continue
        halved = r.rival is not None and r.rival != r.plate
        for text in (r.plate, r.rival) if halved else (r.plate,):
            if text is not None and len(text) == len(plate):
                for i, ch in enumerate(text):
                    support[i][ch] += r.confidence / 2 if halved else r.confidence
    return any(s >= votes[ch] for votes, ch in zip(support, plate, strict=True)
               for other, s in votes.items() if other != ch)


def _rivalled(plate: str, reads: Sequence[FrameRead], *, ratio: float,
              misreads: float | None = None) -> bool:
    """Whether the frames' rivals (``FrameRead.rival``) contest ``plate``: a frame with one
    supports either of its plates, so it counts half for each, and ``plate`` needs ``ratio``
    times the support of any other plate so counted (``misreads`` times, when given, that of
    a plate no frame names as its rival: ``_scattered``).

    Why only a veto: a rival is the other model's tail of a frame whose two models disagree,
    no read of its own; counted for a decision, it gave 川QQAXX5 (eng's Q, four frames) over
    chi_sim's right 川Q0AXX5 (round 9, tuning passes). Why at all: frames sharing one coin
    flip agreed into wrong passes, 云TZ9783 read 云T29783 by two frames at 0.75 each, the
    pass at 0.94 (eng's 2 taken over chi_sim's Z by character code, ``cntails.two_row``).
    """
    if not any(r.rival for r in reads if r.plate):
        return False
    support: dict[str, float] = defaultdict(float)
    for r in reads:
        if r.plate and r.rival and r.rival != r.plate:
            support[r.plate] += r.confidence / 2
            support[r.rival] += r.confidence / 2
        elif r.plate:
            support[r.plate] += r.confidence
    rivals = {r.rival for r in reads if r.plate and r.rival}
    return any(support[plate] < (ratio if misreads is None or p in rivals else misreads) * s
               for p, s in support.items() if p != plate)


def _consensus(reads: Sequence[FrameRead], *, min_agree: int, ratio: float) -> PassRead | None:
    """The pass's plate from the frames' reads alone (their rivals: ``_rivalled``)."""
    by_plate: dict[str, list[FrameRead]] = defaultdict(list)
    for read in reads:
        if read.plate:
            by_plate[read.plate].append(read)
    if not by_plate:
        return None
    support = {plate: sum(r.confidence for r in rs) for plate, rs in by_plate.items()}
    ranked = sorted(support, key=lambda p: (-support[p], -len(by_plate[p]), p))
    winner = ranked[0]
    agreeing = by_plate[winner]
    if len(agreeing) < min_agree or (len(ranked) > 1
                                     and support[winner] < ratio * support[ranked[1]]):
        return _by_position(by_plate, min_agree=min_agree)
    best = max(agreeing, key=lambda r: r.confidence)
    total = sum(len(rs) for rs in by_plate.values())
    # A rival read scales the agreement down by its share of the support.
    share = support[winner] / sum(support.values()) if sum(support.values()) else 0.0
    confidence = _agreement(agreeing) * share
    return PassRead(winner, round(confidence, 4), len(agreeing), total, best.layout, best.country,
                    best)


def _agreement(agreeing: Sequence[FrameRead]) -> float:
    """Independent frames agreeing on the same string: the chance that all of them are
    wrong in the same way is the product of their doubts."""
    doubt = 1.0
    for r in agreeing:
        doubt *= 1.0 - min(max(r.confidence, 0.0), 1.0)
    return 1.0 - doubt


def _by_position(by_plate: dict[str, list[FrameRead]], *, min_agree: int) -> PassRead | None:
    """The plate voted character by character, when no whole plate won.

    Why: the frames of one pass often agree on all but one character, each frame missing a
    different one (the province glyph named 吉 by chi_sim in one frame and 宁 in another,
    the tail right in all four), so no whole string reaches two frames. The same rule then
    holds per position: every character needs ``min_agree`` frames and twice the support of
    any rival character there. Only frames of the most supported length and layout vote
    (a dropped character shifts every position after it); the other lengths stay rivals at
    every position, and the result must be a plate.
    """
    reads = [r for rs in by_plate.values() for r in rs]
    shapes: dict[tuple[int, str | None], list[FrameRead]] = defaultdict(list)
    for r in reads:
        shapes[(len(r.plate or ""), r.layout)].append(r)
    weight = {k: sum(r.confidence for r in rs) for k, rs in shapes.items()}
    shape = max(shapes, key=lambda k: (weight[k], k[0]))
    voters = shapes[shape]
    # The other lengths are rivals at every position (12C1234 is a plate too).
    elsewhere = max((w for k, w in weight.items() if k != shape), default=0.0)
    chars: list[str] = []
    confidence, frames = 1.0, len(voters)
    for i in range(shape[0]):
        votes: dict[str, list[FrameRead]] = defaultdict(list)
        for r in voters:
            votes[(r.plate or "")[i]].append(r)
        support = {ch: sum(r.confidence for r in rs) for ch, rs in votes.items()}
        ranked = sorted(support, key=lambda ch: (-support[ch], ch))
        top = ranked[0]
        rival = max(support[ranked[1]] if len(ranked) > 1 else 0.0, elsewhere)
        if len(votes[top]) < min_agree or support[top] < 2 * rival:
            return None
        chars.append(top)
        confidence = min(confidence, _agreement(votes[top]) * support[top] / sum(support.values()))
        frames = min(frames, len(votes[top]))
    plate = "".join(chars)
    if not is_plate(plate):
        return None
    best = max(voters, key=lambda r: (sum(a == b for a, b in zip(r.plate or "", plate,
                                                                 strict=True)), r.confidence))
    return PassRead(plate, round(confidence, 4), frames, len(reads), best.layout, best.country,
                    best)
