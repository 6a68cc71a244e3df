"""What the centre must refuse: stored as rejected, audited, counted, logged; it keeps going."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

from centralhelpers import LANE, OTHER_LANE, Device
from sqlalchemy import select

from domain import topics
from domain.messages import MAX_PAYLOAD_BYTES, LaneCommandV1
from domain.signing import hmac_sign, new_device_secret
from services.audit import verify_chain
from services.db.models import AuditEvent, Decision, LaneCommand, PlateRead, RejectedMessage
from services.devices import register_device


def _rejections(h) -> list[tuple[str, str]]:
    with h.sessions() as s:
        rows = s.execute(select(RejectedMessage).order_by(RejectedMessage.id)).scalars().all()
        return [(r.reason, r.topic) for r in rows]


def test_malformed_payloads_are_kept_and_the_service_keeps_working(db_url, start_central, caplog):
    caplog.set_level(logging.WARNING, logger="services.central")
    h = start_central(db_url)
    h.trip("12C-123.45")
    good = h.device.read("12C12345")
    bad = [
        (b"{not json", "not_json"),
        (b"[1, 2]", "not_object"),
        (json.dumps({**json.loads(good.to_json()), "v": 2}).encode(), "bad_version"),
        (json.dumps({"v": 1, "type": "plate_read", "event_id": "x"}).encode(), "invalid"),
        (b"{" + b" " * (MAX_PAYLOAD_BYTES + 10) + b"}", "too_large"),
        (b"\xff\xfe\x00garbage", "not_json"),
        # Not RFC 8259 JSON, though Python's json module would take it: NaN is refused.
        (good.to_json().replace(b'"confidence":0.95', b'"confidence":NaN'), "not_json"),
    ]
    assert b"NaN" in bad[-1][0]
    for payload, _ in bad:
        h.device.publish(payload)
    h.device.publish(good)  # the next valid message is processed
    cmds = h.observer.wait(topics.commands(LANE))
    assert [c.action for c in cmds] == ["open"]
    assert h.wait_until(lambda: len(_rejections(h)) == len(bad))
    assert [r for r, _ in _rejections(h)] == [reason for _, reason in bad]
    with h.sessions() as s:
        kept = s.execute(select(RejectedMessage.payload).order_by(RejectedMessage.id)).scalars()
        assert kept.first() == b"{not json"  # the bytes are kept, nothing is lost
        audited = s.execute(select(AuditEvent).where(AuditEvent.action == "message.rejected")
                            ).scalars().all()
        assert len(audited) == len(bad)
        assert verify_chain(s).ok
    snap = h.service.metrics_snapshot()
    assert snap["rejected.not_json"] == 3 and snap["rejected.too_large"] == 1
    assert snap["decided.open"] == 1
    assert sum("refused message" in r.getMessage() for r in caplog.records) == len(bad)
    # no ack for refused messages: an edge outbox re-sends what was refused for staleness
    # (the ack leaves after the command: wait for it rather than race it through the broker)
    acks = h.observer.wait(topics.device_acks(h.device.device_id))
    assert [a.event_ids for a in acks] == [(good.event_id,)]


def test_attacks_are_refused_and_audited(db_url, start_central):
    h = start_central(db_url)
    h.trip("12C-123.45")
    dev = h.device
    admin = Device("attacker", LANE, "x" * 32, h.broker.url("admin"))  # may publish anywhere
    try:
        # 1. forged signature: a valid message whose HMAC was made with another key
        forged = hmac_sign(dev.read("12C12345"), new_device_secret())
        admin.publish(forged)
        # 2. unknown device: well signed, but by nobody the centre knows
        admin.publish(hmac_sign(dev.read("12C12345").model_copy(
            update={"device_id": "ghost-cam"}), "y" * 32))
        # 3. a registered device of lane x1 publishing on lane x2's topic (payload and topic agree)
        admin.publish(dev.read("12C12345", lane_id=OTHER_LANE), topics.reads(OTHER_LANE))
        # 4. payload names x2 but arrives on x1's topic
        admin.publish(dev.read("12C12345", lane_id=OTHER_LANE), topics.reads(LANE))
        # 5. replayed nonce: a first message is accepted, a second one reuses its nonce
        first = dev.read("29C11111")
        dev.publish(first)
        dev.publish(dev.read("12C12345", nonce=first.nonce))
        # 6. stale timestamp (and one from the future)
        old = datetime.now(UTC) - timedelta(minutes=10)
        dev.publish(dev.read("12C12345", sent_at=old, captured_at=old))
        dev.publish(dev.read("12C12345", sent_at=datetime.now(UTC) + timedelta(minutes=10)))
        # 7. a disabled device with a valid signature
        with h.sessions() as s, s.begin():
            register_device(s, device_id="retired-cam", lane_id=LANE, secret="z" * 32,
                            now=datetime.now(UTC)).enabled = False
        admin.publish(hmac_sign(dev.read("12C12345").model_copy(
            update={"device_id": "retired-cam"}), "z" * 32))
        # 8. a device publishing a (well-formed) command on the reads topic
        now = datetime.now(UTC)
        admin.publish(LaneCommandV1(command_id="c0ffee00c0ffee00", lane_id=LANE, action="open",
                                    issued_at=now, expires_at=now + timedelta(seconds=30)))
    finally:
        admin.close()
    expected = ["bad_signature", "unknown_device", "wrong_lane", "wrong_lane", "replayed_nonce",
                "stale", "stale", "device_disabled", "wrong_type"]
    assert h.wait_until(lambda: len(_rejections(h)) == len(expected))
    assert [r for r, _ in _rejections(h)] == expected
    with h.sessions() as s:
        # nothing refused had an effect: only the first (29C11111, undeclared) was decided
        assert s.execute(select(PlateRead.plate)).scalars().all() == ["29C11111"]
        assert s.execute(select(Decision.outcome)).scalars().all() == ["manual"]
        assert s.execute(select(LaneCommand.action)).scalars().all() == ["hold"]
        audited = s.execute(select(AuditEvent.data).where(
            AuditEvent.action == "message.rejected")).scalars().all()
        assert [a["reason"] for a in audited] == expected
        assert verify_chain(s).ok
    snap = h.service.metrics_snapshot()
    assert snap["rejected.wrong_lane"] == 2 and snap["rejected.stale"] == 2
    assert sum(v for k, v in snap.items() if k.startswith("rejected.")) == len(expected)
