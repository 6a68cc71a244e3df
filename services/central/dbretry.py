"""Waiting out a database outage without losing a message (the central worker's retry policy).

Why its own module: the worker, the upkeep loop and the pre-clearance loop all need
to tell "the database is away, try again" (connection lost, locked) from "this is
a bug or bad data" (never retried: the batch is redone one message at a time and a
bad message is stored as rejected). While the database is down a message is never
acknowledged; on stop it stays with the broker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from tenacity import Retrying, retry_if_exception, wait_exponential

T = TypeVar("T")


def db_unavailable(exc: BaseException) -> bool:
    """Errors worth waiting out (connection lost, database locked), not bugs or bad data."""
    if isinstance(exc, IntegrityError):
        return False
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


class Stopping(RuntimeError):
    """The service is stopping while the database is unavailable: leave the message unacked."""


def retry_while_down(fn: Callable[[], T], *, stopping: threading.Event, max_wait_s: float,
                     on_retry: Callable[[BaseException | None], None]) -> T:
    """``fn()``, retried with exponential backoff while :func:`db_unavailable` says so.

    A stop request ends the wait at once and raises :class:`Stopping`.
    """
    def before_sleep(state: object) -> None:
        on_retry(getattr(getattr(state, "outcome", None), "exception", lambda: None)())

    def sleep(seconds: float) -> None:
        stopping.wait(seconds)  # a stop request cuts the backoff short

    retrying = Retrying(
        retry=retry_if_exception(db_unavailable),
        wait=wait_exponential(multiplier=0.2, max=max_wait_s),
        stop=lambda _state: stopping.is_set(), sleep=sleep, before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return retrying(fn)
    except Exception as exc:
        if db_unavailable(exc) and stopping.is_set():
            raise Stopping(str(exc)) from exc
        raise
