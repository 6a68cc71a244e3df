"""The one interface behind which the edge reads plates.

The agent only ever calls :meth:`PlateReader.read` on a BGR frame (OpenCV's
layout) and gets a :class:`FrameRead`. Localisation, preprocessing, the OCR
engine (resident tesserocr or pytesseract subprocess) and grammar correction
are the reader's business, so the agent, tests and benchmarks stay unchanged
when the reader improves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]

#: From this confidence on a read may be acted on alone (the band the benchmark checks):
#: below it a read is capped (one preprocessing alone, two at odds, a province no second look
#: confirmed) and needs other frames. Here, not in the Tesseract reader, because the pass
#: logic (consensus, ``edge.passes``) reasons with it too.
ACT = 0.8


class ImageError(ValueError):
    """The input is not a usable image (corrupt, empty, too large, wrong type)."""


@dataclass(frozen=True, slots=True)
class FrameRead:
    """What one frame showed. ``plate`` is canonical (``domain.plates``) or ``None``."""

    plate: str | None
    confidence: float  # 0..1, calibrated: a read under ~0.5 should not be acted on alone
    raw_text: str = ""
    layout: Literal["1-line", "2-line"] | None = None
    country: Literal["VN", "CN"] | None = None
    crop: Frame | None = None  # rectified plate crop, kept as evidence
    bbox: tuple[int, int, int, int] | None = None  # x, y, w, h in the frame
    ms: float = 0.0
    #: Another plate this frame's own evidence supports as well (a 2-row Chinese plate whose
    #: chi_sim and eng reads of the bottom row differ): in a pass's consensus it contests
    #: ``plate`` (half the frame's confidence each), so frames sharing one coin flip do not
    #: agree into a decision; it never decides one itself.
    rival: str | None = None


class PlateReader(Protocol):
    def read(self, frame: Frame) -> FrameRead:
        """Read the most plausible plate in ``frame``; ``plate=None`` when there is none."""
        ...


MAX_PIXELS = 40_000_000


def check_frame(frame: object) -> None:
    """Refuse what no reader can read, with a clear ``ImageError`` (the agent logs it and goes
    on): not an array, empty, not 8-bit grey/BGR/BGRA, bombs past MAX_PIXELS, under 16 px."""
    if not isinstance(frame, np.ndarray) or frame.size == 0:
        raise ImageError("not an image (empty or not an array)")
    if frame.dtype != np.uint8 or frame.ndim not in (2, 3) or (
            frame.ndim == 3 and frame.shape[2] not in (3, 4)):
        raise ImageError(f"unsupported image layout {frame.dtype} {frame.shape}")
    if frame.shape[0] * frame.shape[1] > MAX_PIXELS:
        raise ImageError(f"image too large: {frame.shape[1]}x{frame.shape[0]}")
    if frame.shape[0] < 16 or frame.shape[1] < 16:
        raise ImageError(f"image too small: {frame.shape[1]}x{frame.shape[0]}")
