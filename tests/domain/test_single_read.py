"""``aggregate_one`` (round 24) is ``aggregate`` for a pass of one read, field for field.

Why: :func:`domain.clearance.decide` takes it for every pass decided from its one read;
any difference (status, plate, support, margin, what an officer is shown) would change a
decision. Compared on crowded look-alike plates (so ``ambiguous``, ``uncertain``, ranked
and unmatched reads all occur), any frame counts and claims, and thresholds that make
even a lone read ``disagree``.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.matching import MatchParams, PlateIndex, aggregate
from domain.plates import VN_SERIES
from domain.single_read import aggregate_one

plates = st.one_of(
    st.builds(lambda p, s, n: f"{p}{s}{n}", st.integers(10, 99).map(str),
              st.sampled_from(VN_SERIES), st.integers(0, 99999).map(str)),
    st.text("01278BOIZC", min_size=0, max_size=9),
)
params = st.builds(
    MatchParams,
    accept_distance=st.sampled_from([0.0, 0.2, 0.35, 0.4]),
    min_margin=st.sampled_from([0.1, 0.6]),
    max_dissent_ratio=st.sampled_from([-0.5, 0.0, 0.5]),
    max_dissent_frames=st.integers(-1, 2),
)


@settings(max_examples=400, deadline=None)
@given(text=plates, declared=st.lists(plates, max_size=12), frames=st.integers(-2, 5),
       claimed=st.integers(0, 5), p=params, read_is_declared=st.booleans())
def test_aggregate_one_equals_aggregate_of_one_read(text: str, declared: list[str], frames: int,
                                                    claimed: int, p: MatchParams,
                                                    read_is_declared: bool) -> None:
    index = PlateIndex([*declared, text] if read_is_declared and text else declared)
    assert aggregate_one(text, frames, index, p, claimed) == \
        aggregate([(text, frames)], index, p, claimed)
