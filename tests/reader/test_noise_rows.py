"""A plate row Tesseract's layout step takes for noise (specks above and below it) is read
on a retry with the row kept, and what such a read says is never trusted alone nor reaches
the band (round 11: the "no read" class's empty reads of clean rows)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
from PIL import Image, ImageDraw

from domain.plate_candidates import Candidate
from edge.reader.base import Frame
from edge.reader.claims import LONE, REJOINED, CropRead
from edge.reader.engines import _KEEP_ROWS, DEFAULT_TESSDATA, LineRead, ResidentEngine, Script
from edge.reader.segment import TEXT_HEIGHT, Lines
from edge.reader.tesseract import TesseractPlateReader
from smartgate.scenes.plates import LATIN_FONTS, _font


def _row(specks: int) -> np.ndarray:
    """21A-419.64 in the plate font, dark on white, with small specks scattered just above
    and below it (a dotted border remnant, a glared end's speckle: as on tuning seed 4242)."""
    rng = random.Random(0)
    w = 40 * 10 + 40
    img = Image.new("L", (w, TEXT_HEIGHT + 24), 255)
    draw = ImageDraw.Draw(img)
    draw.text((20, 4), "21A-419.64", font=_font(LATIN_FONTS[0], TEXT_HEIGHT), fill=0)
    for _ in range(specks):
        x = rng.randrange(2, w - 8)
        y = rng.choice([rng.randrange(0, 10), rng.randrange(TEXT_HEIGHT + 12, TEXT_HEIGHT + 20)])
        draw.rectangle([x, y, x + 2, y + 2], fill=0)
    return np.asarray(img)


def _tesseract_as_is(engine: ResidentEngine, img: np.ndarray) -> str:
    api = engine._get("latin")
    assert api.GetVariableAsString(_KEEP_ROWS) == "1"  # type: ignore[attr-defined]
    api.SetImageBytes(img.tobytes(), img.shape[1], img.shape[0], 1,  # type: ignore[attr-defined]
                      img.shape[1])
    return str(api.GetUTF8Text()).strip()  # type: ignore[attr-defined]


def test_a_speckled_row_is_read_on_a_retry_with_the_row_kept() -> None:
    engine = ResidentEngine(DEFAULT_TESSDATA)
    speckled = _row(40)
    assert _tesseract_as_is(engine, speckled) == ""  # the whole row dropped as noise
    got = engine.read(speckled)
    assert got.text == "21A-419.64" and got.kept
    clean = engine.read(_row(0))
    assert clean.text == "21A-419.64" and not clean.kept
    # The retry leaves the engine as it was: the next read is a first read again.
    assert _tesseract_as_is(engine, speckled) == ""


def _lines(img: np.ndarray) -> Lines:
    return Lines("1-line", [img], [img], 8, (8,))


class _Fixed(ResidentEngine):
    """Reads every line as 21A-419.64, sure of each character; ``kept`` as told."""

    def __init__(self, kept: bool) -> None:
        super().__init__(DEFAULT_TESSDATA)
        self.kept = kept

    def read(self, img: Frame, *, script: Script = "latin") -> LineRead:
        text = "21A-419.64"
        font = _font(LATIN_FONTS[0], TEXT_HEIGHT)  # each character where ``_row`` drew it
        chars = tuple((ch, 0.99, 20.0 + font.getlength(text[:i]) + font.getlength(ch) / 2)
                      for i, ch in enumerate(text))
        return LineRead(text, 0.99, chars, (0.95,) * len(text), kept=self.kept)


def test_a_kept_read_is_never_trusted_alone() -> None:
    row = _row(0)
    plain = TesseractPlateReader(_Fixed(False))._read_lines(_lines(row), "gray", {})
    assert plain is not None and plain.cand.plate == "21A41964" and plain.sure
    cache: dict[str, object] = {}
    kept = TesseractPlateReader(_Fixed(True))._read_lines(_lines(row), "gray", cache)
    assert kept is not None and kept.cand.plate == "21A41964"
    assert kept.kept and not kept.sure
    assert "text" not in cache  # painted words are not judged on a row taken for noise
    # Alone (no second preprocessing agreeing: the binary read here is another plate), a
    # kept read is dropped, as an evened crop's is (round 11: 14K41103 read as 16K41103).
    lone = TesseractPlateReader(_Fixed(True))
    lone._read_lines = lambda lines, variant, cache: (  # type: ignore[method-assign]
        kept if variant == "gray" else None)
    assert lone._read_lines_all(_lines(row)) is None
    plain_lone = TesseractPlateReader(_Fixed(False))
    plain_lone._read_lines = lambda lines, variant, cache: (  # type: ignore[method-assign]
        replace(plain, sure=False) if variant == "gray" else None)
    got = plain_lone._read_lines_all(_lines(row))
    assert got is not None and got.conf == LONE


class _Kept(TesseractPlateReader):
    """One candidate, whose read came from a row Tesseract dropped as noise."""

    def __init__(self, read: CropRead) -> None:
        super().__init__(ResidentEngine(DEFAULT_TESSDATA))
        self.one = read

    def _ranked(self, frame: Frame, quads: list[np.ndarray], *, tight: bool,
                found: list[CropRead] | None = None
                ) -> Iterator[tuple[np.ndarray, Frame, Lines]]:
        yield np.array([[0, 0], [9, 0], [9, 9], [0, 9]], np.float32), frame, _lines(frame)

    def _read_lines_all(self, lines: Lines) -> CropRead | None:
        return self.one


def test_a_kept_read_stays_under_the_band() -> None:
    # Measured (round 11): 云QE1R8D's grey row, empty before, read on the retry agreed with
    # the binary one through chi_sim's shared row read on 云GELR8D at 0.96.
    frame = np.full((64, 64, 3), 128, np.uint8)
    read = CropRead(Candidate("云GELR8D", "CN", 0, 0), 0.96, "", "2-line", agreed=True, kept=True)
    got = _Kept(read).read(frame)
    assert got.plate == "云GELR8D" and got.confidence == REJOINED
    plain = _Kept(CropRead(Candidate("云GELR8D", "CN", 0, 0), 0.96, "", "2-line", agreed=True))
    assert plain.read(frame).confidence == 0.96
