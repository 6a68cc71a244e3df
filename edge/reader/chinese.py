"""Chinese plates: chi_sim reads the province character, eng and chi_sim the letters.

Why two models: the eng model reads the letters and digits better than chi_sim
(measured: on hard frames chi_sim adds or drops a character where eng reads the tail
right), but it cannot read the province character. chi_sim reads each row as a raw line;
its tail must agree with the Latin read for the plate to earn a high confidence, because
the tail's slots take letters and digits alike (5/S, G/6 pass the grammar either way).
When the row read finds no province, chi_sim reads the glyph alone (on a 1-row plate the
province cutter's cut, ``glyphcut``; single-character mode, only province characters
allowed). The province classifier (``edge.reader.province``) is the second look: it
confirms chi_sim's province (sparing its glyph call), rules out rows whose first glyph is
no province at all, and with the glyph read overrules a row read's other province.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from domain.plate_candidates import clean, cn_candidates, province_of
from edge.reader import cnhabit
from edge.reader.base import Frame
from edge.reader.cntails import CnRead, one_row, province_rival, two_row
from edge.reader.disputes import province_disputed
from edge.reader.engines import LineEngine
from edge.reader.glyphcut import cut_candidates, read_province
from edge.reader.lookalikes import Judge
from edge.reader.province import ProvinceGuess, shared
from edge.reader.segment import TEXT_HEIGHT, Lines

#: Any province: asks whether a Latin read could be a Chinese plate's tail at all.
PROBE_PROVINCE = "桂"
#: Width of the province glyph after its first ink, in text heights (a CJK glyph is about
#: as wide as it is tall, and a Latin capital is ~0.75 of a CJK glyph's height).
GLYPH_WIDTH = 1.2

#: A glyph read alone is forced into a province (the whitelist): below this it may be
#: anything, a clutter letter or a bolt (it named 吉 on a plate-free test frame).
GLYPH_SURE = 0.9

#: The province classifier's guess is a second look at the glyph from this margin on (its
#: share of the neighbours' votes minus the runner-up's).
CLASSIFIER_MARGIN = 0.5
#: The classifier alone names the province (chi_sim found none) from this margin on.
CLASSIFIER_ONLY = 0.9
#: ... and from this one for a fitting read two preprocessings agree on (``CropRead.weak``:
#: a blurred 川 led at 0.44; tuning guesses at 0.4-0.9 right 37 times, wrong once; round 15).
CLASSIFIER_WEAK = 0.4
#: chi_sim's glyph read naming a province under GLYPH_SURE is taken from this on where the
#: classifier's likeliest province (at any margin) is the same glyph, as a weak classifier
#: province (round 17).
GLYPH_SECONDED = 0.75
#: The classifier's reject ("no province glyph") spares chi_sim's glyph call from this on.
REJECT_SURE = 0.8
#: A row read that names the province under this confidence takes, for the province, the
#: confidence of a second look that names the same one (the classifier, chi_sim's glyph read),
#: unless the Latin tail hesitated somewhere (choice margin under the reader's MARGIN): the
#: row's doubt then stays (measured: lifted, 贵UJ24GD came out as 贵UJ246D at 0.75).
ROW_DOUBT = 0.5


def glyph_image(lines: Lines) -> Frame:
    """The first row's leading glyph, on white: where the province character is."""
    row = lines.gray[0]
    x1 = min(row.shape[1], lines.lead + int(GLYPH_WIDTH * TEXT_HEIGHT))
    return np.asarray(cv2.copyMakeBorder(row[:, :x1], 0, 0, 0, 12, cv2.BORDER_CONSTANT,
                                         value=255), np.uint8)


