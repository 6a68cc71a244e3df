"""A frame's last looks: its candidates read again where the search found nothing trusted.

Why apart from the search (:mod:`edge.reader.tesseract`): the looks run only on frames whose
candidates read nothing, or nothing over a lone read, so a frame that reads pays nothing; each
look is a crop the search did not read (a quad fitted to its text, an outline dropped behind a
text box, a plate-yellow quad, a bright blob parted at its neck, a text blob as it is, a crop
with no rows by local contrast), and what one may claim is ``choose.look_kept``'s rule,
always under the band.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from itertools import chain, islice

import numpy as np

from edge.reader import cnagree, cntailvote, cnvote, jitter, necks, slotwise, widesplit
from edge.reader.base import ACT, Frame
from edge.reader.choose import better, capped, ceiling, look_kept, plurality
from edge.reader.claims import LONE, REJOINED, SURE, CropRead
from edge.reader.cropread import CropReader
from edge.reader.engines import LineEngine
from edge.reader.localise import rectify
from edge.reader.lookcount import recounted
from edge.reader.outline import PAD
from edge.reader.segment import Lines, segment, unrowed
from edge.reader.textquad import YELLOWS, Blobs, blob_looks, quad_looks, text_quad

#: A frame whose candidates read nothing (or nothing over a lone read) has this many of its
#: plate-sized candidates (TEXT_CHARS characters) read again from their text-fitted quads.
TEXT_LOOKS = 3
TEXT_CHARS = (6, 9)
#: ... and, when those read nothing trusted, this many of its text blobs as they are
#: (``localise.candidates``' ``blobs``), the likeliest of those segmenting TEXT_CHARS.
BLOB_LOOKS = 3
#: ... and, before the blobs, this many outlines suppressed behind text boxes never read.
SECOND_LOOKS = 2
#: ... and, when nothing read at all, this many of its candidates with no rows whose local
#: look (``segment.unrowed``) finds TEXT_CHARS characters; an agreed read counts (round 16).
UNROWED_LOOKS = 2
#: ... and, when still nothing reads, this many of its likeliest candidates of SPLIT_CHARS
#: blobs with their merged blobs split by pitch (``widesplit``, round 20).
SPLIT_LOOKS = 2
SPLIT_CHARS = (4, 9)


class LastLooks(CropReader):
    """The looks of :class:`~edge.reader.tesseract.TesseractPlateReader`; the search fills
    ``_segmented``, ``_seconds``, ``_blobs`` and ``_unrowed`` for each frame."""

    def __init__(self, engine: LineEngine) -> None:
        super().__init__(engine)
        #: This frame's outlines suppressed behind a text box, by the box quad's ``id``
        #: (``localise.candidates``).
        self._seconds: dict[int, np.ndarray] = {}
        #: This frame's segmented candidates: likeness, quad, the crop's lines (``_text_looks``).
        self._segmented: list[tuple[float, np.ndarray, Lines]] = []
        #: This frame's text blobs as they are (``localise.candidates``, ``_text_looks``).
        self._blobs = Blobs()
        #: Every read of this frame's looks, trusted or not (``_look``).
        self._looked: list[CropRead] = []
        #: This frame's candidates the segmentation found no rows in: quad, crop.
        self._unrowed: list[tuple[np.ndarray, Frame]] = []
        #: Every crop read this frame: its chi_sim cache (texts, province guess) and lines,
        #: by the cache's ``id`` (``cnvote``, round 20).
        self._crops: dict[int, tuple[dict[str, object], Lines]] = {}
        #: The quad and crop of the lines read this frame, by the lines' ``id`` (the lines
        #: kept too, so no id is reused): where a plurality's plate was read (``_plurality``).
        self._where: dict[int, tuple[np.ndarray, Frame, Lines]] = {}
        #: Every preprocessing's read of this frame with its lines, and the jittered looks'
        #: quads and crops by the lines' ``id``, apart from ``_where`` (``cnagree``, round 26).
        self._variants: list[tuple[CropRead, Lines]] = []
        self._jitter_where: dict[int, tuple[np.ndarray, Frame, Lines]] = {}

    def _text_looks(self, frame: Frame, best: tuple[CropRead, np.ndarray, Frame] | None,
                    found: list[CropRead]) -> tuple[CropRead, np.ndarray, Frame] | None:
        """The frame's plate-sized candidates read again from quads fitted to their text.

        Why: a quad a few pixels off at a corner leaves the plate's characters leaning or
        shrinking towards one end, and Tesseract reads nothing from 7-8 characters the
        segmentation found (round 13: glare or blur frames, and quads cut short at one end;
        ``textquad``). Asked only when the frame has read nothing over a lone read, so a
        frame that reads pays nothing. A look's read counts only as ``choose.look_kept``
        says, and stays under the band. Then, still with nothing trusted, the outlines
        never read and a yellow plate parted from an orange truck (round 16), a white one
        parted from a light body (round 20, only a sure read), then the frame's text blobs as
        they are (round 14); then, with nothing read at all, its crops with no rows by local
        contrast (round 16).
        """
        lo, hi = TEXT_CHARS
        self._looked = []
        looks = sorted((t for t in self._segmented if lo <= t[2].chars <= hi),
                       key=lambda t: -t[0])[:TEXT_LOOKS]
        for _, quad, lines in looks:
            fitted = text_quad(quad, lines, PAD)
            if fitted is not None:
                crop = rectify(frame, fitted, pad=PAD)
                best = self._look(fitted, crop, segment(crop), best, found)
        if best is None or best[0].conf <= LONE:
            # An outline dropped behind a text box never read (no rows, ranked out): its
            # second look never came (``_second_look``; 36Y37046). A yellow plate touching an
            # orange truck, whose body the yellow mask takes in (12X29880).
            outlines = chain(
                quad_looks(frame, [*self._seconds.values()][:SECOND_LOOKS], TEXT_CHARS),
                islice(quad_looks(frame, self._blobs.yellow(), TEXT_CHARS), YELLOWS))
            for quad, crop, lines in outlines:
                best = self._look(quad, crop, lines, best, found)
                if best is not None and best[0].conf > LONE:
                    break
        if best is None or best[0].conf <= LONE:
            # A white plate the bright mask joined to a light body it touches: its part of
            # the mask eroded (``necks``; round 20), believed only when sure over LONE.
            parts = [*necks.necked(self._blobs.small, *self._blobs.args),
                     *necks.yellow(self._blobs.plate_yellow(), *self._blobs.args[1:])]  # round 21
            for quad, crop, lines in quad_looks(frame, parts, TEXT_CHARS):
                marks = len(self._heard), len(self._slotwise), len(self._looked)
                was = best
                best = self._look(quad, crop, lines, best, found, only_sure=True)
                if best is was:  # not believed: it leaves no vote behind (14K84294, 12R5750)
                    del self._heard[marks[0]:], self._slotwise[marks[1]:], self._looked[marks[2]:]
                elif best is not None and best[0].conf > LONE:
                    break
        if best is None or best[0].conf <= LONE:
            # A tilted plate's text blob fills its rectangle too little to be a candidate, or
            # was grown past the plate; as it is, it reads the plate (round 14).
            for quad, crop, lines in blob_looks(frame, self._blobs.quads(), TEXT_CHARS, BLOB_LOOKS):
                best = self._look(quad, crop, lines, best, found, sure=True)
                if best is not None and best[0].conf > LONE:
                    break  # a sure look: the others would only cost calls
        if best is None:  # nothing read at all: the crops with no rows, by local contrast
            rows = ((q, c, ln) for q, c in self._unrowed if (ln := unrowed(c, TEXT_CHARS)))
            for quad, crop, again in islice(rows, UNROWED_LOOKS):
                best = self._look(quad, crop, again, best, found, least=REJOINED)
                if best is not None:
                    break
        if best is None or best[0].conf <= LONE:
            best = self._plurality(best)
        if best is None or best[0].conf < slotwise.FLOOR:
            # The frame reads nothing (no read, or none a plate): a crop's three reads,
            # character by character (round 18b).
            best = self._slot_majority() or best
        if best is None or best[0].conf < slotwise.FLOOR:
            best = self._jittered(frame) or best
        if best is None or best[0].conf < slotwise.FLOOR:
            best = self._split(frame) or best
        if best is None or best[0].conf < slotwise.FLOOR or (
                best[0].cand.country == "VN" and best[0].cand.cost and best[0].conf <= LONE):
            # Nothing read, or a repaired VN lone read (桂P09347F read 44P09347 from
            # '44P09347F', its F trimmed): the Chinese plate the crops vote for (round 20).
            best = self._province_voted() or best
        if best is not None:  # a lone Chinese read's tail, outvoted by the crops (round 21)
            tail = cntailvote.revoted(best[0], list(self._crops.values()), self._heard)
            if tail is not None:
                best = replace(best[0], cand=tail, conf=LONE, sure=False, rival=None), *best[1:]
        return best

    def _split(self, frame: Frame) -> tuple[CropRead, np.ndarray, Frame] | None:
        """The likeliest candidates' crops with their merged blobs split by pitch
        (``widesplit``), read where the frame reads nothing, believed at LONE (round 20); a
        2-row plate's rows too, and an evened split crop's dropped lone read is judged as
        its read (round 21: 12G42157's only read of the plate, '126/421.57')."""
        lo, hi = SPLIT_CHARS
        sized = sorted((t for t in self._segmented if lo <= t[2].chars <= hi), key=lambda t: -t[0])
        for _, quad, _ in sized[:SPLIT_LOOKS]:
            crop = rectify(frame, quad, pad=PAD)
            looked = widesplit.looked(crop)
            if looked is None:
                continue
            lines, mask, glyphs, made = looked
            got = self._read_lines_all(lines) or jitter.dropped_vote(self._dropped, lines)
            got = capped(got, lines) if got is not None else None
            top = lines.row_chars[0] if lines.layout == "2-line" else 0
            named = got is not None and widesplit.confirmed(got, mask, glyphs, made, top=top)
            if got is not None and widesplit.believed(got, lines, named, glyphs=glyphs, made=made):
                return replace(got, conf=LONE, sure=False), quad, crop
        return None

    def _read_lines(self, lines: Lines, variant: str, cache: dict[str, object]
                    ) -> CropRead | None:
        self._crops.setdefault(id(cache), (cache, lines))  # the crops' votes (cnvote)
        got = super()._read_lines(lines, variant, cache)
        if got is not None:
            self._variants.append((got, lines))  # cnagree (round 26)
        return got

    def _crops_agreed(self) -> tuple[CropRead, np.ndarray, Frame] | None:
        """The Chinese plate the frame's crops read again and again, one surely (``cnagree``),
        at LONE where the frame reads nothing else: on the first of its crops placed."""
        leans = {id(ln): getattr(c.get("class"), "char", None) for c, ln in self._crops.values()}
        got = cnagree.agreed(self._variants, leans)
        if got is None:
            return None
        witness, own = got
        for _, lines in own:
            where = self._where.get(id(lines)) or self._jitter_where.get(id(lines))
            if where is not None and where[2] is lines:
                return replace(witness, conf=LONE, sure=False, rival=None), where[0], where[1]
        return None

    def _province_voted(self, *, lean: bool = False) -> tuple[CropRead, np.ndarray, Frame] | None:
        """The Chinese plate the frame's crops vote for (``cnvote.voted``; ``lean``: its
        province leaned to by the plate's own crops, ``cnvote.leaned``) where no crop read
        another Chinese plate at FLOOR (believed or dropped: ``_heard``; under it a read is no
        plate), at LONE, its province the classifier's (``weak``): its first voter's read,
        quad and crop."""
        got = (cnvote.leaned if lean else cnvote.voted)(list(self._crops.values()))
        where = self._where.get(id(got[2])) if got is not None else None
        if got is None or where is None or where[2] is not got[2]:
            return None
        cand, text, lines = got
        if any(r.cand.country == "CN" and r.cand.plate != cand.plate
               and r.conf >= slotwise.FLOOR and (not lean or cnvote.near(r.cand, cand))
               for r, _ in self._heard):
            return None  # check 桂X7S602: voted 桂X75602, its crops read both at 0.7
        return (CropRead(cand, LONE, text, lines.layout, classified=True, weak=True),
                where[0], where[1])

    def _jittered(self, frame: Frame) -> tuple[CropRead, np.ndarray, Frame] | None:
        """The plate most looks at the likeliest plate-sized candidate's quad moved a pixel
        or two read (``jitter``), at LONE, where the frame reads nothing else (round 19)."""
        lo, hi = TEXT_CHARS
        sized = [t for t in self._segmented if lo <= t[2].chars <= hi]
        if not sized:
            return None
        quad = max(sized, key=lambda t: t[0])[1]
        votes: Counter[str] = Counter()
        first: dict[str, tuple[CropRead, np.ndarray, Frame]] = {}
        for n, (moved, pad) in enumerate(jitter.looks(quad), 1):
            crop = rectify(frame, moved, pad=pad)
            lines = segment(crop)
            if lines is not None:
                self._jitter_where[id(lines)] = (moved, crop, lines)  # cnagree (round 26)
            got = self._read_lines_all(lines) if lines is not None else None
            if got is None and lines is not None:
                got = jitter.dropped_vote(self._dropped, lines)
            if got is not None and lines is not None:
                got = capped(got, lines)
                plate = jitter.counted(got)
                if plate is not None:
                    votes[plate] += 1
                    first.setdefault(plate, (got, moved, crop))
            won = jitter.winner(votes, len(jitter.LOOKS) - n)
            if won is None:
                return None
            if won:
                read, moved, crop = first[str(won)]
                return replace(read, conf=LONE, sure=False), moved, crop
        return None

    def _slot_majority(self) -> tuple[CropRead, np.ndarray, Frame] | None:
        """The plate a crop's three preprocessings read slot by slot (``slotwise``), at LONE,
        where the frame reads nothing (round 18b): its read, quad and crop."""
        got = slotwise.chosen(self._slotwise)
        where = self._where.get(id(got[1])) if got is not None else None
        if got is None or where is None or where[2] is not got[1]:
            return None
        return got[0], where[0], where[1]

    def _plurality(self, best: tuple[CropRead, np.ndarray, Frame] | None
                   ) -> tuple[CropRead, np.ndarray, Frame] | None:
        """The plate most of the frame's crops read (``choose.plurality``), at LONE, where
        nothing over a lone read was believed: its first voter's read, quad and crop
        (docs/reader-journal.md, round 17; the votes are counted once, round 18)."""
        for read, lines in plurality(self._heard, best[0] if best is not None else None):
            where = self._where.get(id(lines))
            if where is not None and where[2] is lines:
                return replace(read, conf=LONE, sure=False), where[0], where[1]
        return best

    def _look(self, quad: np.ndarray, crop: Frame, again: Lines | None,
              best: tuple[CropRead, np.ndarray, Frame] | None, found: list[CropRead], *,
              sure: bool = False, least: float = SURE, only_sure: bool = False
              ) -> tuple[CropRead, np.ndarray, Frame] | None:
        """One look's read, kept only when trusted (``choose.look_kept``; ``sure``: a blob's,
        believed only when sure or seconded; ``least``: an agreed read's least confidence, at
        most the crop's cap, ``choose.ceiling``; ``only_sure``: only a sure read over LONE,
        ``necks``' parts), under the band."""
        if again is not None:
            self._where[id(again)] = (quad, crop, again)  # its votes' crop (_plurality)
        got = self._read_lines_all(again) if again is not None else None
        if got is None or again is None:
            return best
        got = capped(got, again)
        got, again = recounted(self._read_lines_all, crop, again, got)  # round 20
        self._where[id(again)] = (quad, crop, again)
        if ceiling(again) == REJOINED:
            # Its crop's rows are capped at REJOINED (the local-contrast look, rows rejoined,
            # a recount): an agreed read there can never reach SURE, so it is asked to reach
            # the cap (round 17: 川A86505's text-fitted crop, found by the local look, read it
            # right by two preprocessings at 0.70, kept at 0.69, on a frame that read nothing).
            least = min(least, REJOINED)
        kept = look_kept(got, best[0] if best is not None else None, [*found, *self._looked],
                         blob=sure, least=least)
        if only_sure and not (got.sure and got.conf > LONE):
            kept = False  # a look at a crop no mask found: its own sure read, or nothing
        self._looked.append(got)
        if not kept:
            return best
        got = replace(got, conf=min(got.conf, ACT - 0.01))
        found.append(got)
        return (got, quad, crop) if best is None or better(got, best[0], found) else best
