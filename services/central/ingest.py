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
must leave the process are returned as :class:`Publication` items, and the
events to acknowledge as ``Handled.acks`` (the worker signs one ``EventAckV1``
per device and batch, see :func:`services.central.outcomes.ack_publications`).

Batches (:class:`Batch`): the worker applies many messages in one transaction.
What each message would look up (its event id, its nonce, its device, the
pass's frame reads, the gate's candidate trips and hours extensions) is loaded
once per batch, and rows are flushed once at the end, so a batch costs a
handful of round trips instead of a dozen per message. Checks before any write
raise :class:`Refused`, so a refused message leaves nothing in the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from domain import topics
from domain.clearance import PassEvidence, decide
from domain.messages import (
    BarrierStateV1,
    LocalDecisionV1,
    MessageError,
    PlateReadV1,
    parse_message,
)
from domain.reference import LaneKind
from domain.signing import SignatureError, hmac_verify, signed_dump_payloads
from domain.wirejson import decision_notice_json, reason_rows
from services.audit import Entry, record_many
from services.central.barrier import apply_barrier_state
from services.central.candidates import TripCache
from services.central.lookups import DeviceMessage, Lookups, kind_of
from services.central.outcomes import ACTOR, Handled, IngestConfig, Publication, Refused
from services.commands import ACTION_FOR_OUTCOME, CommandDraft, command_row, draft_command_dump
from services.db.bulk import RowBuffer
from services.db.models import (
    Decision,
    DeviceNonce,
    LaneCommand,
    PlateRead,
    new_id,
)
from services.yard import checkin as yard  # a module: the yard imports central facts


def parse_inbound(topic: str, payload: bytes) -> tuple[topics.LaneTopic, DeviceMessage]:
    """Topic and payload checks that need no database; raise :class:`Refused`."""
    try:
        where = topics.parse_lane_topic(topic)
    except topics.TopicError as exc:
        raise Refused("bad_topic", str(exc)) from None
    try:
        msg = parse_message(payload)
    except MessageError as exc:
        raise Refused(exc.reason, exc.detail) from None
    expected = {"reads": PlateReadV1, "barrier": BarrierStateV1,
                "local": LocalDecisionV1}.get(where.kind)
    if expected is None or not isinstance(msg, expected):
        raise Refused("wrong_type", f"{msg.type} on a {where.kind} topic",
                      getattr(msg, "device_id", None))
    assert isinstance(msg, PlateReadV1 | BarrierStateV1 | LocalDecisionV1)
    return where, msg


def handle_message(session: Session, *, topic: str, payload: bytes, now: datetime,
                   config: IngestConfig, received_at: datetime | None = None) -> Handled:
    """Verify and apply one message inside the caller's transaction; raise :class:`Refused`.

    ``received_at`` (when the broker handed it over) is what freshness is measured
    against, so a message that waited in our own queue is not called stale.
    """
    where, msg = parse_inbound(topic, payload)
    batch = Batch(session, config=config, now=now)
    batch.prefetch([msg])
    handled = batch.apply(where, msg, received_at=received_at)
    batch.finish()
    return handled