def glyph_read(engine: LineEngine, lines: Lines) -> tuple[str, float]:
    """chi_sim's read of the province glyph alone: (text, confidence).

    On a 1-row plate the province cutter's likeliest cut (``glyphcut``) is read first: the
    series letter stands right after the province there, and the window of ``GLYPH_WIDTH``
    from the row's first ink (``glyph_image``) takes part of it in, which the single-glyph
    read then doubts (true quads of 1-row plates, seeds 999/777/4242: the province named at
    >= GLYPH_SURE from the window on 10 of 47 easy and 8 of 43 hard plates, from the cut on
    28 and 18, none wrong either way). The window is still read where the cut's read is
    under GLYPH_SURE (a cut of 桂 read 0.80 that the window read 0.94), the more confident
    kept. On a 2-row plate the letter is two characters away: the window alone (20 of 35
    easy against the cut's 17). docs/reader-journal.md, round 14.
    """
    cut: tuple[str, float] | None = None
    if lines.layout == "1-line":
        cuts = cut_candidates(lines.gray[0])
        if cuts:
            cut = engine.glyph(np.asarray(cv2.copyMakeBorder(
                cuts[0], 12, 12, 12, 12, cv2.BORDER_CONSTANT, value=255), np.uint8))
            if cut[1] >= GLYPH_SURE and province_of(cut[0]) is not None:
                return cut
    window = engine.glyph(glyph_image(lines))
    if cut is None:
        return window
    return max(cut, window, key=lambda r: (province_of(r[0]) is not None, r[1]))


def read_cn(engine: LineEngine, lines: Lines, images: list[Frame], texts: list[str],
            conf_latin: float, cache: dict[str, object], *, latin_first: bool = False,
            judge: Judge | None = None, named: frozenset[int] = frozenset()) -> CnRead | None:
    """A Chinese plate from the Latin rows (``texts``) and chi_sim reads of ``images``.

    ``latin_first``: the Latin tail holds a character named by its glyph's shape
    (``lookalikes.py``); on a 2-row plate it leads a tie with chi_sim's (``cntails.two_row``).
    ``judge``: the shapes of the Latin read's glyphs, for any other such tie (a 2-row plate's
    bottom rows, ``lookalikes.tail_judge``; a 1-row plate's line, ``line_judge``).
    ``named``: a 2-row plate's bottom places whose Latin character the classifier named
    (``cntails.two_row``).

    ``cache`` keeps one candidate's chi_sim reads over its preprocessings: once a
    preprocessing's row read named a province, later ones reuse those reads (they vary the
    Latin read, which is what the preprocessings are compared on) instead of paying one
    or two chi_sim calls each; until then each preprocessing's rows are tried in turn.
    """
    latin = clean("".join(texts))
    if len(latin) < (5 if lines.layout == "2-line" else 6):
        return None  # a 2-row plate's top row (province, letter) may read as nothing
    if lines.layout == "1-line" and not cn_candidates(latin, PROBE_PROVINCE, max_trim=3):
        return None  # no Chinese plate in this text whatever the province: spare chi_sim
    found: tuple[str, str, float] | None = cache.get("cn")  # type: ignore[assignment]
    if found is None:
        if _no_tail(latin, lines, cache):
            return None
        found = _province(engine, lines, images, cache)
        if found is None:
            return None
        # Not reused after a classifier-only province; nor, on a 1-row plate, after one the
        # row read did not name itself: the row text that came with it may lack the letter
        # beside it, and the next preprocessing's row read may hold both (round 14:
        # 桂U52439D, the grey row read '52439D' and the glyph 桂, the binary row '桂U52439D').
        if cache["row_named"] and not cache["classifier_only"]:
            cache["cn"] = found
    province, cjk, cjk_conf = found
    guess = classified(lines, cache)  # paid for by _province already
    other = guess.char if guess is not None and guess.margin >= CLASSIFIER_MARGIN else None
    if lines.layout == "2-line":
        return province_rival(two_row(province, cjk, texts, cjk_conf, conf_latin,
                                      latin_first=latin_first, judge=judge, named=named),
                            other)
    got = one_row(province, cjk, latin, min(cjk_conf, conf_latin), judge=judge)
    if got is None:
        return None
    best, conf, agree, rival = got
    return province_rival((best, conf, f"{cjk}|{'/'.join(texts)}", agree, rival), other)


