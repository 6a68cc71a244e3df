"""Tesseract engines behind one tiny interface: read one text line, get text and confidences.

Why two: ``resident`` keeps libtesseract and its LSTM models loaded in this
process (tesserocr; ~5-12 ms per plate line measured here) and is the hot path;
``subprocess`` spawns the ``tesseract`` binary per call (pytesseract; ~200 ms)
and is kept as the baseline and as a fallback where the wheel is missing.

Two scripts: ``latin`` (eng, whitelist of plate letters and digits) and ``cjk``
(chi_sim). ``glyph`` reads one Chinese province character alone (single-character
mode, whitelist of the province characters): the glyph is cut out by the
segmentation, so chi_sim does not have to find it in a line of Latin letters.

Why the dictionaries are off (``load_system_dawg``/``load_freq_dawg`` = 0): a plate is
not a word, and the word lists pull the LSTM's beam toward English spellings.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Literal, Protocol

import cv2
import numpy as np

from domain.plate_candidates import clean
from domain.plates import CN_PROVINCES
from edge.reader.base import Frame

Script = Literal["latin", "cjk"]
# Separators stay in: without them Tesseract 5 LSTM reports a confidence of 0 for many plates.
LATIN_WHITELIST = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ-."
CJK_WHITELIST = CN_PROVINCES + "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
DEFAULT_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"
#: Init-only variables: plates are not words (see the module docstring).
_INIT_VARIABLES = {"load_system_dawg": "0", "load_freq_dawg": "0", "lstm_choice_mode": "2"}
#: chi_sim's reads are used for their text and confidences only, never their LSTM choices
#: (the margins and the series letter come from eng): without the choices a row read costs
#: ~9 % less (217 row reads of seed 999: 9.8 -> 9.0 ms a call, the same text and the same
#: confidence for every character; the glyph reads the same, no faster).
_CJK_VARIABLES = {**_INIT_VARIABLES, "lstm_choice_mode": "0"}
#: Layout variables that skip the fixed-pitch analysis (see ``ResidentEngine._api``).
_PROPORTIONAL = ("textord_all_prop", "textord_disable_pitch_test")
#: eng's layout step deletes a whole row it takes for noise (``textord_noise_rejrows``: no
#: outline shaped like a holed letter of the row's x-height, and over six specks under half
#: that height for each normal-sized blob): a plate row with a dotted border remnant under
#: it, or speckles at a glared end, was read as nothing at all though clean to the eye
#: (round 11: 34 of the 39 empty grey reads of the tuning seeds read text without it). Such
#: a read is retried with the row kept (``LineRead.kept``), only when the first came back empty.
_KEEP_ROWS = "textord_noise_rejrows"


@dataclass(frozen=True, slots=True)
class LineRead:
    """One Tesseract read: the text, its confidence 0..1 and each character's
    (text, confidence 0..1, x centre in the image) for telling rows apart and doubting."""

    text: str
    conf: float
    chars: tuple[tuple[str, float, float], ...] = ()
    #: Each character's lead over its runner-up (0..1), as ``chars``.
    margins: tuple[float, ...] = ()
    #: Each character's LSTM choices (text, confidence 0..1), best first, as ``chars``.
    alts: tuple[tuple[tuple[str, float], ...], ...] = ()
    #: Read on a retry with Tesseract's noise-row rejection off (the first read was empty):
    #: the image looked like noise to Tesseract, so its read is never trusted alone.
    kept: bool = False

    @property
    def margin(self) -> float:
        """The smallest lead of a letter or digit over its runner-up (0.0 when unknown)."""
        got = [m for (ch, _, _), m in zip(self.chars, self.margins, strict=False)
               if ch not in ("-", ".")]
        return min(got) if got else 0.0


class LineEngine(Protocol):
    def read(self, img: Frame, *, script: Script = "latin") -> LineRead:
        """One line (grey image, dark text on light)."""
        ...

    def glyph(self, img: Frame) -> tuple[str, float]:
        """One Chinese province character alone, and its confidence 0..1."""
        ...


def line_conf(confs: list[float]) -> float:
    """Blend of the lowest and the mean character confidence (0..1): one doubtful character
    makes a doubtful plate, and ``MeanTextConf`` reports 0 for many perfect reads under a
    whitelist."""
    if not confs:
        return 0.0
    return max(0.0, min(1.0, 0.5 * min(confs) + 0.5 * float(np.mean(confs))))


class ResidentEngine:
    """tesserocr with the models loaded once; the CJK models are loaded on first need."""

    def __init__(self, tessdata: str) -> None:
        # Read by libtesseract's OpenMP when the API is created: one thread per call is
        # twice as fast on a busy 2-core box as letting it spin up a team.
        os.environ["OMP_THREAD_LIMIT"] = "1"
        import tesserocr

        self._tesserocr = tesserocr
        self._tessdata = tessdata
        # One Tesseract API must never run two images at once (libtesseract is not
        # thread-safe per handle: a second thread crashes the process). A lane reads on one
        # thread, but a reader shared by two agents in one process (tests, a two-lane box)
        # or a read still running while its agent is replaced must wait, not segfault.
        self._lock = threading.Lock()
        self._apis: dict[str, object] = {"latin": self._api("eng", LATIN_WHITELIST,
                                                            tesserocr.PSM.SINGLE_LINE)}

    def _api(self, lang: str, whitelist: str, psm: int) -> object:
        t = self._tesserocr
        path = self._tessdata.rstrip("/") + "/"
        api = t.PyTessBaseAPI(init=False)
        api.InitFull(path=path, lang=lang, oem=t.OEM.LSTM_ONLY,
                     variables=_INIT_VARIABLES if lang == "eng" else _CJK_VARIABLES)
        api.SetPageSegMode(psm)
        api.SetVariable("tessedit_char_whitelist", whitelist)
        # The rows are dark on light already (segment normalises them): Tesseract's retry of
        # a doubtful line inverted only costs time (seeds 777/999: the same reads, ~8% less
        # CPU a frame).
        api.SetVariable("tessedit_do_invert", "0")
        # One row of plate characters is never fixed-pitch print: the fixed-pitch test and
        # chopping of the layout step only cost time (944 rows of seeds 999/777: the same
        # text, confidences and LSTM choices, ~7% less CPU a call).
        for name in _PROPORTIONAL:
            api.SetVariable(name, "1")
        return api

    def _get(self, key: str) -> object:
        api = self._apis.get(key)
        if api is None:
            t = self._tesserocr
            # chi_sim in SINGLE_LINE mode returns nothing for many "province + letter" rows
            # with a wide gap; RAW_LINE (no layout analysis) reads them.
            api = self._apis[key] = (
                self._api("chi_sim", CJK_WHITELIST, t.PSM.RAW_LINE) if key == "cjk"
                else self._api("chi_sim", CN_PROVINCES, t.PSM.SINGLE_CHAR))
        return api

    def read(self, img: Frame, *, script: Script = "latin") -> LineRead:
        with self._lock:
            return self._read(img, script)

    def _read(self, img: Frame, script: Script) -> LineRead:
        api = self._get(script)
        # Raw pixels, not a PIL image: SetImage encodes a PIL image to BMP and back on
        # every call (~0.8 ms a call, measured: 6% of a frame's CPU).
        g = np.ascontiguousarray(img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY),
                                 np.uint8)
        api.SetImageBytes(g.tobytes(), g.shape[1], g.shape[0], 1,  # type: ignore[attr-defined]
                          g.shape[1])
        text = api.GetUTF8Text().strip()  # type: ignore[attr-defined]
        kept = not text and script == "latin"
        if kept:  # the row was dropped as noise (see _KEEP_ROWS): read it once more, kept
            api.SetVariable(_KEEP_ROWS, "0")  # type: ignore[attr-defined]
            try:
                api.SetImageBytes(g.tobytes(), g.shape[1], g.shape[0], 1,  # type: ignore[attr-defined]
                                  g.shape[1])
                text = api.GetUTF8Text().strip()  # type: ignore[attr-defined]
            finally:  # the next call is a first read again
                api.SetVariable(_KEEP_ROWS, "1")  # type: ignore[attr-defined]
        chars, alts = self._symbols(api)
        confs = [c for ch, c, _ in chars if ch not in ("-", ".")]
        margins = tuple(_margin(ch, a) for (ch, _, _), a in zip(chars, alts, strict=True))
        return LineRead(text, line_conf(confs), chars, margins, alts, kept=kept and bool(text))

    def glyph(self, img: Frame) -> tuple[str, float]:
        got = self.read(img, script="glyph")  # type: ignore[arg-type]
        return got.text.strip(), got.conf

    def _symbols(self, api: object) -> tuple[tuple[tuple[str, float, float], ...],
                                             tuple[tuple[tuple[str, float], ...], ...]]:
        """Each character (text, confidence, x centre) and its LSTM choices, best first.

        Why the choices: the LSTM's confidence in its chosen character can be high while a
        runner-up is nearly as likely (9 at 0.94 with 5 close behind, measured on a plate
        whose 7 was read as 1); the gap between the two best choices shows that doubt, and
        a letter among the choices of a slot that must hold a letter is evidence for it.
        """
        t = self._tesserocr
        it = api.GetIterator()  # type: ignore[attr-defined]
        if it is None:
            return (), ()
        level = t.RIL.SYMBOL
        out: list[tuple[str, float, float]] = []
        alts: list[tuple[tuple[str, float], ...]] = []
        for symbol in t.iterate_level(it, level):
            try:
                ch = symbol.GetUTF8Text(level).strip()
                box = symbol.BoundingBox(level)
                if not ch:
                    continue
                x = (box[0] + box[2]) / 2 if box else 0.0
                choices = sorted(((c.GetUTF8Text(), c.Confidence() / 100.0)
                                  for c in symbol.GetChoiceIterator()), key=lambda a: -a[1])
                out.append((ch, symbol.Confidence(level) / 100.0, x))
                alts.append(tuple(choices))
            except RuntimeError:  # an empty symbol slot
                continue
        return tuple(out), tuple(alts)


def _margin(chosen: str, choices: tuple[tuple[str, float], ...]) -> float:
    """Lead of the chosen character over the best other choice (0..1; 0 when another
    choice is likelier or the chosen one is not among the choices)."""
    own = max((c for t, c in choices if t == chosen), default=None)
    if own is None:
        return 0.0
    return max(0.0, own - max((c for t, c in choices if t != chosen), default=0.0))


class SubprocessEngine:
    """pytesseract: one ``tesseract`` process per call (the naive, slow path)."""

    def __init__(self, tessdata: str) -> None:
        self._tessdata = tessdata

    def config(self, script: str, psm: int = 7) -> str:
        wl = {"latin": LATIN_WHITELIST, "cjk": CJK_WHITELIST}.get(script, CN_PROVINCES)
        return (f"--tessdata-dir {self._tessdata} --psm {psm} --oem 1"
                f" -c tessedit_char_whitelist={wl}"
                " -c load_system_dawg=0 -c load_freq_dawg=0 -c tessedit_do_invert=0")

    def read(self, img: Frame, *, script: Script = "latin") -> LineRead:
        return self._run(img, script, 7)

    def glyph(self, img: Frame) -> tuple[str, float]:
        got = self._run(img, "glyph", 10)
        return got.text, got.conf

    def _run(self, img: Frame, script: str, psm: int) -> LineRead:
        import pytesseract

        data = pytesseract.image_to_data(img, lang="eng" if script == "latin" else "chi_sim",
                                         config=self.config(script, psm),
                                         output_type=pytesseract.Output.DICT)
        chars: list[tuple[str, float, float]] = []
        for w, c, left, width in zip(data["text"], data["conf"], data["left"], data["width"],
                                     strict=False):
            if not w.strip() or float(c) < 0:
                continue
            step = float(width) / max(len(w), 1)  # word-level data: spread its characters
            chars += [(ch, float(c) / 100.0, float(left) + step * (i + 0.5))
                      for i, ch in enumerate(w)]
        confs = [c for ch, c, _ in chars if ch not in ("-", ".")]
        text = "".join(ch for ch, _, _ in chars)
        # No runner-up choices through the command line: margins unknown (0), so no read
        # of this engine is sure alone; a second preprocessing always confirms it.
        return LineRead(text, min(confs) if confs else 0.0, tuple(chars), (0.0,) * len(chars))


def split_rows(got: LineRead, starts: list[float], n: int
           ) -> tuple[list[str], list[list[tuple[float, float]]]]:
    """A joined line's read split into its rows' texts and their letters' (conf, margin),
    each character's x saying which row it came from."""
    texts = ["" for _ in range(n)]
    rows: list[list[tuple[float, float]]] = [[] for _ in range(n)]
    for (ch, c, x), m in zip(got.chars, got.margins, strict=False):
        row = sum(x >= s for s in starts)
        texts[row] += ch
        rows[row] += [(c, m)] * len(clean(ch))
    return texts, rows
