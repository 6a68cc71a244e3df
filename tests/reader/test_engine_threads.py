"""One resident engine shared by two threads reads as it does alone, and does not crash.

Why: libtesseract's API handles are not thread-safe. A reader shared by two lane agents in
one process, or a read still running when its agent is replaced (a loaded machine's test
run did this and the process died in libtesseract), must queue, not segfault.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

from edge.reader.engines import DEFAULT_TESSDATA, LineRead, ResidentEngine


def _row(text: str) -> np.ndarray:
    img = np.full((60, 40 * len(text)), 255, np.uint8)
    cv2.putText(img, text, (8, 46), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 4, cv2.LINE_AA)
    return img


def test_two_threads_on_one_engine_read_what_one_thread_reads() -> None:
    engine = ResidentEngine(DEFAULT_TESSDATA)
    rows = [_row("29H12345"), _row("51F67890")]
    alone = [engine.read(r) for r in rows]
    assert [a.text for a in alone] == ["29H12345", "51F67890"]  # the rows are readable
    got: list[list[LineRead]] = [[], []]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for _ in range(15):
                got[i].append(engine.read(rows[i]))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    for i in (0, 1):
        assert len(got[i]) == 15
        assert {(g.text, g.conf) for g in got[i]} == {(alone[i].text, alone[i].conf)}
