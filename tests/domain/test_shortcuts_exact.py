"""Two per-read shortcuts of round 18 give exactly what the long way gives.

* :func:`domain.matching.match_text` skips :func:`substitution_distance` for a read equal
  to a declared plate: the long way sums ``0.0`` at every position, whatever the slots,
  so the score (a float, compared and stored) is ``0.0`` either way.
* :func:`domain.signing.hmac_verify` computes the HMAC with ``hmac.digest`` (one C call)
  where it built an ``hmac.new`` object: the same hex for any key and bytes.
"""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.lookalikes import MISS, nearest_other, substitution_distance
from domain.matching import MatchParams, MatchStatus, PlateIndex, ReadMatch, match_text
from domain.plates import CN_LETTERS, CN_PROVINCES, VN_SERIES

# Plates and non-plates alike (the shortcut does not ask whether the text is grammatical).
texts = st.one_of(
    st.builds(lambda p, s, n: f"{p}{s}{n}", st.integers(10, 99).map(str),
              st.sampled_from(VN_SERIES), st.integers(0, 99999).map(str)),
    st.builds(lambda a, b, t: a + b + t, st.sampled_from(CN_PROVINCES),
              st.sampled_from(CN_LETTERS), st.text("0123456789" + CN_LETTERS, max_size=7)),
    st.text("0123456789ABCDGIKLOQSZ7Đ", min_size=1, max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_a_clean_read_scores_what_the_long_way_scores(text: str) -> None:
    long_way = substitution_distance(text, text)
    assert long_way == 0.0 and type(long_way) is float


def _long_way(text: str, index: PlateIndex, params: MatchParams) -> ReadMatch:
    """``match_text`` as it was before the shortcut (round 17)."""
    near = index.near(text)
    if not near:
        return ReadMatch(text, "none")
    scored = sorted((substitution_distance(text, p), p) for p in near)
    d, plate = scored[0]
    runner_declared = scored[1][0] if len(scored) > 1 else MISS
    if len(scored) > 1 and runner_declared - d < params.min_margin:
        return ReadMatch(text, "ambiguous", plate, d, runner_declared - d, near)
    margin = min(runner_declared, nearest_other(text, plate)) - d
    status: MatchStatus = (
        "resolved" if d <= params.accept_distance and margin >= params.min_margin else "uncertain"
    )
    return ReadMatch(text, status, plate, d, margin, near)


@settings(max_examples=200, deadline=None)
@given(text=texts, others=st.lists(texts, max_size=5), declared=st.booleans())
def test_match_text_with_the_shortcut_equals_the_long_way(text: str, others: list[str],
                                                          declared: bool) -> None:
    index = PlateIndex([text, *others] if declared else others)
    params = MatchParams()
    assert match_text(text, index, params) == _long_way(text, index, params)


@settings(max_examples=300, deadline=None)
@given(key=st.text(max_size=80), body=st.binary(max_size=600))
def test_one_call_hmac_equals_the_hmac_object(key: str, body: bytes) -> None:
    assert (hmac.digest(key.encode(), body, "sha256").hex()
            == hmac.new(key.encode(), body, hashlib.sha256).hexdigest())
