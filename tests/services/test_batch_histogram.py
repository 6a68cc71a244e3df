"""The worker's batch histogram exports what ``prometheus_client.Histogram`` exports.

Round 21 replaced the central's two histograms with :class:`BatchHistogram` (a batch's
values added under one lock): the scrape must not change. Both are fed the same values
(bounds exactly, between, beyond the last, zero, tiny fractions whose running sum
rounds) with their creation times pinned, and the exposition texts compared whole.
"""

from __future__ import annotations

import time
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, Histogram, generate_latest

from services.central.batchhist import BatchHistogram
from services.central.observability import LATENCY_BUCKETS

values = st.one_of(st.sampled_from(LATENCY_BUCKETS), st.floats(0.0, 100.0),
                   st.sampled_from([0.0, 0.1 + 0.2, 1e-9, 60.000001, 1e6]))
batches = st.lists(st.tuples(st.sampled_from(["reads", "barrier", "local"]),
                             st.lists(values, max_size=30)), max_size=8)


def _both(batches_: list[tuple[str, list[float]]]) -> tuple[bytes, bytes]:
    with mock.patch("time.time", return_value=1_765_000_000.25):
        old, new = CollectorRegistry(), CollectorRegistry()
        labelled = Histogram("h_seconds", "doc", ["kind"], buckets=LATENCY_BUCKETS, registry=old)
        plain = Histogram("p_seconds", "doc", buckets=LATENCY_BUCKETS, registry=old)
        b_labelled = BatchHistogram("h_seconds", "doc", ["kind"], buckets=LATENCY_BUCKETS,
                                    registry=new)
        b_plain = BatchHistogram("p_seconds", "doc", buckets=LATENCY_BUCKETS, registry=new)
        for kind, vs in batches_:
            for v in vs:
                labelled.labels(kind).observe(v)
                plain.observe(v)
            b_labelled.observe_many(vs, (kind,))
            b_plain.observe_many(vs)
        return generate_latest(old), generate_latest(new)


@settings(max_examples=200, deadline=None)
@given(batches_=batches)
def test_the_same_exposition_as_prometheus_histograms(batches_: list[tuple[str, list[float]]]
                                                      ) -> None:
    old, new = _both(batches_)
    assert new == old


def test_values_on_the_bounds_and_an_empty_batch() -> None:
    old, new = _both([("reads", list(LATENCY_BUCKETS)), ("barrier", []),
                      ("reads", [0.0, 60.0, 61.0, 0.1 + 0.2, 0.3])])
    assert new == old
    assert b'h_seconds_bucket{kind="reads",le="0.01"} 2.0' in new
    assert time.time() > 1_765_000_001  # the clock is real again
