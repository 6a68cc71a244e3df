"""A Chinese plate's Latin tail: chi_sim's row read and eng's, put together into plates.

Why apart from :mod:`edge.reader.chinese` (which reads the province and asks the models):
the choice between the two models' tails is plain logic over their texts, table-tested
without Tesseract, and it is where the look-alike judge (``lookalikes.judged``) and the
frame's rival (``FrameRead.rival``) are decided, on one row (``one_row``) and on two
(``two_row``).
"""

from __future__ import annotations

from domain.plate_candidates import Candidate, clean, cn_candidates, province_of
from edge.reader.cnmix import mixed
from edge.reader.engines import line_conf
from edge.reader.greenplate import new_energy
from edge.reader.lookalikes import Judge, judged, names

#: The place a 2-row judge (``cnlook.judge``) is asked about the top-row letter.
TOP = -1

#: The most repairs a Chinese tail may need (a corrected or trimmed character each).
MAX_COST = 2

#: The plate, its confidence, the raw reads, whether chi_sim's tail agrees with eng's, and
#: on a 2-row plate whose two models read different tails, the other model's plate (the
#: frame's rival: see ``two_row``).
CnRead = tuple[Candidate, float, str, bool, str | None]


def one_row(province: str, cjk: str, latin: str, conf: float, *, judge: Judge | None = None,
            green: bool = False) -> tuple[Candidate, float, bool, str | None] | None:
    """A 1-row plate from chi_sim's row read (``cjk``) and eng's (``latin``): the plate, its
    confidence, whether the two models' tails agree, and the other model's plate (the
    frame's rival, ``FrameRead.rival``) when they read two tails at the same cost.

    The Latin read leads at equal repair cost (eng reads the letters better: on the tuning
    seeds' hard passes, main at 7510f87, of 46 one-row frames whose two models parsed
    different plates, eng's was right in 39, chi_sim's in 6); chi_sim gives the province and
    stands in. Where the
    tails differ only in look-alikes (``lookalikes.PAIRS``), eng's glyphs' shapes choose
    (``judge``, on the line's characters counted from its end: ``lookalikes.line_judge``).
    Round 13: the lane decided 桂E0WL4U as 桂EQWL4U (eng's Q, chi_sim's 0 in three frames)
    and 桂N29WR6 as 桂N29WRE (eng's E for a 6) with chi_sim right in the frames that went
    wrong; the frames' two preprocessings agreed on eng's tail (they share the one chi_sim
    read, so that agreement says nothing about the dispute). The other model's plate, at the
    same cost and one character away, goes with the read as its rival, as on a 2-row plate:
    it may veto the pass, never decide it, unless eng's glyph's shape names the read's
    character (a third look sides with it). One character: two readings of one glyph; where
    chi_sim's plate differs in more, its row read dropped, invented or garbled characters
    (云DJ9926's frame: eng 云D99926, chi_sim 'DRWJ9926'), no second story.
    ``green``: the crop is a green plate's, so only new-energy plates are candidates
    (``greenplate.py``, round 27: eng's ``40-F78786`` made 桂F78786 at 0.91, its letter Q
    trimmed as junk, over chi_sim's 桂QF78786).
    """
    own = [c for c in cn_candidates(clean(cjk), province) if c.cost <= MAX_COST]
    latin_pool = [c for c in cn_candidates(latin, province) if c.cost <= MAX_COST]
    if green:
        own = [c for c in own if new_energy(c.plate)]
        latin_pool = [c for c in latin_pool if new_energy(c.plate)]
    ranked = sorted([(c.cost, 0, -len(c.plate), c.plate, c) for c in latin_pool]
                    + [(c.cost, 1, -len(c.plate), c.plate, c) for c in own])
    if not ranked:
        return None
    best, line, n = ranked[0][-1], None, len(ranked[0][-1].plate) - 1
    if judge is not None and ranked[0][1] == 0:  # eng's tail: its glyphs sit at the line's end
        t = best.trimmed
        line = lambda k, pair: judge(k - n - t, pair)  # noqa: E731
        best = judged(own, best, line, tail=n)
        # each model misread another glyph: the plate the judge names place by place (round 24)
        best = mixed(own, best, line, tail=n) or best
    mine = any(c.plate == best.plate for c in latin_pool)
    agree = mine and any(c.plate == best.plate for c in own)
    rival = None if agree else next(
        (c for c in (own if mine else latin_pool)
         if c.cost == best.cost and len(c.plate) == len(best.plate)
         and sum(a != b for a, b in zip(c.plate, best.plate, strict=True)) == 1), None)
    if rival is not None and line is not None and names(line, best, rival, n):
        rival = None  # the glyph settled the dispute: a third look sides with the read
    return best, conf if agree else conf * 0.7, agree, rival.plate if rival else None


