"""Accounting for ``bench/messaging.py``: which event got which command, what was lost or doubled.

Why after the run, and from the database: a real lane subscribes only to its own
command topic (the decision notices that name an event's command are for the
officers' consoles), and on this 2-core machine every microsecond the bench's own
simulated lane spends is taken from the broker, PostgreSQL and the central
instances it measures. So during the run the lane side only notes each command
payload it receives (first arrival, copies); afterwards every distinct payload is
parsed and its Ed25519 signature verified as a lane would, and each event is
joined to its command through the stored rows (``decisions.event_id`` ->
``lane_commands.decision_id``).

``lost``: events without a stored decision, or whose command never arrived
verified. ``duplicates``: decisions beyond one per event plus command copies beyond
one per command (a copy is a duplicate whether the broker or the centre's retry
sent it again).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.messages import (
    EventAckV1,
    LaneCommandsV1,
    LaneCommandV1,
    MessageError,
    commands_of,
    parse_message,
)
from domain.signing import SignatureError, verify_centre
from mqttio import Received
from services.db.models import Decision, LaneCommand


@dataclass
class Arrivals:
    """What the simulated lane hears, noted as it arrives and parsed only after the run.

    Command payloads: first arrival and copies; byte-identical payloads are one command
    (a retry or a broker redelivery sends the stored signed bytes again), told apart
    by ``command_id`` after the run; a ``lane_commands`` payload is several, each counted
    on its own then (a command arriving both alone and in a batch is a copy). Anything
    else (acks, the pre-clearance list, the centre's status) is kept as received.
    """

    commands_topic: str
    first_at: dict[bytes, float] = field(default_factory=dict)
    copies: Counter[bytes] = field(default_factory=Counter)
    other: list[Received] = field(default_factory=list)
    #: Commands in the distinct payloads so far (a ``lane_commands`` payload holds several),
    #: counted by their ``command_id`` keys, not parsed: when to stop waiting, not the tally.
    commands: int = 0

    def take(self, item: Received) -> None:
        if item.topic != self.commands_topic:
            self.other.append(item)
            return
        self.copies[item.payload] += 1
        if item.payload not in self.first_at:
            self.first_at[item.payload] = item.received_at  # paho's wall clock
            self.commands += item.payload.count(b'"command_id":')

    def heard(self, topic: str) -> bool:
        return any(item.topic == topic for item in self.other)


@dataclass(frozen=True)
class Tally:
    arrived: dict[str, float]  # event id -> first arrival of its verified command
    lost: int
    duplicates: int
    unverified: int  # command payloads that did not parse or verify (never counted as arrived)


def stored_links(session: Session) -> tuple[dict[str, str], Counter[str]]:
    """(event id -> command id, event id -> stored decisions) from the database."""
    links = dict(session.execute(
        select(Decision.event_id, LaneCommand.id)
        .join(LaneCommand, LaneCommand.decision_id == Decision.id)).tuples().all())
    decided = Counter(dict(session.execute(
        select(Decision.event_id, func.count()).group_by(Decision.event_id)).tuples().all()))
    return links, decided


def tally(events: Iterable[str], arrivals: Arrivals, *, lane_id: str,
          public_keys: dict[str, str], links: dict[str, str], decided: Counter[str]) -> Tally:
    """Join the run's events to the commands received, as a lane would have checked them."""
    first_at: dict[str, float] = {}
    copies: Counter[str] = Counter()
    unverified = 0
    for payload, n in arrivals.copies.items():
        try:
            message = parse_message(payload)
            if not isinstance(message, LaneCommandV1 | LaneCommandsV1):
                raise MessageError("wrong_type", "not a command message")
        except MessageError:
            unverified += n
            continue
        for command in commands_of(message):  # a lane_commands message: each on its own
            try:
                if command.lane_id != lane_id:
                    raise MessageError("wrong_type", "not a command for this lane")
                verify_centre(command, public_keys)
            except (MessageError, SignatureError):
                unverified += n
                continue
            copies[command.command_id] += n
            at = arrivals.first_at[payload]
            first_at[command.command_id] = min(at, first_at.get(command.command_id, at))
    wanted = list(events)
    arrived = {e: first_at[c] for e in wanted if (c := links.get(e)) in first_at}
    lost = sum(1 for e in wanted if not decided.get(e) or e not in arrived)
    duplicates = (sum(n - 1 for n in decided.values() if n > 1)
                  + sum(n - 1 for n in copies.values() if n > 1))
    return Tally(arrived, lost, duplicates, unverified)


def acked_events(items: Iterable[Received], *, device_id: str,
                 public_keys: dict[str, str]) -> set[str]:
    """Event ids the centre acknowledged to the device (signed acks only, as the edge checks)."""
    acked: set[str] = set()
    for item in items:
        try:
            ack = parse_message(item.payload)
            if not isinstance(ack, EventAckV1) or ack.device_id != device_id:
                continue
            verify_centre(ack, public_keys)
        except (MessageError, SignatureError):
            continue
        acked.update(ack.event_ids)
    return acked

