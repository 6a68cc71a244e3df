"""Simulated lanes for the scale test and ``bench/scale.py``, on the edge's real uplink path.

Why not plain paho publishes: "nothing lost" is a property of the edge outbox
(SQLite, deleted only on the centre's ``event_ack``) and its uplink (re-sends
what stays unacknowledged). So each simulated lane here is the edge's own
:class:`edge.outbox.Outbox` + :class:`edge.uplink.Uplink` over an
:class:`mqttio.MqttLink` (MQTT 3.1.1, paho), fed with generated plate reads
instead of camera frames (the camera is the only part simulated).
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from domain import topics
from domain.messages import EventAckV1, MessageError, PlateReadV1, parse_message
from domain.signing import new_device_secret, new_nonce
from domain.vn_provinces import codes
from edge.outbox import Outbox
from edge.uplink import Uplink
from mqttio import MqttLink
from services.devices import register_device

PACKAGED_GATES = Path(__file__).parents[1] / "domain" / "data" / "gates.toml"


def register_sim_devices(sessions: Callable[[], Session], lane_ids: list[str]
                         ) -> dict[str, str]:
    """Register one camera ``<lane>-cam`` per lane with a fresh secret; lane -> secret."""
    secrets = {lane: new_device_secret() for lane in lane_ids}
    with sessions() as s, s.begin():
        for lane in lane_ids:
            register_device(s, device_id=f"{lane}-cam", lane_id=lane, secret=secrets[lane],
                            now=datetime.now(UTC))
    return secrets


def scale_reference(path: Path, *, lanes: int, gate_line: str = "lanes = [") -> list[str]:
    """Write the packaged gates, open round the clock, plus ``lanes`` simulated contactless lanes
    on the first gate; return the simulated lane ids."""
    ids = [f"sim-{i:03d}" for i in range(lanes)]
    out: list[str] = []
    added = False
    for line in PACKAGED_GATES.read_text(encoding="utf-8").splitlines():
        key = line.split("=")[0].strip()
        out.append(f'{key} = "00:00"' if key in ("opens", "closes") else line)
        if not added and line.strip() == gate_line:
            out += [f'  {{ id = "{i}", direction = "export", mode = "contactless" }},'
                    for i in ids]
            added = True
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return ids


def vn_plate(rng: random.Random) -> str:
    """A VN plate of an issued province code (a code 91 read would be no plate: round 25)."""
    return f"{rng.choice(sorted(codes().issued))}C{rng.randint(10000, 99999)}"


@dataclass
class SimLane:
    """One lane device: emits frame- and pass-grade reads through outbox -> uplink -> MQTT."""

    lane_id: str
    device_id: str
    secret: str
    mqtt_url: str
    data_dir: Path
    resend_after: float = 20.0
    emitted: list[str] = field(default_factory=list)
    passes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.outbox = Outbox(self.data_dir / f"{self.device_id}.sqlite")
        self.acks_topic = topics.device_acks(self.device_id)
        self.link = MqttLink(self.mqtt_url, f"{self.device_id}-sim",
                             subscriptions=[(self.acks_topic, 1)], clean_session=False)
        self.uplink = Uplink(link=self.link, outbox=self.outbox, secret=self.secret,
                             resend_after=self.resend_after)
        self._stop = threading.Event()
        self._acker = threading.Thread(target=self._acks, daemon=True, name=f"acks-{self.lane_id}")
        self.rng = random.Random(self.device_id)
        self._in_pass: tuple[str, str] | None = None
        self._sent = 0

    def start(self) -> SimLane:
        self.link.start(wait=10)
        self.uplink.start()
        self._acker.start()
        return self

    def _acks(self) -> None:
        """What the edge agent's inbound worker does with acks: empty the outbox."""
        while not self._stop.is_set():
            item = self.link.get(timeout=0.2)
            if item is None or item.topic != self.acks_topic:
                continue
            try:
                ack = parse_message(item.payload)
            except MessageError:
                continue
            if isinstance(ack, EventAckV1) and ack.device_id == self.device_id:
                self.outbox.ack(ack.event_ids)

    def emit(self, *, grade: str, pass_id: str, plate: str, frames: int = 1) -> str:
        now = datetime.now(UTC)
        msg = PlateReadV1(
            device_id=self.device_id, sent_at=now, nonce=new_nonce(), event_id=uuid.uuid4().hex,
            lane_id=self.lane_id, pass_id=pass_id, grade=grade,
            captured_at=now, plate=plate, raw_text=plate, confidence=0.96, layout="1-line",
            country="VN", frames=frames)
        self.outbox.add(event_id=msg.event_id, topic=topics.reads(self.lane_id),
                        body=msg.to_json(), evictable=grade == "frame")
        self.uplink.notify(msg.event_id)
        self.emitted.append(msg.event_id)
        if grade == "pass":
            self.passes.append(msg.event_id)
        return msg.event_id

    def step(self, frames: int) -> str:
        """The lane's next read: ``frames`` frame-grade reads of a truck, then its pass read."""
        if self._in_pass is None or self._sent >= frames:
            if self._in_pass is not None:  # the truck's frames are out: its pass read
                pass_id, plate = self._in_pass
                self._in_pass = None
                return self.emit(grade="pass", pass_id=pass_id, plate=plate, frames=frames)
            self._in_pass, self._sent = (uuid.uuid4().hex, vn_plate(self.rng)), 0
        self._sent += 1
        pass_id, plate = self._in_pass
        return self.emit(grade="frame", pass_id=pass_id, plate=plate)

    @property
    def unacked(self) -> int:
        return self.outbox.depth

    def stop(self) -> None:
        self._stop.set()
        self.uplink.stop()
        self.link.stop()
        self._acker.join(2)
        self.outbox.close()


def drive(lanes: list[SimLane], *, seconds: float, fps: float, frames_per_vehicle: int,
          stop: threading.Event | None = None, vehicles: int | None = None) -> None:
    """Every lane sends ``fps`` reads a second (a pass read after every ``frames_per_vehicle``
    frames) for ``seconds`` (or until each lane has sent ``vehicles`` trucks).

    The lanes take turns on an even clock (lane i at ``(k + i/N) / fps``), as
    independent lanes would: no synchronised bursts that would measure a queue of our
    own making.
    """
    stop = stop or threading.Event()
    slot = 1.0 / (fps * len(lanes))
    total = None if vehicles is None else vehicles * (frames_per_vehicle + 1) * len(lanes)
    start = time.monotonic()
    j = 0
    while not stop.is_set() and time.monotonic() - start < seconds and (
            total is None or j < total):
        lanes[j % len(lanes)].step(frames_per_vehicle)
        j += 1
        delay = start + j * slot - time.monotonic()
        if delay > 0:
            stop.wait(delay)


def wait_drained(lanes: list[SimLane], timeout: float) -> bool:
    """Until every lane's outbox is empty (everything acknowledged by the centre)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(lane.unacked == 0 for lane in lanes):
            return True
        time.sleep(0.2)
    return all(lane.unacked == 0 for lane in lanes)
