"""A batch is applied without first asking which event ids and nonces are stored; the
unique constraints refuse a second copy, and the batch is redone looking first.

Through the worker's own path (``process_batch``, one transaction per batch) on SQLite and
PostgreSQL, so the constraint that fires is the real one of each database.
"""

from __future__ import annotations

from centralhelpers import LANE
from sqlalchemy import func, select

from domain import topics
from mqttio.client import Received
from services.db.models import Decision, DeviceNonce, PlateRead, RejectedMessage


def _items(*msgs) -> list[Received]:
    return [Received(topics.reads(LANE), m.to_json(), 1, False, i) for i, m in enumerate(msgs)]


def _count(h, model) -> int:
    with h.sessions() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_stored_event_in_a_batch_redoes_it_looking_first_then_looks_first_a_while(
        db_url, start_central):
    h = start_central(db_url)
    h.trip("12C-123.45")
    h.trip("12C-222.33")
    first = h.device.read("12C12345")
    handled = h.service.process_batch(_items(first))
    assert [x.status for x in handled] == ["decided"]
    assert h.service.metrics.get("look_first_redos") == 0  # nothing stored before: one pass

    # The broker redelivers ``first`` (its ack was lost) together with a new read.
    second = h.device.read("12C22233")
    handled = h.service.process_batch(_items(first, second))
    assert [x.status for x in handled] == ["duplicate", "decided"]
    assert h.service.metrics.get("look_first_redos") == 1
    assert _count(h, Decision) == 2 and _count(h, PlateRead) == 2 and _count(h, DeviceNonce) == 2

    # Redeliveries come in bursts: the next batches look first and need no redo.
    handled = h.service.process_batch(_items(first, second))
    assert [x.status for x in handled] == ["duplicate", "duplicate"]
    assert h.service.metrics.get("look_first_redos") == 1
    assert _count(h, Decision) == 2


def test_a_replayed_nonce_is_refused_when_the_batch_did_not_look_first(db_url, start_central):
    """The replay check does not depend on the lookup: the nonce's key refuses it at insert,
    the redo looks first and names it, and the new read in the same batch still counts."""
    h = start_central(db_url)
    h.trip("12C-123.45")
    h.trip("12C-222.33")
    first = h.device.read("12C12345")
    h.service.process_batch(_items(first))
    replay = h.device.read("12C12345", nonce=first.nonce)  # a new event id, an old nonce
    other = h.device.read("12C22233")
    handled = h.service.process_batch(_items(replay, other))
    assert [x.status for x in handled] == ["rejected", "decided"]
    assert h.service.metrics.get("look_first_redos") == 1
    assert h.service.metrics.get("rejected", "replayed_nonce") == 1
    with h.sessions() as s:
        reasons = s.execute(select(RejectedMessage.reason)).scalars().all()
        assert reasons == ["replayed_nonce"]
        assert s.execute(select(func.count()).select_from(Decision)).scalar_one() == 2
