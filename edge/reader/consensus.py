"""Multi-frame consensus: one decision-grade read per vehicle pass.

A single frame can be confidently wrong (look-alike characters, glare). The
field's fix is to act only when at least two frames agree on the same
canonical plate and that plate clearly beats any rival read in the same pass.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from edge.reader.base import FrameRead


@dataclass(frozen=True, slots=True)
class PassRead:
    plate: str
    confidence: float
    frames: int  # frames that agree on ``plate``
    total_frames: int  # frames with any plate read
    layout: str | None
    country: str | None
    best: FrameRead  # highest-confidence agreeing frame: its crop is the evidence


def consensus(reads: Sequence[FrameRead], *, min_agree: int = 2) -> PassRead | None:
    """The agreed plate of a pass, or ``None`` while evidence is short or contested.

    Support of a plate is the sum of its frames' confidences; the winner needs
    ``min_agree`` agreeing frames and at least twice the support of the runner-up.
    Frames without a plate do not count against it (the truck may be out of view).
    """
    by_plate: dict[str, list[FrameRead]] = defaultdict(list)
    for read in reads:
        if read.plate:
            by_plate[read.plate].append(read)
    if not by_plate:
        return None
    support = {plate: sum(r.confidence for r in rs) for plate, rs in by_plate.items()}
    ranked = sorted(support, key=lambda p: (-support[p], -len(by_plate[p]), p))
    winner = ranked[0]
    agreeing = by_plate[winner]
    if len(agreeing) < min_agree:
        return None
    if len(ranked) > 1 and support[winner] < 2 * support[ranked[1]]:
        return None
    best = max(agreeing, key=lambda r: r.confidence)
    total = sum(len(rs) for rs in by_plate.values())
    # Independent frames agreeing on the same exact string: the chance that all of
    # them are wrong in the same way is the product of their doubts; a rival read
    # scales the result down by its share of the support.
    doubt = 1.0
    for r in agreeing:
        doubt *= 1.0 - min(max(r.confidence, 0.0), 1.0)
    share = support[winner] / sum(support.values()) if sum(support.values()) else 0.0
    confidence = (1.0 - doubt) * share
    return PassRead(winner, round(confidence, 4), len(agreeing), total, best.layout, best.country,
                    best)
