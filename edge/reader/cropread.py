"""Reading one segmented crop: its preprocessings, their agreement, what a read may claim.

Why apart from :mod:`edge.reader.tesseract`: that module searches a frame's candidates and
decides when to stop; this one reads one candidate and grades its read against the
confidence caps of :mod:`edge.reader.claims` (calibrated over the rounds in
docs/reader-journal.md); the caps the search applies, and which read wins, are
:mod:`edge.reader.choose`. A read of a crop is one Tesseract call on its grey rows; a
doubtful one is checked against a binarised image and, when those disagree, an adaptive
threshold breaks the tie.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from domain.plate_candidates import Candidate, clean
from edge.reader import (
    cnhabit,
    cnletter,
    cnlook,
    cnvote,
    cnvouch,
    doubts,
    glyphslots,
    greenplate,
    recut,
    rules,
    slotwise,
    topletter,
    toprow,
    vouch,
)
from edge.reader import wholevouch as whole
from edge.reader.agreement import agreed
from edge.reader.chinese import read_cn
from edge.reader.claims import (
    CLASSIFIED,
    LONE,
    MARGIN,
    SURE,
    CropRead,
)
from edge.reader.cntails import tail_stats
from edge.reader.disputes import doubted
from edge.reader.doubts import lost_to_dot, sure_alone, twice_repaired
from edge.reader.engines import LineEngine, split_rows
from edge.reader.lookalikes import (
    cn_tail,
    hesitations,
    reread_lookalikes,
    tail_of,
)
from edge.reader.phantoms import dropped as gap_phantoms_dropped
from edge.reader.provlooks import province_confirmed
from edge.reader.rules import discount, series_from_choices, vn_plates, vn_rows_fit, words
from edge.reader.segment import Lines, joined
from edge.reader.zeros import reread_zeros


class CropReader:
    """One segmented candidate read into a plate and a confidence (``_read_lines_all``).

    :class:`~edge.reader.tesseract.TesseractPlateReader` builds on it; tests script a
    candidate's reads by overriding ``_read_lines_all`` or ``_read_lines``.
    """

    def __init__(self, engine: LineEngine) -> None:
        self._engine = engine
        #: Every crop's read of this frame, believed or dropped, with the lines it read: the
        #: frame's last word where nothing was believed (``choose.plurality``; round 17). The
        #: search clears it for each frame.
        self._heard: list[tuple[CropRead, Lines]] = []
        self._dropped: CropRead | None = None  # the read ``_judged`` dropped last
        self._slotwise: list[tuple[CropRead, Lines]] = []  # slotwise.majority's reads, a frame

    def _read_lines_all(self, lines: Lines) -> CropRead | None:
        """``_judged``, its read (or the one it dropped) heard for ``choose.plurality``."""
        self._dropped = None
        got = self._judged(lines)
        heard = got if got is not None else self._dropped
        if heard is not None:
            self._heard.append((heard, lines))
        return got

    def _judged(self, lines: Lines) -> CropRead | None:
        """Read the plate once; read more preprocessings only when that read is doubtful.

        Why not always several: each is a Tesseract call, the dominant cost. A read that
        fits the grammar as is, with every character confident and as many characters as
        the segmentation found blobs, is rarely wrong (measured, see ``SURE``); any other
        read is checked against a binarised image and, when those disagree, a third
        (adaptive threshold) breaks the tie. A read that no second preprocessing confirms is
        capped at LONE, below what may be acted on alone (consensus can still confirm it).
        """
        cache: dict[str, object] = {}  # chi_sim reads of this candidate
        first = self._read_lines(lines, "gray", cache)
        if first is not None and sure_alone(first):  # round 22: a clear lead alone
            if first.settled:  # the classifier as the second look: graded as two agreeing
                return replace(first, conf=min(0.99, 1 - (1 - first.conf) ** 2), agreed=True)
            return first
        if first is not None and first.vouched:  # the Latin classifier as the second look
            return whole.graded(first)
        if first is None and words(str(cache.get("text", ""))):
            return None  # painted words, not a plate misread: other preprocessings won't help
        if first is not None and first.seconded:
            return self._seconded(first, lines, cache)
        reads = [r for r in (first, self._read_lines(lines, "binary", cache)) if r]
        if not reads:
            return None
        if len(reads) < 2 or reads[0].cand.plate != reads[1].cand.plate:
            # Undecided (the binary image read 0 as 6, say): a third, differently binarised
            # image breaks the tie (a rescaled grey one is not independent: it repeats the
            # grey image's mistakes, measured on the regression set).
            third = self._read_lines(lines, "adaptive", cache)
            reads += [third] if third is not None else []
        if (pair := agreed(reads, self._engine, lines, cache)) is not None:  # agreement.py
            return pair
        if (voted := slotwise.majority(reads)) is not None:  # the frame's last word (round 18b)
            self._slotwise.append((voted, lines))
        # A glyph only the classifier named (dropped.fill) is no read alone (round 15).
        reads = [r for r in reads if not r.filled]
        if not reads:
            return None
        top = max(reads, key=lambda r: r.conf)
        if top.weak:
            # A weak classifier province (chinese.CLASSIFIER_WEAK) no second preprocessing
            # reads: a guess on a guess (round 15: 桂P3605C's lone 桂PB505F beat the right read).
            return None
        if (top.cand.cost and top.conf < LONE) or (lines.evened and not top.sure) or top.kept \
                or twice_repaired(top):
            # Repaired, doubtful and unconfirmed, or repaired twice (doubts.py): more likely
            # wrong than right. So is one read of a crop evened out (measured), or of a row
            # Tesseract took for noise (round 11: 14K41103 read 16K41103).
            # But a lone read there that is sure by itself (repair-free, as many characters
            # as blobs, confident, no close runner-up) stands at LONE (round 13: the binary
            # rows of 98H-1174 and 12KT-662 read right at 0.98 and 0.89, their grey rows
            # blurred by the evening-out read 'SH1174' and '2KT-662').
            self._dropped = top  # a crop's vote still (choose.plurality, round 17)
            return None
        return replace(top, conf=min(top.conf, LONE))

    def _seconded(self, read: CropRead, lines: Lines, cache: dict[str, object]) -> CropRead:
        """A Chinese read whose two models read the same tail, graded as two agreeing reads.

        Why no binary eng read here: a Chinese read is never sure alone, so the grey read was
        always followed by a binary one, and the pair's confidence was ``1 - (1 - a)(1 - b)``
        of two reads both bounded by chi_sim's one row confidence (the preprocessings share
        it). Where chi_sim's own tail already equals eng's, a second model has read the tail
        (round 5: that check is what catches eng's G read as 6), so it stands as the second
        look, and the binary call (~6 ms) is spared. Only for a read that needed no repair,
        fits the blobs and hesitated nowhere; the province still needs its own second look
        (``province_confirmed``) for the >= ACT band, as for two agreeing preprocessings.
        """
        conf, contested = cnhabit.held(  # an unconfirmed 吉 searches on (round 26)
            read.cand.plate, min(0.99, 1 - (1 - read.conf) ** 2),
            lambda: province_confirmed(self._engine, lines, cache, read.cand.plate[0]))
        return replace(read, conf=conf, agreed=True, contested=contested, habit=contested)

    def _read_lines(self, lines: Lines, variant: str, cache: dict[str, object]
                    ) -> CropRead | None:
        images = lines.binary if variant == "binary" else lines.gray
        if variant == "adaptive":  # a local threshold: other pixels, other mistakes
            images = [np.asarray(cv2.adaptiveThreshold(
                cv2.GaussianBlur(g, (3, 3), 0), 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                cv2.THRESH_BINARY, 41, 12), np.uint8) for g in lines.gray]
        line, starts = joined(images)
        # A barred zero the LSTM read as 6 or 8, and a G it read as 6 (or a 6 as G), told by
        # the glyph's blob (zeros.py, lookalikes.py, round 12).
        mask = line if variant == "binary" else joined(lines.binary)[0]
        # And any character whose glyph the Latin classifier names as eng's own runner-up
        # (latin.py; docs/reader-journal.md, round 14), before the shape judges.
        plain = self._engine.read(line, script="latin")
        eng = vouch.reread(plain, mask)
        relabelled = eng is not plain
        zeroed = reread_zeros(eng, mask)
        got = reread_lookalikes(zeroed, mask, "G6")
        texts, rows = split_rows(got, starts, len(images))
        text = clean("".join(texts))
        cnvote.heard(cache, text, got.kept)  # painted words; the crops' votes (cnvote.py)
        # A row of digits only (a painted phone number, a hotline) becomes a "plate" only by
        # inventing its series letter: on one line that is refused unless the LSTM itself
        # offered a letter for the series slot (rules.series_from_choices); a wrong plate is
        # worse than none. Two rows shaped like a plate's (3-4 over 4-5) are evidence enough.
        digits_only = text.isdigit() and not (lines.layout == "2-line"
                                              and vn_rows_fit(lines, texts))
        extra = rules.extra_after_series(lines.layout, texts)  # a dash read as a digit (vn_plates)
        if digits_only and lines.layout == "1-line":
            cands = series_from_choices(got, text, after_series=extra)
        else:
            cands = [] if digits_only else vn_plates(text, after_series=extra)
        vn = cands[0] if cands else None
        # A row read one glyph short, the skipped blob named by the Latin classifier
        # (dropped.py, round 15): the VN read only; Chinese tails read as eng read them.
        # Or a repaired or surplus read checked glyph by glyph (glyphslots.py, round 19).
        vn, vn_got, vn_texts, checked = glyphslots.vn_read(vn, got, texts, mask, starts, lines)
        if lines.green:  # a new-energy plate's row in VN's shape (greenplate.py, round 27)
            vn = None
        if vn is not None and vn.cost == 0 and vn_rows_fit(lines, vn_texts):
            vn_raw = "/".join(vn_texts)
            # eng's hesitant characters named as read by the Latin classifier: the hesitation
            # is settled (round 15, speed; ``vouch.confirmed``), unless the read names a glyph
            # its crop lost (36C/658.6 for 36C-658.66: ``rules.glyphs_named``) or was filled.
            # A count the row cut again by pitch makes (recut.py, round 18) is the crop's too.
            cut = vn_got is got and recut.explains(lines, got, mask, vn)
            settled = (vn_got is plain and got.margin < MARGIN and not got.kept and got.conf >= SURE
                       and rules.glyphs_named(vn, vn_raw) <= (len(vn.plate) if cut else lines.chars)
                       and doubts.settles(got, mask))  # round 27: doubts.SETTLE_BELOW
            read = self._graded(lines, vn, vn_got.conf, vn_raw, MARGIN if settled else
                                vn_got.margin, trusted=not (got.kept or checked), recut=cut)
            vouched = (variant == "gray" and not settled and vn_got is plain and not cut  # round 24
                       and whole.second_look(read, got, mask, lines.chars, vn_raw))
            return doubted(replace(read, kept=got.kept, relabelled=relabelled, checked=checked,
                                   filled=vn_got is not got and not checked, settled=settled,
                                   vouched=vouched), vn_got, mask)  # a glyph named otherwise
        # A Chinese tail's T/7, Q/0, A/4, J/3 and S/8 by their glyphs too (lookalikes.py); a
        # tail judged by shape leads a 2-row tie with chi_sim's (cntails.two_row). A T/7 slot
        # with no LSTM choice, judged so, is one judge's guess: capped as the classifier's
        # characters are; ``named``: the places the classifier named (round 16, ``cn_tail``);
        bare = gap_phantoms_dropped(got, mask, starts, lines.row_chars)  # the rows' gap: round 19
        once = cnlook.single(bare, mask)  # a glyph eng read twice, read once (round 18b)
        tail, guessed, named = cn_tail(once, plain, eng, mask, starts, lines.layout == "2-line")
        relabelled = relabelled or guessed or once is not bare
        letter = cnletter.filled(tail, mask, lines, cache)  # a skipped letter (round 18)
        tail, relabelled = letter, relabelled or letter is not tail
        if tail is not got:
            texts, rows = split_rows(tail, starts, len(images))
        judge = cnlook.judge(tail, mask, starts, lines.layout == "2-line")  # round 18b
        # The grey read's bottom row vouched for by the Latin classifier spares chi_sim's
        # bottom-row call (cnvouch.py, round 26); asked only where chi_sim would be.
        vouched = variant == "gray" and tail is plain and lines.layout == "2-line"
        cache[cnvouch.KEY] = (lambda: cnvouch.bottom(tail, mask, starts)) if vouched else None
        cn = read_cn(self._engine, lines, images, texts, 1.0, cache,  # 1.0: see tail_stats
                     latin_first=tail is not bare or got is not zeroed, judge=judge, named=named)
        by_classifier = bool(cache.get("classifier_only"))
        if cn is not None and lines.green and not greenplate.new_energy(cn[0].plate):
            cn = None  # a green plate is a new-energy one or no read (round 27)
        if cn is not None and (vn is None or (cn[0].cost <= vn.cost and not by_classifier)):
            cand, cn_conf, cn_raw, agree, rival = cn
            tail_conf, tail_margin = tail_stats(rows, cand, lines.layout == "2-line")
            eng_margin = tail_margin
            if tail_margin < MARGIN:
                # eng's slots with no LSTM choice (a 2-row plate's top-row letter, always),
                # read alike by chi_sim's row read, no tail character opposed by the Latin
                # classifier: no hesitation (toprow.py; docs/reader-journal.md, round 17).
                tail_margin = toprow.margin(tail, starts, mask, cn_raw, cand, rows, tail_margin)
            if agree:
                cn_conf = min(cn_conf, tail_conf)
            elif lines.layout == "1-line":
                cn_conf = min(cn_conf, 0.7 * tail_conf)
            if by_classifier:
                cn_conf = min(cn_conf, CLASSIFIED)
            # chinese.ROW_DOUBT: only a hesitation, not a slot with no LSTM choice (round 16)
            if tail_margin < MARGIN and "row_doubt" in cache and tail_stats(
                    split_rows(hesitations(tail), starts, len(images))[1], cand,
                    lines.layout == "2-line")[1] < MARGIN:
                cn_conf = min(cn_conf, float(cache["row_doubt"]))  # type: ignore[arg-type]
            read = self._graded(lines, cand, cn_conf, cn_raw, tail_margin, trusted=False,
                                classified=by_classifier,  # the province: province_confirmed
                                rival=rival)
            # chi_sim's tail as the second look (_seconded): on the first read only, repair-free,
            # fitting, no hesitation, the province chi_sim's own. A hesitant tail character the
            # Latin classifier names as eng's own is none, as on a VN read (round 16; not on a
            # read any judge reshaped, nor a slot with no LSTM choice: ``vouch.confirmed``).
            seconded = (agree and variant == "gray" and cand.cost == 0 and read.fits
                        and not by_classifier and not got.kept and (tail_margin >= MARGIN or (
                            tail is plain and vouch.confirmed(tail_of(
                                tail, starts, lines.layout == "2-line", len(cand.plate) - 1,
                                cand.trimmed), mask, MARGIN))))
            # Vouched slots (toprow.py) second a read only where that grade reaches SURE: under
            # it the binary read is asked as before (round 17: a pass frame's 桂N39N93 seconded
            # at 0.70 from 0.45 was a second look's read under SURE, and dropped; main's two
            # agreeing reads stood at 0.75).
            seconded = seconded and (eng_margin >= MARGIN or tail_margin < MARGIN
                                     or 1 - (1 - read.conf) ** 2 >= SURE)
            weak = bool(cache.get("classifier_weak"))
            if weak and (not read.fits or text.isdigit() or cache.get("skipfill")):
                # A weak classifier province on a crop of more or fewer glyphs than the plate
                # (round 15: a painted CHUYEN TUYEN, 10 blobs, read 川ENTUYE on a plate-free
                # frame, its C called 川 at margin 0.56), or on a row eng read as digits only,
                # whose letter would be a repair too (Cao Bang's 11D11076 read '11011076', its
                # "11" called 川: 川D11076 at 0.70; the painted-number rule above, for CN).
                return None
            read = replace(read, seconded=seconded, kept=got.kept, relabelled=relabelled, weak=weak)
            two = lines.layout == "2-line"  # the top-row letter's own second look (round 28)
            return doubted(topletter.held(read, tail, mask, starts) if two else read, tail, mask)
        return None if vn is None else replace(
            self._graded(lines, vn, vn_got.conf, "/".join(vn_texts)), kept=got.kept,
            relabelled=relabelled)

    def _graded(self, lines: Lines, cand: Candidate, conf: float, raw: str,
                margin: float = 0.0, *, trusted: bool = True, classified: bool = False,
                rival: str | None = None, recut: bool = False) -> CropRead:
        """The read with its confidence; ``sure`` when one read alone may be trusted.
        ``recut``: a VN read the row cut again by pitch explains (``recut.explains``) fits."""
        conf = discount(conf, cand)
        blobs = lines.chars + lost_to_dot(lines, cand) - len(cand.plate)  # CN: 0-3 province blobs
        fits = (blobs == 0 or recut) if cand.country == "VN" else -1 <= blobs <= 2
        sure = trusted and cand.cost == 0 and fits and conf >= SURE and margin >= MARGIN
        return CropRead(cand, conf, raw, lines.layout, sure, fits, margin, classified=classified,
                        rival=rival, recut=recut and blobs != 0)
