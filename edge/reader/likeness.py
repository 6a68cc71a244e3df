"""How plate-like a segmented candidate is, judged before any Tesseract call.

Why: the localiser's order says little about which candidate is the plate (on tuning
seeds 999/777/4242 its first quad read the true plate in 43 of 480 frames), and candidates
that read as nothing (painted words, phone numbers, grilles, lamps) took over 40 % of the
Tesseract calls (docs/reader-journal.md, Round 5 and Round 6). The segmentation already measured
what tells them apart: how many characters, in one or two rows, how tall in the frame, the
crop's shape and brightness, whether it only segmented after evening out the light. A
logistic model over those features ranks the candidates, so the likeliest are read first
(and a sure read ends the frame sooner), and candidates scored under SKIP are not read
unless nothing else in the frame has read (see SKIP).

The weights were fitted by ``scripts/candidate_log.py`` + a Newton logistic regression on
the candidates of 480 generated frames (seeds 999, 777, 4242: 80 easy + 80 hard each; label:
the candidate alone reads the true plate), never on the benchmark's seeds 2026-2029;
leave-one-seed-out ranking quality (AUC) 0.94-0.95.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from edge.reader.base import Frame
from edge.reader.segment import Lines

#: bias, |chars - 8|, 7-8 characters, two rows, ln(character px), |ln(aspect / layout's)|,
#: median brightness (0..1), evened-out light, localiser rank / 12.
WEIGHTS = (-13.084, -0.984, 1.473, 0.588, 3.786, -1.222, 0.324, -1.391, 1.694)
#: A plate-shaped candidate (7-9 characters) is read as soon as it is segmented only from
#: this score on; below it, it waits to be ranked with the rest.
EAGER = 0.2
#: Candidates scoring under this are not read, but for the likeliest of them while nothing
#: in the frame has read: the score ranks well (AUC 0.94), but its scale is not sure off the
#: tuning frames (seed 2026's confirmation run had two plates read only from crops scored
#: 0.004 and 0.01: glare evened out, 5 of 8 characters found; the tuning seeds' lowest 0.06).
SKIP = 0.02
#: A flat crop's width over its height, per layout: a 1-row plate is ~4 wide, 2 rows ~2.
_ASPECT = {"1-line": 4.0, "2-line": 2.0}


def features(lines: Lines, crop: Frame, rank: int) -> tuple[float, ...]:
    """The model's inputs, in WEIGHTS' order."""
    h, w = crop.shape[:2]
    return feature_vector(chars=lines.chars, layout=lines.layout, text_px=lines.text_px,
                          width=w, height=h, value=brightness(crop), evened=lines.evened,
                          rank=rank)


def feature_vector(*, chars: int, layout: str, text_px: float, width: int, height: int,
                   value: float, evened: bool, rank: int) -> tuple[float, ...]:
    """The model's inputs from plain measurements (``value``: median brightness, 0-255).

    Why apart from :func:`features`: ``scripts/candidate_log.py`` fits WEIGHTS from logged
    measurements; both build the inputs here, so the fit cannot drift from what is scored.
    """
    return (1.0, abs(chars - 8), float(chars in (7, 8)), float(layout == "2-line"),
            math.log(max(text_px, 1.0)), abs(math.log(width / max(height, 1) / _ASPECT[layout])),
            value / 255.0, float(evened), rank / 12)


def brightness(crop: Frame) -> float:
    """The median of HSV's V (the brightest channel), as ``np.median`` gives it.

    Why not ``np.median(crop.max(axis=2))``: that reduction over a 3-wide axis cost ~2.5 ms a
    crop (as much as the Tesseract calls the ranking saved); channel maxima and a histogram
    give the same value in ~0.2 ms (measured on 470 x 190 crops).
    """
    value = (cv2.max(cv2.max(crop[..., 0], crop[..., 1]), crop[..., 2]) if crop.ndim == 3
             else crop)
    cum = np.bincount(value.ravel(), minlength=256).cumsum()
    n = int(value.size)
    low = int(np.searchsorted(cum, (n - 1) // 2 + 1))  # the two middle values, sorted
    high = int(np.searchsorted(cum, n // 2 + 1))
    return (low + high) / 2


def likeness(lines: Lines, crop: Frame, rank: int) -> float:
    """Probability-like score (0..1) that reading this candidate gives the frame's plate."""
    z = sum(wt * x for wt, x in zip(WEIGHTS, features(lines, crop, rank), strict=True))
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))
