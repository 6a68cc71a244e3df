"""Choosing among a frame's candidate reads: what a crop's read may claim, and which wins.

Why apart from :mod:`edge.reader.cropread` (reading one crop) and :mod:`edge.reader.tesseract`
(the search over a frame's candidates): these rules are the search's policy, each measured
over the rounds in docs/reader-journal.md, and every path of the search that keeps a read (a
candidate, a refit's source, a recount, a text quad) goes through them; ``plurality`` is the
frame's last word where it believed nothing over LONE (round 17).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from edge.reader import cnhabit
from edge.reader.base import ACT
from edge.reader.claims import CUT, LONE, REJOINED, SURE, UNFIT, CropRead
from edge.reader.doubts import province_as_letter
from edge.reader.provlooks import CLASSIFIER_MARGIN, classified
from edge.reader.rules import glyphs_named
from edge.reader.segment import Lines


def capped(read: CropRead, lines: Lines) -> CropRead:
    """The read kept under the band when its image is doubtful: rows joined from one band
    (``REJOINED``), found only by the local-contrast look or by a recount
    (``segment.recount``, round 13), or read only on Tesseract's retry of a row it dropped as
    noise (``LineRead.kept``, round 11). One place for both a candidate's own read and a
    refit's source read, so neither path can skip a cap.
    """
    if lines.rejoined or lines.local or lines.recounted or read.kept:
        read = replace(read, conf=min(read.conf, REJOINED))
    # Its count only the row cut again makes (recut.explains, round 18), or its repairs or
    # surplus only the glyphs explain (glyphslots.checked, round 19).
    if read.recut or read.checked:
        read = replace(read, conf=min(read.conf, UNFIT))
    if lines.cut:  # the crop cut a character: its read is a shorter plate's (round 12)
        read = replace(read, conf=min(read.conf, CUT), contested=True)
    if province_as_letter(read, lines.chars):  # the models' tails of two lengths (round 22)
        read = replace(read, conf=min(read.conf, ACT - 0.01), contested=True)
    return read


def unfit_lone(read: CropRead) -> bool:
    """Whether a VN read is a lone read (one preprocessing, nothing seconding it: at most
    ``LONE``) whose plate does not fit its crop's blobs; the search's best read so is not
    the frame's read where the last looks found nothing better (``TesseractPlateReader``).

    Why: the plate and the segmentation disagree and nothing confirms either; such a read
    never votes (``votes``), and as the frame's last word it was the wrong lone reads of
    the tuning, check and fresh groups' hard frames (round 20: 21N0499 for 21H89493, 7
    characters from 8 blobs, its 1 and 8 lost; 29S2995 for 20H29906; 14D35582; 24P69822
    from 7 blobs), where every right read at ``LONE`` fitted its blobs.
    """
    return (read.cand.country == "VN" and not read.fits and not read.agreed
            and not read.sure and read.conf <= LONE)


def short_plate(read: CropRead) -> CropRead:
    """A VN read whose dot names a glyph its plate lacks (a four-digit number printed with a
    five-digit number's dot, ``rules.glyphs_named``) capped at ``UNFIT`` and contested, as an
    unfit agreement: the read itself says its crop lost a glyph, so its plate is a shorter
    one's. Asked of a read that did not end the search and whose recount read nothing better
    (round 15: 36C-658.66 read 36C6586 at 0.75, two candidates agreeing, and the whole plate's
    read, at 0.75 too, lost the tie).
    """
    if read.cand.country == "VN" and glyphs_named(read.cand, read.raw) > len(read.cand.plate):
        return replace(read, conf=min(read.conf, UNFIT), contested=True)
    return read


#: The blob counts some plate's read can fit (``CropReader._graded``): a VN plate of 7-9
#: characters, one blob each; a Chinese one of 7-8, its province glyph 0-3 blobs.
FIT_CHARS = (6, 10)


def ceiling(lines: Lines) -> float:
    """The most any read of these lines may claim, by what ``capped`` knows before reading,
    and by their blob count: a read of a crop whose count no plate fits (``FIT_CHARS``) is
    never sure, never seconded, and two of them agreeing are capped at ``UNFIT``.

    Why: the search spares the Tesseract calls of a candidate whose read could never beat
    the best so far. Not exact by construction: the skipped read would have joined the
    plates counted for a tie (``better``'s ``found``); on the 1,280 frames of the tuning,
    check and fresh seeds no read changed (round 13; round 18 for the blob count, where the
    search went on past a capped agreement at 0.75: 7.55 -> 7.45 calls a frame on seeds
    999 and 555, no read or confidence changed). An unfit read never votes (``votes``), and
    the last looks come only where the best is at most ``LONE``, under any ceiling.
    """
    if lines.cut:
        return CUT
    if lines.rejoined or lines.local or lines.recounted:
        return REJOINED
    if not FIT_CHARS[0] <= lines.chars <= FIT_CHARS[1]:
        return UNFIT
    return 1.0


def better(new: CropRead, old: CropRead, found: list[CropRead] | None = None) -> bool:
    """``new`` beats the best so far: more confident, or as confident with fewer repairs,
    or with as many and read by more of the frame's candidates (``found``).

    Why the tie-break: reads are capped (CONTESTED, LONE, UNFIT, ...), so two candidates of
    one frame often end at the same confidence, and the first used to win. A repaired read
    (a character trimmed or corrected to fit the grammar) is the weaker of two equals
    (measured: an easy 29Z-568.78 whose plate border read as a leading 2, repaired to
    92Z56878 at 0.75, beat the next candidate's repair-free 29Z56878 at 0.75).
    Why the candidates' count last: a capped agreement no longer ends the search (round 12),
    so several candidates end at CONTESTED; a crop cutting the plate read 98K14210 at 0.75,
    and two whole-plate crops after it read 98K74270 at 0.75 each.
    Before all of it: an unconfirmed 吉 read yields to its tail under the classifier's clear
    province, whatever their confidences (``cnhabit.yields``, round 28).
    """
    if cnhabit.yields(old, new):
        return True
    if cnhabit.yields(new, old):
        return False
    if new.conf != old.conf:
        return new.conf > old.conf
    if new.cand.cost != old.cand.cost:
        return new.cand.cost < old.cand.cost
    found = found or []
    return (sum(r.cand.plate == new.cand.plate for r in found)
            > sum(r.cand.plate == old.cand.plate for r in found))


def look_kept(got: CropRead, best: CropRead | None, reads: list[CropRead], *,
              blob: bool = False, least: float = SURE) -> bool:
    """Whether a frame's last look (a text-fitted quad, an outline, a blob:
    ``TesseractPlateReader._text_looks``) is believed: sure, or agreed at ``least`` (SURE; the
    looks at crops with no rows REJOINED, their cap); a blob's agreed
    read, and one of another plate than the frame's best (a lone read), only when **seconded**:
    another crop of the frame (``reads``: its candidates' and its looks' reads) read that plate.

    Why: alone, a look's agreed read was wrong too often (round 13: 桂FECW39 for 桂FTCW39; round
    14: a blob's 宁THDVDU for 湘DMDVDU), but on the hard misses the looks found the plate and
    read it right, agreed, where another crop read it too (round 16: 贵L19968F 0.93 then 0.81
    over a lone 甘L19968F; 桂FTCW39 0.99 over its candidates' 0.23). A Chinese read seconds
    only from the band (its province confirmed by a second look), or where the two reads'
    provinces came from the two models, one chi_sim's and the other the province classifier's
    alone (``classified``): the crops' chi_sim reads repeat one misread (three looks read
    粤U413Y7 as 吉U413Y7, agreed at 0.79, the classifier naming no province on any of them).

    Two preprocessings agreeing on a classifier-only province (``paired``, capped at
    CLASSIFIED) count as an agreed read here: the search goes on past them, but a look is
    asked only when the search found nothing trusted, and on the hard misses such looks read
    粤PKKR12 and 粤EPG5GS right at 0.70 where the frame read nothing (round 17); a blob's
    too, where nothing at all read (粤P3B12U).
    """
    same = [r for r in reads if r.cand.plate == got.cand.plate]
    seconded = bool(same) and (got.cand.country != "CN" or got.conf >= ACT or any(
        r.classified != got.classified for r in same))
    agreed = got.agreed or got.paired
    # A blob's paired read where nothing in the frame read at all: its province is the
    # classifier's, not one more crop's chi_sim read (round 17: 粤P3B12U's blob at 0.70).
    alone = blob and got.paired and best is None
    if not (got.sure or (agreed and got.conf >= least and (seconded or not blob or alone))):
        return False  # a lone or doubted read of a re-cut crop: wrong as often as right
    return best is None or best.cand.plate == got.cand.plate or got.sure or seconded


def votes(read: CropRead, lines: Lines) -> int:
    """How many votes a crop's read, believed or dropped, casts for ``plurality``: a plate
    at ``LONE`` or more with as many characters as its crop's blobs; read repair-free, one
    vote; agreed by two preprocessings (a capped agreement, a look's unseconded one), two
    when repair-free (one a preprocessing), one when repaired. None from a crop that cut a
    character at a row's end (``Lines.cut``: its plate is a shorter one's, round 12).

    Why only reads fitting their blobs, and no repaired lone read: on the tuning, check and
    fresh seeds' frames that read nothing or a lone read, those were the votes that made
    three wrong plates (14K24294, 46Z7526, 12F42890); on hard passes' frames, two local looks
    agreed on 12Z18456 for 12Z18450 from 6 blobs each, and a look's agreement repaired twice
    (57H82486, 'STH/-82.4.86') outvoted the frame's right lone 51H82486 (round 17).
    Chinese: the crops of a Chinese plate share chi_sim's misread of its province (three looks
    agreeing on 吉U413Y7, round 16), so their votes alone are not the crops' own; a Chinese read
    votes only where the province classifier, a second model, names its province on its own
    crop (at ``CLASSIFIER_MARGIN``; 粤U413Y7's crops, chi_sim's 吉 each, the classifier naming
    no province: no vote; docs/reader-journal.md, round 17).
    """
    if read.cand.country not in ("VN", "CN") or read.conf < LONE or lines.cut or not read.fits:
        return 0
    if read.cand.country == "CN":
        guess = classified(lines, {})
        if (guess is None or guess.char != read.cand.plate[0]
                or guess.margin < CLASSIFIER_MARGIN):
            return 0
    if read.agreed:
        return 1 if read.cand.cost else 2
    return 1 if read.cand.cost == 0 else 0


def plurality(heard: list[tuple[CropRead, Lines]], best: CropRead | None
              ) -> list[tuple[CropRead, Lines]]:
    """The reads that voted for the plate most of a frame's crops read, where the frame
    believed no read over ``LONE``, in the order heard: two votes (``votes``) at least, more
    than any other plate's and than the frame's best read's plate (empty: no such plate, or
    it is the best's).

    Why: a read one crop's preprocessings do not confirm is dropped (a crop evened out) or
    capped at LONE, and a look's agreed read stands only when seconded at its time; but two
    crops of one frame reading one plate, or two preprocessings of a look agreeing on a plate
    nothing else read, are evidence the frame's rules never weigh (round 17: 11U9591's two
    evened crops each read it alone at 0.91 and 0.86; 12R5750 read by a candidate and a
    look, after a lone 12R5759; 36E3998, a look's agreement and a later look's lone read,
    over a lone 66E3996; 29V9565, a look agreed at 0.75 in a frame that read nothing). The
    plate stands at LONE: under the band, a vote of crops that each doubted it.
    Why the voters, not the plate: the caller reads the plate from its first voter's crop,
    and each Chinese read's vote costs a province classifier run (``votes``): counted once
    here, not again by the caller (round 18, speed).
    """
    tally: Counter[str] = Counter()
    crops: Counter[str] = Counter()  # the crops that voted, by plate
    voters: dict[str, list[tuple[CropRead, Lines]]] = {}
    chinese = {read.cand.plate for read, _ in heard if read.cand.country == "CN"}
    for read, lines in heard:
        n = votes(read, lines)
        tally[read.cand.plate] += n
        crops[read.cand.plate] += n > 0
        if n:
            voters.setdefault(read.cand.plate, []).append((read, lines))
    tally = +tally  # plates with votes only
    if not tally:
        return []
    (plate, n), *rest = tally.most_common()
    if n < 2 or (rest and rest[0][1] == n):
        return []
    if best is not None and best.cand.plate == plate:
        # The frame's best read, under LONE, is the plate the crops vote for: lifted to LONE,
        # as any other plate would be (round 21: 湘VRJ71R's best at 0.26, its plurality,
        # declined, then lost to a jittered look's 湘VRJ7AR).
        return voters[plate] if best.conf < LONE else []
    if best is not None and tally[best.cand.plate] >= n:
        return []
    if (best is not None and plate in chinese and tally[best.cand.plate]
            and crops[plate] <= crops[best.cand.plate]):
        # A Chinese crop's agreement is two preprocessings sharing one chi_sim row read: against
        # a crop the frame believed, crops must outnumber crops (round 17: one crop agreed on
        # 桂J93203 against the frame's right lone 桂J9320J, an easy frame).
        return []
    return voters[plate]
