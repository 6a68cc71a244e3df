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
"""

from __future__ import annotations

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