class Batch:
    """Many messages in the caller's one transaction: ``prefetch``, ``apply``..., ``finish``."""

    def __init__(self, session: Session, *, config: IngestConfig, now: datetime,
                 trips: TripCache | None = None) -> None:
        self.session, self.config, self.now = session, config, now
        self.seen = Lookups(session, candidate_window=config.candidate_window, trips=trips)
        self._audit: list[Entry] = []
        self.rows = RowBuffer()  # the hot rows, bulk-inserted at finish (or before a query)
        #: Decided reads' commands, signed together at the next flush (one Ed25519 signature
        #: per ``config.command_batch``), each with the result whose publications it joins.
        self._drafts: list[tuple[CommandDraft, Handled]] = []

    def prefetch(self, msgs: Sequence[DeviceMessage], *, look_first: bool = True) -> None:
        self.seen.prefetch(msgs, look_first=look_first)

    # -- one message -----------------------------------------------------------
    def apply(self, where: topics.LaneTopic, msg: DeviceMessage, *,
              received_at: datetime | None = None) -> Handled:
        """Verify and apply one parsed message; raise :class:`Refused` before any write."""
        session, config, now = self.session, self.config, self.now
        device = self.seen.device(msg.device_id)
        if device is None:
            raise Refused("unknown_device", f"device {msg.device_id!r} is not registered",
                          msg.device_id)
        if not device.enabled:
            raise Refused("device_disabled", f"device {msg.device_id!r} is disabled",
                          msg.device_id)
        try:
            hmac_verify(msg, device.secret)
        except SignatureError as exc:
            raise Refused(exc.reason, str(exc), msg.device_id) from None
        if not (device.lane_id == where.lane_id == msg.lane_id):
            raise Refused("wrong_lane", f"device of lane {device.lane_id} sent lane "
                          f"{msg.lane_id} on the topic of lane {where.lane_id}", msg.device_id)
        try:
            config.reference.lane(msg.lane_id)
        except KeyError:
            raise Refused("unknown_lane", f"lane {msg.lane_id!r} not in the reference data",
                          msg.device_id) from None

        ack = [(msg.device_id, msg.event_id)]
        owner = self.seen.owners.get((kind_of(msg), msg.event_id))
        if owner is not None:
            if owner != msg.device_id:
                raise Refused("event_id_conflict", f"event {msg.event_id} belongs to {owner}",
                              msg.device_id)
            return Handled("duplicate", event_id=msg.event_id, acks=ack)

        arrived = received_at or now
        if abs(arrived - msg.sent_at) > config.replay_window:
            raise Refused("stale", f"sent_at {msg.sent_at.isoformat()} is outside "
                          f"{config.replay_window} of {arrived.isoformat()}", msg.device_id)
        nonce_key = (msg.device_id, msg.nonce)
        if nonce_key in self.seen.nonces:
            if self.seen.nonces[nonce_key] == msg.event_id:
                # The same signed message, stored by a transaction that committed between the
                # event lookup and the nonce lookup (another instance): a duplicate, not a replay.
                return Handled("duplicate", event_id=msg.event_id, acks=ack)
            raise Refused("replayed_nonce", f"nonce {msg.nonce} already used", msg.device_id)
        self.rows.add(DeviceNonce, {"device_id": msg.device_id, "nonce": msg.nonce,
                                    "sent_at": msg.sent_at, "event_id": msg.event_id})
        self.seen.nonces[nonce_key] = msg.event_id
        self.seen.owners[(kind_of(msg), msg.event_id)] = msg.device_id

        if not isinstance(msg, PlateReadV1):
            self.flush()  # what follows queries and writes through the ORM
        if isinstance(msg, BarrierStateV1):
            apply_barrier_state(session, msg=msg, now=now)
            self.seen.forget_trips()  # an executed open clears a trip: reload candidates
            return Handled("barrier", event_id=msg.event_id, acks=ack)
        if isinstance(msg, LocalDecisionV1):  # decided by the lane while offline (issue 10)
            from services.central.reconcile import apply_local_decision

            self.seen.forget_trips()  # a local open clears (or holds) a trip
            return apply_local_decision(self, msg=msg, ack=ack)
        return self.plate_read(msg, ack)

    def plate_read(self, msg: PlateReadV1, ack: list[tuple[str, str]]) -> Handled:
        session, config, now = self.session, self.config, self.now
        self.rows.add(PlateRead, {
            "event_id": msg.event_id, "lane_id": msg.lane_id, "device_id": msg.device_id,
            "pass_id": msg.pass_id, "grade": msg.grade, "captured_at": msg.captured_at,
            "received_at": now, "plate": msg.plate, "raw_text": msg.raw_text,
            "confidence": msg.confidence, "layout": msg.layout, "country": msg.country,
            "frames": msg.frames, "trailer_plate": msg.trailer_plate,
            "crop_sha256": msg.crop_sha256, "frame_sha256": msg.frame_sha256,
        })
        if msg.grade != "pass":
            self.seen.frames[(msg.device_id, msg.pass_id)].append(PassEvidence(
                lane_id=msg.lane_id, plate=msg.plate, confidence=msg.confidence, frames=1,
                captured_at=msg.captured_at, trailer_plate=msg.trailer_plate,
                country=msg.country))
            return Handled("stored", event_id=msg.event_id, acks=ack)

        # Read, not created: a pass's list is only made by a frame read that joins it.
        frames = self.seen.frames.get((msg.device_id, msg.pass_id), ())
        lane = config.reference.lane(msg.lane_id)
        if lane.kind == LaneKind.YARD:  # the staging yard's entrance: check in, no barrier
            self.flush()
            yard.check_in(session, msg=msg, lane=lane, now=now)
            return Handled("checked_in", event_id=msg.event_id, acks=ack)
        gate = config.reference.gate(lane.gate_id)
        seen_at = min(msg.captured_at, now)  # the truck was at the lane then (never in the future)
        result = decide(
            evidence=PassEvidence(lane_id=lane.id, plate=msg.plate, confidence=msg.confidence,
                                  frames=msg.frames, captured_at=msg.captured_at,
                                  trailer_plate=msg.trailer_plate, country=msg.country),
            lane=lane, gate=gate, candidates=self.seen.candidates(gate.id, seen_at), now=seen_at,
            frame_reads=tuple(frames), extensions=self.seen.active_extensions(gate.id, seen_at),
        )
        decision_id = new_id()
        plate = result.plate or msg.plate
        self.rows.add(Decision, {
            "id": decision_id, "event_id": msg.event_id, "lane_id": lane.id, "gate_id": gate.id,
            "plate": plate, "trip_id": result.trip_id, "outcome": result.outcome,
            "reasons": reason_rows(result.reasons),
            "rules_version": result.rules_version, "decided_by": "auto", "decided_at": now,
            "resolved_at": None, "attention": None, "attention_at": None,
        })
        # A late read (older than a command's life) yields a command that is born expired: it
        # is never published, the retry loop expires it and flags the decision for an officer.
        late = now - msg.captured_at > config.command_ttl
        expires_at = (msg.captured_at if late else now) + config.command_ttl
        codes = result.codes  # a property that builds its tuple on every call
        command = draft_command_dump(  # the command's JSON dump, without a model
            lane_id=lane.id, action=ACTION_FOR_OUTCOME[result.outcome], plate=plate,
            trip_id=result.trip_id, decision_id=decision_id, now=now, ttl=config.command_ttl,
            key_id=config.key_id, reason_codes=codes, expires_at=expires_at,
        )
        self.audit("decision.made", "decision", decision_id, {
            "event_id": msg.event_id, "lane_id": lane.id, "plate": plate, "read": msg.plate,
            "outcome": result.outcome, "trip_id": result.trip_id, "codes": list(codes),
            "rules_version": result.rules_version, "command_id": command.command_id,
            "action": command.action, "expires_at": command.expires_at.isoformat()})
        notice = lane.id, decision_notice_json(  # DecisionV1's JSON, without the model
            decision_id=decision_id, event_id=msg.event_id, lane_id=lane.id, gate_id=gate.id,
            plate=plate, trip_id=result.trip_id, outcome=result.outcome, reasons=result.reasons,
            command_id=command.command_id, decided_at=now, crop_sha256=msg.crop_sha256,
        )
        handled = Handled("decided", [], outcome=result.outcome, event_id=msg.event_id, acks=ack,
                          trip_id=result.trip_id, lane_id=lane.id, captured_at=msg.captured_at,
                          notice=notice)
        self._drafts.append((command, handled))
        return handled

    def flush(self) -> None:
        """Sign the drafted commands, then insert every buffered row (still uncommitted).

        Each signed command's stored JSON is the very payload published (first, before the
        decision notice) and re-sent by the retry loop. A command born expired (a late
        read) is stored but never published.
        """
        if self._drafts:
            payloads = signed_dump_payloads([c.dump for c, _ in self._drafts],
                                            self.config.signing_key,
                                            batch=self.config.command_batch)
            for payload, (command, handled) in zip(payloads, self._drafts, strict=True):
                row = command_row(command, payload)  # the draft's fields, the signed bytes
                self.rows.add(LaneCommand, row)
                if command.expires_at > self.now:
                    handled.publications.insert(0, Publication(
                        topics.commands(command.lane_id), row["payload"].encode()))
            self._drafts.clear()
        self.rows.flush(self.session)

    def audit(self, action: str, subject_type: str, subject_id: str, data: dict[str, Any]
              ) -> None:
        self._audit.append(Entry(ACTOR, action, subject_type, subject_id, data, self.now))

    def finish(self) -> None:
        """Insert the batch's rows, append its audit events, flush (still uncommitted)."""
        self.flush()
        record_many(self.session, self._audit)
        self._audit.clear()
        self.session.flush()
