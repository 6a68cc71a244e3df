"""Motion blur undone, cheaply: a frame that read nothing, its likeliest crops read again
through the one Wiener deconvolution their own blur names.

Why: on hard frames the camera's motion blur (a box along the driving direction, or across
it) is the shared cause of most VN "segmentation" and "no read" misses (round 22: of the
wide pool's 218 hard VN frames, the 73 motion-blurred ones missed 27 times, the 145 others
8): it merges neighbouring glyphs sideways, or smears a 2-row plate's rows and breaks the
strokes across the blur. No threshold or split re-separates glyphs the blur has averaged;
deconvolving by the blur's kernel does (the generator's own kernel read 19 of the 27 right;
the kernel across the blur read none of them). Round 22 tried all six kernels of
:data:`KERNELS` on the whole frame, each read by the whole pipeline: ~5 s a frame that still
read nothing, reverted. Here (round 23) the blur is estimated on the candidate quads' own
pixels (:func:`estimate`: a quad's region is mostly text or edges, the scene and JPEG's
blocks do not swamp it as they did the whole frame's cepstrum) and the first quads vote one
kernel (:func:`kernel_of`); only the quads' regions are deconvolved by it, and only the
likeliest few crops read, by the search's crop read (no last looks).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import chain

import cv2
import numpy as np

from edge.reader import denoise
from edge.reader.base import Frame
from edge.reader.claims import CropRead
from edge.reader.likeness import likeness
from edge.reader.localise import rectify
from edge.reader.outline import PAD
from edge.reader.segment import Lines, segment

#: Box kernels (direction, length in frame pixels): the blur a moving truck leaves at lane
#: shutter speeds, along the image's rows (H) or columns (V).
KERNELS = (("H", 5), ("H", 7), ("H", 9), ("V", 5), ("V", 7), ("V", 9))
#: Noise-to-signal ratio of the Wiener filter: the regularisation that keeps the box's
#: spectral zeros (and JPEG's and the sensor's noise) from blowing up (0.01 rang more).
NSR = 0.03
#: Crops (distinct quads) that must read the same plate for it to be believed, where none
#: read it above :data:`CAP` (one quad read through two lengths is one witness: round 23's
#: 51QT972 read 51D7972 through both V7 and V9).
AGREE = 2
#: A deblurred read's confidence is capped here (``claims.LONE``): the plate stands as the
#: frame's last word, never in the band on its own.
CAP = 0.45
#: The frame's blur is voted by its first VOTERS quads (the localiser's order); VOTES of
#: them must name its direction.
VOTERS = 6
VOTES = 3
#: Deblurred crops read, the likeliest first.
READS = 3
#: Where those read nothing believed, the other lengths tried (the likeliest first: the
#: vote's length errs long on short blurs, short on long ones), OTHER_READS crops each.
OTHER_LENGTHS = {5: (7, 9), 7: (5, 9), 9: (7, 5)}
OTHER_READS = 2
#: ... among the likeliest OTHER_QUADS quads of the first length's ranking only.
OTHER_QUADS = 4
#: Where no length reads a plate believed at :data:`NSR`, every length again at this one,
#: on those quads and OTHER_READS crops each (round 25: wide pool 3101's hard 98D-688.75,
#: voted H9 for its H7, reads nothing believed at 0.03 and itself sure (0.99) at 0.01: the
#: sharper, noisier inverse separates glyphs the damped one leaves merged); ``None``: off.
SECOND_NSR: float | None = 0.01
#: Where no length reads a plate believed at either NSR and the frame is dark and noisy
#: (``denoise.noisy_dark``), every length once more on those quads, their regions denoised
#: first (``denoise.cleaned``), at this NSR: damped, as the noise is what the inverse would
#: blow up (round 26: wide pool 3101's night 12R-753.50 and 36E-43.84 read at 0.1, at 0.03
#: only lone, unbelieved); ``None``: off.
NIGHT_NSR: float | None = 0.1
#: The lag (px) at which the derivative's autocorrelation tells a blur: a box of L px keeps
#: a derivative correlated up to L px along it; a sharp edge's (JPEG, the generator's small
#: Gaussian) has fallen to nothing by 3 px (wide pool 3101-3404, true quads: unblurred crops
#: median -0.14, blurred 0.10-0.38).
LAG = 3
#: The blur's direction must correlate this much more at :data:`LAG` than the other one
#: (unblurred plates: median 0.07, 90th percentile 0.17; blurred: 10th percentile 0.08-0.36).
GATE = 0.12
#: Pixels around a quad's box: its blur is estimated on the box and this margin; the region
#: deconvolved has three times it (the FFT's wrap-around rings at its borders).
MARGIN = 10
MAX_LAG = 14


def _psf_spectrum(direction: str, length: int, shape: tuple[int, int]) -> np.ndarray:
    """The real FFT of a centred box kernel of ``length`` along ``direction``."""
    psf = np.zeros(shape, np.float32)
    if direction == "V":
        psf[:length, 0] = 1.0 / length
        psf = np.roll(psf, -(length // 2), axis=0)
    else:
        psf[0, :length] = 1.0 / length
        psf = np.roll(psf, -(length // 2), axis=1)
    return np.fft.rfft2(psf)


def deconvolved(frame: Frame, direction: str, length: int, nsr: float = NSR) -> Frame:
    """``frame`` (grey or BGR) Wiener-deconvolved by a box kernel."""
    spectrum = _psf_spectrum(direction, length, frame.shape[:2])
    gain = np.conj(spectrum) / (np.abs(spectrum) ** 2 + nsr)
    planes = frame[:, :, None] if frame.ndim == 2 else frame
    out = np.empty(planes.shape, np.uint8)
    for c in range(planes.shape[2]):
        f = np.fft.irfft2(np.fft.rfft2(planes[:, :, c].astype(np.float32)) * gain,
                          s=frame.shape[:2])
        out[:, :, c] = np.clip(f, 0, 255).astype(np.uint8)
    return out[:, :, 0] if frame.ndim == 2 else out


def _acf(grey: np.ndarray, axis: int) -> np.ndarray:
    """The derivative's autocorrelation along ``axis`` (1: rows, H; 0: columns, V), lags
    0..MAX_LAG, summed over the lines and normalised to lag 0."""
    d = np.diff(grey, axis=axis)
    if axis == 0:
        d = d.T
    d = d - d.mean(axis=1, keepdims=True)
    n = d.shape[1]
    if n <= MAX_LAG + 1:
        return np.zeros(MAX_LAG + 1)
    out = np.array([float((d[:, :n - lag] * d[:, lag:]).sum()) for lag in range(MAX_LAG + 1)])
    return out / out[0] if out[0] > 0 else np.zeros(MAX_LAG + 1)


def estimate(region: Frame) -> tuple[str, int] | None:
    """The box blur (direction, length of :data:`KERNELS`) of a plate-like region, or
    ``None`` where it shows none.

    Why the derivative's autocorrelation: along a box blur of L px every edge becomes a ramp
    L px long, so the derivative stays correlated with itself up to L px and then turns
    negative (the ramp's far end); across the blur, and on a sharp crop, it has fallen by
    :data:`LAG` px. The direction is the one more correlated at :data:`LAG`, the length the
    lag of its deepest minimum past it (wide pool 3101-3404, the true quads of 119 blurred
    hard frames: the direction right on 117, the length on 99).
    """
    grey = region if region.ndim == 2 else cv2.cvtColor(region, cv2.COLOR_BGR2GRAY)
    grey = grey.astype(np.float32)
    ah, av = _acf(grey, 1), _acf(grey, 0)
    direction, along, across = ("H", ah, av) if ah[LAG] >= av[LAG] else ("V", av, ah)
    if along[LAG] - across[LAG] < GATE:
        return None
    lag = int(np.argmin(along[LAG:])) + LAG
    length = 5 if lag <= 6 else 7 if lag <= 8 else 9
    return direction, length


def _box(frame: Frame, quad: np.ndarray, margin: int) -> tuple[int, int, int, int]:
    h, w = frame.shape[:2]
    x, y, bw, bh = cv2.boundingRect(quad.astype(np.int32))
    return max(x - margin, 0), max(y - margin, 0), min(x + bw + margin, w), min(y + bh + margin, h)


def kernel_of(frame: Frame, quads: list[np.ndarray]) -> tuple[str, int] | None:
    """The frame's blur, voted by its first :data:`VOTERS` quads' regions: a direction
    :data:`VOTES` of them name, the median length they name for it; or ``None``.

    Why a vote: the whole frame is blurred alike, so every quad's region (plate, lettering,
    grille) shows the same box, while a sharp region names a blur only by chance (its
    strokes): on the wide pool's hard frames (the localiser's first 6 quads) the vote named
    the true kernel on 94 of 119 blurred frames (the direction on 116), and fired on 33 of
    201 sharp ones and 2 of 60 plate-free frames (seed 5555).
    """
    named: list[tuple[str, int]] = []
    for quad in quads[:VOTERS]:
        x0, y0, x1, y1 = _box(frame, quad, MARGIN)
        if x1 - x0 >= 4 * MAX_LAG and y1 - y0 >= 2 * MAX_LAG:
            got = estimate(frame[y0:y1, x0:x1])
            if got is not None:
                named.append(got)
    ways = Counter(d for d, _ in named)
    if not ways:
        return None
    direction, n = ways.most_common(1)[0]
    if n < VOTES:
        return None
    lengths = sorted(length for d, length in named if d == direction)
    return direction, lengths[(len(lengths) - 1) // 2]


def crop_of(frame: Frame, quad: np.ndarray, kernel: tuple[str, int], nsr: float = NSR,
            clean: Callable[[Frame], Frame] | None = None) -> Frame:
    """The quad's crop rectified from its region (``clean``-ed first, where given)
    deconvolved by ``kernel``."""
    x0, y0, x1, y1 = _box(frame, quad, 3 * MARGIN)
    region = np.ascontiguousarray(frame[y0:y1, x0:x1])
    sharp = deconvolved(clean(region) if clean is not None else region, *kernel, nsr)
    shifted = quad.astype(np.float32) - np.array([x0, y0], np.float32)
    return rectify(sharp, shifted, pad=PAD)


def _ranked(frame: Frame, quads: list[tuple[int, np.ndarray]], kernel: tuple[str, int],
            nsr: float = NSR, clean: Callable[[Frame], Frame] | None = None
            ) -> list[tuple[float, int, np.ndarray, Frame, Lines]]:
    """The quads' crops (with their localiser rank) deconvolved by ``kernel``, those that
    segment, likeliest first."""
    ranked: list[tuple[float, int, np.ndarray, Frame, Lines]] = []
    for i, quad in quads:
        crop = crop_of(frame, quad, kernel, nsr, clean)
        lines = segment(crop, defer=True)
        if lines is not None:
            ranked.append((-likeness(lines, crop, i), i, quad, crop, lines))
    ranked.sort(key=lambda t: (t[0], t[1]))
    return ranked


def _night(frame: Frame, quads: list[np.ndarray], direction: str, length: int
           ) -> Iterator[list[tuple[float, int, np.ndarray, Frame, Lines]]]:
    """Where the frame is dark and noisy (measured only when reached), its quads' regions
    denoised (``denoise.cleaned``) and deconvolved at :data:`NIGHT_NSR`, ranked afresh
    (a noisy inverse ranks the plate's crop under the scene's: 12R-753.50, wide pool 3101,
    is the sixth quad), read as the first tries are: the voted length's :data:`READS`
    likeliest, then the other lengths' :data:`OTHER_READS` among its :data:`OTHER_QUADS`."""
    if NIGHT_NSR is None or not denoise.noisy_dark(frame):
        return
    first = _ranked(frame, list(enumerate(quads)), (direction, length), NIGHT_NSR,
                    denoise.cleaned)
    yield first[:READS]
    likeliest = [(i, quad) for _, i, quad, _, _ in first[:OTHER_QUADS]]
    for other in OTHER_LENGTHS[length]:
        yield _ranked(frame, likeliest, (direction, other), NIGHT_NSR,
                      denoise.cleaned)[:OTHER_READS]


