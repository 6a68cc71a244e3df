"""The yard worker: a call-forward pass per queue every ``tick``, then the drivers' SMS.

Why its own process (``smartgate yard``): metering must run exactly once per
queue, whatever the number of central instances; one small process (restarted
by systemd) is simpler than electing a leader among them. Each pass is one
transaction per queue (the handler owns it); SMS are leased in a short
transaction, sent outside any transaction (a slow provider holds no lock) and
their outcome recorded, with backoff, like the carriers' webhooks.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from domain.flow.priority import PriorityPolicy
from domain.reference import Direction, LaneKind, Reference, load_reference
from services.webhooks import backoff
from services.yard.callforward import PassReport, YardPolicy, call_forward
from services.yard.models import YardNotification
from services.yard.sms import SmsError, SmsSender

log = logging.getLogger("services.yard")


class YardSettings(BaseSettings):
    """``smartgate yard`` settings (env ``DATABASE_URL``, ``YARD_*``), built once in main."""

    model_config = SettingsConfigDict(env_prefix="YARD_", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///var/smartgate.db", validation_alias=AliasChoices(
        "DATABASE_URL", "database_url"))
    reference_path: Path | None = Field(None, validation_alias=AliasChoices(
        "SMARTGATE_REFERENCE", "reference_path"))
    tick_s: float = Field(30.0, gt=0, description="seconds between call-forward passes")
    travel_min: float = Field(20.0, gt=0, description="yard to gate; a call's arrival window")
    grace_min: float = Field(10.0, ge=0, description="added to travel before a no-show")
    window_min: float = Field(10.0, gt=0, description="quota window")
    max_calls: int = Field(3, ge=1, description="calls before a truck is dropped as no-show")
    default_service_s: float = Field(90.0, gt=0, description="lane service time until measured")
    priority_mode: Literal["ratio", "strict", "fifo"] = "ratio"
    priority_ratio: str = Field('{"trusted_perishable": 1, "perishable": 1, "trusted": 1, '
                                '"ordinary": 5}', description="JSON weights per class")
    sms_url: str | None = Field(None, description="HTTP SMS gateway; unset: no SMS is sent")
    sms_token: str = ""
    sms_sender: str = "SMARTGATE"
    migrate_on_start: bool = True

    def policy(self) -> YardPolicy:
        weights = json.loads(self.priority_ratio)
        return YardPolicy(
            policy=PriorityPolicy.from_weights(weights, self.priority_mode),
            travel=timedelta(minutes=self.travel_min), grace=timedelta(minutes=self.grace_min),
            window=timedelta(minutes=self.window_min), max_calls=self.max_calls,
            default_service_s=self.default_service_s)


def yard_queues(reference: Reference) -> list[tuple[str, Direction]]:
    """Every gate with a yard lane, with each direction its barrier lanes serve."""
    out = []
    for gate in reference.gates:
        if any(ln.kind == LaneKind.YARD for ln in gate.lanes):
            dirs = {ln.direction for ln in gate.lanes if ln.kind == LaneKind.BARRIER}
            out += [(gate.id, d) for d in Direction if d in dirs]
    return out


class YardWorker:
    def __init__(self, sessions: sessionmaker[Session], *, reference: Reference,
                 policy: YardPolicy, sms: SmsSender | None, tick_s: float = 30.0,
                 max_attempts: int = 6) -> None:
        self.sessions, self.reference, self.policy, self.sms = sessions, reference, policy, sms
        self.tick_s, self.max_attempts = tick_s, max_attempts
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> YardWorker:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="yard", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once(now=datetime.now(UTC))
            except Exception:  # keep metering; the rows say where it stood
                log.exception("yard pass failed")
            self._stop.wait(self.tick_s)

    def run_once(self, *, now: datetime) -> list[PassReport]:
        reports = []
        for gate_id, direction in yard_queues(self.reference):
            with self.sessions() as session, session.begin():
                reports.append(call_forward(session, reference=self.reference, gate_id=gate_id,
                                            direction=direction, now=now, config=self.policy))
        self.send_sms(now=now)
        return reports

    def send_sms(self, *, now: datetime, limit: int = 50) -> int:
        if self.sms is None:
            return 0
        with self.sessions() as session, session.begin():
            due = list(session.scalars(select(YardNotification).where(
                YardNotification.state == "pending", YardNotification.next_attempt_at <= now)
                .order_by(YardNotification.next_attempt_at).limit(limit)))
            leased = []
            for n in due:
                n.attempts += 1
                n.next_attempt_at = now + timedelta(minutes=2)
                leased.append((n.id, n.to, n.body))
        for note_id, to, body in leased:
            error = None
            try:
                self.sms.send(to=to, text=body)
            except SmsError as exc:
                error = str(exc)[:500]
            with self.sessions() as session, session.begin():
                row = session.get(YardNotification, note_id)
                if row is None:
                    continue
                row.last_error = error
                if error is None:
                    row.state, row.sent_at, row.next_attempt_at = "sent", now, None
                elif row.attempts >= self.max_attempts:
                    row.state, row.next_attempt_at = "failed", None
                else:
                    row.next_attempt_at = now + backoff(row.attempts, base=10.0, cap=600.0)
        return len(leased)


def build(settings: YardSettings, sessions: sessionmaker[Session]) -> YardWorker:
    from services.yard.sms import HttpSmsGateway

    sms = (HttpSmsGateway(url=settings.sms_url, token=settings.sms_token,
                          sender=settings.sms_sender) if settings.sms_url else None)
    return YardWorker(sessions, reference=load_reference(settings.reference_path),
                      policy=settings.policy(), sms=sms, tick_s=settings.tick_s)
