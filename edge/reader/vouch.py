"""The Latin classifier vouching for eng's characters (docs/reader-journal.md, rounds
14-15): ``reread`` takes eng's runner-up where the classifier names it; ``confirmed`` settles
eng's hesitant characters where the classifier names them as eng read them.

Why apart from :mod:`edge.reader.latin`: that module builds and runs the classifier (fonts,
training set, k nearest neighbours); this one is the reader's use of it on a line eng read,
the two rules the crop read (``cropread``) asks.
"""

from __future__ import annotations

import numpy as np

from edge.reader.base import Frame
from edge.reader.engines import LineRead
from edge.reader.glyphs import LATIN
from edge.reader.latin import RUNNER_UP, TRUST, LatinClassifier, blob_image, shared
from edge.reader.rowcut import glyphs_at, reshaped


def reread(got: LineRead, binary: Frame, clf: LatinClassifier | None = None) -> LineRead:
    """``got`` with each character whose glyph the classifier names at ``TRUST`` or more as
    eng's own runner-up read as the runner-up, with no lead over it (``rowcut.reshaped``:
    never sure alone; two reads agreeing on it stay under the band).

    Why only the runner-up: where eng and the classifier (>= 0.8) disagree, eng was right
    about as often as the classifier (on 190 of 425 characters of the tuning seeds' eng reads;
    the classifier reads DejaVu's 1 as J); where eng's runner-up (>= 0.05) is the
    classifier's character, the classifier was right 116 times, eng 2, neither 8
    (docs/reader-journal.md, round 14). ``binary``: the read's line as the segmentation's
    mask (dark ink on white, the line's geometry).
    """
    picks: list[tuple[int, str, np.ndarray]] = []
    for i, (ch, _, cx) in enumerate(got.chars):
        alts = got.alts[i] if i < len(got.alts) else ()
        runner = next(((t, c) for t, c in alts if t != ch), None)
        if (runner is None or runner[1] < RUNNER_UP or runner[0] not in LATIN
                or ch not in LATIN):
            continue
        blob = max(glyphs_at(binary, cx), key=lambda b: b.shape[0], default=None)
        if blob is not None:
            picks.append((i, runner[0], blob))
    if not picks:
        return got
    try:
        guesses = (clf or shared()).classify([blob_image(b) for _, _, b in picks])
    except RuntimeError:  # no training fonts installed: eng's read as it is
        return got
    return reshaped(got, {i: alt for (i, alt, _), g in zip(picks, guesses, strict=True)
                          if g.char == alt and g.confidence >= TRUST})



def confirmed(got: LineRead, binary: Frame, below: float,
              clf: LatinClassifier | None = None) -> bool:
    """Whether every letter or digit of ``got`` whose lead over its LSTM runner-up is under
    ``below`` has a glyph the classifier names as eng's own character at ``TRUST`` or more
    (``False`` when none hesitated, a glyph has no whole blob, or no fonts are installed).

    Why: a read whose characters all lead their runner-ups by ``below`` (the reader's MARGIN)
    may stand alone; one hesitant character sent a VN read to a binary read and, when both
    hesitated, capped their agreement so the search read every other candidate too (round
    15, speed). A second model naming eng's character settles that hesitation as the binary
    read was asked to. ``binary``: the read's line as the segmentation's mask (``reread``).
    """
    blobs: list[np.ndarray] = []
    chars: list[str] = []
    for i, ((ch, _, cx), m) in enumerate(zip(got.chars, got.margins, strict=False)):
        if m >= below or ch in ("-", "."):
            continue
        own = max((c for t, c in (got.alts[i] if i < len(got.alts) else ()) if t == ch),
                  default=0.0)
        if ch not in LATIN or own < RUNNER_UP:
            # An LSTM slot with no choice confidence (all ~0) is no hesitation to settle but
            # an unknown: settled, it was the one doubt that had kept a read whose confident
            # character was wrong out of the band (12A65538 at 0.98, a pass frame of seed 557).
            return False
        blob = max(glyphs_at(binary, cx), key=lambda b: b.shape[0], default=None)
        if blob is None:
            return False
        blobs.append(blob_image(blob))
        chars.append(ch)
    return named_as_read(blobs, chars, clf)


def named_as_read(blobs: list[np.ndarray], chars: list[str],
                  clf: LatinClassifier | None = None) -> bool:
    """Whether the classifier names every blob as its character in ``chars`` at ``TRUST``
    (``False`` for no blobs, or with no training fonts installed: the doubt stays)."""
    if not blobs:
        return False
    try:
        guesses = (clf or shared()).classify(blobs)
    except RuntimeError:
        return False
    return all(g.char == ch and g.confidence >= TRUST for g, ch in zip(guesses, chars,
                                                                       strict=True))


def contradicted(got: LineRead, binary: Frame, below: float,
                 clf: LatinClassifier | None = None) -> bool:
    """Whether the classifier names a letter or digit of ``got`` led by less than ``below``
    as one of eng's own runner-ups for it (at ``RUNNER_UP`` or more), not as eng's pick.

    Why (round 27, issue 3): ``confirmed`` settles a read on its characters under the
    reader's MARGIN; a character led by a little more stood unasked, and the settled read in
    the band. Where the classifier names eng's runner-up, it was right 116 times in 126
    (``reread``, round 14): two models each hold that reading possible. Not a glyph named
    as a third character (an 8 named S at 0.44 where eng hesitated over B: 12DA885's settle
    on tuning seed 4242 stands), nor one named as read: the classifier's word is only
    counted where it sides with eng's own doubt.
    """
    picks: list[tuple[frozenset[str], np.ndarray]] = []
    for i, ((ch, _, cx), m) in enumerate(zip(got.chars, got.margins, strict=False)):
        alts = frozenset(t for t, c in (got.alts[i] if i < len(got.alts) else ())
                         if t != ch and t in LATIN and c >= RUNNER_UP)
        if m >= below or ch not in LATIN or not alts:
            continue
        blob = max(glyphs_at(binary, cx), key=lambda b: b.shape[0], default=None)
        if blob is not None:
            picks.append((alts, blob_image(blob)))
    if not picks:
        return False
    try:
        named = (clf or shared()).classify([b for _, b in picks])
    except RuntimeError:  # no training fonts installed: no contrary word
        return False
    return any(g.char in alts for (alts, _), g in zip(picks, named, strict=True))
