"""What the central worker returns for a message, and how refusals and acks leave the process.

Why apart from :mod:`services.central.ingest`: the worker, the upkeep loop, the
reconciliation of offline decisions and the observability hooks all speak these
types; keeping them here keeps the ingest module about checks and effects.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from domain import topics
from domain.messages import (
    MAX_BATCH_COMMANDS,
    MAX_BATCH_DECISIONS,
    MAX_PAYLOAD_BYTES,
    EventAckV1,
    lane_commands_head,
)
from domain.reference import Reference
from domain.signing import sign_centre
from services.audit import record
from services.db.models import RejectedMessage

ACTOR = "central"
Status = Literal["decided", "stored", "duplicate", "barrier", "rejected", "checked_in"]
#: Event ids per signed ack: 200 ids of 64 characters stay under 16 KiB.
ACK_IDS = 200


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
    #: (device id, event id) to acknowledge to the device once the transaction committed.
    acks: list[tuple[str, str]] = field(default_factory=list)
    trip_id: str | None = None
    #: For observers of a decision (metrics, decision log): its lane and the read's capture
    #: time, so they need not parse the payload again.
    lane_id: str | None = None
    captured_at: datetime | None = None
    #: The decision notice for consoles, (its lane, its ``DecisionV1`` JSON), published after
    #: the commit with the batch's others of the same lane (:func:`notice_publications`).
    notice: tuple[str, bytes] | None = None


@dataclass(frozen=True, slots=True)
class IngestConfig:
    reference: Reference
    signing_key: str
    key_id: str
    command_ttl: timedelta = timedelta(seconds=30)
    replay_window: timedelta = timedelta(minutes=5)
    candidate_window: timedelta = timedelta(hours=48)
    command_batch: int = 64  # commands signed together (domain.signing.signed_dump_payloads)
    #: Commands of a lane one message carries (``LaneCommandsV1``); 1: each alone, as before.
    commands_per_message: int = MAX_BATCH_COMMANDS


def ack_publications(acks: Iterable[tuple[str, str]], *, now: datetime, config: IngestConfig
                     ) -> list[Publication]:
    """One centre-signed ``EventAckV1`` per device and per ``ACK_IDS`` events, in arrival order.

    ``ACK_IDS`` keeps an ack far below the 16 KiB every receiver parses at most.
    """
    by_device: dict[str, dict[str, None]] = defaultdict(dict)  # ordered sets of event ids
    for device_id, event_id in acks:
        by_device[device_id][event_id] = None
    pubs = []
    for device_id, seen in by_device.items():
        ids = list(seen)
        for i in range(0, len(ids), ACK_IDS):
            msg = EventAckV1(device_id=device_id, event_ids=tuple(ids[i:i + ACK_IDS]), at=now,
                             key_id=config.key_id)
            pubs.append(Publication(topics.device_acks(device_id),
                                    sign_centre(msg, config.signing_key).to_json()))
    return pubs


def notice_publications(notices: Iterable[tuple[str, bytes]], *,
                        max_bytes: int = MAX_PAYLOAD_BYTES) -> list[Publication]:
    """A committed batch's decision notices: per lane, as few messages as fit in ``max_bytes``.

    A lane's lone decision goes as a plain ``DecisionV1``, several as one
    ``DecisionBatchV1`` (lanes in the order of their first decision, decisions in
    order). ``notices``: each notice's lane and ``DecisionV1`` JSON (the worker writes it
    straight to bytes, :func:`domain.wirejson.decision_notice_json`); a batch joins those
    bytes, which is byte for byte the batch model's own JSON
    (``tests/services/test_notices.py``).
    """
    by_lane: dict[str, list[bytes]] = {}
    for lane_id, payload in notices:
        by_lane.setdefault(lane_id, []).append(payload)
    pubs: list[Publication] = []
    for lane_id, items in by_lane.items():
        topic = topics.decisions(lane_id)
        head = b'{"v":1,"type":"decision_batch","lane_id":' + json.dumps(lane_id).encode() \
            + b',"decisions":['
        pubs += _joined(topic, head, items, most=MAX_BATCH_DECISIONS, max_bytes=max_bytes)
    return pubs


def command_publications(pubs: Iterable[Publication], *, per_message: int = MAX_BATCH_COMMANDS,
                         max_bytes: int = MAX_PAYLOAD_BYTES) -> list[Publication]:
    """A committed batch's commands: per lane, as few ``LaneCommandsV1`` as fit in ``max_bytes``.

    ``pubs``: the batch's publications in decision order, each command the signed payload
    stored for it. A lane's commands keep their order (lanes in the order of their first
    command); a lane's lone command, or any with ``per_message`` 1, goes as itself, byte for
    byte as before; publications on other topics pass unchanged, after the commands. The
    joined bytes are the container model's own JSON (``tests/services/test_command_bundles.py``).
    Why: one message per command cost the centre, the broker and the lane two packets each
    per event (docs/messaging-journal.md, round 22).
    """
    by_lane: dict[tuple[str, str], list[bytes]] = {}
    others: list[Publication] = []
    for pub in pubs:
        lane_id = topics.commands_lane(pub.topic)
        if lane_id is None:
            others.append(pub)
        else:
            by_lane.setdefault((pub.topic, lane_id), []).append(pub.payload)
    out: list[Publication] = []
    for (topic, lane_id), items in by_lane.items():
        if per_message <= 1 or len(items) == 1:
            out.extend(Publication(topic, item) for item in items)
            continue
        out += _joined(topic, lane_commands_head(lane_id), items, most=per_message,
                       max_bytes=max_bytes)
    return out + others


def _joined(topic: str, head: bytes, items: list[bytes], *, most: int, max_bytes: int
            ) -> list[Publication]:
    """``items`` in order, as few ``head`` + items + ``]}`` messages as fit ``most`` and
    ``max_bytes``; a message of one item is that item itself (the plain message)."""
    empty = len(head) + len(b"]}") - 1  # - 1: n items need n - 1 commas
    pubs: list[Publication] = []
    chunk: list[bytes] = []
    size = empty
    for item in items:
        if chunk and (size + len(item) + 1 > max_bytes or len(chunk) == most):
            pubs.append(_message(topic, head, chunk))
            chunk, size = [], empty
        chunk.append(item)
        size += len(item) + 1
    pubs.append(_message(topic, head, chunk))
    return pubs


def _message(topic: str, head: bytes, chunk: list[bytes]) -> Publication:
    return Publication(topic, chunk[0] if len(chunk) == 1 else head + b",".join(chunk) + b"]}")


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
