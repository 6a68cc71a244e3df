"""A reader whose candidates read as scripted: the search's rules tested without Tesseract.

Why shared: the stop, cap and tie rules of ``TesseractPlateReader.read`` depend only on what
each candidate read and how it was segmented, so tests script those and count the reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from domain.plate_candidates import Candidate
from edge.reader.base import Frame
from edge.reader.claims import CropRead
from edge.reader.cropread import CropReader
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.segment import Lines
from edge.reader.tesseract import TesseractPlateReader

FRAME = np.full((64, 64, 3), 128, np.uint8)


def scripted_read(plate: str, conf: float, *, agreed: bool = False) -> CropRead:
    """A repair-free 1-line VN read of ``plate`` at ``conf``."""
    return CropRead(Candidate(plate, "VN", 0, 0), conf, plate, "1-line", agreed=agreed)


def plain_lines(i: int) -> Lines:
    return Lines("1-line", [], [], 8)


class ScriptedCrop(CropReader):
    """Each preprocessing's read of one crop scripted (by variant: "gray", "binary",
    "adaptive"): the agreement rules of ``_read_lines_all`` without Tesseract."""

    def __init__(self, reads: dict[str, CropRead]) -> None:
        super().__init__(ResidentEngine(DEFAULT_TESSDATA))
        self.reads = reads

    def _read_lines(self, lines: Lines, variant: str, cache: dict[str, object]
                    ) -> CropRead | None:
        return self.reads.get(variant)


class ScriptedReader(TesseractPlateReader):
    """Candidate ``i`` is segmented as ``lines_of(i)`` and reads ``reads[i]``."""

    def __init__(self, reads: list[CropRead],
                 lines_of: Callable[[int], Lines] = plain_lines) -> None:
        super().__init__(ResidentEngine(DEFAULT_TESSDATA))
        self.reads, self.read_count, self.lines_of = reads, 0, lines_of

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[CropRead] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        quad = np.array([[0, 0], [9, 0], [9, 9], [0, 9]], np.float32)
        for i, _ in enumerate(self.reads):
            yield quad, frame, self.lines_of(i)

    def _read_lines_all(self, lines: Lines) -> CropRead | None:
        self.read_count += 1
        return self.reads[self.read_count - 1]


class GlyphCounting(ResidentEngine):
    """The real resident engine, counting its chi_sim single-glyph reads (the province's)."""

    def __init__(self) -> None:
        super().__init__(DEFAULT_TESSDATA)
        self.glyphs = 0

    def glyph(self, img: np.ndarray) -> tuple[str, float]:
        self.glyphs += 1
        return super().glyph(img)


#: A scripted candidate's quad (the last looks' tests).
QUAD = np.array([[0, 0], [9, 0], [9, 4], [0, 4]], np.float32)


class Blobbed(ScriptedReader):
    """One candidate (not plate-sized: no text-fitted look), then two blobs, as scripted."""

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[CropRead] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        blobs = [QUAD + i for i in range(2)]
        self._blobs.quads = lambda: blobs  # type: ignore[method-assign]
        yield blobs[0], frame, self.lines_of(0)