def _province(engine: LineEngine, lines: Lines, images: list[Frame], cache: dict[str, object]
              ) -> tuple[str, str, float] | None:
    """Province, chi_sim's text of the rows and its confidence, or ``None``.

    The first row is read first and the others only once a province is found: a 2-row
    candidate whose top row holds none (a VN plate's 12C, a sign) used to pay chi_sim's read
    of its bottom row for nothing (Round 8, speed; the same reads).
    """
    first = engine.read(images[0], script="cjk")
    province = province_of(first.text)
    cache["classifier_only"] = cache["classifier_weak"] = False
    # A province the row read named itself lets later preprocessings reuse these reads (see
    # read_cn); on a 1-row plate only (round 14: on 2-row plates the bottom row read again
    # took 贵R5BWDJ to 贵R58WDJ).
    cache["row_named"] = province is not None or lines.layout == "2-line"
    if province is not None:
        other = _overruled(engine, lines, cache, province)
        if other is not None:
            # The row read misnamed the province: its letter beside it is no better (a 2-row
            # plate's top row read '川EM' for 云X), so eng's letter stands in (cntails).
            first = replace(first, text=first.text.replace(province, ""))
            province = other
            cache["row_named"] = False
    head = first.conf  # the province's confidence (its row's, or a second look's)
    doubted = False
    if province is not None and first.conf < ROW_DOUBT:
        # chi_sim named the province but doubted its row (贵 at 0.08 on a 2-row plate whose
        # letters it read at 0.78-0.98): that doubt sank the plate under MIN_CONFIDENCE.
        # A second, different look naming the same province is the better measure of it.
        second = _second_look(engine, lines, cache, province, GLYPH_SURE)
        if second is not None:
            doubted = True
            head = max(first.conf, second)
    if province is None:
        guess = classified(lines, cache)
        if guess is not None and guess.char is None and guess.confidence >= REJECT_SURE:
            # The classifier calls the row's first glyph no province at all (a letter of a
            # painted sign, a digit): chi_sim's glyph call would be forced to name one.
            return None
        if "glyph" not in cache:
            cache["glyph"] = glyph_read(engine, lines)
        got: tuple[str, float] = cache["glyph"]  # type: ignore[assignment]
        province = province_of(got[0]) if got[1] >= GLYPH_SURE else None
        if province is not None:
            head = got[1]
        elif guess is not None and guess.char is not None and guess.margin >= CLASSIFIER_WEAK:
            cache["classifier_only"] = True
            cache["classifier_weak"] = guess.margin < CLASSIFIER_ONLY
            province = guess.char
            head = guess.confidence
        elif (guess is not None and guess.char is not None and got[1] >= GLYPH_SECONDED
              and province_of(got[0]) == guess.char):
            # chi_sim's glyph read unsure and the classifier leaning the same way under its
            # weak margin: two models each naming one glyph weakly. Taken as a weak classifier
            # province (CLASSIFIED; a second preprocessing must read the plate too; never over
            # a VN read of the same cost): round 17, hard 桂A89926F (glyph read 0.77, the
            # classifier's 桂 at margin 0.02) and 桂J5Z404 (0.86, 0.001) read nothing before.
            cache["classifier_only"] = cache["classifier_weak"] = True
            province = guess.char
            head = got[1]
        else:
            return None
    rows = [first] + [engine.read(img, script="cjk") for img in images[1:]]
    if doubted:
        cache["row_doubt"] = min(r.conf for r in rows)  # the plate's cap if its tail hesitates
    return province, "/".join(r.text for r in rows), min([head] + [r.conf for r in rows[1:]])


def _overruled(engine: LineEngine, lines: Lines, cache: dict[str, object], province: str
               ) -> str | None:
    """Another province than the row read's, named by both second looks, or ``None``.

    Why: chi_sim's row read names a wrong province now and then (吉 for 粤, 鲁 for 粤), and
    that read, never confirmed, stayed under the band but was the frame's plate. Where the
    classifier names another province at margin >= CLASSIFIER_ONLY (``cnhabit``: 吉, lower)
    and chi_sim's glyph read alone names that same one or none, two looks stand against one
    (docs/reader-journal.md, round 14; on the true quads of 999/777/4242 it was never wrong).
    """
    guess = classified(lines, cache)
    if guess is None or not cnhabit.overrules(guess, province, CLASSIFIER_ONLY):  # round 25
        return None
    if "glyph" not in cache:
        cache["glyph"] = glyph_read(engine, lines)
    alone: tuple[str, float] = cache["glyph"]  # type: ignore[assignment]
    named = province_of(alone[0])
    if named not in (None, guess.char):
        return None  # two looks against one
    if named is None or cnhabit.weak(guess, CLASSIFIER_ONLY):  # round 15: as where chi_sim
        cache["classifier_only"] = True  # found none (CLASSIFIED, never reused); 粤Y77890D
        cache["classifier_weak"] = cnhabit.weak(guess, CLASSIFIER_ONLY)  # read 吉
    return guess.char


