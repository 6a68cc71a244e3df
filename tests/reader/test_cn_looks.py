"""Chinese plates on hard frames (round 17): two preprocessings agreeing on a classifier-only
province believed as an agreed last look, a Chinese look under the band seconded where its
province was named by the two models, an agreed look of a capped crop asked to reach its cap,
and chi_sim's unsure glyph read taken where the classifier leans to the same province
(docs/reader-journal.md, round 17).

Why these tests: on the tuning, check and fresh seeds' hard Chinese misses, looks read the plate
right where the frame read nothing and were not believed: 粤PKKR12 and 粤EPG5GS (two
preprocessings at 0.70, the province the classifier's alone, so not ``agreed``), 川A86505 (the
same, from a crop found by the local-contrast look, kept at 0.69 under SURE), 贵WGK378 and
川M2DA8D (a blob's read seconded by a crop whose province the other model named). The guard
stays for 粤U413Y7, whose looks all read chi_sim's 吉 and where the classifier named no province.
And 桂A89926F, 桂J5Z404 read nothing: chi_sim's glyph read named 桂 at 0.77-0.86 (under
GLYPH_SURE) and the classifier's likeliest was 桂 too, under its weak margin.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pytest
from hardscene import hard_vn_scene
from scriptedreader import FRAME, Blobbed, ScriptedCrop

from domain.plate_candidates import Candidate
from edge.reader import make_reader
from edge.reader.base import ACT
from edge.reader.chinese import _province
from edge.reader.choose import look_kept
from edge.reader.claims import CLASSIFIED, SURE, CropRead
from edge.reader.engines import LineEngine, LineRead
from edge.reader.province import ProvinceGuess
from edge.reader.segment import Lines


def _cn(plate: str, conf: float, **flags: bool) -> CropRead:
    return CropRead(Candidate(plate, "CN", 0, 0), conf, plate, "1-line", **flags)


def test_two_preprocessings_on_a_classifier_only_province_are_paired_not_agreed() -> None:
    reader = ScriptedCrop({"gray": _cn("粤PKKR12", 0.67, classified=True),
                           "binary": _cn("粤PKKR12", 0.67, classified=True)})
    got = reader._read_lines_all(Lines("1-line", [], [], 8, (8,)))
    assert got is not None and got.paired and not got.agreed and got.conf == CLASSIFIED


def test_a_paired_look_of_a_frame_that_read_nothing_is_believed() -> None:
    paired = _cn("粤PKKR12", CLASSIFIED, classified=True, paired=True)
    assert look_kept(paired, None, [])
    assert not look_kept(_cn("粤PKKR12", CLASSIFIED, classified=True), None, [])  # a lone read
    # A blob's too, where nothing read at all (粤P3B12U); but not an agreed blob's alone.
    assert look_kept(paired, None, [], blob=True)
    assert not look_kept(_cn("粤P3B12U", CLASSIFIED, agreed=True), None, [], blob=True)
    # Over the frame's lone read of another plate, only when seconded.
    assert not look_kept(paired, _cn("粤PKKR17", 0.45), [_cn("粤PKKR17", 0.45)])
    assert not look_kept(paired, _cn("粤PKKR17", 0.45), [_cn("粤PKKR17", 0.45)], blob=True)


def test_a_chinese_look_seconds_under_the_band_only_where_two_models_named_the_province() -> None:
    # 川M2DA8D: a blob's agreed read (chi_sim's 川) seconded by a text look's paired read (the
    # classifier's 川), over the frame's lone 川M20A89.
    blob = _cn("川M2DA8D", ACT - 0.01, agreed=True)
    lone = _cn("川M20A89", 0.45, classified=True)
    look = _cn("川M2DA8D", CLASSIFIED, classified=True, paired=True)
    assert look_kept(blob, lone, [lone, look], blob=True)
    # 粤U413Y7: every crop's chi_sim read named 吉; the crops repeat one model's misread.
    wrong = _cn("吉U413Y7", ACT - 0.01, agreed=True)
    assert not look_kept(wrong, None, [_cn("吉U413Y7", 0.67, agreed=True)], blob=True)


@pytest.mark.usefixtures("plate_sized")
def test_a_blob_seconded_by_the_other_model_stands_under_the_band() -> None:
    # 贵WGK378: its candidate read it at 0.15 (chi_sim's 贵), a blob by two preprocessings on
    # the classifier's 贵 at 0.70.
    reader = Blobbed([_cn("贵WGK378", 0.15, agreed=True),
                      _cn("贵WGK378", CLASSIFIED, classified=True, paired=True)])
    got = reader.read(FRAME)
    assert got.plate == "贵WGK378" and got.confidence == CLASSIFIED


def test_an_agreed_look_of_a_capped_crop_is_asked_to_reach_its_cap() -> None:
    assert look_kept(_cn("川A86505", 0.69, agreed=True), None, [], least=0.69)
    assert not look_kept(_cn("川A86505", 0.69, agreed=True), None, [], least=SURE)


@pytest.mark.parametrize(("seed", "layout"), [(77802411, "1-line"), (3133894047, "2-line")])
def test_the_looks_read_the_plate_under_the_band(seed: int, layout: str) -> None:
    # Tuning 粤PKKR12 (seed 777) and check 川A86505 (seed 31337): both read nothing before.
    image, _, plate = hard_vn_scene(seed, layout, "CN")
    got = make_reader(engine="resident").read(image)
    assert got.plate == plate and got.confidence < ACT


def test_the_looks_still_do_not_name_chi_sims_province_alone() -> None:
    # Check 粤U413Y7 (seed 1234): three looks agree on 吉U413Y7; the frame reads nothing.
    image, _, plate = hard_vn_scene(123503735, "1-line", "CN")
    got = make_reader(engine="resident").read(image)
    assert got.plate in (None, plate)


class _RowsReadNothing:
    """chi_sim's row read finding no province (the glyph read and the classifier scripted)."""

    def read(self, image: np.ndarray, script: str = "latin") -> LineRead:
        return LineRead("", 0.0)


@pytest.mark.parametrize(("glyph", "guess", "named"), [
    (("桂", 0.77), ProvinceGuess("桂", 0.24, 0.02), "桂"),  # 桂A89926F: both lean to 桂
    (("桂", 0.70), ProvinceGuess("桂", 0.24, 0.02), None),  # the glyph read too unsure
    (("桂", 0.82), ProvinceGuess("琼", 0.23, 0.001), None),  # 桂RG8AH0: the models differ
])
def test_an_unsure_glyph_read_the_classifier_leans_to_names_a_weak_province(
        glyph: tuple[str, float], guess: ProvinceGuess, named: str | None) -> None:
    row = np.full((60, 300), 255, np.uint8)
    cache: dict[str, object] = {"glyph": glyph, "class": guess}
    engine = cast(LineEngine, _RowsReadNothing())
    got = _province(engine, Lines("1-line", [row], [row], 8, (8,)), [row], cache)
    assert (got[0] if got else None) == named
    if named:  # capped at CLASSIFIED, and read by two preprocessings or dropped
        assert cache["classifier_only"] and cache["classifier_weak"]


def test_an_unsure_glyph_read_seconded_by_the_classifier_reads_the_plate() -> None:
    # Fresh 桂A89926F (seed 5150): no look named its province before.
    image, _, plate = hard_vn_scene(515115505, "1-line", "CN")
    got = make_reader(engine="resident").read(image)
    assert got.plate == plate and got.confidence <= CLASSIFIED
