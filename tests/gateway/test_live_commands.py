"""The console's live hub reads a ``lane_commands`` message as one board event per command.

Why: the centre sends a lane's commands of one committed batch together
(``LaneCommandsV1``); officers' browsers must see the same events however the centre sent
them, as they do for a ``decision_batch``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain import topics
from domain.messages import CommandAction, LaneCommandsV1, LaneCommandV1
from domain.signing import generate_signing_key, sign_commands
from gateway.live import LiveHub

NOW = datetime(2026, 12, 7, 18, 20, tzinfo=UTC)


def command(lane: str, action: CommandAction) -> LaneCommandV1:
    return LaneCommandV1(command_id=uuid.uuid4().hex, lane_id=lane, action=action,
                         plate="12C12345", issued_at=NOW, expires_at=NOW + timedelta(seconds=30))


def test_a_lane_commands_message_is_one_event_per_command_as_if_sent_alone() -> None:
    private, _ = generate_signing_key()
    cmds = sign_commands([command("hn1119-x1", "open"), command("hn1119-x1", "hold")], private)
    alone, together = LiveHub(None), LiveHub(None)
    one_by_one = [e for c in cmds for e in alone.ingest(topics.commands("hn1119-x1"), c.to_json())]
    batch = LaneCommandsV1(lane_id="hn1119-x1", commands=tuple(cmds)).to_json()
    events = together.ingest(topics.commands("hn1119-x1"), batch)
    assert events == one_by_one
    assert [e["data"]["command_id"] for e in events] == [c.command_id for c in cmds]
    assert all(e["kind"] == "command" and e["lane_id"] == "hn1119-x1" for e in events)
    assert together.received == 1 and together.rejected == 0
    # Another lane's batch on this lane's topic is refused whole.
    other = sign_commands([command("hn1119-x2", "open"), command("hn1119-x2", "open")], private)
    assert together.ingest(topics.commands("hn1119-x1"), LaneCommandsV1(
        lane_id="hn1119-x2", commands=tuple(other)).to_json()) == []
    assert together.rejected == 1
