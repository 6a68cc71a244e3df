"""The raw paho QoS 1 rate of a broker: the baseline every messaging ratio divides by.

Shared by ``bench/messaging.py`` (the pipeline's ratio) and ``bench/messaging_floor.py``
(messaging alone); one process publishes and subscribes, as a lane and a centre would on
one hop, with the project's own :class:`mqttio.MqttLink`.
"""

from __future__ import annotations

import os
import time
import uuid

from domain import topics
from mqttio import MqttLink
from smartgate.broker import MosquittoBroker


def raw_broker(broker: MosquittoBroker, n: int, size: int, *, cpu: int | None = None) -> float:
    """QoS 1 messages/s from one paho publisher through the broker to one paho subscriber.

    ``cpu``: run the publisher and the subscriber on that core only (this thread, and the
    clients' network threads, which inherit its affinity); the broker stays free.
    """
    before = os.sched_getaffinity(0)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    try:
        topic = f"{topics.PREFIX}/bench/raw"
        sub = MqttLink(broker.url("admin"), f"bench-sub-{uuid.uuid4().hex[:6]}",
                       subscriptions=[(topic, 1)], clean_session=True,
                       queue_size=n + 10).start()
        pub = MqttLink(broker.url("admin"), f"bench-pub-{uuid.uuid4().hex[:6]}",
                       clean_session=True).start()
        time.sleep(0.3)
        payload = b"x" * size
        t0 = time.perf_counter()
        for _ in range(n):
            pub.publish(topic, payload, qos=1)
        got = 0
        while got < n:
            if sub.get(timeout=10) is None:
                break
            got += 1
        elapsed = time.perf_counter() - t0
        pub.stop()
        sub.stop()
    finally:
        os.sched_setaffinity(0, before)
    if got < n:
        raise RuntimeError(f"raw run lost messages: {got}/{n}")
    return n / elapsed


def raw_baseline(broker: MosquittoBroker, n: int, size: int) -> dict[str, float]:
    """The raw paho rate the ratios divide by: the better of two runs, the process left to
    the scheduler and the process on one core.

    Why both: the publisher, the subscriber and their network threads share one interpreter
    lock, and left free on two cores every hand-off of it wakes a thread on the other core.
    On a quiet machine (2026-12-04) the same broker gave 7,500-8,100 msgs/s free against
    10,600-11,800 with the process on one core; under another job's load the scheduler
    keeps the threads together by itself and the free run reached 11,500-13,300. Dividing
    by the free run alone made the ratio depend on what else the machine was doing, and
    flattered it on a quiet one; the baseline is the best paho does here.
    """
    free = raw_broker(broker, n, size)
    one_core = raw_broker(broker, n, size, cpu=max(os.sched_getaffinity(0)))
    return {"raw_broker_msgs_per_s": round(max(free, one_core), 1),
            "raw_free_msgs_per_s": round(free, 1), "raw_one_core_msgs_per_s": round(one_core, 1)}
