"""A Chinese tail put together glyph by glyph where each model misread another glyph
(``cnmix.mixed``), and the crops' texts no longer outvoting the plate the crops read
(``cntailvote.revoted``'s ``heard``; docs/reader-journal.md, round 24).

Why these tests: the wide pool's two easy misses were both such tails. 3101's 粤Y0P13Z: eng
read 'WYQP13Z' (its 0 a Q with no LSTM choice), chi_sim '粤Y0P132' (its Z a 2); the judge
named 0 at the Q and Z at the 2, but the tie is settled only for one model's whole tail, so
eng's Q stood. 3404's 桂HE0L1J: eng 'EHEQL1J', chi_sim '桂HE0LJJ', and once the crops read
the plate right, eng's texts on the same crops outvoted it back to the Q.
"""

from __future__ import annotations

import random

from domain.plate_candidates import Candidate
from edge.reader import cnvote, make_reader
from edge.reader.claims import LONE, CropRead
from edge.reader.cnmix import mixed
from edge.reader.cntails import one_row, two_row
from edge.reader.cntailvote import revoted
from edge.reader.lookalikes import Judge
from edge.reader.segment import Lines
from smartgate.scenes import random_plate, render_frame


def _names(**at: str) -> Judge:
    """A judge naming ``at[f"p{k}"]`` (or ``at[f"m{-k}"]`` for a place counted from the end)
    where asked about a pair holding it, else nothing."""
    def judge(k: int, pair: str) -> str | None:
        char = at.get(f"p{k}" if k >= 0 else f"m{-k}")
        return char if char is not None and char in pair else None
    return judge


def test_mixed_takes_each_place_from_the_model_the_judge_names() -> None:
    eng, chi = Candidate("粤YQP13Z", "CN", 0, 1), Candidate("粤Y0P132", "CN", 1, 0)
    got = mixed([chi], eng, _names(p1="0", p5="Z"), tail=6)
    assert got is not None and got.plate == "粤Y0P13Z" and got.trimmed == 1  # eng's repairs


def test_mixed_needs_every_place_named_and_two_places_at_least() -> None:
    eng, chi = Candidate("粤YQP13Z", "CN", 0, 0), Candidate("粤Y0P132", "CN", 0, 0)
    assert mixed([chi], eng, _names(p1="0"), tail=6) is None  # the 2/Z place unnamed
    assert mixed([chi], eng, _names(p1="0", p5="Z", p3="X"), tail=6) is not None
    assert mixed([chi], eng, _names(p1="Q", p5="Z"), tail=6) is None  # eng's whole tail
    assert mixed([chi], eng, _names(p1="0", p5="2"), tail=6) is None  # chi_sim's: judged's
    one = Candidate("粤Y0P13Z", "CN", 0, 0)
    assert mixed([one], eng, _names(p1="0"), tail=6) is None  # one place: judged's
    assert mixed([Candidate("粤Y0P132", "CN", 1, 0)], eng, _names(p1="0", p5="Z"),
                 tail=6) is None  # another cost: no tie


def test_one_row_reads_the_plate_the_glyphs_name() -> None:
    # eng's line 'WYQP13Z': its tail's places counted from the line's end (``line_judge``)
    got = one_row("粤", "粤Y0P132", "WYQP13Z", 0.9, judge=_names(m5="0", m1="Z"))
    assert got is not None
    best, conf, agree, rival = got
    assert best.plate == "粤Y0P13Z" and not agree and conf < 0.8 and rival is None
    # without the verdicts, eng's tail leads as before
    got = one_row("粤", "粤Y0P132", "WYQP13Z", 0.9, judge=_names())
    assert got is not None and got[0].plate == "粤YQP13Z"


def test_two_row_reads_the_plate_the_glyphs_name() -> None:
    got = two_row("桂", "桂H/E0LJJ", ["KH", "EQL1J"], 0.9, 1.0, judge=_names(p1="0", p3="1"))
    assert got is not None and got[0].plate == "桂HE0L1J" and not got[3] and got[1] < 0.8




def _crop(*texts: str) -> tuple[dict[str, object], Lines]:
    cache: dict[str, object] = {}
    for text in texts:
        cnvote.heard(cache, text, False)
    return cache, Lines("1-line", [], [], 8, (8,))


def test_the_crops_that_read_the_plate_vote_for_it() -> None:
    crops = [_crop("EHEQL1J"), _crop("KEHEQL1J"), _crop("EHEQL1J"), _crop("HEQL1J")]
    read = CropRead(Candidate("桂HE0L1J", "CN", 0, 0), LONE, "", "1-line")
    assert revoted(read, crops) is not None  # texts alone: eng's Q outvotes the plate
    heard = [(read, lines) for _, lines in crops]
    assert revoted(read, crops, heard) is None  # the four crops read 桂HE0L1J themselves
    assert revoted(read, crops, heard[:1]) is not None  # one crop's read: outvoted, 4 to 1


def _easy(spec: int, country: str, layout: str) -> tuple[object, str]:
    rng = random.Random(spec)
    plate = random_plate(rng, country=country, layout=layout)
    scene = render_frame(plate=plate, layout=layout, difficulty="easy",  # type: ignore[arg-type]
                         rng=rng)
    return scene.image, scene.plate


def test_the_wide_pool_easy_frames_read_right() -> None:
    # Real Tesseract: main after round 23 read them 粤YQP13Z at 0.57 and 桂HEQL1J at 0.45.
    reader = make_reader(engine="resident")
    for spec, truth in ((310109368, "粤Y0P13Z"), (340410260, "桂HE0L1J")):
        image, plate = _easy(spec, "CN", "1-line")
        assert plate == truth
        got = reader.read(image)  # type: ignore[arg-type]
        assert got.plate == truth and got.confidence < 0.8


def test_the_province_junk_makes_no_new_energy_plate_of_six_glyphs() -> None:
    # Real Tesseract: scan seed 5111's easy frames, eng 'HEF-44929' and 'FED-T0702' (the
    # junk 'E' taken as a new-energy plate's letter: 桂EF44929, 桂EDT0702 at 0.72-0.73 on
    # main after round 23), chi_sim right; six glyphs right of the province (``cnjunk``).
    reader = make_reader(engine="resident")
    for spec, truth in ((511115419, "桂F44929"), (511115458, "桂DT0702")):
        image, plate = _easy(spec, "CN", "1-line")
        assert plate == truth
        got = reader.read(image)  # type: ignore[arg-type]
        assert got.plate == truth and got.confidence < 0.8
