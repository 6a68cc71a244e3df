"""A VN lone read whose plate does not fit its crop's blobs is no frame's read, where the
last looks found nothing better (``choose.unfit_lone``; docs/reader-journal.md, round 20).

Why these tests: the groups' wrong lone reads at LONE were such reads (21N0499 for 21H89493,
7 characters from 8 blobs), and every right read at LONE fitted its blobs; a fitting lone
read and an unfit agreement stay as they were.
"""

from __future__ import annotations

from dataclasses import replace

from scriptedreader import FRAME, ScriptedReader, scripted_read

from edge.reader import choose
from edge.reader.claims import LONE, CropRead


def _unfit(plate: str) -> CropRead:
    return replace(scripted_read(plate, LONE), fits=False)


def test_the_searchs_unfit_lone_vn_read_is_no_frame_read() -> None:
    # 21H89493 (round 20): a lone '21N/04.99' from 8 blobs, its 1 and 8 lost, was the
    # frame's read at LONE; a fitting lone read still is, and an unfit agreement too.
    assert ScriptedReader([_unfit("21N0499")]).read(FRAME).plate is None
    assert ScriptedReader([scripted_read("21H89493", LONE)]).read(FRAME).plate == "21H89493"
    agreed = replace(_unfit("21N0499"), agreed=True, conf=0.7)
    assert ScriptedReader([agreed]).read(FRAME).plate == "21N0499"
    assert not choose.unfit_lone(replace(_unfit("桂A12345"), cand=replace(
        _unfit("桂A12345").cand, country="CN")))
