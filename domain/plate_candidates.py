"""Position-aware correction of OCR text into grammatical plate candidates.

Why by position: every slot of a plate is either a digit or a letter, so the
classic OCR confusions (0/O/D, 1/I, 8/B, 5/S, 2/Z, 6/G, 4/A) are resolved by
the slot they fall in, never by a global guess. A text that fits no plate
format after such corrections is not a plate. Each correction and each
trimmed stray character (plate border, screw) is counted, so the reader can
lower its confidence, and refuse reads that needed too much repair.

Pure Python, shared by the edge reader and anyone who wants to explain a read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.plates import CN_PROVINCES, VN_SERIES, VN_SPECIAL_SERIES, try_parse_plate

#: Letter read where the grammar wants a digit.
TO_DIGIT = {"O": "0", "D": "0", "Q": "0", "U": "0", "I": "1", "L": "1", "J": "1", "Z": "2",
            "S": "5", "G": "6", "B": "8", "A": "4", "T": "7"}
#: Digit read where the grammar wants a letter.
TO_LETTER = {"0": "D", "2": "Z", "5": "S", "6": "G", "8": "B", "4": "A", "7": "T"}
#: Letters that are not valid in a slot, mapped to the look-alike that is (VN series has no O/I/Q).
LETTER_FIX = {"O": "D", "Q": "D", "I": "T", "J": "T", "W": "V"}

_DIGITS = frozenset("0123456789")
_VN_SERIES = frozenset(VN_SERIES)
_CN_LETTER = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")
_CN_ALNUM = _CN_LETTER | _DIGITS
_SPECIAL = frozenset(s for s in VN_SPECIAL_SERIES if "Đ" not in s)
#: A two-letter special series' first letter read as a look-alike (QT read as 0T): only the
#: round letters, only in the first slot (a digit in the second is an ordinary plate's).
SPECIAL_FIRST = {"0": "QD", "O": "QD"}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A grammatical plate built from OCR text; ``cost`` counts repairs (0 = read as is)."""

    plate: str
    country: str
    corrections: int
    trimmed: int

    @property
    def cost(self) -> int:
        return self.corrections + self.trimmed


def clean(text: str) -> str:
    """Upper-case OCR text reduced to Latin letters and digits (separators dropped)."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def _fit(ch: str, slot: frozenset[str]) -> tuple[str, int] | None:
    if ch in slot:
        return ch, 0
    for table in (TO_DIGIT, TO_LETTER, LETTER_FIX):
        fixed = table.get(ch)
        if fixed is not None and fixed in slot:
            return fixed, 1
    return None


def _fill(text: str, slots: list[frozenset[str]]) -> tuple[str, int] | None:
    out, cost = [], 0
    for ch, slot in zip(text, slots, strict=True):
        got = _fit(ch, slot)
        if got is None:
            return None
        out.append(got[0])
        cost += got[1]
    return "".join(out), cost


def _vn_templates() -> list[list[frozenset[str]]]:
    d = _DIGITS
    out: list[list[frozenset[str]]] = []
    for n in (5, 4):
        out.append([d, d, _VN_SERIES] + [d] * n)
        out.append([d, d, frozenset("R")] + [d] * n)
    return out


_VN_TEMPLATES = _vn_templates()


def vn_candidates(text: str, *, max_trim: int = 2) -> list[Candidate]:
    """Vietnamese plates the (cleaned) text could be, cheapest first."""
    text = clean(text)
    seen: dict[str, Candidate] = {}
    for start in range(0, min(max_trim, len(text)) + 1):
        for end in range(len(text), max(start, len(text) - max_trim) - 1, -1):
            window = text[start:end]
            trimmed = start + len(text) - end
            fills = [_fill(window, t) for t in _VN_TEMPLATES if len(t) == len(window)]
            for n in (3, 4, 5):  # two-letter special series
                if len(window) != 4 + n:
                    continue
                for series, fixed in _special_series(window[2:4]):
                    # The series is read as is (QT has a Q no ordinary series uses), or with
                    # its first letter read as a round look-alike (counted as a correction).
                    got = _fill(window[:2] + series + window[4:], [
                        _DIGITS, _DIGITS, frozenset(series[0]), frozenset(series[1])]
                        + [_DIGITS] * n)
                    fills.append(None if got is None else (got[0], got[1] + fixed))
            for got in fills:
                if got is None:
                    continue
                plate, corrections = got
                parsed = try_parse_plate(plate)
                if parsed is None or parsed.country != "VN":
                    continue
                cand = Candidate(parsed.canonical, "VN", corrections, trimmed)
                if plate not in seen or cand.cost < seen[plate].cost:
                    seen[plate] = cand
    return sorted(seen.values(), key=lambda c: (c.cost, c.trimmed, c.plate))


def _special_series(pair: str) -> list[tuple[str, int]]:
    """The special series a read pair may be, with the corrections each takes.

    Why the look-alike: Tesseract reads a special series' Q as 0 (11QT 627.30 read 110T),
    and the ordinary templates then make a D of the 0 and a 7 of the T: no plate, or a wrong
    one at two repairs (round 12).
    """
    if pair in _SPECIAL:
        return [(pair, 0)]
    return [(first + pair[1], 1) for first in SPECIAL_FIRST.get(pair[0], "")
            if first + pair[1] in _SPECIAL]


def cn_candidates(text: str, province: str, *, max_trim: int = 2) -> list[Candidate]:
    """Chinese plates from the Latin part of a read plus a separately read province character.

    The Latin part is the issuing letter and 5 (or 6, new-energy) letters/digits at the end
    of the text; anything before it is where the province character was (read as noise by a
    Latin model) and is not counted as a repair.
    """
    if province not in CN_PROVINCES or len(province) != 1:
        return []
    text = clean(text)
    seen: dict[str, Candidate] = {}
    for end in range(len(text), max(0, len(text) - max_trim) - 1, -1):
        for n in (6, 7):
            if end - n < 0:
                continue
            window = text[end - n: end]
            prefix = end - n
            if prefix > 3:
                continue
            tails: list[tuple[str, int]] = []
            slots = [_CN_LETTER] + [_CN_ALNUM] * (n - 1)
            got = _fill(window, slots)
            if got is not None:
                tails.append(got)
            if n == 7:  # new-energy: D/F then alnum then 4 digits, or 5 digits then D/F
                for shape in ([_CN_LETTER, frozenset("DF"), _CN_ALNUM] + [_DIGITS] * 4,
                              [_CN_LETTER] + [_DIGITS] * 5 + [frozenset("DF")]):
                    got = _fill(window, shape)
                    if got is not None:
                        tails.append(got)
            for tail, corrections in tails:
                parsed = try_parse_plate(province + tail)
                if parsed is None or parsed.country != "CN":
                    continue
                cand = Candidate(parsed.canonical, "CN", corrections, len(text) - end)
                if cand.plate not in seen or cand.cost < seen[cand.plate].cost:
                    seen[cand.plate] = cand
    return sorted(seen.values(), key=lambda c: (c.cost, -len(c.plate), c.plate))


def province_of(text: str) -> str | None:
    """The first Chinese province character in a CJK read, if any."""
    for ch in text:
        if ch in CN_PROVINCES:
            return ch
    return None
