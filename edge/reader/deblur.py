"""Motion blur undone: a frame that read nothing, read again through Wiener deconvolutions.

Why: on hard frames the camera's motion blur (a box along the driving direction, or across
it) is the shared cause of most VN "segmentation" and "no read" misses (round 22: of the
wide pool's 218 hard VN frames, the 73 motion-blurred ones missed 27 times, the 145 others
8): it merges neighbouring glyphs sideways, or smears a 2-row plate's rows and breaks the
strokes across the blur. No threshold or split re-separates glyphs the blur has averaged;
deconvolving the frame by the blur's kernel does (the generator's own kernel read 19 of the
27 right; the kernel across the blur read none of them). The blur's direction and length
are not known, so each kernel of :data:`KERNELS` is tried, and a plate is believed where
one kernel's read stands above ``LONE`` (agreed or sure in the reader's own terms) or two
kernels read it: a kernel off the blur leaves ringing and junk that reads as nothing, or
as a lone read (the 27 frames' wrong kernels: 2 junk reads, both lone 0.45).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np

from edge.reader.base import Frame, FrameRead

#: Box kernels tried (direction, length in frame pixels): the blur a moving truck leaves at
#: lane shutter speeds, along the image's rows (H) or columns (V).
KERNELS = (("H", 5), ("H", 7), ("H", 9), ("V", 5), ("V", 7), ("V", 9))
#: Noise-to-signal ratio of the Wiener filter: the regularisation that keeps the box's
#: spectral zeros (and JPEG's and the sensor's noise) from blowing up (0.01 rang more).
NSR = 0.03
#: Kernels that must read the same plate for it to be believed, where none read it above
#: :data:`CAP`.
AGREE = 2
#: A deblurred read's confidence is capped here (``claims.LONE``): the plate stands as the
#: frame's last word, never in the band on its own.
CAP = 0.45


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


def reads(frame: Frame, read: Callable[[Frame], FrameRead]) -> Iterator[FrameRead]:
    """``read`` of the frame through each kernel, in :data:`KERNELS`' order."""
    for direction, length in KERNELS:
        yield read(deconvolved(frame, direction, length))


def agreed(frame: Frame, read: Callable[[Frame], FrameRead]) -> FrameRead | None:
    """The first plate one kernel reads above :data:`CAP` or :data:`AGREE` kernels read, its
    surest read, capped at :data:`CAP`; or ``None``. Stops as soon as a plate is believed."""
    votes: Counter[str] = Counter()
    best: dict[str, FrameRead] = {}
    for got in reads(frame, read):
        if got.plate is None:
            continue
        votes[got.plate] += 1
        if got.plate not in best or got.confidence > best[got.plate].confidence:
            best[got.plate] = got
        if votes[got.plate] >= AGREE or got.confidence > CAP:
            top = best[got.plate]
            return replace(top, confidence=min(top.confidence, CAP))
    return None
