"""A VN grey read's second look by the Latin classifier over every glyph, not the binary
image; and a refit's read sure alone, believed without its source crop (round 24, speed).

Why: the median frame's second Tesseract call is most often a VN plate's binary read, asked
because the grey read is under ``SURE`` or hesitated somewhere (a slot with no LSTM choice at
all, next to the dash, is the usual one: '21A505.65' read at 0.63, its 5 at 0.35); the binary
read then agrees (0.99) on nearly every such crop, and it checks little where the grey read
is wrong (the wide pool: 244 of 261 such grey reads right; of the 17 wrong, the binary read
seconded 24V55022 at 0.93 and 98V46531 at 0.99). The Latin classifier
(:mod:`edge.reader.latin`: HOG and k-NN over other fonts, one batch ~1-2 ms against ~7 ms for
an eng call) is a different model: where it names **every** letter and digit glyph of the read
as eng read it (at ``TRUST``), the read is graded as two agreeing reads, as round 15's settled
reads are, and no binary call is made. Where it names any glyph otherwise, or a glyph has no
whole blob, the binary read is asked as before. Not for a read eng's runner-ups or a shape
judge relabelled, one of a row Tesseract took for noise, one naming a glyph its crop lost, nor
one the grammar repaired (the same guards as ``settled``).

And ``refit_alone``: a refit's read (``outline.crops``) is capped under ``ACT`` and its source
crop read to lift it (round 11: a refit's two agreeing preprocessings read 桂VB4608 as
桂VB4668 at 0.98), but a single grey read sure alone (``doubts.sure_alone``, a lead of 0.3 at
every character) is as good from a refit's crop as from any other: on the wide pool every such
refit read was right (22 of 22; the wrong refit read, 98V46531, was an agreement at a lead of
0.20), and the source crop's segmentation and read were paid only to say so.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from edge.reader.base import ACT, Frame
from edge.reader.claims import CropRead
from edge.reader.doubts import sure_alone
from edge.reader.engines import LineRead
from edge.reader.latin import LatinClassifier, blob_image
from edge.reader.rowcut import glyphs_at
from edge.reader.rules import glyphs_named
from edge.reader.vouch import named_as_read

#: The grey read's least confidence for the classifier's second look: the one whose grade as
#: two agreeing reads (``graded``) reaches the band. Under it the binary read is asked as
#: before: from ``LONE`` (v1), 15 right reads the binary read had put at 0.92-0.99 came out
#: at 0.73-0.79 on the groups; the vouch may lift a read into the band, not take it out.
FLOOR = 1 - (1 - ACT) ** 0.5
#: Switch (tests, paired timing runs): off, every such read is asked of the binary image.
ENABLED = True


def vouched(got: LineRead, binary: Frame, clf: LatinClassifier | None = None) -> bool:
    """Whether the classifier names every letter and digit of ``got`` as eng read it.

    ``binary``: the read's line as the segmentation's mask (dark ink on white). ``False``
    when a glyph has no whole blob under it, no fonts are installed, or the read is empty.
    """
    if not ENABLED or got.conf < FLOOR:
        return False
    blobs: list[np.ndarray] = []
    chars: list[str] = []
    for ch, _, cx in got.chars:
        if ch in ("-", ".", " "):
            continue
        blob = max(glyphs_at(binary, cx), key=lambda b: b.shape[0], default=None)
        if blob is None:
            return False
        blobs.append(blob_image(blob))
        chars.append(ch)
    return named_as_read(blobs, chars, clf)  # no fonts: the binary read is asked


def second_look(read: CropRead, got: LineRead, binary: Frame, chars: int, raw: str) -> bool:
    """Whether a repair-free, fitting VN grey read not sure alone is ``vouched``: ``chars``
    the crop's blobs, ``raw`` the read's rows (a dot naming a glyph the crop lost refuses)."""
    return (read.cand.country == "VN" and read.cand.cost == 0 and read.fits and not read.recut
            and not got.kept and not sure_alone(read) and glyphs_named(read.cand, raw) <= chars
            and vouched(got, binary))


def graded(read: CropRead) -> CropRead:
    """A vouched read graded as two agreeing reads (``1 - (1 - c)^2``), as a settled one."""
    return replace(read, conf=min(0.99, 1 - (1 - read.conf) ** 2), agreed=True)


def refit_alone(read: CropRead) -> bool:
    """Whether a refit's read stands uncapped, its source unread: one grey read, sure alone,
    in the band by itself (under ``ACT`` the source may lift it: v2 left 24E5364 at 0.78 and
    24K15452 at 0.77, sure alone, where their sources read them at 0.94 and 0.95)."""
    return ENABLED and read.sure and not read.agreed and not read.contested and (
        read.cand.country == "VN" and read.cand.cost == 0 and read.conf >= ACT)
