"""chi_sim's habit province: the row read's 吉 for a province glyph it cannot read (round 25).

Why: chi_sim's row read names 吉 where the glyph is blurred, small or lit badly (云, 粤 and
贵 read 吉 on hard frames), and that read, at 0.4-0.79, became the frame's plate: the
province classifier (another model, other fonts) named the right province on the same crop,
but ``chinese._overruled`` takes its word over the row read's only at ``CLASSIFIER_ONLY``
(0.9), a margin set for any province the row read names. Counted by truth over every crop
of 800 CN hard frames (docs/reader-journal.md, round 25): where the row read named 吉 and the
classifier another province at 0.5-0.9, the classifier was right on every crop (5 of 5; 6 of
6 on the true quads' looks), under 0.5 on 5 of 8 (the rest crops of no plate); where the row
read named any other province against the classifier under 0.5, the row read was right more
often than the classifier (26 to 12). So for 吉 alone the classifier overrules the
row read from ``HABIT_MARGIN`` on, as where chi_sim found no province at all (its lone
province under ``CLASSIFIER_ONLY`` is a weak one: ``CropRead.weak``, a second
preprocessing must read the plate too, capped at ``CLASSIFIED``); chi_sim's glyph read
naming 吉 too still keeps the row read's province (``chinese._overruled``, as before).

Round 26 (``held``): where the classifier is unsure too (no province at margin 0.5, or one
far from the plate's) and nothing overrules the row read, its 吉 made the plate; the read's
two models agreeing on the tail (chi_sim's tail seconding eng's, or two preprocessings)
made it ``agreed`` at 0.72-0.79 (capped under ``ACT``: no second look names 吉), and that
ended the frame's search at its first crop. On 1,346 Chinese easy frames of new seeds
(5417-5440) five 粤 plates were read so; on three the next crop's row read named 粤 and the
classifier confirmed it at margin 1.0 (docs/reader-journal.md, round 26). So an agreed read
whose province is an unconfirmed ``HABIT`` is contested: the best so far, never the end of
the search. Any other unconfirmed province ends it as before (17 right reads at 0.79 on
the same frames, none wrong but 川 and 湘 once each).

Round 28 (``echoed``): where the classifier overrules the row read's 吉 clearly (margin
``CLASSIFIER_ONLY``, 1.0 on the frames seen), chi_sim's glyph read alone was the tie-break,
and its own 吉 kept the row read's province: "two looks against one". But that glyph read is
chi_sim again, forced by its whitelist to name a province, and under ``GLYPH_SURE`` it names
its habit just as the row read did (0.39 and 0.42 on the 粤 plates of easy scan frames
546316415 and 547416535, read 吉QFS2115 and 吉ND27347 at 0.75; docs/reader-journal.md,
round 28). So an unsure glyph-read 吉 is no second look against the classifier's clear
province: the crop reads the classifier's (flagged ``classifier_only``, capped at
``CLASSIFIED`` as a province chi_sim never named).

Round 28 (``yields``): across a frame's crops the same. An agreed 吉 read ``held`` (0.79,
seconded: chi_sim's tail is eng's) won on its confidence over the same tail another crop read
under the province the classifier named clearly (margin ``CLASSIFIER_ONLY``, 1.0 on both
frames seen: scan 547216490's 粤L4KC2Z at 0.70 and 551816619's 粤HBY81V at 0.63, read
吉L4KC2Z and 吉HBY81V at 0.79), its classifier unsure on its own crop (藏 0.11, 闽 0.22). A 吉
no second look names is chi_sim's habit; the classifier's clear province on the same tail
is a second model's word: the search's best is that read, at its own confidence. On 120
frames of true 吉 plates the classifier named another province on a 吉 row read at margin
0.34 at most (round 28), so it never names one clearly there.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.plate_candidates import province_of
from edge.reader.base import ACT
from edge.reader.claims import CropRead
from edge.reader.province import ProvinceGuess
from edge.reader.provlooks import GLYPH_SURE

#: The province chi_sim's row read names for a glyph it cannot read.
HABIT = "吉"
#: The classifier's margin from which it overrules the row read's ``HABIT`` (its
#: ``provlooks.CLASSIFIER_MARGIN``, from which it confirms or disputes a province).
HABIT_MARGIN = 0.5


def overrules(guess: ProvinceGuess | None, province: str, least: float) -> bool:
    """Whether the classifier's guess names another province than the row read's
    ``province`` clearly enough to overrule it: at ``least`` (``chinese.CLASSIFIER_ONLY``),
    or at ``HABIT_MARGIN`` where the row read named ``HABIT``."""
    if guess is None or guess.char is None or guess.char == province:
        return False
    return guess.margin >= (HABIT_MARGIN if province == HABIT else least)


def echoed(guess: ProvinceGuess, province: str, alone: tuple[str, float], least: float
           ) -> bool:
    """Whether chi_sim's glyph read ``alone`` naming ``HABIT`` only echoes its row read's
    ``HABIT`` (``province``) against the classifier's other province at ``least``
    (``chinese.CLASSIFIER_ONLY``) or more: under ``GLYPH_SURE``, no second look (round 28)."""
    return (province == HABIT and province_of(alone[0]) == HABIT and alone[1] < GLYPH_SURE
            and guess.char not in (None, HABIT) and guess.margin >= least)


def yields(held: CropRead, clear: CropRead) -> bool:
    """Whether ``held``, a ``habit`` read (an agreed 吉 no second look names), yields to
    ``clear``: the same tail under a province the classifier named at ``CLASSIFIER_ONLY``
    (``classified`` and not ``weak``: chi_sim named none, or only echoed its habit)."""
    return (held.habit and clear.classified and not clear.weak and not clear.habit
            and clear.cand.plate[:1] not in ("", HABIT)
            and clear.cand.plate[1:] == held.cand.plate[1:])


def weak(guess: ProvinceGuess, least: float) -> bool:
    """Whether the classifier's overruling province is a weak one (under ``least``)."""
    return guess.margin < least


def held(plate: str, conf: float, confirmed: Callable[[], bool]) -> tuple[float, bool]:
    """An agreed Chinese read's confidence and whether it is contested (``CropRead.contested``:
    it never ends the search): capped under ``ACT`` where its province is unconfirmed (no
    second look names it: ``confirmed``, asked only from ``ACT`` on, or for ``HABIT``), and
    contested where that province is ``HABIT`` (see the module)."""
    habit = plate[:1] == HABIT
    if (conf < ACT and not habit) or confirmed():
        return conf, False
    return min(conf, ACT - 0.01), habit
