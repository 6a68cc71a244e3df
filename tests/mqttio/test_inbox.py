"""The hand-over from paho's network thread to a link's worker (``mqttio.client.Inbox``).

Why: the inbox is ``queue.SimpleQueue`` (C) instead of ``queue.Queue`` (~1.3 us less per
message received, round 20 of docs/messaging-journal.md), and it must still be what the
worker relied on: first in first out, ``queue.Empty`` when nothing came, and bounded, so
that paho's thread stops reading (and, with manual ack, nothing more is acknowledged)
while the worker is far behind.
"""

from __future__ import annotations

import queue
import threading
import time
from types import SimpleNamespace

import pytest

from mqttio import MqttLink, Received


def _message(mid: int) -> SimpleNamespace:
    """What paho's ``on_message`` hands over (an ``MQTTMessage``'s fields)."""
    return SimpleNamespace(topic="smartgate/v1/lanes/l1/reads", payload=b"x%d" % mid, qos=1,
                           retain=False, mid=mid)


def _link(queue_size: int) -> MqttLink:
    return MqttLink("mqtt://u:p@127.0.0.1:1", "inbox-test", queue_size=queue_size)


def test_messages_come_out_in_order_with_their_fields_and_time() -> None:
    link = _link(100)
    before = time.time()
    for mid in range(1, 51):
        link._on_message(None, None, _message(mid))
    got = [link.get(timeout=0) for _ in range(50)]
    assert [g.mid for g in got if g is not None] == list(range(1, 51))
    first = got[0]
    assert isinstance(first, Received)
    assert (first.topic, first.payload, first.qos, first.retain) == \
        ("smartgate/v1/lanes/l1/reads", b"x1", 1, False)
    assert before <= first.received_at <= time.time()
    assert link.get(timeout=0) is None
    assert link.inbox.qsize() == 0


def test_get_waits_for_its_timeout_then_gives_none() -> None:
    link = _link(10)
    started = time.monotonic()
    assert link.get(timeout=0.2) is None
    assert time.monotonic() - started >= 0.18
    with pytest.raises(queue.Empty):
        link.inbox.get(timeout=0)


def test_a_waiting_worker_gets_a_message_put_later() -> None:
    link = _link(10)
    threading.Timer(0.1, link._on_message, args=(None, None, _message(9))).start()
    item = link.get(timeout=5)
    assert item is not None and item.mid == 9


def test_a_full_inbox_holds_the_network_thread_until_the_worker_takes_one() -> None:
    link = _link(2)
    link._on_message(None, None, _message(1))
    link._on_message(None, None, _message(2))
    third = threading.Thread(target=link._on_message, args=(None, None, _message(3)),
                             daemon=True)
    third.start()
    third.join(0.3)
    assert third.is_alive()  # back-pressure: paho's thread waits, nothing is dropped
    assert link.inbox.qsize() == 2
    first = link.get(timeout=0)
    third.join(2)
    assert not third.is_alive()
    assert first is not None and first.mid == 1
    assert [link.get(timeout=0).mid for _ in range(2)] == [2, 3]  # type: ignore[union-attr]
