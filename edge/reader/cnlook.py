"""A Chinese tail's look-alike dispute between the two models, arbitrated by the Latin
classifier at the one disputed glyph; and a glyph eng read twice, read once.

Why: where chi_sim's and eng's tails tie at one cost and differ only in look-alikes
(``lookalikes.judged``), the glyph's shape chooses (round 13), but the shape judges cover a
few pairs, say nothing on a blurred glyph, and misjudge some (check 1234's easy 粤QR0D6F:
eng's third slot a Q with no LSTM choice at all, the Q/0 shape judge calling the plain narrow
0 a Q, while chi_sim's row and the classifier both read 0, the classifier at 1.0); then the
pool's character-code order or the shape's error decides. The Latin classifier (``latin.py``,
trained on fonts the generator does not draw with) is a third look at exactly the one
disputed glyph: where it names one of the pair clearly (``latin.TRUST`` and a lead of
``CLEAR`` over its runner-up) it sides with the model that read that character; where it is
not clear the shape judges as before. Pairs no shape separates (S/5, B/8, Z/2, D/0, Q/D:
``lookalikes.CLASSIFIED_PAIRS``) are judged by the classifier alone.

What it does not do: it never turns a read into an agreement. The plate it picks is still
one model's tail against the other's, so a 2-row read stays at chi_sim's confidence x 0.8
and a 1-row one at x 0.7 (``cntails``), under the band; the other model's plate stays the
frame's rival on 2 rows (docs/reader-journal.md, round 18b).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from edge.reader import latin
from edge.reader.base import Frame
from edge.reader.cntails import TOP
from edge.reader.engines import LineRead
from edge.reader.lookalikes import Judge, line_judge, pair_of, tail_judge
from edge.reader.rowcut import glyphs_at

#: Least lead of the classifier's character over its runner-up share: a clear verdict.
CLEAR = 0.6
#: Widest single glyph (width over its height): two touching glyphs are ~1.5 and wider.
GLYPH_WIDE = 1.0


def judge(got: LineRead, binary: Frame, starts: list[float], two_rows: bool) -> Judge:
    """A judge of ``got``'s tail (as ``lookalikes.tail_judge`` counts it on two rows,
    ``line_judge`` on one): the Latin classifier's character where it clearly names one of
    the pair, else the glyph's shape. ``binary``: the read's line as the segmentation's mask."""
    shape = tail_judge(got, binary, starts) if two_rows else line_judge(got, binary)
    xs = [x for ch, _, x in got.chars if not two_rows or (starts and x >= starts[0])
          for _ in range(sum(c.isalnum() for c in ch.upper()))]
    if two_rows:
        xs = xs[-5:]
    # A 2-row plate's top-row letter (``TOP``): eng's last letter or digit left of the gap.
    top = [x for ch, _, x in got.chars if ch.isalnum() and starts and x < starts[0]][-1:]
    seen: dict[float, latin.LatinGuess | None] = {}

    def arbitrated(k: int, pair: str) -> str | None:
        if two_rows and k == TOP:  # two letters, no shape judge: the classifier alone
            guess = classified(binary, top[0], seen) if top else None
            return (guess.char if guess is not None and guess.char is not None
                    and guess.char in pair and guess.confidence >= latin.TRUST
                    and guess.margin >= CLEAR else None)
        if 0 <= k < len(xs) if two_rows else -len(xs) <= k < 0:
            guess = classified(binary, xs[k], seen)
            if (guess is not None and guess.char is not None and guess.char in pair
                    and guess.confidence >= latin.TRUST and guess.margin >= CLEAR):
                return guess.char
        return shape(k, pair)

    return arbitrated


def classified(binary: Frame, x: float, seen: dict[float, latin.LatinGuess | None]
               ) -> latin.LatinGuess | None:
    """The Latin classifier's guess for the tallest whole blob under ``x`` (None where there
    is none, or no training fonts), asked once per glyph."""
    if x not in seen:
        blob = max(glyphs_at(binary, x), key=lambda b: b.shape[0], default=None)
        named = None if blob is None else latin.guesses([latin.blob_image(blob)])
        seen[x] = None if named is None else named[0]  # None: the shape's word only
    return seen[x]