def reread(frame: Frame, quads: list[np.ndarray], read: Callable[[Lines], CropRead | None],
           unheard: Callable[[Lines], CropRead | None] | None = None
           ) -> tuple[CropRead, np.ndarray, Frame] | None:
    """The first plate one deblurred crop reads above :data:`CAP`, or :data:`AGREE` read,
    its surest read capped at :data:`CAP`; or ``None``.

    The frame's kernel (:func:`kernel_of`) undoes each quad's region, the crops that
    segment are ranked by likeness (as the search ranks them: the localiser's order says
    little) and the first :data:`READS` are read; where none is believed, the other two
    lengths along the same direction (:data:`OTHER_LENGTHS`, the likeliest
    :data:`OTHER_READS` of the first ranking's :data:`OTHER_QUADS` each): the vote names
    the direction on 116 of 119 blurred frames but the length on 94 (round 23: six of the
    wide pool's blurred frames that read nothing had their length missed by one step);
    where those too read nothing believed, every length again at :data:`SECOND_NSR`, then,
    on a dark noisy frame, denoised (:func:`_night`), each read by ``unheard`` where given.
    A frame that shows no blur costs the vote's few autocorrelations only.
    """
    kernel = kernel_of(frame, quads)
    if kernel is None:
        return None
    direction, length = kernel
    first = _ranked(frame, list(enumerate(quads)), kernel)
    likeliest = [(i, quad) for _, i, quad, _, _ in first[:OTHER_QUADS]]
    seconds = (length, *OTHER_LENGTHS[length]) if SECOND_NSR is not None else ()
    plain = chain([first[:READS]], (_ranked(frame, likeliest, (direction, other))[:OTHER_READS]
                                    for other in OTHER_LENGTHS[length]),
                  (_ranked(frame, likeliest, (direction, each), SECOND_NSR or NSR)[:OTHER_READS]
                   for each in seconds))
    tries = chain(((ranked, read) for ranked in plain),
                  ((ranked, unheard or read) for ranked in _night(frame, quads, direction, length)))
    crops_read: dict[str, set[int]] = {}
    best: dict[str, tuple[CropRead, np.ndarray, Frame]] = {}
    for ranked, reading in tries:  # each try's crops are only made where those before read none
        for _, i, quad, crop, lines in ranked:
            got = reading(lines.done())
            if got is None:
                continue
            plate = got.cand.plate
            crops_read.setdefault(plate, set()).add(i)
            if plate not in best or got.conf > best[plate][0].conf:
                best[plate] = (got, quad, crop)
            if len(crops_read[plate]) >= AGREE or got.conf > CAP:
                top, q, c = best[plate]
                return replace(top, conf=min(top.conf, CAP)), q, c
    return None
