"""Which stage and rule chose a frame's read: a debug trace over reader_misses logs' frames.

Why: a wrong read is the worst outcome (it can open a lane for the wrong truck), and the
reader's stages (the search's candidates, the last looks, the votes) each may produce the
frame's read; to tighten the rule that misreads, each wrong read must be attributed to the
stage that chose it, with the preprocessings' reads behind it and the flags its confidence
came from (sure alone, two agreeing, chi_sim's tail seconding, ...). Accuracy only, no lock.

    .venv/bin/python scripts/read_trace.py LOG.jsonl [--wrong] [--frames F ...] [--json OUT]

Each traced frame prints its truth, its read and confidence, the stage that chose it and the
chosen read's flags, then every crop's preprocessing reads (``variant plate conf margin``).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from edge.reader.claims import CropRead
from edge.reader.engines import DEFAULT_TESSDATA, ResidentEngine
from edge.reader.tesseract import TesseractPlateReader
from smartgate.scenes import random_plate, render_frame

FLAGS = ("sure", "agreed", "seconded", "contested", "classified", "paired", "weak", "relabelled",
         "filled", "settled", "recut", "checked", "kept")
STAGES = ("_plurality", "_slot_majority", "_jittered", "_split", "_province_voted",
          "_crops_agreed")


class TracingReader(TesseractPlateReader):
    """The reader, its reads tagged with the stage that made them."""

    def __init__(self) -> None:
        super().__init__(ResidentEngine(DEFAULT_TESSDATA))
        self.tags: dict[int, str] = {}
        self.reads: list[dict[str, Any]] = []
        self._stage = "search"
        self._crop_no = 0
        for name in STAGES:
            self._wrap(name)

    def _wrap(self, name: str) -> None:
        inner = getattr(self, name)

        def wrapped(*args: Any, **kw: Any) -> Any:
            before = args[0] if args and isinstance(args[0], tuple) else None
            self._stage = name.strip("_")  # before the call: its crops' reads are its own
            got = inner(*args, **kw)
            if got is not None and got is not before:
                self.tags.setdefault(id(got[0]), name.strip("_"))
            return got
        setattr(self, name, wrapped)

    def read(self, frame: Any) -> Any:
        self.tags, self.reads, self._stage, self._crop_no = {}, [], "search", 0
        return super().read(frame)

    def _text_looks(self, frame: Any, best: Any, found: Any) -> Any:
        self._stage = "look"
        return super()._text_looks(frame, best, found)

    def _look(self, quad: Any, crop: Any, again: Any, best: Any, found: Any, **kw: Any) -> Any:
        kind = ("blob" if kw.get("sure") else "neck" if kw.get("only_sure")
                else "unrowed" if "least" in kw else "text/outline")
        self._stage = f"look:{kind}"
        got = super()._look(quad, crop, again, best, found, **kw)
        if got is not None and got is not best:
            self.tags.setdefault(id(got[0]), f"look:{kind}")
        return got

    def _read_lines_all(self, lines: Any) -> CropRead | None:
        self._crop_no += 1
        got = super()._read_lines_all(lines)
        if got is not None:
            self.tags.setdefault(id(got), f"{self._stage}#{self._crop_no}")
        return got

    def _read_lines(self, lines: Any, variant: str, cache: dict[str, object]) -> CropRead | None:
        got = super()._read_lines(lines, variant, cache)
        row: dict[str, Any] = {"crop": self._crop_no, "stage": self._stage, "variant": variant,
                               "chars": lines.chars}
        if got is not None:
            row.update(plate=got.cand.plate, conf=round(got.conf, 3), margin=round(got.margin, 3),
                       cost=got.cand.cost, raw=got.raw,
                       flags=[f for f in FLAGS if getattr(got, f)])
        else:
            row["text"] = str(cache.get("text", ""))
        self.reads.append(row)
        return got

    def origin(self) -> str:
        chosen = self.chosen
        if chosen is None:
            return "-"
        tag = self.tags.get(id(chosen))
        if tag is not None:
            return tag
        # a copy made after its stage (capped, recounted, a refit's cap, the crops' tail vote)
        same = [r for r in self.reads if r.get("plate") == chosen.cand.plate]
        return f"derived from {same[-1]['stage']}#{same[-1]['crop']}" if same else "cntailvote?"


def frame_of(row: dict[str, Any]) -> Any:
    rng = random.Random(row["frame"])
    plate = random_plate(rng, country=row["country"], layout=row["layout"])
    return render_frame(plate=plate, layout=row["layout"], difficulty=row["difficulty"], rng=rng)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log", type=Path)
    ap.add_argument("--wrong", action="store_true", help="only the log's wrong reads")
    ap.add_argument("--band", type=float, help="only reads at this confidence or more")
    ap.add_argument("--frames", type=int, nargs="*", help="only these frame ids")
    ap.add_argument("--json", type=Path, help="one JSON line a traced frame")
    args = ap.parse_args()
    rows = [json.loads(x) for x in args.log.open()]
    if any(r["seed"] in (2025, 2026) for r in rows):
        ap.error("2026 is the benchmark's seed")
    if args.wrong:
        rows = [r for r in rows if r["read"] is not None and r["read"] != r["truth"]]
    if args.band is not None:
        rows = [r for r in rows if r["read"] is not None and r["conf"] >= args.band]
    if args.frames:
        rows = [r for r in rows if r["frame"] in args.frames]
    reader = TracingReader()
    out = args.json.open("w") if args.json else None
    for row in rows:
        scene = frame_of(row)
        got = reader.read(scene.image)
        chosen = reader.chosen
        flags = [f for f in FLAGS if chosen is not None and getattr(chosen, f)]
        print(f"{row['seed']} {row['frame']} {row['difficulty']} {scene.plate} -> "
              f"{got.plate} {got.confidence:.2f} [{reader.origin()}] {' '.join(flags)} "
              f"raw={got.raw_text!r} cost={chosen.cand.cost if chosen else '-'}", flush=True)
        for r in reader.reads:
            what = (f"{r['plate']} {r['conf']:.2f} m{r['margin']:.2f} c{r['cost']} {r['raw']!r} "
                    f"{' '.join(r['flags'])}" if "plate" in r else f"None {r['text']!r}")
            print(f"    {r['stage']}#{r['crop']} {r['variant']:8} n{r['chars']} {what}")
        if out is not None:
            out.write(json.dumps({**row, "now": got.plate, "now_conf": got.confidence,
                                  "origin": reader.origin(), "flags": flags,
                                  "reads": reader.reads}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
