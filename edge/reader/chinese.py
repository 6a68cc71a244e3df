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

from domain.plate_candidates import clean, cn_candidates, province_of
from edge.reader import cnhabit, cnvouch
from edge.reader.base import Frame
from edge.reader.cntails import CnRead, one_row, province_rival, two_row
from edge.reader.engines import LineEngine
from edge.reader.lookalikes import Judge
from edge.reader.provlooks import (
    CLASSIFIER_MARGIN,
    GLYPH_SURE,
    classified,
    glyph_cached,
    second_opinion,
)
from edge.reader.segment import Lines

#: Any province: asks whether a Latin read could be a Chinese plate's tail at all.
PROBE_PROVINCE = "桂"
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
    got = one_row(province, cjk, latin, min(cjk_conf, conf_latin), judge=judge,
                  green=lines.green)
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
        second = second_opinion(engine, lines, cache, province, GLYPH_SURE)
        if second is not None:
            doubted = True
            head = max(first.conf, second)
    if province is None:
        guess = classified(lines, cache)
        if guess is not None and guess.char is None and guess.confidence >= REJECT_SURE:
            # The classifier calls the row's first glyph no province at all (a letter of a
            # painted sign, a digit): chi_sim's glyph call would be forced to name one.
            return None
        got = glyph_cached(engine, lines, cache)
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
    # eng's bottom row vouched for by the Latin classifier (cnvouch.py, round 26): only under
    # a province chi_sim's row read named itself and the classifier confirms, from FLOOR
    # (seconded, the read ends the search: under the band where chi_sim's row read sent it on).
    spare = cache.get(cnvouch.KEY) if len(images) == 2 else None
    own = (callable(spare) and province_of(first.text) == province and head >= cnvouch.FLOOR
           and cnvouch.province_sure(classified(lines, cache), province))
    vouched = spare() if own and callable(spare) else None
    if vouched is not None and vouched.conf < cnvouch.FLOOR:
        vouched = None
    if vouched is not None:
        cache["row_named"] = False  # another preprocessing's read asks chi_sim itself
    rows = [first] + ([vouched] if vouched is not None else
                      [engine.read(img, script="cjk") for img in images[1:]])
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
    A glyph read that only echoes the row read's 吉 under ``GLYPH_SURE`` against the
    classifier's clear province is no look at all (``cnhabit.echoed``, round 28).
    """
    guess = classified(lines, cache)
    if guess is None or not cnhabit.overrules(guess, province, CLASSIFIER_ONLY):  # round 25
        return None
    alone = glyph_cached(engine, lines, cache)
    named = province_of(alone[0])
    if cnhabit.echoed(guess, province, alone, CLASSIFIER_ONLY):  # round 28: chi_sim's habit
        named = None  # twice is one look, not two
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