def two_row(province: str, cjk: str, texts: list[str], cjk_conf: float,
            conf_latin: float, *, latin_first: bool = False, judge: Judge | None = None,
            named: frozenset[int] = frozenset()) -> CnRead | None:
    """eng's tail leads a tie with chi_sim's at equal cost, as on one row (round 21: the
    pool's character-code order gave the tie to chi_sim's 24653, 00GV8 and DH53L over eng's
    right 24G33, 10GV8 and JM53L; on the three groups no tie went wrong by it).
    ``latin_first``: eng's tail holds a look-alike judged by its glyph's shape
    (``lookalikes.py``): no judge asked again.
    ``named``: the places (0-4 of the last five) where eng's character is the Latin
    classifier's (``vouch.reread``): round 16 let eng's tail lead a tie that differs only
    there (贵V66S44); eng leading every tie since round 21, it settles nothing more.
    ``judge``: otherwise, where the two models' tails tie and differ only in look-alikes,
    the glyphs' shapes choose between them (``lookalikes.judged``, round 13)."""
    pool = [c for c in two_row_pool(province, cjk, texts, judge) if c.cost <= MAX_COST]
    if not pool:
        return None
    best = pool[0]
    latin = clean("".join(texts[1:]))[-5:]
    # eng's tail leads a tie at equal cost, as on one row (round 21: the character code gave
    # chi_sim's 24653, 00GV8 and DH53L the tie over eng's right 24G33, 10GV8 and JM53L).
    best = next((c for c in pool if c.cost == best.cost and len(latin) == 5
                 and c.plate.endswith(latin)), best)
    if latin_first and not best.plate.endswith(latin):
        best = next((c for c in pool if c.cost == best.cost and c.plate.endswith(latin)), best)
    elif judge is not None or named:
        eng = next((c for c in pool if c.cost == best.cost and len(latin) == 5
                    and c.plate.endswith(latin)), best)
        if named and all(k in named for k, (a, b) in enumerate(zip(
                eng.plate[-5:], best.plate[-5:], strict=True)) if a != b):
            best = eng
        if judge is not None:
            best = judged(pool, best, judge)
            best = mixed(pool, best, judge) or best  # round 24, as on one row
    agree = sum(c.plate == best.plate for c in pool) > 1
    conf = min(cjk_conf, conf_latin) if agree else cjk_conf * 0.8
    # Two models reading different tails (chi_sim's Z9783, eng's 29783) is a coin flip, not a
    # read: ``pool`` is sorted by cost, then by the plate's characters, so a digit beats the
    # letter it was mistaken for by its character code alone. Measured on the tuning seeds'
    # passes (round 9): of 38 such frames the plate taken was wrong in 18, chi_sim's tail
    # right in 15 and eng's in 18. The other plate goes with the read as its rival, and the
    # pass's consensus splits the frame's vote between the two.
    rival = None if agree else next((c.plate for c in pool if c.plate != best.plate), None)
    return best, max(conf, cjk_conf * 0.8), f"{cjk}|{'/'.join(texts)}", agree, rival


