"""Results of pure image functions kept for an identical input: a row's ink labelled once.

Why: one frame's reads ask the same questions of the same line image many times over. Each
preprocessing's read builds its joined binary row anew (``segment.joined``), and the rules
that check a read (``dropped``, ``glyphslots``, ``recut``, ``cnletter``, ``cnskip``,
``cnjunk``) each label it again for its glyph columns; the province cutter
(``glyphcut._cuts``) is asked of the same grey top row by ``cnletter``, ``cnskip``,
``cnjunk`` and the province classifier. On 80 frames of seeds 3101 + 3303 (round 25):
``dropped.columns`` 11.6 calls a frame, 9.3 of them on an input already seen; ``_cuts``
8.2 and 6.2. A connected-components pass over a line image is ~0.2-0.3 ms.

Exact by construction: the key is the image's own bytes, shape and dtype with the call's
other arguments, compared in full by the dict (a hash alone never decides), and the
functions kept are pure (their result depends on those only). The results are shared
between callers, so they must be immutable or treated as read-only (arrays are returned
with ``writeable`` off).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")

#: Inputs kept per function: a frame's reads revisit a handful of rows (at most ~10 distinct
#: line images a frame); the oldest goes first.
SIZE = 32
#: Off: every call computed (the pre-round-25 path; tests and paired timings).
ENABLED = True


class Memo:
    """A bounded, thread-safe map from an image (and arguments) to a function's result."""

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._kept: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, images: np.ndarray | Sequence[np.ndarray], args: tuple[Hashable, ...],
            make: Callable[[], T]) -> T:
        """``make()``, or its result for the same image bytes (one image, or a batch in its
        order) and ``args`` kept earlier."""
        if not ENABLED:
            return make()
        batch = [images] if isinstance(images, np.ndarray) else images
        key = (tuple((a.shape, a.dtype.str, np.ascontiguousarray(a).tobytes()) for a in batch),
               args)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                self.hits += 1
                return self._kept[key]  # type: ignore[return-value]
        got = make()
        with self._lock:
            self._kept[key] = got
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return got

    def each(self, images: Sequence[np.ndarray], make: Callable[[list[int]], Sequence[T]]
             ) -> list[T]:
        """One result per image: those kept for the same image bytes recalled, the others
        made by one ``make(indices)`` call (the positions in ``images`` not kept, in order),
        kept one by one.

        Why per image: a batch function whose result for each image does not depend on the
        rest of its batch (the Latin classifier: round 28 checked 894 glyphs, alone and in
        batches, to the last digit) is asked of overlapping batches (a read's tail, then its
        plate, then one hesitant glyph of it), which ``get`` keeps apart.
        """
        if not ENABLED:
            return list(make(list(range(len(images)))))
        keys = [(a.shape, a.dtype.str, np.ascontiguousarray(a).tobytes()) for a in images]
        out: list[T | None] = [None] * len(images)
        missing: list[int] = []
        with self._lock:
            for i, key in enumerate(keys):
                if key in self._kept:
                    self._kept.move_to_end(key)
                    self.hits += 1
                    out[i] = self._kept[key]  # type: ignore[assignment]
                else:
                    missing.append(i)
        if missing:
            made = list(make(missing))
            with self._lock:
                for i, got in zip(missing, made, strict=True):
                    out[i] = got
                    self._kept[keys[i]] = got
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
        return out  # type: ignore[return-value]

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


def frozen(a: np.ndarray) -> np.ndarray:
    """``a`` made read-only: a kept result is shared by every caller that asks again."""
    a.flags.writeable = False
    return a
