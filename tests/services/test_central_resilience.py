"""Several instances, a crash between receive and commit, a database that goes away."""

from __future__ import annotations

import time

import psycopg
from centralhelpers import LANE
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from domain import topics
from services.db.models import Decision, LaneCommand, PlateRead


def _count(h, model) -> int:
    with h.sessions() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_two_instances_share_the_work_without_double_decisions(make_pg_url, start_central):
    h = start_central(make_pg_url())
    second = h.spawn()
    time.sleep(0.3)
    h.trip("12C-123.45")
    reads = [h.device.read("12C12345" if i == 0 else f"29C{10000 + i}") for i in range(60)]
    for read in reads:  # every event twice, plus re-signed resends: copies reach both instances
        h.device.publish(read)
        h.device.publish(read)
        h.device.publish(h.device.read(read.plate, event_id=read.event_id))
    def handled(name: str) -> int:
        return h.service.metrics.get(name) + second.metrics.get(name)

    # "received" counts a batch when it is taken; a batch that met the other instance's
    # commit is redone one by one, so wait until every copy has been handled.
    assert h.wait_until(lambda: _count(h, Decision) == 60 and handled("received") == 180
                        and handled("decided") + handled("duplicate") == 180, timeout=30)
    time.sleep(0.3)
    assert _count(h, Decision) == 60 and _count(h, LaneCommand) == 60
    a, b = h.service.metrics_snapshot(), second.metrics_snapshot()
    assert a.get("received", 0) > 0 and b.get("received", 0) > 0  # the broker split the work
    decided = sum(v for m in (a, b) for k, v in m.items() if k.startswith("decided."))
    assert decided == 60
    assert a.get("duplicate", 0) + b.get("duplicate", 0) == 120
    opens = [c for c in h.observer.on(topics.commands(LANE)) if c.action == "open"]
    # One open command; under load the retry worker may resend it (same command id, the edge
    # executes a command id once), which is not a second decision.
    assert len({c.command_id for c in opens}) == 1


def test_crash_between_receive_and_commit_loses_nothing_and_decides_once(db_url, start_central):
    h = start_central(db_url)
    client_id = h.settings.mqtt_client_id
    reads = [h.device.read(f"29C{20000 + i}") for i in range(150)]
    for read in reads[:75]:
        h.device.publish(read)
    h.wait_until(lambda: _count(h, Decision) >= 10, timeout=10)
    h.service.kill()  # no DISCONNECT, in-flight messages unacknowledged
    for read in reads[75:]:  # the lane keeps publishing while the centre is down
        h.device.publish(read)
    assert _count(h, Decision) < 150
    restarted = h.spawn(client_id)  # same persistent session: the broker redelivers
    assert h.wait_until(lambda: _count(h, Decision) == 150, timeout=30), _count(h, Decision)
    time.sleep(0.5)
    assert _count(h, Decision) == 150 and _count(h, PlateRead) == 150
    assert _count(h, LaneCommand) == 150
    with h.sessions() as s:
        ids = set(s.execute(select(PlateRead.event_id)).scalars())
    assert ids == {r.event_id for r in reads}
    assert restarted.metrics.get("received") >= 150 - h.service.metrics.get("decided", "manual")


def test_database_outage_is_waited_out_without_acking(make_pg_url, start_central):
    pg_url = make_pg_url()
    h = start_central(pg_url, db_retry_max_s=1.0)
    h.trip("12C-123.45")
    name = make_url(pg_url).database
    admin_url = pg_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        try:
            read = h.device.read("12C12345")
            h.device.publish(read)
            assert h.wait_until(lambda: h.service.metrics.get("db_retries") >= 2, timeout=10)
            assert h.observer.on(topics.commands(LANE)) == []
            assert h.observer.on(topics.device_acks(h.device.device_id)) == []
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    cmds = h.observer.wait(topics.commands(LANE), timeout=15)
    assert [c.action for c in cmds] == ["open"]
    acks = h.observer.wait(topics.device_acks(h.device.device_id))
    assert acks[0].event_ids == (read.event_id,)
    assert _count(h, Decision) == 1