def single(got: LineRead, binary: Frame) -> LineRead:
    """``got`` with a glyph eng read twice (two neighbouring characters of a look-alike pair,
    or the same character twice once ``vouch.reread`` named the runner-up,
    whose centres sit on one whole blob no wider than a glyph) read once, as the character
    the Latin classifier clearly names, with no lead over its runner-up (never sure alone).

    Why: eng's LSTM sometimes emits both of its top choices for one glyph (fresh 5150's
    easy 桂V72G05: 'V-72G605', a G and a 6 15 px apart on one 35 px glyph, every crop), and
    the tail one character too long loses to chi_sim's 6 at no repair. Where the classifier
    names neither clearly, the read stays as it was. Round 25: the second of the two may
    sit on no ink at all, in the gap beside the glyph (``gapped``): scan 5401's easy 2-row
    桂E7A876, eng '7TA876' (the 7's blob at x 332, the T at 352 on the gap before the A,
    every crop that read it), whose last five 'TA876' then agreed with chi_sim's T for the
    7; the classifier names that 7 at 1.0. The glyph's character is then the classifier's.
    Only a look-alike pair there, not one character twice: eng's junk 'FEE' on a 1-row
    province glyph (scan 5415's 桂EM834B) is no tail glyph read twice, and read once it made
    the read relabelled (0.92 -> 0.75).
    """
    seen: dict[float, latin.LatinGuess | None] = {}
    for i in range(len(got.chars) - 1):
        (a, _, xa), (b, _, xb) = got.chars[i], got.chars[i + 1]
        if pair_of(a, b) is None and not (a == b and a.isalnum()):  # or both named one
            continue
        one = max(glyphs_at(binary, xa), key=lambda g: g.shape[0], default=None)
        two = max(glyphs_at(binary, xb), key=lambda g: g.shape[0], default=None)
        blob = one if one is not None else two
        same = (one is not None and two is not None and one.shape == two.shape
                and bool((one == two).all()))
        if (blob is None or blob.shape[1] > GLYPH_WIDE * blob.shape[0]
                or not (same or (pair_of(a, b) is not None and gapped(one, two, xb - xa)))):
            continue
        guess = classified(binary, xa if one is not None else xb, seen)
        if (guess is None or guess.char not in (a, b) or guess.confidence < latin.TRUST
                or guess.margin < CLEAR):
            continue
        if two is None or one is None:  # the character on no ink goes, the glyph's stays
            kept, drop = (i, i + 1) if two is None else (i + 1, i)
        else:
            drop = i + 1 if guess.char == a else i
            kept = i if drop == i + 1 else i + 1
        keep = [j for j in range(len(got.chars)) if j != drop]
        named = (guess.char, *got.chars[kept][1:])
        return replace(got, text="".join(named[0] if j == kept else got.chars[j][0]
                                         for j in keep),
                       chars=tuple(named if j == kept else got.chars[j] for j in keep),
                       margins=tuple(0.0 if j == kept else got.margins[j] for j in keep
                                     if j < len(got.margins)),
                       alts=tuple(got.alts[j] for j in keep if j < len(got.alts)))
    return got


def gapped(one: np.ndarray | None, two: np.ndarray | None, apart: float) -> bool:
    """Whether two neighbouring characters are one glyph read twice, the second placed on
    no ink: exactly one of them has a blob under it (``one``, ``two``: ``glyphs_at``'s
    tallest, or None), and their centres sit closer (``apart``, px) than that blob is
    wide. Two real glyphs' centres are a pitch apart, wider than either glyph."""
    if (one is None) == (two is None):
        return False
    blob = one if one is not None else two
    return blob is not None and abs(apart) < blob.shape[1]
