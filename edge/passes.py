"""Vehicle passes: consecutive frames of one truck, and the one decision-grade read of it.

Why passes: a single frame read can be confidently wrong (the field's most
common complaint); acting needs at least ``min_agree`` agreeing frames. The
tracker groups frames into a pass (``pass_id`` minted when the pass's first
frame is captured), asks the reader's ``consensus()`` after every frame with a
plate, and emits exactly one pass-grade result the first time consensus holds and
the pass is not contested.

Contested passes wait, and so do unconfirmed ones. As soon as two frames agree, one of them
may act alone (the reader's ``ACT``) and no frame of the pass read another plate, the pass
is decided. When some frame read another plate (or the agreed plate was
voted character by character), the decision waits until ``contested_frames`` frames
carry a plate, or for the pass's end, and is then taken on every frame. Why: asked after
each frame, an early agreement of two frames can be a shared misread that the next frames
would have contested. Replayed through this tracker on 300 tuning passes
(``scripts/pass_replay.py``, docs/reader-journal.md round 7), the first-agreement rule published a
wrong plate for 8 trucks (consensus over all five frames at once: 5); this rule for 6-7,
at about the same frame on average (3.0 against 2.95), leaving 3-4 more passes to an
officer. A truck standing at the barrier keeps giving frames, so a contested pass is
decided after ``contested_frames`` of them, not never. An agreement of frames none of which
may act alone (capped reads: two preprocessings at odds, one alone, a province unconfirmed)
waits the same way (round 9): two such frames agreeing early were a shared misread that the
pass's next frames contested (云JUSF02 at 0.75 and 0.57, then three frames of the right
云JU9F02), on check and fresh seeds 6 wrong passes in 600 became undecided, and one right
pass in the 300 tuning passes (decided on two frames that the next two contested); the
mean decision frame went from 2.9 to 3.4 of 5, and 27 more of ~540 decided passes were
decided only at their end (docs/reader-journal.md, round 9). A pass the consensus decides
only by its ``scattered`` tie-break (a plate of two frames against one-frame misreads, 1.5x
not 2x) waits one frame more than ``contested_frames`` (round 15: 14L39161 decided at the
fourth of 14L39181, 14L39101, 14L39161, 14L39161, whose fifth frame read 14L39101 again).

A pass ends on the first of:
- the source says so: a different folder pass name, or a ``<pass>.end`` marker;
- ``timeout_s`` without a plate in any frame (the truck has gone);
- a plate change: once a pass is decided, a confident read of a *different*
  plate (>= ``change_confidence``, 0.8: a read that may be acted on alone, the reader's
  ``ACT``) starts a new pass. A single misread below that confidence stays in the old
  pass and cannot split it (0.6 until round 9: a frame capped just under the band,
  湘PTW636 at 0.79 after 湘P7W636, split a decided pass, and its next frame, read
  alike, decided the split-off half wrong; docs/reader-journal.md, round 9), and so does a
  look-alike of the decided plate (the same skeleton, ``domain.lookalikes``:
  云N53575 after 云NS3575), however confident: split off, two such frames were
  decided as a second pass of the same truck (2 of 200 tuning passes). Two trucks
  in a row whose plates differ only by look-alikes need the source's pass names.

A pass that ends undecided is asked once more, with all its frames (``take_late``); one
that still has no consensus is not dropped: a truck stands at a closed
barrier and an officer must hear of it. Such a pass (one with any plate read,
or one the source named, i.e. a triggered capture) goes to ``undecided``; the
agent publishes it as a pass-grade read claiming one frame (the best single
read, or no plate), which the centre's rules always hand to an officer. Before that, when
the agent gives it a way to read frames (``second_look``), the pass's last
``KEPT_IMAGES`` frames are read again at other scales (``edge.reader.second_look``; round
13): a pass that then holds its plate is decided, under the band, with no officer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from domain.lookalikes import skeleton
from edge.passtypes import (
    ConsensusFn,
    Decided,
    FrameInPass,
    LookFn,
    PassReadLike,
    VehiclePass,
    new_id,
)
from edge.reader import habitpass, regionlook, rivalglyph, shiftpass, tailvote
from edge.reader.base import ACT, Frame, FrameRead
from edge.reader.second_look import STAGES, decide, doubts, thin

#: A read of another plate this confident ends a decided pass: the reader's ``ACT`` band,
#: where one frame may be acted on alone. Below it a frame is a capped read (two
#: preprocessings at odds, a province not confirmed) that a look-alike misread of the same
#: truck reaches too.
CHANGE_CONFIDENCE = ACT
#: Frames whose image an undecided pass keeps for its second look (the newest): a pass
#: of the benchmark has five, and a truck standing at the barrier must not fill the memory.
KEPT_IMAGES = 5

class PassTracker:
    """Feeds frames into passes; returns a :class:`Decided` when a pass first reaches consensus."""

    def __init__(self, *, consensus: ConsensusFn, timeout_s: float = 3.0, min_agree: int = 2,
                 change_confidence: float = CHANGE_CONFIDENCE,
                 contested_frames: int = 4) -> None:
        self.consensus = consensus
        self.timeout_s = timeout_s
        self.min_agree = min_agree
        self.change_confidence = change_confidence
        self.contested_frames = contested_frames
        self.current: VehiclePass | None = None
        self.passes_started = 0
        self.passes_decided = 0
        self.undecided: list[VehiclePass] = []  # ended without consensus; drained by the agent
        self.late: list[Decided] = []  # decided at their end, on all frames; drained likewise
        #: The look the frames came with (``feed``): a thin decision at a pass's end is
        #: checked with it too (``end``, ``_doubted``).
        self._look: LookFn | None = None

    def _start(self, group: str | None, now: float, *, split: bool = False) -> VehiclePass:
        self.current = VehiclePass(new_id(), group, now, now, split=split)
        self.passes_started += 1
        return self.current

    def _ask(self, vp: VehiclePass) -> PassReadLike | None:
        """The consensus of the pass's frames. A pass split off a decided one is asked without
        the consensus' ``scattered`` tie-break: a confident misread of the last truck split it,
        and the truck's next frames, read as that misread once more, were a plate of two frames
        against one (51D93528 twice against 51D93520, round 11)."""
        reads = self._reads(vp.frames)
        if vp.split:
            return self.consensus(reads, min_agree=self.min_agree, scattered=False)
        return self.consensus(reads, min_agree=self.min_agree)

    def end(self) -> VehiclePass | None:
        ended, self.current = self.current, None
        if ended is None or ended.decided is not None:
            return ended
        reads = self._reads(ended.frames)
        result = self._ask(ended) if any(r.plate for r in reads) and not ended.doubted else None
        if result is not None and self._look is not None and self._doubted(
                ended, result.plate, self._look):
            ended.doubted, result = True, None  # its second look, or an officer
        if result is not None:  # contested until now: all of its frames decide it
            _drop_images(ended.frames)
            ended.decided = result
            self.passes_decided += 1
            self.late.append(Decided(ended, result, ended.evidence_of(result.best)))
        elif ended.group is not None or any(r.plate for r in reads):
            self.undecided.append(ended)
        return ended

    def second_look(self, vp: VehiclePass, look: LookFn) -> Decided | None:
        """An undecided pass decided from its frames read again (``look``), or ``None``.

        Each frame whose image was kept is read again (``look``), when some frame of the pass
        read a plate (the rule decides only for such a plate) and the pass was not split off
        a decided one (its frames may be the last truck's, the misread that split it among
        them: read again, they would read it again); the decision is
        ``edge.reader.second_look.decide``'s (a plate of ``min_agree`` frames, not against
        the frames' own reads, under the band), asked after each of the scale ``STAGES``
        over every look so far: the next stage's reads are paid only by a pass the stages
        before left undecided (round 17). A pass they all leave undecided has its frames'
        rival coin flip judged by the Latin classifier on their crops
        (``edge.reader.rivalglyph``; round 19), its split tail likewise (``tailvote``; round
        20), and its frames that named no plate are read in the region where another frame
        found it (``edge.reader.regionlook``; round 21); last, a province split only by chi_sim's
        habit 吉 is asked again without the habit's reads (``habitpass``; round 26), and one
        whose other frames read the plate shifted by a stray province stroke, without those
        (``shiftpass``; round 28). The
        images are dropped either way.
        Costs reads only here: measured on the tuning seeds' undecided passes (rounds 13, 17
        and 21).
        """
        if vp.decided is not None or vp.split or not any(f.read.plate for f in vp.frames):
            _drop_images(vp.frames)  # the rule needs a plate some frame read: no reads
            return None
        looks: list[list[FrameRead]] = [[] for _ in vp.frames]
        got = None
        for scales in STAGES:
            for i, f in enumerate(vp.frames):
                looks[i] += _look_at(f, scales, look)
            if any(looks):
                got = decide(self._reads(vp.frames), looks, min_agree=self.min_agree)
            if got is not None:
                break
        if got is None and any(looks):  # the frames' rival coin flip, judged across them
            got = rivalglyph.decided(self._reads(vp.frames), looks, min_agree=self.min_agree)
        if got is None and any(looks):  # the frames' split glyphs, named on their crops
            got = tailvote.decided(self._reads(vp.frames), min_agree=self.min_agree)
        if got is None and any(looks):  # blank frames read where another found the plate
            more = regionlook.region_looks(self._reads(vp.frames),
                                           [f.image for f in vp.frames], looks, look)
            if any(more):
                looks = [[*a, *b] for a, b in zip(looks, more, strict=True)]
                got = decide(self._reads(vp.frames), looks, min_agree=self.min_agree)
        if got is None and any(looks):  # a province split by chi_sim's habit 吉 (round 26)
            got = habitpass.decided(self._reads(vp.frames), looks, min_agree=self.min_agree)
        if got is None and any(looks):  # the plate read shifted by a stray stroke (round 28)
            got = shiftpass.decided(self._reads(vp.frames), looks, min_agree=self.min_agree)
        _drop_images(vp.frames)
        if got is None:
            return None
        result = cast(PassReadLike, got)
        vp.decided = result
        self.passes_decided += 1
        return Decided(vp, result, vp.evidence_of(result.best))

    def take_late(self) -> list[Decided]:
        """Passes decided at their end since the last call (each returned once)."""
        out, self.late = self.late, []
        return out

    def take_undecided(self) -> list[VehiclePass]:
        """Passes that ended without consensus since the last call (each returned once)."""
        out, self.undecided = self.undecided, []
        return out

    def end_group(self, group: str | None) -> None:
        """A ``<pass>.end`` marker: end the pass if it is that one (or carries no name)."""
        if self.current is not None and (group is None or self.current.group in (group, None)):
            self.end()

    def tick(self, now: float) -> None:
        """End the current pass when no plate has been seen for ``timeout_s``."""
        if self.current is not None and now - self.current.last_plate_at >= self.timeout_s:
            self.end()

    def feed(self, *, read: FrameRead, group: str | None, captured_at: datetime, now: float,
             crop_sha256: str | None = None, frame_sha256: str | None = None,
             image: Frame | None = None,
             look: LookFn | None = None) -> tuple[VehiclePass, Decided | None]:
        """Add one frame's read; returns its pass and the decision if consensus just held.

        ``image``: the frame, kept (the newest ``KEPT_IMAGES``) while the pass is undecided,
        for its second look at the pass's end (``second_look``). ``look``: reads a kept frame
        again, to check a thin decision before it is taken (``_doubted``)."""
        self._look = look
        self.tick(now)
        cur = self.current
        if cur is not None and group is not None and cur.group is not None and group != cur.group:
            self.end()  # the source named a new pass
            cur = None
        if (cur is not None and cur.decided is not None and read.plate is not None
                and read.plate != cur.decided.plate
                and read.confidence >= self.change_confidence
                and skeleton(read.plate) != skeleton(cur.decided.plate)):
            self.end()  # a different truck (not the decided plate with a look-alike misread)
            cur = self._start(group, now, split=True)
        if cur is None:
            cur = self._start(group, now)
        if cur.group is None and group is not None:
            cur.group = group
        cur.frames.append(FrameInPass(read, captured_at, crop_sha256, frame_sha256,
                                      image if cur.decided is None else None))
        if len(cur.frames) > KEPT_IMAGES:
            cur.frames[-KEPT_IMAGES - 1].image = None
        if read.plate is None:
            return cur, None
        cur.last_plate_at = now
        if cur.decided is not None or cur.doubted:
            return cur, None
        reads = self._reads(cur.frames)
        result = self._ask(cur)
        if result is None:
            return cur, None
        seen = [r.plate for r in reads if r.plate]
        unconfirmed = not any(r.plate == result.plate and r.confidence >= ACT for r in reads)
        contested = any(p != result.plate for p in seen)
        if len(seen) < self.contested_frames and (unconfirmed or contested):
            return cur, None  # contested or unconfirmed: more frames, or the pass's end
        if contested and len(seen) == self.contested_frames and self.consensus(
                reads, min_agree=self.min_agree, scattered=False) is None:
            return cur, None  # decided by the scattered tie-break only: one frame more
        if look is not None and self._doubted(cur, result.plate, look):
            cur.doubted = True  # its second look decides it at its end, or an officer
            return cur, None
        cur.decided = result
        self.passes_decided += 1
        _drop_images(cur.frames)
        return cur, Decided(cur, result, cur.evidence_of(result.best))

    def _doubted(self, vp: VehiclePass, plate: str, look: LookFn) -> bool:
        """Whether a thin decision for ``plate`` (in ``feed`` or at the pass's ``end``) is
        doubted by its agreeing frames read again at the second look's first scales
        (``edge.reader.second_look.thin`` and ``doubts`` say which and why; round 18)."""
        frames = [vp.frames[i] for i in thin(plate, self._reads(vp.frames),
                                             min_agree=self.min_agree)]
        return any(doubts(plate, _look_at(f, STAGES[0], look)) for f in frames
                   if f.image is not None)

    @staticmethod
    def _reads(frames: Sequence[FrameInPass]) -> list[FrameRead]:
        return [f.read for f in frames]


def _look_at(frame: FrameInPass, scales: tuple[float, ...], look: LookFn) -> list[FrameRead]:
    """``frame`` read at ``scales`` (none once its image was dropped, as before: a pass's
    oldest frames lose theirs past ``KEPT_IMAGES``), each stage once.

    Why: a doubted thin decision (``PassTracker._doubted``) read its agreeing frames at
    ``STAGES[0]``, and the second look at the pass's end asked the same frames at the same
    scales again: two Tesseract reads a frame for reads already known (round 19)."""
    if frame.image is None:
        return []
    if scales not in frame.looked:
        frame.looked[scales] = list(look(frame.image, scales))
    return frame.looked[scales]


def _drop_images(frames: Sequence[FrameInPass]) -> None:
    for f in frames:
        f.image = None
        f.looked.clear()
