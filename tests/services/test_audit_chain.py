"""The audit chain: tampering is detected, concurrent writers never fork it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import delete, update

from services.audit import GENESIS, record, verify_chain
from services.db.models import AuditEvent
from services.db.session import make_session_factory


def _fill(sessions, n: int, actor: str = "test") -> None:
    for i in range(n):
        with sessions() as s, s.begin():
            record(s, actor=actor, action="thing.done", subject_type="thing",
                   subject_id=f"t{i}", data={"i": i, "note": "ghi chú"}, now=datetime.now(UTC))


def test_tampering_is_detected(db_url, engine_for):
    sessions = make_session_factory(engine_for(db_url))
    _fill(sessions, 6)
    with sessions() as s:
        status = verify_chain(s)
        assert status.ok and status.checked == 6
        first = s.query(AuditEvent).order_by(AuditEvent.id).first()
        assert first is not None and first.prev_hash == GENESIS
        ids = [e.id for e in s.query(AuditEvent).order_by(AuditEvent.id)]
    with sessions() as s, s.begin():
        s.execute(update(AuditEvent).where(AuditEvent.id == ids[3])
                  .values(data={"i": 99, "note": "edited"}))
    with sessions() as s:
        assert verify_chain(s) == verify_chain(s).__class__(False, 3, ids[3])
    with sessions() as s, s.begin():
        s.execute(update(AuditEvent).where(AuditEvent.id == ids[3])
                  .values(data={"i": 3, "note": "ghi chú"}))
        s.execute(delete(AuditEvent).where(AuditEvent.id == ids[1]))
    with sessions() as s:
        status = verify_chain(s)
        assert not status.ok and status.first_bad_id == ids[2]


def test_concurrent_writers_keep_one_chain(db_url, engine_for):
    sessions = make_session_factory(engine_for(db_url))
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            _fill(sessions, 25, actor=f"w{k}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with sessions() as s:
        status = verify_chain(s)
        assert status.ok and status.checked == 100


def test_new_id_is_a_uuid4_hex() -> None:
    import uuid

    from services.db.models import new_id

    ids = {new_id() for _ in range(2000)}
    assert len(ids) == 2000
    for i in ids:
        u = uuid.UUID(hex=i)
        assert (u.version, u.variant, u.hex, len(i)) == (4, uuid.RFC_4122, i, 32)


def test_a_batch_of_events_stores_plain_and_other_data_as_the_json_column_returns_it(
        db_url, engine_for):
    """``record_many`` keeps plain JSON data as given (no copy) and copies the rest
    (a datetime as text); either way the stored data, read back, verifies the chain and
    equals what the JSON column returns for the original."""
    import uuid

    from domain.canonical import plain_copy
    from services.audit import Entry, record_many

    sessions = make_session_factory(engine_for(db_url))
    now = datetime.now(UTC)
    datas = [
        {"codes": ("A_B", "C_D"), "n": 3, "x": 0.25, "nested": {"ok": True, "none": None}},
        {"at": now, "id": uuid.UUID(int=7), "list": [1, "two"]},
        {},
        {"big": 2**70, "tiny": 1e-7, "text": "ghi chú"},
    ]
    with sessions() as s, s.begin():
        record(s, actor="test", action="first", subject_type="t", subject_id="0", data={},
               now=now)
        record_many(s, [Entry("test", "thing.done", "t", str(i), d, now)
                        for i, d in enumerate(datas)])
    with sessions() as s:
        status = verify_chain(s)
        assert status.ok and status.checked == 5
        stored = [e.data for e in s.query(AuditEvent).order_by(AuditEvent.id)][1:]
    assert stored == [plain_copy(d, default=str) for d in datas]
