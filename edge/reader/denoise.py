"""A dark, noisy frame's plate regions denoised before the deblur's deconvolution.

Why: at night the generator (and a lane camera) darkens the frame to 0.3-0.55 of its light
and then adds the sensor's noise (sigma 7-14 grey levels against 4.5-9 by day), so the plate's
strokes stand a few noise sigmas above their ground. A Wiener inverse of the motion blur
amplifies exactly the high frequencies where that noise lives: round 25's night + blur misses
read nothing through any deconvolution, not even the true quad through the true kernel at
any NSR from 0.003 to 0.3. Smoothing the noise first (the blur's box already took the plate's
own fine detail along it) leaves the inverse something to sharpen.
"""

from __future__ import annotations

import cv2
import numpy as np

from edge.reader.base import Frame

#: Blocks (px) whose grey levels' spread measures the noise (JPEG's 8 x 8 blocks, twice).
BLOCK = 16
#: The flattest share of blocks measured: the scene's sky, road and paint, not its edges.
FLAT = 20
#: A frame darker than this mean grey level is a night frame (wide pool 3101 and 3303, hard
#: frames: night 33-66, by day 79-148).
DARK = 75.0
#: ... and noisy where its noise is at least this share of its level (night 0.027-0.152,
#: median 0.073; by day at most 0.038, median 0.018).
NOISY = 0.035

#: The Gaussian pre-smooth's sigma (px): the noise's grain after JPEG, a pixel or two; the
#: box blur already took the plate's detail finer than that along it (wide pool + 5101-5404,
#: the night + blur frames the deblur read nothing on: sigma 1 at NSR 0.1 read 3 of 13, 1.5
#: at 0.03 or 0.01 two, a bilateral filter or non-local means at 0.03 one or two).
SMOOTH = 1.0


def noise_of(grey: Frame) -> tuple[float, float]:
    """``grey``'s mean level and its noise: the spread of its flattest blocks.

    Why blocks and not a pixel-level estimate (Immerkaer's Laplacian): a hard frame's JPEG
    (quality 25-60) wipes the noise's finest grain, so a pixel-level estimate reads 0.3-2
    grey levels where the generator added 7-14; what the compression keeps is the noise's
    coarser part, inside a 16 px block of flat scene.
    """
    g = grey.astype(np.float32)
    h, w = (g.shape[0] // BLOCK) * BLOCK, (g.shape[1] // BLOCK) * BLOCK
    if h == 0 or w == 0:
        return float(g.mean()) if g.size else 0.0, 0.0
    spread = g[:h, :w].reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK).std(axis=(1, 3))
    return float(g.mean()), float(np.percentile(spread, FLAT))


def noisy_dark(frame: Frame) -> bool:
    """Whether ``frame`` is dark (:data:`DARK`) and noisy for its level (:data:`NOISY`)."""
    grey = frame if frame.ndim == 2 else np.asarray(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY),
                                                    np.uint8)
    level, noise = noise_of(grey)
    return level < DARK and noise >= NOISY * level


def cleaned(region: Frame) -> Frame:
    """``region`` in grey, its noise smoothed by a Gaussian of :data:`SMOOTH`.

    Why a Gaussian and no edge-keeping filter: linear, it commutes with the Wiener inverse,
    so it acts as that inverse's low-pass at the noise's scale, and costs nothing (a
    bilateral filter or non-local means (80 ms a region) read fewer of the misses)."""
    grey = region if region.ndim == 2 else cv2.cvtColor(region, cv2.COLOR_BGR2GRAY)
    return np.asarray(cv2.GaussianBlur(np.ascontiguousarray(grey), (0, 0), SMOOTH), np.uint8)
