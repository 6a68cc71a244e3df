"""Append-only, hash-chained audit log: who did what, in a form that shows tampering.

Each row's ``hash`` is SHA-256 over the previous row's hash and the row's own
canonical content, so editing or deleting a row breaks every later link and
:func:`verify_chain` names the first bad row. Appends are serialized so two
writers never chain to the same predecessor: on PostgreSQL a transaction-scoped
advisory lock (held until the caller commits), on SQLite the ``BEGIN
IMMEDIATE`` that :mod:`services.db.session` issues already makes writers queue.

Call :func:`record` inside the caller's transaction, as late as possible in it
(the lock is held until commit).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from domain.canonical import canonical_json, is_plain, plain_copy
from services.db.bulk import insert_rows
from services.db.models import AuditEvent

GENESIS = "0" * 64
#: Arbitrary constant naming the audit chain's advisory lock on PostgreSQL.
_PG_LOCK_KEY = 0x5347_4155  # "SGAU"
#: Built once: :func:`record_many` runs in every central batch, and building a statement
#: costs more than running it (see ``services.central.lookups._statements``).
_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
_TAIL = select(AuditEvent.__table__.c.hash).order_by(AuditEvent.__table__.c.id.desc()).limit(1)


@dataclass(frozen=True, slots=True)
class ChainStatus:
    ok: bool
    checked: int
    first_bad_id: int | None = None


def _utc_text(at: datetime) -> str:
    """One text form for a timestamp whether the engine returns it aware or naive (SQLite)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def content_hash(*, prev_hash: str, at: datetime, actor: str, action: str, subject_type: str,
                 subject_id: str, data: dict[str, Any]) -> str:
    body = canonical_json(
        {"prev": prev_hash, "at": _utc_text(at), "actor": actor, "action": action,
         "subject_type": subject_type, "subject_id": subject_id, "data": data}, default=str)
    return hashlib.sha256(body).hexdigest()


#: Only a placeholder before the first entry's time is known.
GENESIS_AT = datetime(1970, 1, 1, tzinfo=UTC)


def _plain_hash(prev: str, at: datetime, at_text: str, e: Entry, data: dict[str, Any]) -> str:
    """:func:`content_hash` for ``data`` already known plain (:func:`is_plain`), exactly.

    Why: ``canonical_json`` walks the whole body to know it is plain before orjson writes
    it; the data was just walked, and the other values are strings (checked here), so the
    walk is skipped (the central hashes an audit event per decided read). Anything else
    goes the long way.
    """
    if not (type(e.actor) is str and type(e.action) is str and type(e.subject_type) is str
            and type(e.subject_id) is str):
        return content_hash(prev_hash=prev, at=at, actor=e.actor, action=e.action,
                            subject_type=e.subject_type, subject_id=e.subject_id, data=data)
    body = {"prev": prev, "at": at_text, "actor": e.actor, "action": e.action,
            "subject_type": e.subject_type, "subject_id": e.subject_id, "data": data}
    try:
        return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()
    except orjson.JSONEncodeError:  # an int beyond 64 bits, a lone surrogate: as json writes it
        return hashlib.sha256(canonical_json(body, default=str)).hexdigest()


def _lock_chain(session: Session) -> None:
    """The chain's lock, on the session's connection (its callers flush right after it)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_LOCK, {"k": _PG_LOCK_KEY})


def record(session: Session, *, actor: str, action: str, subject_type: str, subject_id: str,
           data: dict[str, Any] | None = None, now: datetime) -> AuditEvent:
    """Append one event to the chain (inside the caller's transaction; never commits)."""
    payload = plain_copy(data or {}, default=str)  # what the JSON column returns
    at = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    _lock_chain(session)
    session.flush()  # earlier appends of this same transaction must be visible below
    prev = session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none() or GENESIS
    digest = content_hash(prev_hash=prev, at=at, actor=actor, action=action,
                          subject_type=subject_type, subject_id=subject_id, data=payload)
    event = AuditEvent(at=at, actor=actor[:64], action=action[:64],
                       subject_type=subject_type[:32], subject_id=subject_id[:64], data=payload,
                       prev_hash=prev, hash=digest)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class Entry:
    """One audit event waiting to be appended by :func:`record_many`."""

    actor: str
    action: str
    subject_type: str
    subject_id: str
    data: dict[str, Any]
    now: datetime


def record_many(session: Session, entries: list[Entry]) -> None:
    """Append several events in order with one lock, one tail read and one flush.

    Why: the central worker decides hundreds of reads in one transaction; taking
    the chain's lock and reading its tail once per batch instead of once per
    event is most of what makes batching pay. Same chain as :func:`record`; the
    rows go in with one bulk ``INSERT``, so they are visible to the next query.
    """
    if not entries:
        return
    _lock_chain(session)
    session.flush()
    prev = session.connection().execute(_TAIL).scalar_one_or_none() or GENESIS
    rows = []
    when: datetime | None = None  # a batch's entries share their ``now``: converted once
    at, at_text = GENESIS_AT, ""
    for e in entries:
        if e.now is not when:
            when = e.now
            at = e.now.astimezone(UTC) if e.now.tzinfo else e.now.replace(tzinfo=UTC)
            at_text = _utc_text(at)
        # Plain JSON data hashes and stores exactly as its copy would (a tuple as a list):
        # only other types (a datetime, a UUID) need the round trip, ~2 % of the worker.
        if e.data and is_plain(e.data):
            payload = e.data
            digest = _plain_hash(prev, at, at_text, e, payload)
        else:
            payload = plain_copy(e.data or {}, default=str)
            digest = content_hash(prev_hash=prev, at=at, actor=e.actor, action=e.action,
                                  subject_type=e.subject_type, subject_id=e.subject_id,
                                  data=payload)
        rows.append({"at": at, "actor": e.actor[:64], "action": e.action[:64],
                     "subject_type": e.subject_type[:32], "subject_id": e.subject_id[:64],
                     "data": payload, "prev_hash": prev, "hash": digest})
        prev = digest
    # One bulk insert: rows are stored (and their ids drawn) in list order, which is the
    # chain's order; no ORM object per event (the worker writes hundreds).
    insert_rows(session, cast(Table, AuditEvent.__table__), rows)


def verify_chain(session: Session, *, batch: int = 1000) -> ChainStatus:
    """Walk the whole chain in id order; the first row whose link or content is wrong fails it."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).scalars().all()
        if not rows:
            return ChainStatus(True, checked)
        for row in rows:
            expected = content_hash(prev_hash=prev, at=row.at, actor=row.actor, action=row.action,
                                    subject_type=row.subject_type, subject_id=row.subject_id,
                                    data=row.data)
            if row.prev_hash != prev or row.hash != expected:
                return ChainStatus(False, checked, row.id)
            prev = row.hash
            checked += 1
            last_id = row.id


def events_for(session: Session, *, subject_id: str, action: str | None = None
               ) -> list[AuditEvent]:
    """Events about one subject, oldest first (what an officer or a test looks at)."""
    stmt = select(AuditEvent).where(AuditEvent.subject_id == subject_id)
    if action is not None:
        stmt = stmt.where(AuditEvent.action == action)
    return list(session.execute(stmt.order_by(AuditEvent.id)).scalars())
