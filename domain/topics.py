"""Every MQTT topic string of the platform is built here and nowhere else.

Why: Frigate and Home Assistant both broke their users when topic strings were
spelled in several places and drifted. The version is part of the prefix so a
v2 of the wire format can run beside v1 during a migration.

Layout (``{lane}`` is a lane id from the reference data, ``{device}`` a device id)::

    smartgate/v1/lanes/{lane}/reads      edge -> centre   plate reads (QoS 1)
    smartgate/v1/lanes/{lane}/barrier    edge -> centre   barrier state / command acks (QoS 1)
    smartgate/v1/lanes/{lane}/status     edge -> all      online/offline, heartbeat (retained)
    smartgate/v1/lanes/{lane}/commands   centre -> edge   signed lane commands (QoS 1)
    smartgate/v1/lanes/{lane}/decisions  centre -> console decision notices (QoS 1)
    smartgate/v1/devices/{device}/acks   centre -> edge   application-level acks for the outbox
    smartgate/v1/lanes/{lane}/preclearance centre -> edge signed pre-clearance list (retained)
    smartgate/v1/lanes/{lane}/local      edge -> centre   decisions a lane took while offline
    smartgate/v1/centre/{instance}/status centre -> edges  centre liveness (retained, will)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PREFIX = "smartgate/v1"
CENTRAL_SHARE_GROUP = "central"

LaneTopicKind = Literal["reads", "barrier", "status", "commands", "decisions", "preclearance",
                        "local"]
LANE_KINDS: tuple[LaneTopicKind, ...] = ("reads", "barrier", "status", "commands", "decisions",
                                         "preclearance", "local")

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class TopicError(ValueError):
    """A topic or an id that cannot be part of a topic."""


def check_id(value: str, what: str = "id") -> str:
    """Refuse ids that could escape their topic level (``+``, ``#``, ``/``, spaces...)."""
    if not _ID.match(value):
        raise TopicError(f"invalid {what} {value!r}: use lower-case letters, digits and '-'")
    return value


def lane_topic(lane_id: str, kind: LaneTopicKind) -> str:
    if kind not in LANE_KINDS:
        raise TopicError(f"unknown lane topic kind {kind!r}")
    return f"{PREFIX}/lanes/{check_id(lane_id, 'lane id')}/{kind}"


def reads(lane_id: str) -> str:
    return lane_topic(lane_id, "reads")


def barrier(lane_id: str) -> str:
    return lane_topic(lane_id, "barrier")


def status(lane_id: str) -> str:
    return lane_topic(lane_id, "status")


def commands(lane_id: str) -> str:
    return lane_topic(lane_id, "commands")


def decisions(lane_id: str) -> str:
    return lane_topic(lane_id, "decisions")


def preclearance(lane_id: str) -> str:
    return lane_topic(lane_id, "preclearance")


def local_decisions(lane_id: str) -> str:
    return lane_topic(lane_id, "local")


def centre_status(instance: str) -> str:
    return f"{PREFIX}/centre/{check_id(instance, 'centre instance')}/status"


#: Every central instance's status (a lane hears the centre while any instance is online).
ALL_CENTRE_STATUS = f"{PREFIX}/centre/+/status"


def device_acks(device_id: str) -> str:
    return f"{PREFIX}/devices/{check_id(device_id, 'device id')}/acks"


def all_lanes(kind: LaneTopicKind) -> str:
    """Wildcard subscription for one kind of topic on every lane."""
    return f"{PREFIX}/lanes/+/{kind}"


def shared(filter_: str, group: str = CENTRAL_SHARE_GROUP) -> str:
    """An MQTT shared subscription, so several central instances split the work."""
    return f"$share/{check_id(group, 'share group')}/{filter_}"


@dataclass(frozen=True, slots=True)
class LaneTopic:
    lane_id: str
    kind: LaneTopicKind


def parse_lane_topic(topic: str) -> LaneTopic:
    """Split a concrete lane topic into lane id and kind; raise :class:`TopicError`."""
    parts = topic.split("/")
    if len(parts) != 5 or f"{parts[0]}/{parts[1]}" != PREFIX or parts[2] != "lanes":
        raise TopicError(f"not a lane topic: {topic!r}")
    lane_id, kind = parts[3], parts[4]
    check_id(lane_id, "lane id")
    if kind not in LANE_KINDS:
        raise TopicError(f"unknown lane topic kind in {topic!r}")
    return LaneTopic(lane_id, kind)


def commands_lane(topic: str) -> str | None:
    """The lane whose command topic ``topic`` is; ``None`` for any other topic (what a
    lane's commands are grouped by)."""
    try:
        lane = parse_lane_topic(topic)
    except TopicError:
        return None
    return lane.lane_id if lane.kind == "commands" else None


def nats_subject(topic: str) -> str:
    """The NATS subject a NATS server maps an MQTT topic (or filter) to.

    NATS's MQTT listener turns ``/`` into ``.``, ``+`` into ``*`` and ``#`` into
    ``>``; our ids never contain dots, so the mapping is exact both ways.
    """
    return topic.replace("/", ".").replace("+", "*").replace("#", ">")


def mqtt_topic(subject: str) -> str:
    """The MQTT topic of a concrete NATS subject (inverse of :func:`nats_subject`)."""
    return subject.replace(".", "/")
