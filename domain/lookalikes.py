"""Look-alike-aware, grammar-aware distances between a plate read and a declared plate.

Why not plain edit distance: OCR errors are not uniform. ``0`` read as ``O`` is
common and harmless once the plate grammar says the position holds a digit;
``1`` read as ``7`` is rare and, in a digit position, produces another real
plate. So the cost of reading ``r`` where the plate has ``a`` depends on:

* whether ``r`` and ``a`` are look-alikes (0/O/D/Q/Đ, 1/I/L/7, 2/Z, 5/S, 6/G,
  8/B, 4/A); any other substitution or a dropped/extra character costs 1;
* whether ``r`` is itself valid in that position (a *slot* of the plate's
  grammar). If it is not (a letter in a digit slot), the read is certainly an
  OCR slip and the look-alike correction is cheap; if it is, the read may be a
  different, real plate, and the cost is :data:`VALID_SWAP`.

:func:`nearest_other` answers the open-world question: how close is the read
to *some other* grammatical plate, declared or not? Opening needs a margin over
that too, so a perfectly read undeclared truck never borrows a declared trip.

Every cost below 1 connects characters of one look-alike class, so two strings
of equal length are closer than 1 exactly when their :func:`skeleton` is equal.
The matcher relies on that to find candidates with one dictionary lookup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

from domain.plates import CN_PROVINCES, VN_SERIES, VN_SPECIAL_SERIES, is_plate

#: Look-alike classes (transitively closed, so the skeleton is well defined).
CLASSES: tuple[str, ...] = ("0ODQĐ", "1IL7", "2Z", "5S", "6G", "8B", "4A")

#: Cost of correcting a read character that is invalid in its slot to a look-alike.
#: Lower = the confusion is more common in Tesseract output on plates.
PAIR_COST: dict[frozenset[str], float] = {
    frozenset(p): c
    for p, c in (
        ("0O", 0.15), ("0D", 0.3), ("0Q", 0.3), ("OD", 0.3), ("OQ", 0.2), ("DQ", 0.4),
        ("DĐ", 0.15), ("0Đ", 0.35), ("OĐ", 0.35), ("QĐ", 0.45),
        ("1I", 0.15), ("1L", 0.35), ("IL", 0.3), ("I7", 0.6), ("L7", 0.6), ("17", 0.7),
        ("2Z", 0.25), ("5S", 0.2), ("6G", 0.3), ("8B", 0.2), ("4A", 0.35),
    )
}
#: Cost when the read character is itself valid in the slot: the read may be another real plate.
VALID_SWAP = 0.75
#: Cost of any other substitution, and of a dropped or extra character.
MISS = 1.0

_REP = {ch: cls[0] for cls in CLASSES for ch in cls}
_SKELETON = str.maketrans(_REP)

# Slots: the characters the grammar allows at one position (over-approximated on
# purpose: a larger set of "possible plates" only ever makes the matcher more careful).
_DIGITS = frozenset("0123456789")
_PROV0 = frozenset("123456789")
_SERIES = frozenset(VN_SERIES + "R")
_CN_PROV = frozenset(CN_PROVINCES)
_CN_LET = frozenset("ABCDEFGHJKLMNPQRSTUVWXYZ")
_CN_AN = _CN_LET | _DIGITS
_CN_LAST = _CN_AN | frozenset("学警港澳挂")

Slots = tuple[frozenset[str], ...]

TEMPLATES: tuple[Slots, ...] = (
    # Vietnam ordinary and trailer: 12C1234, 12C12345, 12R12345
    (_PROV0, _DIGITS, _SERIES, *([_DIGITS] * 4)),
    (_PROV0, _DIGITS, _SERIES, *([_DIGITS] * 5)),
    # Vietnam two-letter specials: 12LD123 .. 12LD12345 (each series exactly: a generic
    # letter-letter slot would make every "1" in a serial look like a possible "I")
    *(
        (_PROV0, _DIGITS, frozenset(sp[0]), frozenset(sp[1]), *([_DIGITS] * n))
        for sp in VN_SPECIAL_SERIES
        for n in (3, 4, 5)
    ),
    # China ordinary / trailer (7) and new-energy (8)
    (_CN_PROV, _CN_LET, *([_CN_AN] * 4), _CN_LAST),
    (_CN_PROV, _CN_LET, *([_CN_AN] * 6)),
)
_BY_LENGTH: dict[int, tuple[Slots, ...]] = {}
for _t in TEMPLATES:
    _BY_LENGTH.setdefault(len(_t), ())
    _BY_LENGTH[len(_t)] += (_t,)


def skeleton(text: str) -> str:
    """``text`` with every character replaced by its look-alike class representative."""
    return text.translate(_SKELETON)


def lookalike(a: str, b: str) -> bool:
    return a != b and _REP.get(a, a) == _REP.get(b, b)


def char_cost(read: str, plate: str, read_valid: bool = False) -> float:
    """Cost of reading ``read`` where the plate has ``plate``.

    ``read_valid``: the read character is grammatical where it stands (in the
    plate's slot, or the whole read is a plate), so a look-alike there may be a
    different real plate and costs :data:`VALID_SWAP`; otherwise it is a certain
    OCR slip and costs its (cheaper) :data:`PAIR_COST`.
    """
    if read == plate:
        return 0.0
    if _REP.get(read, read) != _REP.get(plate, plate):
        return MISS
    if read_valid:
        return VALID_SWAP
    return PAIR_COST.get(frozenset((read, plate)), 0.5)


@lru_cache(maxsize=65536)
def read_is_plate(read: str) -> bool:
    """A grammatical read is trusted: every alternative costs at least ``VALID_SWAP``."""
    return is_plate(read)


def fits(plate: str, slots: Slots) -> bool:
    return len(plate) == len(slots) and all(ch in s for ch, s in zip(plate, slots, strict=True))


def _pattern(slots: Slots) -> re.Pattern[str]:
    """A template as one regular expression, a character class per slot: :func:`fits` in C."""
    return re.compile("".join(f"[{''.join(re.escape(ch) for ch in sorted(s))}]" for s in slots))


_PATTERNS = {n: tuple(_pattern(t) for t in ts) for n, ts in _BY_LENGTH.items()}


@lru_cache(maxsize=65536)
def plate_slots(plate: str) -> Slots | None:
    """The grammar slots of a declared plate (union over the templates it fits), or None."""
    templates = _BY_LENGTH.get(len(plate), ())
    matching = [t for t, ok in zip(templates, _fitting(plate, len(plate)), strict=True) if ok]
    if not matching:
        return None
    return tuple(frozenset().union(*col) for col in zip(*matching, strict=True))


def substitution_distance(read: str, plate: str) -> float:
    """Grammar-aware distance for reads of the plate's length (``MISS`` per position otherwise)."""
    if len(read) != len(plate):
        return MISS * max(len(read), len(plate))
    slots = plate_slots(plate)
    if slots is None or read_is_plate(read):
        valid = slots is not None
        return sum(char_cost(r, a, valid) for r, a in zip(read, plate, strict=True))
    return sum(char_cost(r, a, r in s) for r, a, s in zip(read, plate, slots, strict=True))


@lru_cache(maxsize=8192)
def _slot_costs(
    slot: frozenset[str], read: str, trusted: bool
) -> tuple[tuple[float, str], ...]:
    """The two cheapest plate characters in ``slot`` for read character ``read``, cheapest first.

    Two are enough for :func:`nearest_other` (the best, and the best that differs from a
    given character); ties are broken by character for determinism.
    """
    valid = trusted or read in slot
    ranked = sorted((char_cost(read, a, valid), a) for a in slot)
    return tuple(ranked[:2])


def nearest_other(read: str, plate: str) -> float:
    """Distance from ``read`` to the closest grammatical plate of its length other than ``plate``.

    Exact for the (over-approximated) templates: a plate Q != plate must differ
    from ``plate`` at some position i, so its cheapest form takes the best
    character everywhere and the best character other than ``plate[i]`` at i.
    Plates of another length need a dropped/extra character and cost at least
    ``MISS``, which is also the ceiling returned.
    """
    best = MISS
    trusted = read_is_plate(read)
    fitting = _fitting(plate, len(read))
    for slots, plate_fits in zip(_BY_LENGTH.get(len(read), ()), fitting, strict=True):
        if not plate_fits:
            # Only this template's floor counts, and only below ``best``: the running sum
            # (left to right, as ``sum`` adds floats up to Python 3.11; 3.12 compensates, which
            # may move a last bit) never decreases (costs are >= 0), so once it reaches
            # ``best`` the rest cannot matter. Most templates of a length stop at their first
            # one to three characters (13 templates of 8 characters; ~2x less work per call).
            floor = 0.0
            for s, r in zip(slots, read, strict=True):
                floor += _slot_costs(s, r, trusted)[0][0]
                if floor >= best:
                    break
            else:
                best = floor
            continue
        ranked = [_slot_costs(s, r, trusted) for s, r in zip(slots, read, strict=True)]
        floor = sum(c[0][0] for c in ranked)
        for i, c in enumerate(ranked):
            alt = c[0] if c[0][1] != plate[i] else (c[1] if len(c) > 1 else (MISS * 9, ""))
            best = min(best, floor - c[0][0] + alt[0])
    return best


@lru_cache(maxsize=65536)
def _fitting(plate: str, length: int) -> tuple[bool, ...]:
    """Whether ``plate`` fits each template of ``length``, as :func:`fits` says.

    Cached, but a real gate sees most plates once a day, so the first call is the usual
    one: a regular expression per template costs ~4 us for the 13 templates of a length,
    :func:`fits` ~22 us (and :func:`plate_slots` asks the same question).
    """
    if len(plate) != length:
        return (False,) * len(_BY_LENGTH.get(length, ()))
    return tuple(p.fullmatch(plate) is not None for p in _PATTERNS.get(length, ()))


@lru_cache(maxsize=4096)
def _pair(read: str, plate: str) -> float:
    return char_cost(read, plate)


def edit_distance(read: str, plate: str, cap: float = math.inf) -> float:
    """Weighted Levenshtein (look-alike substitutions, indels cost ``MISS``), for ranking.

    ``cap``: the caller only wants distances up to ``cap``; beyond it a lower bound above
    ``cap`` is returned. Exact up to ``cap`` because costs are never negative: a path to
    cell (i, j) holds at least ``|i - j|`` indels, so only the band ``|i - j| <= cap / MISS``
    is computed, and once a whole row exceeds ``cap`` the distance does too.
    """
    if cap < 2 * MISS and len(read) == len(plate):
        # Equal lengths: a path with an indel has two (a deletion and an insertion), so it
        # costs at least ``2 * MISS`` > ``cap``; within the cap the distance is the diagonal
        # path's, summed in the order the table below would sum it (the same float). Most
        # plates a ranking looks at are of the read's length: ~10x less work for them.
        total = 0.0
        for r, a in zip(read, plate, strict=True):
            if r != a:
                total += _pair(r, a)
                if total > cap:
                    return min(total, 2 * MISS)  # > cap: a lower bound, as promised
        return total
    if cap == math.inf:
        band = max(len(read), len(plate))
    else:
        band = int(cap // MISS)
        if abs(len(read) - len(plate)) > band:
            return abs(len(read) - len(plate)) * MISS
    inf = math.inf
    prev = [j * MISS if j <= band else inf for j in range(len(plate) + 1)]
    for i, r in enumerate(read, 1):
        lo, hi = max(1, i - band), min(len(plate), i + band)
        cur = [inf] * (len(plate) + 1)
        if i <= band:
            cur[0] = i * MISS
        left = cur[lo - 1]
        for j in range(lo, hi + 1):  # min() of the three, spelt out: the hot loop of ranking
            a = plate[j - 1]
            best = prev[j - 1] + (0.0 if r == a else _pair(r, a))
            if (up := prev[j] + MISS) < best:
                best = up
            if (across := left + MISS) < best:
                best = across
            cur[j] = left = best
        prev = cur
        if (floor := min(cur)) > cap:
            return floor
    return prev[-1]


@lru_cache(maxsize=65536)
def cached_skeleton(plate: str) -> str:
    return skeleton(plate)


@lru_cache(maxsize=65536)
def _bigrams(skel: str) -> frozenset[tuple[str, int]]:
    """Bigrams of a skeleton, numbered by occurrence so set intersection counts a multiset."""
    seen: dict[str, int] = {}
    out = []
    for i in range(len(skel) - 1):
        g = skel[i : i + 2]
        seen[g] = seen.get(g, -1) + 1
        out.append((g, seen[g]))
    return frozenset(out)


def rank(
    read: str, plates: Sequence[str], limit: int = 5, max_distance: float = 1.5
) -> list[tuple[float, str]]:
    """Declared plates an officer should see for ``read``, closest first.

    Plates within ``max_distance`` (:func:`edit_distance`), plus plates containing a
    partial read. A q-gram filter on skeletons (an edit changes at most two bigrams;
    look-alike substitutions change none) keeps this cheap for a day of plates.
    """
    rs = skeleton(read)
    rb = _bigrams(rs)
    k = int(max_distance)  # unit edits on skeletons never exceed the weighted distance
    scored: list[tuple[float, str]] = []
    for p in plates:
        ps = cached_skeleton(p)
        if abs(len(ps) - len(rs)) > k:
            if 3 <= len(rs) < len(ps) and rs in ps:
                scored.append((edit_distance(read, p), p))
            continue
        if len(rb & _bigrams(ps)) < max(len(ps), len(rs)) - 1 - 2 * k:
            continue
        d = edit_distance(read, p, cap=max_distance)
        if d <= max_distance:
            scored.append((d, p))
    scored.sort()
    return scored[:limit]
