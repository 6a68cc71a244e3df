"""Two preprocessings of one crop naming the same plate: the read they make together.

Why apart from :mod:`edge.reader.cropread`: the agreement of two reads and the caps on it
(contested, hesitant, unfit, an unconfirmed Chinese province) are one decision with its own
history of measured cases, and cropread outgrew the house's module size (moved unchanged in
round 24; the caps' reasons are in docs/reader-journal.md, the rounds cited below).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from edge.reader import cnhabit
from edge.reader.claims import CLASSIFIED, CONTESTED, MARGIN, UNFIT, CropRead
from edge.reader.doubts import twice_repaired
from edge.reader.engines import LineEngine
from edge.reader.provlooks import province_confirmed
from edge.reader.segment import Lines


def agreed(reads: list[CropRead], engine: LineEngine, lines: Lines, cache: dict[str, object]
           ) -> CropRead | None:
    """The first pair of ``reads`` (a crop's preprocessings, in reading order) naming one
    plate, graded as two agreeing reads under their caps; None when no two agree."""
    for i, a in enumerate(reads):
        for b in reads[i + 1:]:
            if a.cand.plate == b.cand.plate and not twice_repaired(a):  # doubts.py
                # Two preprocessings agreeing is independent evidence for one string.
                top = max(a, b, key=lambda r: r.conf)
                doubt = (1 - a.conf) * (1 - b.conf)
                # Agreeing on a plate with more or fewer characters than the crop holds
                # is agreeing on a dropped or invented one (measured: 11B7314 for
                # 11B73140 at 0.88): not enough to act on alone.
                # Two of three agreeing is a majority, not a confirmation: the third
                # read saw another plate (measured: binary and adaptive agreeing on
                # 12R33432 against grey's right 12R34325 at 0.94).
                # A third read holding a glyph only the classifier named (dropped.fill)
                # is no rival: round 15, 21F22535's grey row skipped its F and misread
                # its last 5, and its filled 21F22539 capped the other two reads.
                rivals = [r for r in reads if r is not a and r is not b and not r.filled]
                cap = (CONTESTED if rivals else 0.99) if top.fits else UNFIT
                if max(a.margin, b.margin) < MARGIN or (
                        top.cand.country == "CN" and (a.relabelled or b.relabelled)):
                    # Both hesitated between two characters somewhere: agreeing on the
                    # same guess is weak evidence (measured: 36C65666 for 36C65866). Or,
                    # Chinese, one read holds the Latin classifier's character (round 14:
                    # a relabelled tail made a 2-row plate's reads agree on chi_sim's
                    # shared top-row letter, 湘QU28LA read 湘CU28LA at 0.98; a VN slot's
                    # letter or digit is the grammar's, and VN reads lost the band).
                    cap = min(cap, CONTESTED)
                conf, held = min(cap, 1 - doubt), False
                if top.cand.country == "CN":  # an unconfirmed 吉 searches on (round 26)
                    conf, held = cnhabit.held(top.cand.plate, conf, partial(
                        province_confirmed, engine, lines, cache, top.cand.plate[0]))
                rival = a.rival or b.rival  # either's models at odds: the frame is
                kept = a.kept or b.kept
                if a.classified and b.classified:  # one model's province: search on
                    return replace(top, conf=min(conf, CLASSIFIED), rival=rival, kept=kept,
                                   paired=True)
                # A capped agreement (contested, hesitant or unfit) is the best so far, not
                # the end of the search: round 12, a crop cutting the plate's end
                # (11B731.4 for 11B731.40) ended it at CONTESTED before the whole
                # plate's quad was read.
                return replace(top, conf=conf, agreed=True, rival=rival, kept=kept,
                               contested=cap < 0.99 or held, checked=a.checked or b.checked,
                               habit=held)
    return None