def two_row_pool(province: str, cjk: str, texts: list[str], judge: Judge | None = None
                 ) -> list[Candidate]:
    """A 2-row Chinese truck plate: province + letter on top, exactly 5 characters below.

    Only ordinary plates come in two rows, so the bottom row is cut to its last five
    characters (extra ones counted as trimmed) instead of letting a stray glyph turn the
    plate into an 8-character new-energy one. ``judge`` (``cnlook.judge``) is asked about
    the top-row letter (``TOP``) where the two models read two letters there.
    """
    rows = cjk.split("/")
    # The CJK model's letter leads (it knows J, Q, W); the Latin one stands in when the CJK
    # read put a digit there, or when that read did not even find the province beside it
    # (the province came from the glyph read alone): then the row read was garbage (云C
    # read as "ES", and S taken for the letter at 0.99).
    cjk_letter, latin_letter = clean(rows[0])[-1:], clean(texts[0])[-1:]
    cjk_row = cjk_letter.isalpha() and province_of(rows[0]) is not None
    if (cjk_row and judge is not None and latin_letter.isalpha() and latin_letter != cjk_letter
            and judge(TOP, cjk_letter + latin_letter) == latin_letter):
        # eng's letter, its glyph clearly the Latin classifier's too: two models against
        # chi_sim's one row read, which every preprocessing shares (round 19: 湘QU28LA read
        # 湘CU28LA at 0.75, chi_sim's C in two preprocessings whose eng read G and Q).
        cjk_row = False
    letters = [cjk_letter] if cjk_row else [latin_letter]
    pool: list[Candidate] = []
    for bottom in (clean(rows[1]) if len(rows) > 1 else "", clean("".join(texts[1:]))):
        if len(bottom) < 5:
            continue
        for letter in letters:
            for c in cn_candidates(letter + bottom[-5:], province, max_trim=0):
                if len(c.plate) == 7:
                    pool.append(Candidate(c.plate, "CN", c.corrections, len(bottom) - 5))
    return sorted(pool, key=lambda c: (c.cost, c.plate))


def province_rival(read: CnRead | None, other: str | None) -> CnRead | None:
    """``read`` with its plate under the ``other`` province as its rival
    (``FrameRead.rival``), when it has none and ``other`` is another province: the province
    classifier named ``other`` where the read's province came from chi_sim.

    Why: 吉 for 粤 is chi_sim's commonest wrong province, always under the band (the glyph read
    does not confirm it), and frames of one truck repeat it: three of five wrong passes on 500
    generated hard passes (round 15, seeds 1001 557 8082 6061 7073) were 粤 decided as 吉 on
    two or three frames at 0.73-0.79, in which the classifier named 粤 (margin 0.56-1.0). A
    rival vetoes the pass; it never decides it.
    """
    if read is None or read[4] is not None or other is None or read[0].plate[0] == other:
        return read
    return read[0], read[1], read[2], read[3], other + read[0].plate[1:]


def tail_stats(rows: list[list[tuple[float, float]]], cand: Candidate, two_rows: bool
               ) -> tuple[float, float]:
    """Confidence and smallest margin of the Latin letters a Chinese plate was built from.

    Why not the whole line's: the eng model reads the province glyph as one or two junk
    characters that the plate does not use (nor counts as repairs), and their doubt would
    make every Chinese read doubtful. ``rows``: (confidence, margin) per letter, per row.
    """
    if two_rows:  # the top row's last letter, the bottom row's last five
        used = rows[0][-1:] + [c for r in rows[1:] for c in r][-5:]
    else:  # the tail before the trimmed end (what precedes it is the province's place)
        flat = [c for r in rows for c in r]
        end = len(flat) - cand.trimmed
        used = flat[max(0, end - (len(cand.plate) - 1)): end]
    if not used:
        return 0.0, 0.0
    return line_conf([c for c, _ in used]), min(m for _, m in used)