def _no_tail(latin: str, lines: Lines, cache: dict[str, object]) -> bool:
    """Whether a Latin read is so unlike a Chinese plate that chi_sim need not read the rows.

    Why: chi_sim's row read (~11 ms, the dearest call) was paid for every painted word
    (CONTAINER, LOGISTICS) and digit string on a truck. A Chinese plate can read as letters
    only (云NGLHXY), so the read alone decides nothing; but where the province classifier
    also calls the row's first glyph no province (reject >= REJECT_SURE), chi_sim's row read
    found a province in 1 of 184 such reads (seeds 999/777/4242: 甘 for a phone number on a
    truck whose plate is 湘DMDVDU, a wrong province) and in none of the painted words; where
    it finds none, ``_province`` gives up on that same reject anyway.

    Nor a read that opens with two digits, as a VN plate's province number does (a Chinese
    plate opens with its province glyph, which eng reads as junk letters or nothing, then a
    letter; round 16, speed): most of chi_sim's row reads on VN hard frames were of such
    crops, and their province, where one was named (辽 for 29R8371T), was wrong. The reject
    alone, on any text, was measured and not kept: the classifier rejected a blurred 桂 at
    0.89 whose row read chi_sim named right (桂E5VN75 0.96 -> 0.75).
    """
    digits = sum(ch.isdigit() for ch in latin)
    if not (latin.isdigit() or (digits < 2 and len(latin) - digits >= 4) or latin[:2].isdigit()):
        return False
    guess = classified(lines, cache)
    return guess is not None and guess.char is None and guess.confidence >= REJECT_SURE


def province_confirmed(engine: LineEngine, lines: Lines, cache: dict[str, object],
                       province: str) -> bool:
    """Whether the glyph read alone names the same province as the row read did.

    Why before a Chinese read may be acted on alone: chi_sim reading the row names a wrong
    province with high confidence now and then (吉 for 粤 at 0.94 on a generated frame), and the
    letters' agreement between preprocessings says nothing about the province (they share
    one chi_sim read). The glyph alone is a second, different look at it; chi_sim's glyph
    read is not, where the province classifier names another province (``disputes``).
    """
    return (_second_look(engine, lines, cache, province, 0.0) is not None  # round 24:
            and not province_disputed(classified(lines, cache), province))  # another model


def _second_look(engine: LineEngine, lines: Lines, cache: dict[str, object], province: str,
                 glyph_least: float) -> float | None:
    """The confidence of a second look naming ``province``, or ``None`` when none does:
    the classifier (at margin >= CLASSIFIER_MARGIN), else chi_sim's glyph read (at
    ``glyph_least``; each is paid for once per candidate, in ``cache``)."""
    guess = classified(lines, cache)
    if guess is not None and guess.char == province and guess.margin >= CLASSIFIER_MARGIN:
        return guess.confidence  # a second, different model names it: no chi_sim call
    if "glyph" not in cache:
        cache["glyph"] = glyph_read(engine, lines)
    alone: tuple[str, float] = cache["glyph"]  # type: ignore[assignment]
    if province_of(alone[0]) == province and alone[1] >= glyph_least:
        return alone[1]
    return None


def classified(lines: Lines, cache: dict[str, object]) -> ProvinceGuess | None:
    """The province classifier's guess at the glyph (``None`` without training fonts).

    Why a classifier beside chi_sim: it is a different model (HOG + k-NN over other fonts,
    ``edge.reader.province``; every cut of the row's first glyph, ``glyphcut``), ~2.5 ms
    against ~7 ms for chi_sim's glyph call, so where it names the province chi_sim's row
    read named, that is an independent confirmation, and where it sees no province glyph at
    all chi_sim is not asked to force one.

    Not more: where chi_sim's glyph read was unsure (< 0.9), the classifier naming the same
    province does not make the plate (the row read had missed the province, and the letter
    with it: 云ZA02A4 read as 云LA02A4 at 0.75); nor is it the province's first source
    (seed 999, trusted at >= 0.8 in place of chi_sim's row read: 3 of 32 easy Chinese
    plates lost and 2 wrong reads in the >= 0.8 band: 粤 named 闽, and without chi_sim's
    tail to check eng's, G read as 6).
    """
    if "class" not in cache:
        try:
            cache["class"] = read_province(lines.gray[0], shared())
        except (RuntimeError, ValueError):  # no training fonts; an empty glyph crop
            cache["class"] = None
    return cache["class"]  # type: ignore[return-value]
