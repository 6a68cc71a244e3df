"""The centre's side of offline clearance: signed pre-clearance lists and its own heartbeat.

Why a loop that recomputes and compares: trips change through the carriers' API,
the console and the centre's own decisions, in other processes. Every
``refresh_s`` (and at once after a decision or a barrier report) the centre
computes each lane's list from the database and signs a *new version* only when its
content changed or half its life has passed; the list is published **retained** on
the lane's topic, so a lane that reconnects hears the latest one (a revocation
included) before anything else. Versions are allocated in the database (unique per
lane), so several instances never publish two lists under one version.

The heartbeat (:class:`domain.messages.CentreStatusV1`, retained, ``offline`` as the
last will) is what lets a lane notice the centre is gone while the broker is not. It
runs in the process that decides; the lists, by default, in a child process of their
own (:mod:`services.central.listproc`: their CPU would otherwise stall the decisions).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from domain import topics
from domain.messages import CentreStatusV1, PreclearanceListV1
from domain.reference import LaneKind, Reference
from mqttio import Will
from services.central.leader import ListLeader
from services.central.link import Link
from services.central.preclearance import ListConfig, SpanCache, VerdictCache, refresh_lane
from services.db.models import Device, PreclearanceList

log = logging.getLogger(__name__)


def instance_name(client_id: str) -> str:
    """A topic-safe name for this central instance."""
    name = re.sub(r"[^a-z0-9-]+", "-", client_id.lower()).strip("-")[:60]
    return name or "central"


def lanes_with_devices(session: Session) -> list[str]:
    return sorted(set(session.execute(
        select(Device.lane_id).where(Device.enabled.is_(True))).scalars()))


class OfflineSupport:
    """The centre's heartbeat and/or list publisher, one loop; see the module docstring."""

    def __init__(self, *, sessions: sessionmaker[Session], reference: Reference,
                 client_id: str, signing_key: str, key_id: str, config: ListConfig,
                 refresh_s: float = 2.0, heartbeat_s: float = 5.0, beat: bool = True,
                 lists: bool = True, wake: threading.Event | None = None,
                 leader: ListLeader | None = None) -> None:
        """``beat`` / ``lists``: which of the two jobs this loop does. The central service
        keeps the heartbeat in its own process and, by default, runs the lists in a child
        (:mod:`services.central.listproc`), whose listener sets ``wake`` when the parent asks.
        ``leader``: builds only while it holds the lists' lock (one instance of several).
        """
        self.sessions, self.reference = sessions, reference
        self.signing_key, self.key_id, self.config = signing_key, key_id, config
        self.refresh_s, self.heartbeat_s = refresh_s, heartbeat_s
        self.beat, self.lists, self.leader = beat, lists, leader
        self.instance = instance_name(client_id)
        self.status_topic = topics.centre_status(self.instance)
        self.published = 0
        self._wake = wake if wake is not None else threading.Event()
        self._beat_at = 0.0
        self._pruned_at = 0.0
        self._spans: SpanCache = {}
        self._verdicts: VerdictCache = {}
        self._seen: dict[str, str] = {}

    def _status(self, state: str, now: datetime) -> bytes:
        return CentreStatusV1(instance=self.instance, state=state, at=now).to_json()

    def will(self, now: datetime) -> Will:
        return Will(self.status_topic, self._status("offline", now))

    def online(self, now: datetime) -> tuple[str, bytes]:
        return self.status_topic, self._status("online", now)

    def wake(self) -> None:
        self._wake.set()

    def goodbye(self, link: Link, now: datetime) -> None:
        """A graceful stop says so at once (a crash leaves it to the last will)."""
        try:
            link.publish(self.status_topic, self._status("offline", now), qos=1, retain=True,
                         wait=2.0)
        except Exception as exc:
            log.warning("central: could not publish offline status: %r", exc)

    def run(self, stop: threading.Event, link: Callable[[], Link | None],
            clock: Callable[[], datetime], each: Callable[[], object] | None = None) -> None:
        """Until ``stop``; ``each`` is called at every turn (the parent's list supervision)."""
        try:
            self._loop(stop, link, clock, each)
        finally:
            if self.leader is not None:
                self.leader.release()

    def _loop(self, stop: threading.Event, link: Callable[[], Link | None],
              clock: Callable[[], datetime], each: Callable[[], object] | None) -> None:
        was_connected = False
        while not stop.is_set():
            if each is not None:
                each()
            current = link()
            connected = current is not None and current.connected.is_set()
            if current is not None and connected:
                try:
                    if not was_connected and self.lists:  # signed while the broker was away
                        self.republish(current)
                    self.tick(current, clock())
                except Exception as exc:  # the database may be down: lanes keep their list
                    log.warning("central: pre-clearance refresh failed: %r", exc)
                    connected = False  # try the republish again
            was_connected = connected
            self._wake.wait(self.refresh_s)
            self._wake.clear()
            stop.wait(min(1.0, self.refresh_s))  # a burst of decisions yields one refresh

    def republish(self, link: Link) -> None:
        """Every lane's latest list again (retained): none may be lost with a broker outage."""
        newest = (select(PreclearanceList.lane_id, func.max(PreclearanceList.version).label("v"))
                  .group_by(PreclearanceList.lane_id).subquery())
        with self.sessions() as session:
            latest = session.execute(
                select(PreclearanceList.lane_id, PreclearanceList.payload).join(
                    newest, (PreclearanceList.lane_id == newest.c.lane_id)
                    & (PreclearanceList.version == newest.c.v))).all()
        for lane_id, payload in latest:
            link.publish(topics.preclearance(lane_id), payload.encode(), qos=1, retain=True)

    def tick(self, link: Link, now: datetime) -> list[PreclearanceListV1]:
        if self.beat and time.monotonic() - self._beat_at >= self.heartbeat_s:
            link.publish(self.status_topic, self._status("online", now), qos=1, retain=True)
            self._beat_at = time.monotonic()
        return self._refresh_lists(link, now) if self.lists else []

    def _refresh_lists(self, link: Link, now: datetime) -> list[PreclearanceListV1]:
        issued: list[PreclearanceListV1] = []
        if self.leader is not None and not self.leader.holds():
            return issued  # another instance builds them
        if time.monotonic() - self._pruned_at > 600:
            with self.sessions() as session, session.begin():
                # Lists long expired can go (no lane opens with them), but never a lane's
                # newest: its version is where the next one counts from.
                newer = aliased(PreclearanceList)
                session.execute(delete(PreclearanceList).where(
                    PreclearanceList.expires_at < now - timedelta(days=7),
                    select(newer.id).where(newer.lane_id == PreclearanceList.lane_id,
                                           newer.version > PreclearanceList.version).exists()))
            self._pruned_at = time.monotonic()
        with self.sessions() as session:
            lanes = lanes_with_devices(session)
        for lane_id in lanes:
            try:
                lane = self.reference.lane(lane_id)
            except KeyError:
                continue
            if lane.kind != LaneKind.BARRIER:  # a yard camera opens nothing: no list
                continue
            try:
                with self.sessions() as session, session.begin():
                    lst = refresh_lane(session, reference=self.reference, lane_id=lane_id,
                                       now=now, config=self.config, cache=self._spans,
                                       verdicts=self._verdicts,
                                       seen=self._seen,
                                       signing_key=self.signing_key, key_id=self.key_id)
            except IntegrityError:  # another instance issued this version: it publishes it
                continue
            except Exception:
                self._seen.pop(lane_id, None)  # not built after all: rebuild next time
                raise
            if lst is not None:
                link.publish(topics.preclearance(lane_id), lst.to_json(), qos=1, retain=True)
                self.published += 1
                issued.append(lst)
                log.info("central: pre-clearance list v%d for lane %s (%d trucks)",
                         lst.version, lane_id, len(lst.entries))
        return issued
