"""The lane's pre-clearance store and centre watch (issue 10), on the real edge SQLite.

A restart in the middle of an outage keeps the list and the used pre-clearances; a
list edited on disk is ignored; the lane notices a silent centre, a centre that says
it is offline, and a centre that hears but no longer answers.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.messages import CentreStatusV1, MatchingV1, PreclearanceListV1, PreclearanceV1
from domain.preclearance import matching_of
from domain.rules import default_rules
from domain.signing import generate_signing_key, sign_centre
from edge.offline import CentreWatch, PreclearanceStore

PRIVATE, PUBLIC = generate_signing_key()
LANE = "hn1119-x1"


def _list(version: int, plates: tuple[str, ...] = ("12C12345",)) -> PreclearanceListV1:
    now = datetime.now(UTC)
    matching: MatchingV1 = matching_of(default_rules().matching)
    return sign_centre(PreclearanceListV1(
        list_id=f"list{version:012d}", lane_id=LANE, version=version, issued_at=now,
        expires_at=now + timedelta(hours=1), rules_version="r", matching=matching,
        entries=tuple(PreclearanceV1(trip_id=f"trip-{p}", plate=p, valid_from=now,
                                     valid_until=now + timedelta(hours=1)) for p in plates),
        key_id="k1"), PRIVATE)


def _store(path: Path) -> PreclearanceStore:
    return PreclearanceStore(path, lane_id=LANE, public_keys={"k1": PUBLIC})


def test_list_and_uses_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "edge.db"
    store = _store(db)
    assert store.offer(_list(3).to_json(), now=datetime.now(UTC)) is not None
    assert store.claim("trip-12C12345", pass_id="p1", version=3, now=datetime.now(UTC))
    store.close()
    again = _store(db)
    assert again.current is not None and again.current.version == 3
    assert again.used() == {"trip-12C12345"}
    assert not again.claim("trip-12C12345", pass_id="p2", version=3, now=datetime.now(UTC))
    # the retained copy of the same list, heard again after the restart, changes nothing
    assert again.offer(_list(3).to_json(), now=datetime.now(UTC)) is None
    assert again.offer(_list(2).to_json(), now=datetime.now(UTC)) is None
    assert again.refused == {"same_version": 1, "old_version": 1}
    assert again.offer(b"{not json", now=datetime.now(UTC)) is None
    assert again.current.version == 3
    again.close()


def test_a_list_edited_on_disk_opens_nothing(tmp_path: Path) -> None:
    db = tmp_path / "edge.db"
    store = _store(db)
    store.offer(_list(1).to_json(), now=datetime.now(UTC))
    store.close()
    conn = sqlite3.connect(db)
    body = conn.execute("SELECT body FROM preclearance_list").fetchone()[0]
    conn.execute("UPDATE preclearance_list SET body = ?",
                 (body.replace(b"12C12345", b"30E99911"),))
    conn.commit()
    conn.close()
    assert _store(db).current is None


def test_the_watch_notices_a_silent_an_offline_and_a_deaf_centre() -> None:
    watch = CentreWatch(centre_timeout_s=0.3, ack_timeout_s=0.3)
    assert not watch.lost()
    time.sleep(0.4)
    assert watch.lost()  # no heartbeat
    now = datetime.now(UTC)
    watch.heard(CentreStatusV1(instance="central-a", state="online", at=now))
    assert not watch.lost()
    watch.heard(CentreStatusV1(instance="central-a", state="offline", at=now))
    assert watch.lost()  # its last will (or a graceful stop)
    watch.heard(CentreStatusV1(instance="central-a", state="online", at=now))
    watch.sent("read-1")
    time.sleep(0.2)
    watch.heard(CentreStatusV1(instance="central-a", state="online", at=datetime.now(UTC)))
    time.sleep(0.2)
    assert watch.lost()  # heartbeats, but the read is not answered (its database is down)
    watch.heard(CentreStatusV1(instance="central-a", state="online", at=datetime.now(UTC)))
    assert watch.lost()  # stays lost until the centre answers something
    watch.acked(["read-1"])
    assert not watch.lost()


def test_an_old_retained_online_status_does_not_count() -> None:
    watch = CentreWatch(centre_timeout_s=0.3, ack_timeout_s=5)
    time.sleep(0.4)
    old = CentreStatusV1(instance="central-a", state="online",
                         at=datetime.now(UTC) - timedelta(minutes=5))
    watch.heard(old, retained=True)
    assert watch.lost()
