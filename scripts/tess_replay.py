"""Tesseract's calls captured once, replayed under another setting: which reads move, what it costs.

Why: a per-call change (a Tesseract variable, a different call set-up) is exact only if every
``LineRead`` comes back the same (text, confidences, LSTM choices), and its saving is a few
per cent of a call: a whole-reader run (``reader_misses``, ~20 minutes a seed on the loaded
box) is the wrong instrument for both. Capturing the images the reader hands to Tesseract on
the pool's frames and replaying them answers both in a minute (round 27: no read of 760
captured calls differed on replay, so a replay is a faithful stand-in; a knob is exact on the
sample when none differs under it, and the time per call is compared alternated, default and
changed, in one process).

    python scripts/tess_replay.py capture --seeds 3101 3202 --n 20 --out /tmp/calls.pkl
    flock /tmp/bench.lock taskset -c 1 python scripts/tess_replay.py replay /tmp/calls.pkl \\
        --set lstm_choice_iterations=1 --reps 4

Frames are ``stage_profile``'s (the benchmark's specs, never its seeds 2026-2029). The
capture is a local pickle of this tool's own making: read it only from where you wrote it.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edge.reader.engines import DEFAULT_TESSDATA, LineRead, ResidentEngine, Script

#: One captured call: the frame's id, the script asked (latin, cjk, glyph), the image, the read.
Call = tuple[str, str, np.ndarray, LineRead]
SCRIPTS = ("latin", "cjk", "glyph")


@dataclass(frozen=True, slots=True)
class Replayed:
    """One script's calls replayed: how many, how many read differently under the setting,
    how many read differently with the default (0 where a replay stands in for the reader),
    and the CPU per call with the default and with the setting (alternated runs, summed)."""

    calls: int
    differ: int
    unstable: int
    default_ms: float
    changed_ms: float


class Recording:
    """A resident engine that keeps every image it reads and what it read (``calls``)."""

    def __init__(self, inner: ResidentEngine) -> None:
        self.inner = inner
        self.frame = ""
        self.calls: list[Call] = []

    def read(self, img: np.ndarray, *, script: Script = "latin") -> LineRead:
        return self._kept(img, script)

    def glyph(self, img: np.ndarray) -> tuple[str, float]:
        got = self._kept(img, "glyph")
        return got.text.strip(), got.conf

    def _kept(self, img: np.ndarray, script: str) -> LineRead:
        got = self.inner.read(img, script=script)  # type: ignore[arg-type]
        self.calls.append((self.frame, script, np.array(img, copy=True), got))
        return got


def replay(engine: ResidentEngine, calls: Sequence[Call], name: str, value: str,
           reps: int = 2) -> dict[str, Replayed]:
    """Every call read again with the default and with ``name`` set to ``value``, the order
    alternating rep by rep; reads compared with the captured ones (the setting's first rep).
    The variable is put back to its default on every API before returning."""
    apis = {s: engine._get(s) for s in SCRIPTS}
    default = apis["latin"].GetVariableAsString(name)  # type: ignore[attr-defined]
    spent: dict[tuple[str, bool], float] = defaultdict(float)
    counted: Counter[str] = Counter()
    differ: Counter[str] = Counter()
    unstable: Counter[str] = Counter()
    try:
        for rep in range(reps):
            for changed in ((False, True) if rep % 2 == 0 else (True, False)):
                for api in apis.values():
                    api.SetVariable(name, value if changed else default)  # type: ignore[attr-defined]
                for _, script, img, got in calls:
                    t = time.process_time()
                    new = engine._read(img, script)  # type: ignore[arg-type]
                    spent[(script, changed)] += time.process_time() - t
                    if not changed:
                        counted[script] += 1
                    if rep == 0 and new != got:
                        (differ if changed else unstable)[script] += 1
    finally:
        for api in apis.values():
            api.SetVariable(name, default)  # type: ignore[attr-defined]
    return {s: Replayed(counted[s] // reps, differ[s], unstable[s],
                        1000 * spent[(s, False)] / counted[s],
                        1000 * spent[(s, True)] / counted[s])
            for s in SCRIPTS if counted[s]}


def capture(seeds: list[int], n: int) -> list[Call]:
    """The Tesseract calls the reader makes on ``stage_profile``'s frames of ``seeds``."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from stage_profile import frames  # the benchmark's frame specs, as profiled

    from edge.reader.tesseract import TesseractPlateReader

    engine = Recording(ResidentEngine(DEFAULT_TESSDATA))
    reader = TesseractPlateReader(engine)
    for meta, image in frames(seeds, n):
        engine.frame = f"{meta['seed']}/{meta['frame']}/{meta['difficulty']}"
        reader.read(image)
    return engine.calls


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("--seeds", type=int, nargs="+", default=[3101, 3202])
    cap.add_argument("--n", type=int, default=20)
    cap.add_argument("--out", type=Path, required=True)
    rep = sub.add_parser("replay")
    rep.add_argument("calls", type=Path)
    rep.add_argument("--set", required=True, help="NAME=VALUE, a Tesseract variable")
    rep.add_argument("--reps", type=int, default=2)
    args = ap.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if args.cmd == "capture":
        if {2026, 2027, 2028, 2029} & set(args.seeds):
            ap.error("2026-2029 are the benchmark's seeds: tune elsewhere")
        calls = capture(args.seeds, args.n)
        with args.out.open("wb") as fh:
            pickle.dump(calls, fh)
        print(f"{len(calls)} calls captured")
        return 0
    with args.calls.open("rb") as fh:
        calls = pickle.load(fh)
    name, _, value = args.set.partition("=")
    for script, r in replay(ResidentEngine(DEFAULT_TESSDATA), calls, name, value,
                            args.reps).items():
        print(f"{script}: {r.calls} calls, {r.differ} read otherwise ({r.unstable} with the "
              f"default); {r.default_ms:.2f} -> "
              f"{r.changed_ms:.2f} ms a call ({100 * (r.changed_ms / r.default_ms - 1):+.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
