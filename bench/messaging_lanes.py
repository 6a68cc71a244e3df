"""The lane side of ``bench/messaging.py``: N lane devices of one gate, as a gate has them.

Why several: the centre sends a lane's commands of one committed batch as one
``lane_commands`` message (docs/messaging-journal.md, round 22). With one lane (the bench's
old shape) every batch's commands are that lane's, the batching's best case; Huu Nghi has
8-16 lanes, and the same total rate over N lanes gives each lane ~1/N of a batch. Each lane
here is what a lane device is to the broker and the centre: its own registered device,
secret and broker credentials, its own MQTT connection and topics (reads, commands, acks,
pre-clearance list). The events of a run are spread evenly over the lanes in a shuffled,
seeded order (arrivals at a gate are not lock-step), so each lane sends ~1/N of them.

All the lanes' connections hand what they receive to one shared inbox (the collecting
loop then waits on one queue, not N); each item is routed to its lane's
:class:`bench.messaging_tally.Arrivals` by topic. The tally is per lane (a lane checks
only its own commands) and summed; lane 1 is the old bench's lane and device, so
``--lanes 1`` is the old bench.
"""

from __future__ import annotations

import queue
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bench.messaging_tally import Arrivals, Tally, acked_events, tally
from domain import topics
from domain.messages import PlateReadV1
from domain.signing import hmac_sign, new_device_secret, new_nonce
from mqttio import MqttLink
from mqttio.client import Inbox
from services.devices import register_device
from smartgate.broker import MosquittoBroker

LANE, GATE = "hn1119-x1", "huu-nghi-1119"
SPREAD_SEED = 28  # the order in which the lanes' events arrive, the same in every run


def lane_id(k: int) -> str:
    """Lane ``k`` (0-based): the old bench's lane first, then bench lanes added to the gate."""
    return LANE if k == 0 else f"hn1119-b{k + 1:02d}"


def round_the_clock(path: Path, lanes: int = 1) -> Path:
    """The packaged gates, every one open 00:00-00:00 (the bench runs at any hour), and
    ``lanes - 1`` more export lanes at the bench's gate (the packaged one has two)."""
    src = Path(__file__).resolve().parents[1] / "domain/data/gates.toml"
    out = []
    for line in src.read_text(encoding="utf-8").splitlines():
        name = line.split("=")[0].strip()
        out.append(f'{name} = "00:00"' if name in ("opens", "closes") else line)
        if f'id = "{LANE}"' in line:
            out += [f'  {{ id = "{lane_id(k)}", direction = "export", mode = "contactless" }},'
                    for k in range(1, lanes)]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def plate_of(i: int) -> str:
    return f"29C{i % 100000:05d}"


def signed_read(device_id: str, secret: str, lane: str, i: int, declared: int,
                now: datetime) -> tuple[str, bytes]:
    """Event ``i``'s signed pass-grade read: 85 % of a declared truck (plates
    0..declared-1), 15 % not."""
    plate = plate_of(i % declared) if i % 20 >= 3 else plate_of(declared + i)
    msg = PlateReadV1(device_id=device_id, sent_at=now, nonce=new_nonce(),
                      event_id=uuid.uuid4().hex, lane_id=lane, pass_id=uuid.uuid4().hex,
                      grade="pass", captured_at=now, plate=plate, raw_text=plate,
                      confidence=0.97, layout="1-line", country="VN", frames=3)
    return msg.event_id, hmac_sign(msg, secret).to_json()


def reads(device_id: str, secret: str, start: int, n: int, declared: int, lane: str = LANE
          ) -> list[tuple[str, bytes]]:
    """Events ``start``..``start + n - 1`` read on one lane."""
    now = datetime.now(UTC)
    return [signed_read(device_id, secret, lane, i, declared, now)
            for i in range(start, start + n)]


@dataclass
class LaneDevice:
    lane_id: str
    device_id: str
    secret: str
    arrivals: Arrivals
    link: MqttLink | None = None


@dataclass(frozen=True)
class Sent:
    """One read to send: which lane sends it, its event id and signed bytes."""

    lane: int
    event_id: str
    payload: bytes


