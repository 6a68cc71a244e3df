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
"""

from __future__ import annotations

from collections.abc import Callable

from edge.reader.base import ACT
from edge.reader.province import ProvinceGuess

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
