"""A lone Chinese read's tail outvoted by the tail the frame's other crops read, under the
read's own province (``cntailvote``; docs/reader-journal.md, round 21).

Why these tests: fresh hard 桂RYL8GV was read 桂RYLEGV at LONE: one crop's chi_sim row read
named 桂, eng read 'HERYLEGV' there (8 as E); four other crops read 'FERYL8GV', 'LRERYL8GV',
'ERYL8GV', but no plate (no model named a province there). Their texts vote for the tail; the
province stays the lone read's: none is guessed.
"""

from __future__ import annotations

from hardscene import hard_vn_scene

from domain.plate_candidates import Candidate
from edge.reader import cnvote, make_reader
from edge.reader.claims import LONE, CropRead
from edge.reader.cntailvote import revoted
from edge.reader.cnvote import tail_read
from edge.reader.segment import Lines

ONE = Lines("1-line", [], [], 7, (7,))


def _crop(*texts: str, lines: Lines = ONE) -> tuple[dict[str, object], Lines]:
    cache: dict[str, object] = {}
    for text in texts:
        cnvote.heard(cache, text, False)
    return cache, lines


def _lone(plate: str, conf: float = LONE, country: str = "CN") -> CropRead:
    return CropRead(Candidate(plate, country, 0, 0), conf, plate, "1-line")


def test_a_tail_behind_junk_with_a_digit_is_read_under_the_province() -> None:
    # painted words to cnvote (one digit): read here
    assert tail_read("ERYL8GV", "桂", painted=True).plate == "桂RYL8GV"  # type: ignore[union-attr]
    assert tail_read("LRERYL8GV", "桂", painted=True).plate == "桂RYL8GV"  # type: ignore[union-attr]
    assert tail_read("HERYLEGV", "桂", painted=True) is None  # no digit: a sign's letters, no vote
    assert tail_read("RYL8GV", "桂", painted=True) is None  # no junk: the province glyph unseen
    assert tail_read("29A12345", "桂", painted=True) is None  # a VN plate as it is


def test_the_crops_outvote_the_lone_read_s_tail() -> None:
    crops = [_crop("HERYLEGV", "RERSYESGV"), _crop("FERYL8GV"), _crop("LRERYL8GV"),
             _crop("LRERYL8GV", "ERYL8GV"), _crop("ERYL8GV")]
    got = revoted(_lone("桂RYLEGV"), crops)
    assert got is not None and got.plate == "桂RYL8GV" and got.cost == 0
    # under another province the crops vote under that one: the province is never theirs
    got = revoted(_lone("云RYLEGV"), crops)
    assert got is not None and got.plate == "云RYL8GV"


def test_no_vote_over_a_read_above_lone_a_vn_read_or_without_a_clear_majority() -> None:
    crops = [_crop("FERYL8GV"), _crop("LRERYL8GV"), _crop("ERYL8GV")]
    assert revoted(_lone("桂RYLEGV", 0.7), crops) is None  # believed over LONE
    assert revoted(_lone("29RYLEGV", country="VN"), crops) is None
    assert revoted(_lone("桂RYLEGV"), crops[:2]) is None  # two crops
    mine = [_crop("MRYLE6V"), _crop("MRYLE6V")]
    assert revoted(_lone("桂RYLE6V"), [*crops, *mine]) is None  # 3 against 2: not twice
    assert revoted(_lone("桂RYL8GV"), crops) is None  # the read's own plate
    wide = Lines("1-line", [], [], 10, (10,))  # a crop of more blobs than the plate fits
    assert revoted(_lone("桂RYLEGV"), [_crop("ERYL8GV", lines=wide)] * 3) is None


def test_the_hard_frame_reads_the_crops_tail_at_lone() -> None:
    image, _, truth = hard_vn_scene(808124316, "1-line", "CN")  # fresh 8080
    assert truth == "桂RYL8GV"
    got = make_reader(engine="resident").read(image)
    assert got.plate == truth and got.confidence == LONE
