"""A second look at an undecided pass: its frames read again at other scales, and the rule
that may decide the pass from them. (Not the frame's own second look at an outline
suppressed behind a text box, ``TesseractPlateReader._second_look``, round 12.)

Why: of the 20 tuning hard passes the lane left to an officer, 7 had one frame that read
the plate (the others read nothing, a segmentation or localisation miss at that size, or
misread it) and 7 had two or more, contested by misreads; round 11 found the pass rules
near their ceiling over such reads ("the target needs more right frames per pass"). The
reader's size thresholds (a character's height in pixels, the likeness model's, Tesseract's
own) make a frame scaled by 0.7 or 1.5 a different read of the same image: in those passes
it read the plate where the frame read nothing, or read it once more where the frames
disagreed. It costs reads only on passes that would otherwise go to an officer (18 of the
300 tuning passes, 10 reads each), when the pass has ended. Measured (docs/reader-journal.md,
round 13: the lane's decisions on 100 generated hard passes a seed): undecided passes
decided right, tuning 5 of 20, check 10 of 22, fresh 4 of 10; none decided wrong.

Why the guards (``decide``): a frame read again is the same image, not another frame, so
(1) the plate needs ``min_agree`` *frames* whose read or second look names it, (2) some
frame's own read named it and those reads support no other plate more (a second look
introduces no plate and breaks no tie against the frames: 粤V98444 at 0.66 against
粤V9S444 at 0.75, read again through a median filter, a look not kept, they said 98444; a frame
with a rival counts half for each plate, as in the consensus: round 15, 粤E41WZ3), and
(3) the pass claims at most ``UNCONFIRMED``: it never enters the band that may act alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from domain.lookalikes import skeleton
from edge.reader.base import ACT, Frame, FrameRead, PlateReader
from edge.reader.consensus import UNCONFIRMED, PassRead, consensus, outvoted

#: The scales a frame of an undecided pass is read again at (two reads a frame).
SCALES: tuple[float, ...] = (0.7, 1.5)
#: The scales read next, only for a pass ``SCALES``' reads left undecided (round 17,
#: docs/reader-journal.md: at 0.85 and 1.25 a frame crosses other size thresholds again:
#: 98U76003, one frame read, was read by two more frames at 0.85 and 1.25 and by none at 0.7
#: or 1.5; on 400 tuning passes 2 more decided right, none wrong; 16 of 600 passes read them).
MORE_SCALES: tuple[float, ...] = (0.85, 1.25)
#: The second look's stages, in order: each is asked only when the ones before decided nothing.
STAGES: tuple[tuple[float, ...], ...] = (SCALES, MORE_SCALES)


def rescaled_reads(reader: PlateReader, frame: Frame,
                   scales: Sequence[float] = SCALES) -> list[FrameRead]:
    """``frame`` read again at each of ``scales`` (cubic interpolation, as measured)."""
    out = []
    for s in scales:
        img = np.ascontiguousarray(
            cv2.resize(frame, None, fx=s, fy=s, interpolation=cv2.INTER_CUBIC), dtype=np.uint8)
        out.append(reader.read(img))
    return out


def thin(plate: str, reads: Sequence[FrameRead], *, min_agree: int) -> list[int]:
    """The frames to read again before a decision for ``plate`` is taken from the frames'
    reads, as they come or at the pass's end (the lane's ``PassTracker._doubted``): those that
    read it, when only ``min_agree`` frames did and no fewer frames of the pass read nothing
    or another plate; else none.

    Why: two frames agreeing is the least the lane acts on, and a pass whose other frames
    read nothing or something else is one of hard images. Round 18 (docs/reader-journal.md):
    36V0784 was decided 36V8784 at its fourth frame (0.79, 0.99; two frames blank), and its
    fifth frame read 36V0784; the 0.99 frame read at 0.7 and 1.5 said 36V0784 (``doubts``);
    12M47586 was decided 12H47586 at its end (two frames against 12G and 12M once each).
    On the 1,000 tuning passes about 90 were such: 0.36 reads a pass more (two scales of each
    agreeing frame, until one doubts).
    """
    agree = [i for i, r in enumerate(reads) if r.plate == plate]
    return agree if len(agree) <= min_agree and len(reads) - len(agree) >= len(agree) else []


def doubts(plate: str, looks: Sequence[FrameRead]) -> bool:
    """Whether a frame's second ``looks`` (two or more that read a plate) all name one plate
    one character away from ``plate``, none with ``plate`` as its rival: the same image read
    at both other scales read that glyph otherwise, so the frame's own read of it was a coin
    flip (not only the matcher's look-alikes, ``domain.lookalikes``: a barred zero read 8 is
    none).

    Why all of them: one look naming a neighbour plate is common in right passes (round 18: of
    56 checked tuning passes, 6 right ones had such a look, 21B75671 read at 0.99 by two frames
    among them, and lost their decision at ACT to a second look under the band); the two wrong
    ones (36V8784, 12H47586) had every look of a frame name the truth.
    """
    named = [r for r in looks if r.plate]
    other = named[0].plate if named else None
    return (other is not None and len(named) >= 2 and len(other) == len(plate)
            and sum(a != b for a, b in zip(other, plate, strict=True)) == 1
            and all(r.plate == other and r.rival != plate for r in named))


def decide(reads: Sequence[FrameRead], looks: Sequence[Sequence[FrameRead]], *,
           min_agree: int = 2, scattered: bool = True) -> PassRead | None:
    """The plate of an undecided pass from its frames' ``reads`` and each frame's second
    ``looks`` (``looks[i]``: frame ``i``'s reads at other scales; empty when its image was not
    kept), or ``None``: the pass stays with an officer.

    The consensus (``edge.reader.consensus``, its ratio, rivals and ``scattered`` rule) is
    asked over all the reads together; its plate then needs ``min_agree`` frames whose read
    or second look names it, no plate with more support among the frames' own reads, no
    character of it outvoted or tied among them (``consensus.outvoted``), no look-alike of it
    that ``min_agree`` frames read (``_lookalike_split``), and claims at most ``UNCONFIRMED``
    (the module's docstring says why). Where the consensus or the frames' own reads refuse,
    ``min_agree`` frames sure of one plate at ``ACT`` may still decide it (``_sure_frames``,
    round 18).
    """
    every = [*reads, *(r for rs in looks for r in rs)]
    got = consensus(every, min_agree=min_agree, scattered=scattered)
    if got is None:
        return _sure_frames(reads, looks, min_agree=min_agree)
    plate = got.plate
    frames = sum(1 for i, r in enumerate(reads) if r.plate == plate or any(
        look.plate == plate for look in (looks[i] if i < len(looks) else ())))
    if frames < min_agree:
        return None
    support: dict[str, float] = defaultdict(float)
    for r in reads:  # a frame with a rival (its other model's plate) counts half for each
        if r.plate:
            half = r.rival is not None and r.rival != r.plate
            support[r.plate] += r.confidence / 2 if half else r.confidence
            if half and r.rival:
                support[r.rival] += r.confidence / 2
    if not any(r.plate == plate for r in reads) or any(
            s > support[plate] for p, s in support.items() if p != plate) or outvoted(
            plate, reads) or _lookalike_split(plate, reads, min_agree=min_agree) or _outread(
            plate, reads, looks, min_agree=min_agree):
        return _sure_frames(reads, looks, min_agree=min_agree)
    seen = _seen(reads, looks)
    best = max((r for r in reads if r.plate == plate), key=lambda r: r.confidence)
    return replace(got, confidence=min(got.confidence, UNCONFIRMED), frames=frames,
                   total_frames=seen, best=best, layout=best.layout, country=best.country)


def _outread(plate: str, reads: Sequence[FrameRead],
             looks: Sequence[Sequence[FrameRead]] = (), *, min_agree: int = 2) -> bool:
    """Whether some frame's own read of another plate is surer than every frame's of ``plate``
    (a read its own image does not repeat aside: ``_unrepeated``).

    Why: the second look's reads are the same images again, and its consensus (a position
    vote over every look, where no whole plate wins) can gather looks that each misread some
    other glyph into a plate the frames read only weakly. The pass's surest read names what
    its clearest image showed; a second look does not overturn it (``_sure_frames`` may, with
    two frames sure of their plate at ``ACT``). Round 19 (docs/reader-journal.md): 桂N6C9LL,
    two frames at 0.45 and 0.37 against one of 桂N6C91L at 0.69, was decided by such a vote
    over looks of 桂S6C9LL, 吉N6GGLL, 桂N6C9AL and 桂N6C9LE (wrong).
    """
    mine = max((r.confidence for r in reads if r.plate == plate), default=0.0)
    return any(r.plate and r.plate != plate and r.confidence > mine
               and not _unrepeated(i, plate, reads, looks, min_agree=min_agree)
               for i, r in enumerate(reads))


def _unrepeated(i: int, plate: str, reads: Sequence[FrameRead],
                looks: Sequence[Sequence[FrameRead]], *, min_agree: int) -> bool:
    """Whether frame ``i``'s own read is one its image does not repeat, against ``plate``
    that the pass's images do: the frame's read is under ``ACT``, two or more of its looks
    read a plate and none of them, no other frame's read and no other look names the frame's;
    ``plate`` is named by the looks of ``min_agree`` frames or more.

    Why: ``_outread`` takes the surest read for what the clearest image showed; a read that
    the same image at two or four other scales never says again (it says other plates
    instead) was a coin flip of that image at scale 1, not a clear view. Round 27
    (docs/reader-journal.md): 粤JJ9709 (pass seed 5309), frames of it at 0.69 and 0.45 (all
    four looks of the first say it), one of 粤J19709 at 0.75 whose looks read 粤JJ9709 and
    粤SJ9709 thrice; the pass went to an officer. In the round's dumps (380 passes, 19 with
    looks) every such frame read was wrong (6 frames, at 0.45-0.79) and none of 49 right ones
    was. A read at ``ACT`` (one that may act alone) is never set aside.
    """
    own = reads[i].plate
    mine = [x.plate for x in (looks[i] if i < len(looks) else ()) if x.plate]
    if own is None or reads[i].confidence >= ACT or len(mine) < 2:
        return False
    if any(r.plate == own for j, r in enumerate(reads) if j != i) or any(
            x.plate == own for xs in looks for x in xs):
        return False
    return sum(1 for xs in looks if any(x.plate == plate for x in xs)) >= min_agree


def _lookalike_split(plate: str, reads: Sequence[FrameRead], *, min_agree: int) -> bool:
    """Whether ``min_agree`` of the frames' own reads name another plate of ``plate``'s
    skeleton (``domain.lookalikes``: the same plate but for 5/S, 6/G, 2/Z, 1/7, ...) while
    no frame read ``plate`` at ``ACT``.

    Why: frames split over a look-alike are a coin flip of the glyph that the same images read
    again repeat (round 13: "every reading repeats the frames' own split"), so the second
    looks are no evidence between the two; a frame that read the plate at ``ACT`` (no doubt
    at any glyph, a read that may act alone) is. Round 17 (docs/reader-journal.md): 粤P2S3S3,
    two frames of it against three of 粤P25353 at 0.70-0.75, was decided 粤P25353 by its
    second looks (wrong); 桂A451ZL (three frames, one at 0.96, against two of 桂A4512L) and
    12B75828 (round 13: three, one at 0.88, against two of 12B15828) were decided right.
    Round 18: one look of 粤P25353 at 0.85 (frame 1 at 0.85) is no such frame either.
    """
    if any(r.plate == plate and r.confidence >= ACT for r in reads):
        return False
    count: dict[str, int] = defaultdict(int)
    for r in reads:
        if r.plate and r.plate != plate:
            count[r.plate] += 1
    return any(n >= min_agree and skeleton(p) == skeleton(plate) for p, n in count.items())


def _sure_frames(reads: Sequence[FrameRead], looks: Sequence[Sequence[FrameRead]], *,
                 min_agree: int) -> PassRead | None:
    """The plate ``min_agree`` frames read at ``ACT`` (each in its own read or a second look,
    with no rival), when some frame's own read named it and no read or look of the pass named
    another plate at ``ACT``; else ``None``.

    Why: the frames' own reads outvoting a plate (``decide``'s guards) are capped reads, each
    in doubt at some glyph; a read at ``ACT`` is one that may act alone, and two frames that
    each gave one at some scale are two images read plainly, which the frames' doubtful
    majority is not (a frame counts only where most of its looks agree: ``_sure_of``). Round
    18 (docs/reader-journal.md): 粤JG5TKC, three frames of 粤GG5TKC at 0.45-0.75 against two
    of it at 0.79 and 0.65; read again, frame 1 said it at 0.91 and frame 0 at 0.99, and no
    look said 粤GG5TKC at ``ACT``. A sure read of another plate leaves the pass undecided.
    """
    every = [*reads, *(r for rs in looks for r in rs)]
    sure = {r.plate for r in every if r.plate and r.confidence >= ACT}
    if len(sure) != 1:
        return None
    plate = next(iter(sure))
    if not any(r.plate == plate for r in reads):
        return None
    frames = [i for i, r in enumerate(reads) if _sure_of(
        plate, r, looks[i] if i < len(looks) else ())]
    if len(frames) < min_agree:
        return None
    best = max((r for r in reads if r.plate == plate), key=lambda r: r.confidence)
    seen = _seen(reads, looks)
    return PassRead(plate, UNCONFIRMED, len(frames), seen, best.layout, best.country, best)


def _sure_of(plate: str, read: FrameRead, looks: Sequence[FrameRead]) -> bool:
    """Whether a frame is sure of ``plate``: its read or a second look named it at ``ACT``
    with no rival, and most of its second looks that read a plate name it.

    Why the majority: a frame read at ``ACT`` whose image, read again at other scales, says
    another plate is in doubt at some glyph after all (round 18: 36V0784's fourth frame read
    36V8784 at 0.99 and 36V0784 at each of four other scales).
    """
    if not any(x.plate == plate and x.confidence >= ACT and x.rival in (None, plate)
               for x in (read, *looks)):
        return False
    plated = [x.plate for x in looks if x.plate]
    return 2 * plated.count(plate) > len(plated)


def _seen(reads: Sequence[FrameRead], looks: Sequence[Sequence[FrameRead]]) -> int:
    """The frames with a plate in their own read or in a second look: a pass read's
    ``total_frames``."""
    return sum(1 for i, r in enumerate(reads) if r.plate or any(
        look.plate for look in (looks[i] if i < len(looks) else ())))
