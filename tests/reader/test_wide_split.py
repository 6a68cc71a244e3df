"""A frame that reads nothing has its likeliest candidates' merged blobs (touching glyphs blur
joined, wider than the row's pitch) split by pitch, and reads the split row: a repair-free VN
plate of the split count, agreed or named by the Latin classifier, at ``LONE`` (round 20)."""

from __future__ import annotations

import numpy as np
from hardscene import hard_vn_scene

from domain.plate_candidates import Candidate
from edge.reader import make_reader, widesplit
from edge.reader.claims import LONE, CropRead
from edge.reader.latin import LatinGuess
from edge.reader.segment import Lines

EIGHT = Lines("1-line", [], [], 8, (8,))


def test_a_blob_two_or_three_pitches_wide_is_split() -> None:
    singles = [((200 + 30 * i, 20, 22, 60), False) for i in range(4)]
    three = ((20, 20, 70, 60), True)  # "29K" as one blob (the shape filter's wide flag)
    two = ((110, 21, 46, 59), False)  # "70", kept by the shape filter as one glyph
    boxes, made = widesplit.split([three, two, *singles])
    assert len(boxes) == 9 and len(made) == 5
    assert made[:3] == [(20, 20, 23, 60), (43, 20, 23, 60), (66, 20, 23, 60)]
    # a short wide blob (a dash, a bar) is no merged glyphs; nor is a wide one dropped
    dash = ((100, 50, 40, 10), False)
    assert widesplit.split([dash, *singles])[1] == []


def _ink(n: int) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    mask = np.zeros((120, 40 * n + 40), np.uint8)
    glyphs = [(20 + 40 * i, 30, 30, 60) for i in range(n)]
    for x, y, _w, h in glyphs:
        mask[y:y + h, x + 10:x + 20] = 255
    return mask, glyphs


def _naming(text: str, odd: dict[int, dict[str, float]] | None = None):  # type: ignore[no-untyped-def]
    def classify(images: list[np.ndarray]) -> list[LatinGuess]:
        out = [LatinGuess(ch, 0.9, 0.8, {ch: 0.9}) for ch in text]
        for i, shares in (odd or {}).items():
            top = max(shares, key=lambda c: shares[c])
            out[i] = LatinGuess(top, shares[top], 0.5, shares)
        return out
    return classify


def _read(plate: str, *, agreed: bool = False, cost: int = 0, country: str = "VN",
          raw: str | None = None) -> CropRead:
    return CropRead(Candidate(plate, country, cost, 0), 0.45, raw or plate, "1-line",
                    agreed=agreed)


def test_the_classifier_names_the_split_glyphs_all_but_one_and_opposes_none() -> None:
    mask, glyphs = _ink(8)
    made = set(glyphs[:6])
    read = _read("29K70570")
    assert widesplit.confirmed(read, mask, glyphs, made, classify=_naming("29K70570"))
    # measured (fresh 29K-705.70): its 0 split from "705" named 8 at 0.43, 0 at 0.14
    blurred = {4: {"8": 0.43, "D": 0.15, "0": 0.14, "6": 0.28}}
    assert widesplit.confirmed(read, mask, glyphs, made, classify=_naming("29K70570", blurred))
    two = {**blurred, 0: {"7": 0.6, "2": 0.4}}  # a second split glyph named otherwise
    assert not widesplit.confirmed(read, mask, glyphs, made, classify=_naming("29K70570", two))
    opposed = {7: {"8": 0.95, "0": 0.05}}  # a whole glyph read 0 the classifier calls 8
    assert not widesplit.confirmed(read, mask, glyphs, made,
                                   classify=_naming("29K70570", opposed))
    assert not widesplit.confirmed(_read("29K7057"), mask, glyphs, made,
                                   classify=_naming("29K7057"))


def test_only_a_repair_free_vn_plate_of_the_split_count_is_believed() -> None:
    assert widesplit.believed(_read("29K70570"), EIGHT, True)
    assert widesplit.believed(_read("29K70570", agreed=True), EIGHT, False)
    assert not widesplit.believed(_read("29K70570"), EIGHT, False)  # alone, unconfirmed
    assert not widesplit.believed(_read("29K7057"), EIGHT, True)
    assert not widesplit.believed(_read("29K70570", cost=1), EIGHT, True)
    assert not widesplit.believed(_read("桂K70570", country="CN"), EIGHT, True)
    assert not widesplit.believed(None, EIGHT, True)


def test_the_reader_reads_a_split_row_where_the_frame_read_nothing() -> None:
    """Fresh seed 8080's hard 29K-705.70 (main read nothing): blur merged "29K" and "70"
    (6 blobs for 8), every crop read '226-705.70'; split by pitch its row reads 29K70570."""
    image, _, truth = hard_vn_scene(808124278, "1-line")
    assert truth == "29K70570"
    got = make_reader(engine="resident").read(image)
    assert got.plate == "29K70570" and got.confidence == LONE


def test_two_rows_of_a_vn_plate_split_and_named_by_their_slots() -> None:
    """Round 21: a 2-row plate's split rows count a VN plate's top (3-4) over bottom (4-5),
    and the classifier judges each glyph as its row's slot (the top row's third a letter)."""
    assert widesplit._plate_rows([8]) and widesplit._plate_rows([3, 5])
    assert widesplit._plate_rows([4, 4]) and not widesplit._plate_rows([2, 5])
    assert not widesplit._plate_rows([3, 6]) and not widesplit._plate_rows([3, 3, 2])
    mask, glyphs = _ink(8)
    made = set(glyphs[:3])  # "12G" one blob, split in three
    read = _read("12G42157", cost=1, raw="126/421.57")
    naming = _naming("12G42157")
    assert widesplit.confirmed(read, mask, glyphs, made, classify=naming, top=3)
    # a bottom-row glyph the classifier names 7 opposes the read's 1
    assert not widesplit.confirmed(read, mask, glyphs, made, classify=_naming("12G42757"),
                                   top=3)


def test_one_repair_is_believed_only_on_a_split_glyph_the_classifier_named() -> None:
    _, glyphs = _ink(8)
    two = Lines("2-line", [], [], 8, (3, 5))
    read = _read("12G42157", cost=1, raw="126/421.57")
    assert widesplit.believed(read, two, True, glyphs=glyphs, made=set(glyphs[:3]))
    assert not widesplit.believed(read, two, False, glyphs=glyphs, made=set(glyphs[:3]))
    # the repaired character on a glyph no split made: the grammar's guess alone
    assert not widesplit.believed(read, two, True, glyphs=glyphs, made=set(glyphs[3:5]))
    twice = _read("12G42157", cost=2, raw="126/42I.57")
    assert not widesplit.believed(twice, two, True, glyphs=glyphs, made=set(glyphs))
    assert not widesplit.believed(read, two, True)  # no glyphs: nothing to place the repair


def test_the_reader_reads_a_split_top_row_where_the_frame_read_nothing() -> None:
    """Tuning seed 4242's hard 12G-421.57 (main read nothing): blur merged the top row "12G"
    into one blob, dropped as too wide, and every crop read the bottom row alone; its evened
    crop split by pitch reads '126/421.57', the classifier naming the split G."""
    image, _, truth = hard_vn_scene(424312776, "2-line")
    assert truth == "12G42157"
    got = make_reader(engine="resident").read(image)
    assert got.plate == "12G42157" and got.confidence == LONE
