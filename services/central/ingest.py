"""One inbound device message -> verified, stored once, decided, with what to publish after commit.

Order of checks, and why:

1. topic and payload parse (size, JSON, version, schema) - cheap refusals first;
2. the message kind matches the topic kind, the device exists, is enabled, its
   HMAC verifies, and device, topic and payload name the same lane (a device
   can never speak for another lane, even with a valid signature);
3. an ``event_id`` already stored is a *duplicate*: nothing changes, but the
   device is acknowledged again so its outbox can drop it (a broker
   redelivery carries the same nonce, so this check precedes the nonce check);
4. freshness (``sent_at`` within the replay window) and nonce reuse (stored in
   ``device_nonces``: shared by every instance and surviving restarts);
5. effects, all in the caller's single transaction.

A refusal raises :class:`Refused`; the worker stores it as a rejected message
(never lost) in a fresh transaction. Nothing here talks to MQTT: effects that
must leave the process are returned as :class:`Publication` items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import topics
from domain.clearance import PassEvidence, decide
from domain.messages import (
    BarrierStateV1,
    DecisionV1,
    EventAckV1,
    MessageError,
    PlateReadV1,
    parse_message,
)
from domain.reference import Reference
from domain.signing import SignatureError, hmac_verify
from services.audit import record
from services.central.barrier import apply_barrier_state
from services.central.facts import frame_evidence, load_candidates
from services.commands import ACTION_FOR_OUTCOME, create_command
from services.db.models import (
    BarrierEvent,
    Decision,
    Device,
    DeviceNonce,
    PlateRead,
    RejectedMessage,
    new_id,
)
from services.officers import active_extensions

ACTOR = "central"
Status = Literal["decided", "stored", "duplicate", "barrier", "rejected"]


class Refused(Exception):
    """The message is refused; ``reason`` is a short code for counters and the audit."""

    def __init__(self, reason: str, detail: str, device_id: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.device_id = device_id


@dataclass(frozen=True, slots=True)
class Publication:
    topic: str
    payload: bytes
    qos: int = 1


@dataclass(slots=True)
class Handled:
    status: Status
    publications: list[Publication] = field(default_factory=list)
    outcome: str | None = None
    event_id: str | None = None
    trip_id: str | None = None


@dataclass(frozen=True, slots=True)
class IngestConfig:
    reference: Reference
    signing_key: str
    key_id: str
    command_ttl: timedelta = timedelta(seconds=30)
    replay_window: timedelta = timedelta(minutes=5)
    candidate_window: timedelta = timedelta(hours=48)


def _ack(device_id: str, event_id: str, now: datetime) -> Publication:
    msg = EventAckV1(device_id=device_id, event_ids=(event_id,), at=now)
    return Publication(topics.device_acks(device_id), msg.to_json())


def handle_message(session: Session, *, topic: str, payload: bytes, now: datetime,
                   config: IngestConfig, received_at: datetime | None = None) -> Handled:
    """Verify and apply one message inside the caller's transaction; raise :class:`Refused`.

    ``received_at`` (when the broker handed it over) is what freshness is measured
    against, so a message that waited in our own queue is not called stale.
    """
    try:
        where = topics.parse_lane_topic(topic)
    except topics.TopicError as exc:
        raise Refused("bad_topic", str(exc)) from None
    try:
        msg = parse_message(payload)
    except MessageError as exc:
        raise Refused(exc.reason, exc.detail) from None
    expected = {"reads": PlateReadV1, "barrier": BarrierStateV1}.get(where.kind)
    if expected is None or not isinstance(msg, expected):
        raise Refused("wrong_type", f"{msg.type} on a {where.kind} topic",
                      getattr(msg, "device_id", None))
    assert isinstance(msg, PlateReadV1 | BarrierStateV1)
    device = session.get(Device, msg.device_id)
    if device is None:
        raise Refused("unknown_device", f"device {msg.device_id!r} is not registered",
                      msg.device_id)
    if not device.enabled:
        raise Refused("device_disabled", f"device {msg.device_id!r} is disabled", msg.device_id)
    try:
        hmac_verify(msg, device.secret)
    except SignatureError as exc:
        raise Refused(exc.reason, str(exc), msg.device_id) from None
    if not (device.lane_id == where.lane_id == msg.lane_id):
        raise Refused("wrong_lane", f"device of lane {device.lane_id} sent lane {msg.lane_id} "
                      f"on the topic of lane {where.lane_id}", msg.device_id)
    try:
        config.reference.lane(msg.lane_id)
    except KeyError:
        raise Refused("unknown_lane", f"lane {msg.lane_id!r} not in the reference data",
                      msg.device_id) from None

    table = PlateRead if isinstance(msg, PlateReadV1) else BarrierEvent
    owner = session.execute(
        select(table.device_id).where(table.event_id == msg.event_id)
    ).scalar_one_or_none()
    if owner is not None:
        if owner != msg.device_id:
            raise Refused("event_id_conflict", f"event {msg.event_id} belongs to {owner}",
                          msg.device_id)
        return Handled("duplicate", [_ack(msg.device_id, msg.event_id, now)],
                       event_id=msg.event_id)

    arrived = received_at or now
    if abs(arrived - msg.sent_at) > config.replay_window:
        raise Refused("stale", f"sent_at {msg.sent_at.isoformat()} is outside "
                      f"{config.replay_window} of {arrived.isoformat()}", msg.device_id)
    used = session.get(DeviceNonce, (msg.device_id, msg.nonce))
    if used is not None:
        if used.event_id == msg.event_id:
            # The same signed message, stored by a transaction that committed between our
            # event lookup and this one (another instance): a duplicate, not a replay.
            return Handled("duplicate", [_ack(msg.device_id, msg.event_id, now)],
                           event_id=msg.event_id)
        raise Refused("replayed_nonce", f"nonce {msg.nonce} already used", msg.device_id)
    session.add(DeviceNonce(device_id=msg.device_id, nonce=msg.nonce, sent_at=msg.sent_at,
                            event_id=msg.event_id))

    if isinstance(msg, BarrierStateV1):
        apply_barrier_state(session, msg=msg, now=now)
        return Handled("barrier", [_ack(msg.device_id, msg.event_id, now)],
                       event_id=msg.event_id)
    return _plate_read(session, msg=msg, now=now, config=config)


def _plate_read(session: Session, *, msg: PlateReadV1, now: datetime, config: IngestConfig
                ) -> Handled:
    session.add(PlateRead(
        event_id=msg.event_id, lane_id=msg.lane_id, device_id=msg.device_id, pass_id=msg.pass_id,
        grade=msg.grade, captured_at=msg.captured_at, received_at=now, plate=msg.plate,
        raw_text=msg.raw_text, confidence=msg.confidence, layout=msg.layout, country=msg.country,
        frames=msg.frames, trailer_plate=msg.trailer_plate, crop_sha256=msg.crop_sha256,
        frame_sha256=msg.frame_sha256,
    ))
    ack = _ack(msg.device_id, msg.event_id, now)
    if msg.grade != "pass":
        session.flush()
        return Handled("stored", [ack], event_id=msg.event_id)

    lane = config.reference.lane(msg.lane_id)
    gate = config.reference.gate(lane.gate_id)
    seen_at = min(msg.captured_at, now)  # the truck was at the lane then (never in the future)
    result = decide(
        evidence=PassEvidence(lane_id=lane.id, plate=msg.plate, confidence=msg.confidence,
                              frames=msg.frames, captured_at=msg.captured_at,
                              trailer_plate=msg.trailer_plate, country=msg.country),
        lane=lane, gate=gate,
        candidates=load_candidates(session, gate_id=gate.id, at=seen_at,
                                   around=config.candidate_window),
        now=seen_at,
        frame_reads=frame_evidence(session, pass_id=msg.pass_id, device_id=msg.device_id),
        extensions=active_extensions(session, gate_id=gate.id, at=seen_at),
    )
    decision_id = new_id()
    plate = result.plate or msg.plate
    session.add(Decision(
        id=decision_id, event_id=msg.event_id, lane_id=lane.id, gate_id=gate.id, plate=plate,
        trip_id=result.trip_id, outcome=result.outcome,
        reasons=[r.model_dump() for r in result.reasons], rules_version=result.rules_version,
        decided_by="auto", decided_at=now,
    ))
    session.flush()
    # A late read (older than a command's life) yields a command that is born expired: it is
    # never published, the retry loop expires it and flags the decision for an officer.
    late = now - msg.captured_at > config.command_ttl
    expires_at = (msg.captured_at if late else now) + config.command_ttl
    command = create_command(
        session, lane_id=lane.id, action=ACTION_FOR_OUTCOME[result.outcome], plate=plate,
        trip_id=result.trip_id, decision_id=decision_id, now=now, ttl=config.command_ttl,
        signing_key=config.signing_key, key_id=config.key_id, reason_codes=result.codes,
        expires_at=expires_at,
    )
    record(session, actor=ACTOR, action="decision.made", subject_type="decision",
           subject_id=decision_id,
           data={"event_id": msg.event_id, "lane_id": lane.id, "plate": plate,
                 "read": msg.plate, "outcome": result.outcome, "trip_id": result.trip_id,
                 "codes": list(result.codes), "rules_version": result.rules_version,
                 "command_id": command.command_id, "action": command.action,
                 "expires_at": command.expires_at.isoformat()},
           now=now)
    notice = DecisionV1(
        decision_id=decision_id, event_id=msg.event_id, lane_id=lane.id, gate_id=gate.id,
        plate=plate, trip_id=result.trip_id, outcome=result.outcome, reasons=result.reasons,
        command_id=command.command_id, decided_at=now, crop_sha256=msg.crop_sha256,
    )
    pubs = []
    if command.expires_at > now:
        pubs.append(Publication(topics.commands(lane.id), command.to_json()))
    pubs += [Publication(topics.decisions(lane.id), notice.to_json()), ack]
    return Handled("decided", pubs, outcome=result.outcome, event_id=msg.event_id,
                   trip_id=result.trip_id)


#: Largest refused payload kept verbatim (the broker caps packets at 1 MiB).
MAX_KEPT_PAYLOAD = 64 * 1024


def store_rejection(session: Session, *, topic: str, payload: bytes, refused: Refused,
                    now: datetime) -> int:
    """Keep a refused message and audit it (inside the caller's transaction)."""
    row = RejectedMessage(topic=topic[:256], reason=refused.reason[:32],
                          detail=refused.detail[:2000], payload=payload[:MAX_KEPT_PAYLOAD],
                          received_at=now)
    session.add(row)
    session.flush()
    record(session, actor=ACTOR, action="message.rejected", subject_type="message",
           subject_id=(refused.device_id or "unknown")[:64],
           data={"rejected_id": row.id, "reason": refused.reason, "topic": topic[:256],
                 "detail": refused.detail[:500], "bytes": len(payload)},
           now=now)
    return row.id
