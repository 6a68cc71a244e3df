"""A yellow plate's last looks: the plate-yellow quads read are those whose crops segment a
plate's count, and the plate-yellow mask is parted at its necks like the bright one
(``LastLooks._text_looks``, ``necks.yellow``; docs/reader-journal.md, round 21).

Why these tests: check's 11R19385 hangs tilted on a dark bumper, its corner on an orange
truck's body; the plate-yellow mask (hue 19-40) holds the plate alone (IoU 0.96, reading it
agreed at 0.70), but the truck's grille shows pieces of plate yellow between its bars that
score over it, and only the first two quads were read: the plate was third. Tuning's 12DA885's
own quad was chosen (IoU 0.92) and read nothing; the plate-yellow mask's part at radius 5,
a pixel or two tighter (IoU 0.95), reads it sure.
"""

from __future__ import annotations

import numpy as np
from hardscene import hard_vn_scene, unfound_scene

from edge.reader import make_reader, necks
from edge.reader.base import ACT
from edge.reader.localise import _iou, candidates, rectify
from edge.reader.outline import PAD
from edge.reader.segment import segment
from edge.reader.textquad import YELLOWS, Blobs

#: Check hard 11R19385 (31337): no chosen quad near the plate (best IoU 0.03).
ORANGE = (3133894049, "1-line")
#: Tuning hard 12DA885 (4242): its chosen quad (IoU 0.92) reads nothing.
FADED = (424312742, "2-line")


def test_grille_pieces_outscore_the_plate_but_segment_no_plate() -> None:
    image, truth, blobs = unfound_scene(*ORANGE)
    quads = blobs.yellow()
    first = quads[:YELLOWS]
    assert max(_iou(q, truth) for q in first) < 0.5  # the grille's pieces, best scored
    near = [i for i, q in enumerate(quads) if _iou(q, truth) >= 0.9]
    assert near and near[0] >= YELLOWS
    for q in first:  # ... but none segments a plate's count
        lines = segment(rectify(image, q, pad=PAD))
        assert lines is None or not 6 <= lines.chars <= 9
    lines = segment(rectify(image, quads[near[0]], pad=PAD))
    assert lines is not None and 6 <= lines.chars <= 9


def test_the_yellow_plate_behind_the_grille_pieces_is_read_under_the_band() -> None:
    image, _, plate = hard_vn_scene(*ORANGE)
    got = make_reader(engine="resident").read(image)
    assert got.plate == plate and got.confidence < ACT


def test_the_yellow_mask_is_parted_near_a_chosen_quad_too() -> None:
    image, truth, _ = hard_vn_scene(*FADED, country="VN")
    blobs = Blobs()
    chosen = candidates(image, limit=12, blobs=blobs)
    assert max(_iou(q, truth) for q in chosen) >= 0.9  # found, and read nothing
    boxes, strong, k = blobs.args
    parts = necks.yellow(blobs.plate_yellow(), strong, k)
    assert parts and len(parts) <= necks.NECKS
    assert max(_iou(q, truth) for q in parts) >= 0.93
    # The bright mask's parts leave out a chosen quad's box; the yellow ones do not.
    assert all(_iou(q, truth) < 0.93 for q in necks.necked(blobs.small, boxes, strong, k))
    assert not np.array_equal(parts[0], chosen[0])


def test_the_yellow_part_reads_the_faded_plate_under_the_band() -> None:
    image, _, plate = hard_vn_scene(*FADED)
    got = make_reader(engine="resident").read(image)
    assert got.plate == plate and got.confidence < ACT
