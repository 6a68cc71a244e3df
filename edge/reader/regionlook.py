"""A pass's blank frames read again in the region where another of its frames found the plate.

Why: in a pass that ends undecided because only one frame read the plate (12CV43516, seed
1001: frame 3 read it at 0.70 and again at every scale of the second look; the other four
frames read nothing at 0.7, 0.85, 1.25 and 1.5), the blank frames show the same plate a few
pixels from where that frame found it: a truck moves little between frames. Read whole, a
blank frame's localisation and ranking (painted text, the truck's own edges and lamps, the
candidates' likeness) lose the plate at every scale; read as the region around the other
frame's plate box, frames 2 and 5 of 12CV43516 read it at 0.75 and 0.69 (round 21,
docs/reader-journal.md). The region's read is another image's read of the plate (not the
same image read again, as the second look's scales are), so it counts as that frame's look
in ``second_look.decide`` with all of its guards and its cap under the band. Only for a pass
every other stage of the second look left undecided, only frames that named no plate in
their own read nor in any look, one read each at scale 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from edge.reader.base import Frame, FrameRead

#: The region around the other frame's plate box, each way: this share of the box's size
#: plus this many pixels (a plate's drift and growth between a pass's frames, with margin:
#: the generator's trucks move <= 40 px sideways and 30 px up over a pass and grow by 35 %).
GROW_SHARE = (0.6, 0.8)
GROW_PX = (50, 40)

Look = Callable[[Frame, tuple[float, ...]], Sequence[FrameRead]]


def region(image: Frame, box: tuple[int, int, int, int]) -> Frame | None:
    """The part of ``image`` around ``box`` (x, y, w, h), grown by ``GROW_SHARE`` and
    ``GROW_PX``; ``None`` when nothing of it is in the image or it is the whole image."""
    x, y, w, h = box
    gx = int(GROW_SHARE[0] * w + GROW_PX[0])
    gy = int(GROW_SHARE[1] * h + GROW_PX[1])
    height, width = image.shape[:2]
    x0, y0 = max(0, x - gx), max(0, y - gy)
    x1, y1 = min(width, x + w + gx), min(height, y + h + gy)
    if x1 - x0 < 16 or y1 - y0 < 16 or (x1 - x0, y1 - y0) == (width, height):
        return None
    return np.ascontiguousarray(image[y0:y1, x0:x1])


def blank(read: FrameRead, looks: Sequence[FrameRead]) -> bool:
    """Whether a frame named no plate, in its own read or any look at it."""
    return read.plate is None and not any(x.plate for x in looks)


def region_looks(reads: Sequence[FrameRead], images: Sequence[Frame | None],
                 looks: Sequence[Sequence[FrameRead]], look: Look) -> list[list[FrameRead]]:
    """Each frame's read of its region (``region``) around the plate box of the nearest
    frame whose own read named a plate, for frames ``blank`` with their image kept; an empty
    list for every other frame (all empty where no frame's read has a box)."""
    boxed = [i for i, r in enumerate(reads) if r.plate and r.bbox]
    out: list[list[FrameRead]] = [[] for _ in reads]
    if not boxed:
        return out
    for i, (r, image) in enumerate(zip(reads, images, strict=True)):
        if not isinstance(image, np.ndarray) or not blank(r, looks[i] if i < len(looks) else ()):
            continue  # no image kept, or a replay's stand-in for one (an index): no region
        near = min(boxed, key=lambda j: (abs(j - i), -reads[j].confidence))
        box = reads[near].bbox
        part = region(image, box) if box is not None else None
        if part is not None:
            out[i] = list(look(part, (1.0,)))
    return out
