"""A Chinese plate no model named the province of, voted by the frame's crops (round 20).

Why: on a blurred or night 桂 chi_sim's row read names no province, its glyph read nothing,
and the province classifier leans to the right glyph on every crop but under its weak margin
(``chinese.CLASSIFIER_WEAK``: 0.01-0.35 on hard 桂P09347F, 桂M39X4V), so every crop's read
dies for want of a province although eng read the tail whole, the province glyph as one or
two junk characters before it ('MP09347F', '44P09347F', 'MM39X4V'). Round 15 measured the
weak margin lowered on every crop (0.3): a guess per crop names wrong provinces. Here the
crops vote instead, where the frame read nothing else: the province is the one the classifier
leans to on its crops and no crop names another, and the plate is the tail eng read behind a
junk prefix (the province glyph seen, the letter beside it kept) on three crops or more, twice
any other such plate's crops.

Guards: a text a VN plate fits as it is votes for nothing (a VN plate's two digits are no
province junk: 29A12345 would read 桂A12345); the tail needs no repair and no trim at its end;
the read stays at ``LONE`` with its province the classifier's (``weak``), never in the band.
No Tesseract call: the texts and guesses are those the crops' reads already paid for.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from domain.plate_candidates import Candidate, clean, cn_candidates, vn_candidates
from edge.reader.rules import words
from edge.reader.segment import Lines

#: The crops whose texts must vote for the plate (a crop votes once).
CROPS = 3
#: ... and the most junk characters eng makes of the province glyph.
PREFIX = 3
#: The plate's own crops the classifier must lean to its province on (``leaned``).
LEANS = 2
#: A Chinese read whose tail differs from a leaned plate's at this many places or fewer is
#: a rival read of that plate (``near``); any other is of other text.
NEAR = 2
#: Any province: the tail a text reads does not depend on it (``cn_candidates``).
PROBE = "桂"


def heard(cache: dict[str, object], text: str, kept: bool) -> None:
    """Note a preprocessing's Latin text on its crop's ``cache`` (not a noise-row retry's):
    the first as the crop's text (painted words, ``CropReader._judged``), all as its votes."""
    if kept:
        return
    cache.setdefault("text", text)
    texts = cache.setdefault("texts", [])
    assert isinstance(texts, list)
    texts.append(text)


def tail_read(text: str, province: str, *, painted: bool = False) -> Candidate | None:
    """The one Chinese plate ``text`` reads as 1-``PREFIX`` junk characters (the province
    glyph) and a repair-free tail ending the text; ``None`` where a VN plate fits it as is,
    or for painted words (``rules.words``: replay seed 1001's 桂CCL5FY, 'PECCLSFY' on ten
    crops, each read once as a sign's, the classifier leaning to 川: 川CCLSFY).
    ``painted``: painted words read too, the tail then holding a digit (``cntailvote``,
    round 21: a 1-row tail of one digit, 'ERYL8GV', reads as words)."""
    text = clean(text)
    if (not painted and words(text)) or any(c.cost == 0 for c in vn_candidates(text)):
        return None  # painted words (the crop is not read again), or a VN plate as it is
    plates = {c.plate for c in cn_candidates(text, province, max_trim=0)
              if c.cost == 0 and 1 <= len(text) - (len(c.plate) - 1) <= PREFIX
              and (not painted or any(ch.isdigit() for ch in c.plate))}
    if len(plates) != 1:
        return None
    (plate,) = plates
    return Candidate(plate, "CN", 0, 0)


def crop_votes(crops: Sequence[tuple[dict[str, object], Lines]], province: str, *,
               painted: bool = False) -> tuple[Counter[str], dict[str, tuple[str, Lines]]]:
    """The plates the crops' texts read (``tail_read``) under ``province``, a crop voting
    once for each plate of a length its blobs fit; with each plate's first text and lines."""
    votes: Counter[str] = Counter()
    first: dict[str, tuple[str, Lines]] = {}
    for cache, lines in crops:
        mine: set[str] = set()
        for text in cache.get("texts", []):  # type: ignore[attr-defined]
            cand = tail_read(text, province, painted=painted)
            if cand is not None and -1 <= lines.chars - len(cand.plate) <= 2:
                mine.add(cand.plate)
                first.setdefault(cand.plate, (text, lines))
        votes.update(mine)
    return votes, first


def outvoted(votes: Counter[str]) -> str | None:
    """The plate ``CROPS`` crops or more vote for, twice the other plates' crops together."""
    if not votes:
        return None
    (plate, n), *rest = votes.most_common()
    return None if n < CROPS or n < 2 * sum(m for _, m in rest) else plate


def voted(crops: Sequence[tuple[dict[str, object], Lines]]
          ) -> tuple[Candidate, str, Lines] | None:
    """The frame's plate by its crops' province guesses and prefixed tails (see the module):
    the plate, the first voting text, its crop's lines; ``None`` when the crops do not say."""
    named: dict[int, str] = {}
    for cache, _ in crops:
        guess = cache.get("class")
        char = getattr(guess, "char", None)
        if char is not None:
            named[id(cache)] = char
    if len(set(named.values())) != 1:
        return None  # no province, or two: 桂RG8AH0's crops leaned 新, 豫, 浙 and 川
    province = next(iter(named.values()))
    votes, first = crop_votes([(c, lines) for c, lines in crops if id(c) in named], province)
    plate = outvoted(votes)
    if plate is None:
        return None
    text, lines = first[plate]
    return Candidate(plate, "CN", 0, 0), text, lines


def leaned(crops: Sequence[tuple[dict[str, object], Lines]]
           ) -> tuple[Candidate, str, Lines] | None:
    """The plate whose tail the frame's crops outvote (every crop voting, ``outvoted``), its
    province the one the classifier leans to on the crops that read that tail: ``LEANS`` of
    them or more, twice the crops leaning to any other (round 24).

    Why: ``voted`` asks every crop that names a province to name one, but a frame's crops
    are not all of the plate: a sign, the truck's lettering, a quad off the plate lean
    anywhere (hard 湘EF55FK: 湘 on 13 crops, 浙, 藏 and 川 on three others; 湘GPT605: 湘 on
    five, 川 on a crop of painted words), and the plate's own crops, those whose texts read its
    tail, are the ones that saw its province glyph. The province is still only leaned to (at
    any margin): the read stays at ``LONE``, ``weak``. Asked last, where the frame read
    nothing even through its blur's deconvolution (``TesseractPlateReader.read``): asked
    before it, it took 3303's 桂T6EMK2, which the deblurred crops read, as 桂TGEMK2."""
    votes, first = crop_votes(crops, PROBE)
    tail = outvoted(votes)
    if tail is None:
        return None
    leans: Counter[str] = Counter()
    for cache, lines in crops:
        char = getattr(cache.get("class"), "char", None)
        if char is not None and any(
                (cand := tail_read(text, PROBE)) is not None and cand.plate == tail
                and -1 <= lines.chars - len(tail) <= 2
                for text in cache.get("texts", [])):  # type: ignore[attr-defined]
            leans[char] += 1
    if not leans:
        return None
    (province, n), *rest = leans.most_common()
    if n < LEANS or n < 2 * sum(m for _, m in rest):
        return None
    text, lines = first[tail]
    return Candidate(province + tail[1:], "CN", 0, 0), text, lines


def near(read: Candidate, plate: Candidate) -> bool:
    """Whether ``read`` (another Chinese read of the frame, at ``slotwise.FLOOR`` or more) is
    a rival read of the leaned ``plate``: a tail of its length differing at ``NEAR`` places or
    fewer, whatever the province. Only a rival refuses the lean (round 24: hard 湘EF55FK's
    lean refused for a crop of the truck's lettering read 沪GTSTLC at 0.32; round 20's guard
    was for 桂X75602 against a crop's 桂X7S602, one place apart)."""
    a, b = read.plate[1:], plate.plate[1:]
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) <= NEAR
