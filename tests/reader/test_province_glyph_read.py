"""The province glyph's second looks (generated frames, real Tesseract; docs/reader-journal.md,
round 14): chi_sim's read of the glyph alone (``provlooks.glyph_read``) on 1-row plates from
the province cutter's cut, not a window that takes in the series letter; and a row read's
province overruled where the classifier and that glyph read name another one."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scriptedreader import GlyphCounting

from domain.plate_candidates import province_of
from edge.reader.chinese import CLASSIFIER_ONLY, _overruled
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.localise import rectify
from edge.reader.provlooks import GLYPH_SURE, classified, glyph_image, glyph_read
from edge.reader.segment import Lines, segment
from edge.reader.tesseract import TesseractPlateReader
from smartgate.scenes import random_plate, render_frame


def _true_quad_lines(spec: int, layout: str) -> tuple[Lines, str]:
    """The rows of a generated easy frame's plate, cut from the generator's own quad (the
    frames ``scripts/reader_misses.py`` makes for tuning seed 999 and 4242)."""
    rng = random.Random(spec)
    plate = random_plate(rng, country="CN", layout=layout)
    scene = render_frame(plate=plate, layout=layout, difficulty="easy",  # type: ignore[arg-type]
                         rng=rng)
    lines = segment(rectify(scene.image, np.array(scene.quad, np.float32), pad=0.04))
    assert lines is not None and lines.layout == layout
    return lines.done(), scene.plate


@pytest.mark.parametrize("spec", [99903044, 424212736])  # 贵K1YKN6, 桂U52439D
def test_a_one_row_plates_province_is_read_from_its_cut(spec: int) -> None:
    """The window of GLYPH_WIDTH from the row's first ink holds the province and part of the
    series letter beside it; chi_sim read it doubtfully (贵 at 0.31, 桂 at 0.28 on these
    frames), its read of the cut alone names the province surely."""
    lines, plate = _true_quad_lines(spec, "1-line")
    engine = ResidentEngine(DEFAULT_TESSDATA)
    window = engine.glyph(glyph_image(lines))
    assert window[1] < GLYPH_SURE
    text, conf = glyph_read(engine, lines)
    assert text == plate[0] and conf >= GLYPH_SURE


def test_a_sure_cut_read_spares_the_window_read() -> None:
    lines, plate = _true_quad_lines(99903044, "1-line")
    engine = GlyphCounting()
    assert glyph_read(engine, lines)[0] == plate[0]
    assert engine.glyphs == 1


def test_a_two_row_plates_province_is_read_from_the_window() -> None:
    """On a 2-row plate the letter stands two characters away: one read, of the window."""
    lines, _ = _true_quad_lines(99902999, "2-line")  # 桂B79717
    engine = GlyphCounting()
    text, conf = glyph_read(engine, lines)
    assert engine.glyphs == 1
    assert (text, conf) == engine.glyph(glyph_image(lines))


def test_a_row_reads_province_is_overruled_by_both_second_looks() -> None:
    """chi_sim's row read names 鲁 for this plate's 粤 (at 0.41); the classifier names 粤 at
    margin 1.0 and chi_sim's glyph read alone 粤 too: two looks against one, the plate is
    粤's (main read 鲁B7M4T5 from this crop)."""
    lines, plate = _true_quad_lines(99903033, "1-line")  # 粤B7M4T5
    engine = ResidentEngine(DEFAULT_TESSDATA)
    assert province_of(engine.read(lines.gray[0], script="cjk").text) == "鲁"
    got = TesseractPlateReader(engine)._read_lines_all(lines)
    assert got is not None and got.cand.plate == plate == "粤B7M4T5"


def test_a_row_reads_province_stands_when_the_glyph_read_seconds_neither_or_names_it(
        ) -> None:
    """The classifier against the row read: the glyph read decides. Naming the row read's
    province, it seconds it (two looks against one); naming the classifier's, it overrules
    it; naming none (round 15: 粤Y77890D read 吉 by the row read in three frames, the glyph
    read empty, the classifier 粤 at margin 1.0), the classifier's province stands, as where
    chi_sim found none: ``classifier_only`` (capped at ``CLASSIFIED``, never reused)."""
    lines, _ = _true_quad_lines(99903033, "1-line")
    cache: dict[str, object] = {"glyph": ("鲁", 0.41)}  # the glyph read seconds the row read
    guess = classified(lines, cache)
    assert guess is not None and guess.char == "粤" and guess.margin >= CLASSIFIER_ONLY
    assert _overruled(ResidentEngine(DEFAULT_TESSDATA), lines, cache, "鲁") is None
    assert not cache.get("classifier_only")
    cache["glyph"] = ("粤", 0.41)
    assert _overruled(ResidentEngine(DEFAULT_TESSDATA), lines, cache, "鲁") == "粤"
    assert not cache.get("classifier_only")
    cache["glyph"] = ("", 0.0)  # chi_sim's glyph read named nothing
    assert _overruled(ResidentEngine(DEFAULT_TESSDATA), lines, cache, "鲁") == "粤"
    assert cache["classifier_only"] is True