class Lanes:
    """The run's lane devices: registered, connected, sending reads, hearing commands."""

    def __init__(self, n: int) -> None:
        self.devices = [LaneDevice(lane_id(k), f"bench-cam{k + 1}", new_device_secret(),
                                   Arrivals(topics.commands(lane_id(k)))) for k in range(n)]
        self._route: dict[str, Arrivals] = {}
        self._inbox: Inbox | None = None
        self._order = random.Random(SPREAD_SEED)
        self.sent: list[list[str]] = [[] for _ in range(n)]  # event ids, by lane

    def register(self, session: Session, now: datetime) -> None:
        for d in self.devices:
            register_device(session, device_id=d.device_id, lane_id=d.lane_id,
                            secret=d.secret, now=now)

    def connect(self, broker: MosquittoBroker, queue_size: int) -> None:
        """Each device's own connection, subscribed as the edge agent is (edge/agent.py): its
        commands, its acks, its pre-clearance list and the centre's status; not the decision
        notices (they are for consoles). All of them feed one inbox (see the module doc)."""
        self._inbox = Inbox(queue_size)
        for d in self.devices:
            own = (topics.commands(d.lane_id), topics.device_acks(d.device_id),
                   topics.preclearance(d.lane_id))
            self._route.update(dict.fromkeys(own, d.arrivals))
            link = MqttLink(broker.add_device(d.device_id, d.lane_id), d.device_id,
                            clean_session=True, queue_size=queue_size,
                            subscriptions=[*((t, 1) for t in own), (topics.ALL_CENTRE_STATUS, 1)])
            link.inbox = self._inbox  # before start: paho's thread puts into the shared one
            d.link = link.start()

    def signed(self, start: int, count: int, declared: int) -> list[Sent]:
        """Events ``start``..: as many on each lane (+-1), in a shuffled order."""
        n = len(self.devices)
        order = [i % n for i in range(count)]
        self._order.shuffle(order)
        now = datetime.now(UTC)
        out = []
        for i, k in enumerate(order, start):
            d = self.devices[k]
            event_id, payload = signed_read(d.device_id, d.secret, d.lane_id, i, declared, now)
            out.append(Sent(k, event_id, payload))
        return out

    def publish(self, read: Sent) -> None:
        d = self.devices[read.lane]
        assert d.link is not None
        d.link.publish(topics.reads(d.lane_id), read.payload, qos=1)
        self.sent[read.lane].append(read.event_id)

    @property
    def commands(self) -> int:
        """Commands heard so far, all lanes (distinct payloads; see ``Arrivals.commands``)."""
        return sum(d.arrivals.commands for d in self.devices)

    def messages(self) -> list[tuple[int, int]]:
        """(command messages, commands) heard so far, by lane: a ``lane_commands`` payload is
        one message of several commands, a lone command one of one."""
        return [(len(d.arrivals.first_at), d.arrivals.commands) for d in self.devices]

    def take(self, timeout: float) -> bool:
        """Route one received item to its lane; False if none came within ``timeout``."""
        assert self._inbox is not None
        try:
            item = self._inbox.get(timeout=timeout)
        except queue.Empty:
            return False
        self._route.get(item.topic, self.devices[0].arrivals).take(item)
        return True

    def collect(self, until: int, timeout: float, *, lists: bool = False) -> None:
        """Until ``until`` commands have arrived (and, with ``lists``, every lane's
        pre-clearance list), or ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        waiting = {d.lane_id for d in self.devices} if lists else set()
        while (self.commands < until or waiting) and time.monotonic() < deadline:
            self.take(0.5)
            waiting = {w for w in waiting if not self._heard_list(w)}

    def _heard_list(self, lane: str) -> bool:
        d = next(d for d in self.devices if d.lane_id == lane)
        return d.arrivals.heard(topics.preclearance(lane))

    def drain(self) -> None:
        """Whatever is late or doubled, then the connections closed."""
        while self.take(0.2):
            pass
        self.close()

    def close(self) -> None:
        for d in self.devices:
            if d.link is not None:
                d.link.stop()
                d.link = None

    def tally(self, *, public_keys: dict[str, str], links: dict[str, str],
              decided: Counter[str]) -> tuple[list[Tally], list[int]]:
        """Each lane's tally of its own events, and each lane's events never acked."""
        tallies, unacked = [], []
        for d, events in zip(self.devices, self.sent, strict=True):
            own = Counter({e: decided[e] for e in events if e in decided})
            tallies.append(tally(events, d.arrivals, lane_id=d.lane_id, public_keys=public_keys,
                                 links=links, decided=own))
            acked = acked_events(d.arrivals.other, device_id=d.device_id,
                                 public_keys=public_keys)
            unacked.append(sum(1 for e in events if e not in acked))
        return tallies, unacked


def per_message(before: list[tuple[int, int]], after: list[tuple[int, int]]) -> list[float | None]:
    """Commands per command message between two :meth:`Lanes.messages`, by lane."""
    return [round((c1 - c0) / (m1 - m0), 2) if m1 > m0 else None
            for (m0, c0), (m1, c1) in zip(before, after, strict=True)]
