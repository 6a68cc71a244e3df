"""Lane commands at the edge: only a fresh, first-time, centre-signed command moves the barrier.

Checks, in this order, each refusal reported with a short reason:

1. the payload parses as a ``LaneCommandV1`` (``malformed``, ``not_a_command``), or as a
   ``LaneCommandsV1`` carrying several (each then checked and executed on its own, in
   order: :func:`handle_commands`);
2. it is for this lane (``other_lane``) — the broker ACL should already stop
   it, but a lane must not trust the broker's configuration;
3. it is signed (``unsigned``) by a known centre key (``unknown_key``) and the
   Ed25519 signature holds (``bad_signature``);
4. it has not expired (``expired``) and was not issued implausibly far in the
   future (``not_yet_valid``: a clock attack or a badly wrong clock);
5. it was never executed before (``duplicate``): the command id is recorded in
   the edge SQLite *before* the barrier moves, so a redelivery, a replay or a
   restart can never make it act twice. (A crash between recording and moving
   leaves the barrier closed: the safe side; the centre raises an exception
   for the officer when no barrier state arrives.)

The signature is checked before the ledger is touched, so a forger cannot
pre-claim a genuine command's id and block it.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.messages import (
    LaneCommandsV1,
    LaneCommandV1,
    MessageError,
    commands_of,
    parse_message,
)
from domain.signing import SignatureError, verify_command
from domain.verified_roots import VerifiedRoots
from edge.barrier import Barrier, BarrierState
from edge.outbox import connect

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS executed_commands (
    command_id  TEXT PRIMARY KEY,
    lane_id     TEXT NOT NULL,
    action      TEXT NOT NULL,
    received_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
"""


def _utc(dt: datetime) -> str:
    """ISO text in UTC, so stored times compare correctly as strings."""
    return dt.astimezone(UTC).isoformat()


class CommandLedger:
    """Persistent set of command ids already executed on this lane (survives restarts)."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection = connect(path)
        self._conn.executescript(_SCHEMA)

    def claim(self, command: LaneCommandV1, *, now: datetime) -> bool:
        """Record the command; False when it was recorded before (never execute it again)."""
        with self._lock:
            cur = self._conn.execute(
                "INSERT OR IGNORE INTO executed_commands VALUES (?, ?, ?, ?, ?)",
                (command.command_id, command.lane_id, command.action, _utc(now),
                 _utc(command.expires_at)))
            return cur.rowcount == 1

    def seen(self, command_id: str) -> bool:
        with self._lock:
            return self._conn.execute("SELECT 1 FROM executed_commands WHERE command_id = ?",
                                      (command_id,)).fetchone() is not None

    def forget_expired(self, *, before: datetime) -> int:
        """Ids of commands expired long ago can go: such a command would be refused as expired."""
        with self._lock:
            cur = self._conn.execute("DELETE FROM executed_commands WHERE expires_at < ?",
                                     (_utc(before),))
            return int(cur.rowcount)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    """What happened to one command message; becomes a ``BarrierStateV1``."""

    command_id: str | None
    executed: bool
    reason: str  # "executed" or a refusal code
    detail: str
    state: BarrierState
    command: LaneCommandV1 | None = None


def _command_id_of(payload: bytes) -> str | None:
    """Best-effort id of a refused payload, for the report (only if it is a valid Id)."""
    try:
        value = json.loads(payload).get("command_id")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return None
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_-]{8,64}", value):
        return value
    return None


def handle_commands(payload: bytes, *, lane_id: str, public_keys: dict[str, str],
                    ledger: CommandLedger, barrier: Barrier, now: datetime,
                    max_skew: timedelta = timedelta(minutes=2),
                    roots: VerifiedRoots | None = None) -> list[CommandOutcome]:
    """One outcome per command of a command message: a ``LaneCommandV1`` or a ``LaneCommandsV1``.

    Each command of a ``LaneCommandsV1`` goes through :func:`execute_command`'s checks on its
    own (its own signature or batch proof, expiry, ledger), in the message's order; a
    container for another lane is refused command by command (``other_lane``). A payload
    that parses as neither is one refusal (``malformed``, ``not_a_command``). ``roots``:
    the lane's cache of verified batch signatures (the agent keeps one): the commands of
    one Merkle root then cost one Ed25519 check, not one each.
    """
    try:
        msg = parse_message(payload)
    except MessageError as exc:
        return [_refuse(lane_id, barrier, "malformed", str(exc), _command_id_of(payload))]
    if not isinstance(msg, LaneCommandV1 | LaneCommandsV1):
        return [_refuse(lane_id, barrier, "not_a_command", f"message type {msg.type}",
                        _command_id_of(payload))]
    return [execute_command(cmd, lane_id=lane_id, public_keys=public_keys, ledger=ledger,
                            barrier=barrier, now=now, max_skew=max_skew, roots=roots)
            for cmd in commands_of(msg)]


def _refuse(lane_id: str, barrier: Barrier, reason: str, detail: str,
            command_id: str | None, cmd: LaneCommandV1 | None = None) -> CommandOutcome:
    log.warning("lane %s: command refused (%s): %s", lane_id, reason, detail)
    return CommandOutcome(command_id, False, reason, f"refused: {reason}: {detail}"[:200],
                          barrier.state(), cmd)


def execute_command(cmd: LaneCommandV1, *, lane_id: str, public_keys: dict[str, str],
                    ledger: CommandLedger, barrier: Barrier, now: datetime,
                    max_skew: timedelta = timedelta(minutes=2),
                    roots: VerifiedRoots | None = None) -> CommandOutcome:
    """Checks 2-5 on one parsed command, then the barrier; or the first refusal."""

    def refuse(reason: str, detail: str, cmd: LaneCommandV1) -> CommandOutcome:
        return _refuse(lane_id, barrier, reason, detail, cmd.command_id, cmd)

    if cmd.lane_id != lane_id:
        return refuse("other_lane", f"command for lane {cmd.lane_id}", cmd)
    if not cmd.sig:
        return refuse("unsigned", "command carries no signature", cmd)
    try:
        verify_command(cmd, public_keys, roots=roots)
    except SignatureError as exc:
        return refuse(exc.reason, str(exc), cmd)
    if cmd.expires_at <= now:
        return refuse("expired", f"expired at {cmd.expires_at.isoformat()}", cmd)
    if cmd.issued_at - now > max_skew:
        return refuse("not_yet_valid", f"issued at {cmd.issued_at.isoformat()}", cmd)
    if not ledger.claim(cmd, now=now):
        return refuse("duplicate", "command already executed", cmd)
    try:
        if cmd.action == "open":
            barrier.open()
        else:  # "hold" and "inspect" keep the boom down: the officer directs the truck
            barrier.close()
    except Exception as exc:  # hardware fault: report it, never pretend it moved
        log.exception("lane %s: barrier failed on command %s", lane_id, cmd.command_id)
        return CommandOutcome(cmd.command_id, False, "barrier_fault", f"barrier fault: {exc}"[:200],
                              "fault", cmd)
    log.info("lane %s: command %s (%s) executed", lane_id, cmd.command_id, cmd.action)
    detail = "opened by command" if cmd.action == "open" else f"kept closed ({cmd.action})"
    return CommandOutcome(cmd.command_id, True, "executed", detail, barrier.state(), cmd)
