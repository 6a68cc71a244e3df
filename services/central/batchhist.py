"""A Prometheus histogram the central worker fills a batch at a time, under one lock.

Why not ``prometheus_client.Histogram``: its ``observe`` takes two locks per value (the
sum's and the bucket's) and walks the bounds in Python, and the worker observes two
values for every read it decides (hand-over to ack, capture to decision): with the
counter and the log call, ~15 us a read at load, central-only CPU that counts in the
messaging ratio (docs/messaging-journal.md, rounds 20-21). Here a batch's values are
bucketed by ``bisect`` outside the lock and added under one lock per batch.

What is exported is what ``Histogram`` exports, sample for sample: per label set, in the
order the sets first appeared, the cumulative ``_bucket`` samples (``le`` as Prometheus
writes it), ``_count``, ``_sum`` (each value added in turn, as ``Histogram`` does, so
the float is the same) and ``_created`` unless ``PROMETHEUS_DISABLE_CREATED_SERIES`` is
set, read as prometheus_client reads it (``tests/services/test_batch_histogram.py``
compares the two expositions).
"""

from __future__ import annotations

import os
import threading
import time
from bisect import bisect_left
from collections.abc import Iterable, Sequence

from prometheus_client import CollectorRegistry
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

_CREATED = os.environ.get("PROMETHEUS_DISABLE_CREATED_SERIES",
                          "False").lower() not in ("true", "1", "t")


class _Series:
    """One label set's bucket counts (not cumulative), sum and creation time."""

    __slots__ = ("counts", "created", "total")

    def __init__(self, size: int) -> None:
        self.counts = [0.0] * size
        self.total = 0.0
        self.created = time.time()


class BatchHistogram(Collector):
    """``Histogram(name, documentation, labelnames, buckets=..., registry=...)``, observed by
    :meth:`observe_many` (any number of values of one label set at once)."""

    def __init__(self, name: str, documentation: str, labelnames: Sequence[str] = (), *,
                 buckets: Sequence[float], registry: CollectorRegistry) -> None:
        bounds = [float(b) for b in buckets]
        if bounds[-1] != float("inf"):
            bounds.append(float("inf"))
        self.name, self.documentation = name, documentation
        self.labelnames = tuple(labelnames)
        self._bounds = tuple(bounds)
        self._les = tuple(floatToGoString(b) for b in bounds)
        self._lock = threading.Lock()
        self._series: dict[tuple[str, ...], _Series] = {}
        if not self.labelnames:  # an unlabelled Histogram exports its one series at once
            self._series[()] = _Series(len(bounds))
        registry.register(self)

    def observe_many(self, amounts: Iterable[float], labels: tuple[str, ...] = ()) -> None:
        """Each value observed once, as ``Histogram.labels(*labels).observe`` would."""
        values = list(amounts)
        if not values:
            return
        bounds = self._bounds
        slots = [bisect_left(bounds, v) for v in values]  # the first bound >= v: v <= bound
        with self._lock:
            series = self._series.get(labels)
            if series is None:
                series = self._series[labels] = _Series(len(bounds))
            counts = series.counts
            for slot in slots:
                if slot < len(counts):  # NaN fits no bucket, as in ``Histogram``
                    counts[slot] += 1
            total = series.total
            for v in values:  # one by one: the same float as ``Histogram``'s running sum
                total += v
            series.total = total

    def collect(self) -> list[Metric]:
        """A list, as ``Histogram.collect`` returns (callers index it)."""
        metric = Metric(self.name, self.documentation, "histogram")
        with self._lock:
            snapshot = [(labels, list(s.counts), s.total, s.created)
                        for labels, s in self._series.items()]
        for labels, counts, total, created in snapshot:
            named = dict(zip(self.labelnames, labels, strict=True))
            acc = 0.0
            for le, n in zip(self._les, counts, strict=True):
                acc += n
                metric.add_sample(self.name + "_bucket", {**named, "le": le}, acc)
            metric.add_sample(self.name + "_count", dict(named), acc)
            if self._bounds[0] >= 0:
                metric.add_sample(self.name + "_sum", dict(named), total)
            if _CREATED:
                metric.add_sample(self.name + "_created", dict(named), created)
        return [metric]
