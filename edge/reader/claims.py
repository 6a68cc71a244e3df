"""What one crop's read may claim: the confidence caps, and the read itself (``CropRead``).

Why apart from :mod:`edge.reader.cropread` (which reads a crop and grades it): the caps are
the reader's calibrated contract, calibrated over the rounds in docs/reader-journal.md, and
the search (:mod:`edge.reader.tesseract`), its last looks and its policy
(:mod:`edge.reader.choose`) apply them to reads without reading anything themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.plate_candidates import Candidate

#: A grammatical read needing no repair, with as many characters as blobs, is trusted
#: alone from this confidence on (calibrated on generated frames of another seed).
SURE = 0.7
#: ... and no character's runner-up within this of it (LSTM choice confidences, 0..1).
MARGIN = 0.2
#: The most a plate two of three preprocessings agree on may claim (the third disagrees).
CONTESTED = 0.75
#: The most two agreeing reads may claim when the plate's length disagrees with the blobs.
UNFIT = 0.7
#: The most a Chinese read may claim whose province only the classifier named (chi_sim
#: found none): under ACCEPT and never ``agreed``, so the search goes on to preprocessings
#: and candidates where chi_sim names it (measured: the classifier's province came with the
#: Latin read's letter, 云ZA02A4 read as 云LA02A4, where chi_sim's binary read was right).
CLASSIFIED = 0.7
#: The most a read supported by one preprocessing alone may claim.
LONE = 0.45
#: The most a read may claim whose row the segmentation joined from two "rows" in one band
#: (``segment._one_band``: a 1-line Chinese plate whose province glyph broke into stacked
#: parts). Under SURE, so such a read never ends the search: a candidate segmented plainly
#: is still read and wins at its usual confidence. Why: such crops were read as 2-line
#: plates before (as nothing), and one of them, rejoined, read 桂WR77LB as 桂WRTTLB in both
#: models at 0.86 where another candidate read it right at 0.75 (round 10).
REJOINED = 0.69
#: The most a read may claim whose crop cut a character at a row's end (``Lines.cut``):
#: under LONE, so a whole-plate candidate read by one preprocessing still beats it, and it
#: never ends the search (round 12: a crop short of 11B-731.40's last 0 read 11B7314 at 0.75
#: in two preprocessings, the next candidate 11B73140 at 0.45).
CUT = 0.44



@dataclass(frozen=True, slots=True)
class CropRead:
    cand: Candidate
    conf: float
    raw: str
    layout: Literal["1-line", "2-line"]
    sure: bool = False  # one read may stand alone (see CropReader._graded)
    fits: bool = True  # as many characters as the segmentation found blobs
    margin: float = 0.0  # smallest lead of a character over its runner-up
    agreed: bool = False  # two preprocessings read the same plate
    classified: bool = False  # the province came from the classifier alone (CLASSIFIED)
    rival: str | None = None  # the plate the other model's tail reads (FrameRead.rival)
    seconded: bool = False  # Chinese: chi_sim's tail is eng's (see _seconded)
    kept: bool = False  # read (or agreed with a read) of a row Tesseract dropped as noise
    contested: bool = False  # capped (CONTESTED, UNFIT; an unconfirmed 吉): never ends the search
    relabelled: bool = False  # a character is the Latin classifier's, not eng's (vouch.reread)
    filled: bool = False  # a glyph eng skipped, named by the Latin classifier (dropped.fill)
    settled: bool = False  # VN: eng's hesitant characters the Latin classifier named (round 15)
    vouched: bool = False  # VN grey read: every glyph the Latin classifier named (wholevouch.py)
    recut: bool = False  # VN: fits only the row cut again by pitch (recut.explains, round 18)
    checked: bool = False  # VN: read slot by slot on its glyphs (glyphslots.py, round 19)
    weak: bool = False  # the classifier named the province under CLASSIFIER_ONLY (chinese.py)
    #: Two preprocessings read this plate, its province the classifier's alone: capped at
    #: CLASSIFIED and not ``agreed`` (the search goes on), but no lone read either; a last
    #: look believes it as an agreed one (``choose.look_kept``, round 17).
    paired: bool = False
    #: An agreed read whose province is chi_sim's habit 吉, named by no second look
    #: (``cnhabit.held``, round 26): it yields to its own tail under the classifier's clear
    #: province on another crop (``cnhabit.yields``, round 28).
    habit: bool = False
