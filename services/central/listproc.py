"""The pre-clearance list publisher in a process of its own, started by the central service.

Why a process and not a thread: a list is rebuilt at every 5-minute step of the time grid
and after decisions (~0.1-0.6 s of CPU for a gate's 1,500 trips: loading them, their rule
checks, signing ~150 kB). In a thread it shares the interpreter lock with the ingest
worker, which waits for the lock after each of its many short database and socket calls:
at a step the decisions of the next ~0.3 s took 50-210 ms, a p99 of 89-229 ms at 50 events/s
(``bench/messaging.py --at-step``, docs/messaging-journal.md round 5; 12.6-29.8 ms since). A child
process has an interpreter of its own; the operating system shares the cores.

The child builds its own engine and its own publish-only MQTT connection (client id
``<central's>-lists``, the central's credentials, no subscriptions, no will: the centre's
heartbeat and last will stay with the process that decides, which is what a lane needs to
know is alive). The parent wakes it after decisions and stops it (:class:`ListProcess`);
it also stops on its own when the parent dies (``kill -9`` of the central must not leave an
orphan publishing lists), and the parent starts it again if it dies.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import socket
import threading
from datetime import UTC, datetime, timedelta
from multiprocessing.context import SpawnProcess

from domain.reference import load_reference
from mqttio.client import MqttLink
from opsio import configure_logging
from services.central.leader import ListLeader
from services.central.offline import OfflineSupport
from services.central.preclearance import ListConfig
from services.db.session import make_engine, make_session_factory
from services.settings import CentralSettings

log = logging.getLogger("services.central")


def list_config(settings: CentralSettings) -> ListConfig:
    return ListConfig(horizon=timedelta(hours=settings.preclearance_horizon_h),
                      ttl=timedelta(hours=settings.preclearance_ttl_h),
                      candidate_window=timedelta(hours=settings.candidate_window_h))


class ListProcess:
    """Start, wake, stop (or kill) the child that builds and publishes the lanes' lists.

    Signals cross on a socket pair, one byte each (``w`` wake, ``s`` stop), never on a
    ``multiprocessing.Event``: a process killed while waiting on one leaves its condition
    expecting a sleeper that never wakes, and the next ``set()`` (the ingest worker's wake
    after a decision) would hang for ever (measured: a test's teardown hung 300 s). A wake
    is sent without blocking (a full buffer means one is pending already). When the parent
    dies, its end closes and the child reads end-of-file: it stops.
    """

    def __init__(self, settings: CentralSettings) -> None:
        self.settings = settings
        self._ctx = multiprocessing.get_context("spawn")  # no fork: the parent has threads
        self._proc: SpawnProcess | None = None
        self._sock: socket.socket | None = None
        self._stopping = False

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    def start(self) -> None:
        self._stopping = False
        ours, theirs = socket.socketpair()
        self._proc = self._ctx.Process(
            target=run_child, name="central-lists", daemon=True,
            args=(self.settings, theirs, logging.getLogger().getEffectiveLevel()))
        self._proc.start()
        theirs.close()  # the child has its own copy
        ours.setblocking(False)
        self._sock = ours

    def _send(self, signal: bytes) -> None:
        sock = self._sock
        if sock is None:
            return
        # full: a wake is pending already; closed: the child is gone and revive() sees it
        with contextlib.suppress(BlockingIOError, OSError):
            sock.send(signal)

    def wake(self) -> None:
        self._send(b"w")

    def revive(self) -> bool:
        """Start the child again if it died (the parent's loop asks every few seconds).

        Why: without it a crashed list process would leave the lanes' lists to expire while
        the central goes on deciding, with nothing but a log line to show for it.
        """
        if self._proc is None or self._proc.is_alive() or self._stopping:
            return False
        log.error("central: list process died (exit code %s): starting it again",
                  self._proc.exitcode)
        self._close()
        self.start()
        return True

    def stop(self, timeout: float = 10.0) -> None:
        """Let the child finish its transaction and say goodbye; kill it if it does not."""
        if self._proc is None:
            return
        self._stopping = True
        self._send(b"s")
        self._proc.join(timeout)
        if self._proc.is_alive():
            log.warning("central: list process did not stop in %.0f s: killed", timeout)
            self._proc.kill()
            self._proc.join(5)
        self._close()

    def kill(self) -> None:
        """As a crash would: no goodbye (tests)."""
        if self._proc is not None:
            self._stopping = True
            self._proc.kill()
            self._proc.join(5)
        self._close()

    def _close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._proc is not None:
            self._proc.join(1)
            self._proc.close()
            self._proc = None


def run_child(settings: CentralSettings, sock: socket.socket, level: int) -> None:
    """The child's main: its own engine and MQTT connection, the list loop until told."""
    configure_logging(logging.getLevelName(level), settings.log_format, process="central-lists")
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    wake = threading.Event()
    support = OfflineSupport(
        sessions=sessions, reference=load_reference(settings.reference_path),
        client_id=settings.mqtt_client_id,
        signing_key=settings.signing_key(), key_id=settings.centre_key_id,
        refresh_s=settings.preclearance_refresh_s, heartbeat_s=settings.heartbeat_s,
        config=list_config(settings), wake=wake, beat=False, leader=ListLeader(engine))
    link = MqttLink(settings.mqtt_url, f"{settings.mqtt_client_id}-lists", clean_session=True,
                    ca_file=settings.mqtt_ca_file)
    halt = threading.Event()

    def listen() -> None:  # the parent's wake and stop; end-of-file when it is gone
        try:
            while not halt.is_set():
                data = sock.recv(4096)
                if not data or b"s" in data:
                    break
                wake.set()
        except OSError:
            pass
        halt.set()
        wake.set()

    threading.Thread(target=listen, name="lists-listen", daemon=True).start()
    try:
        link.start(wait=None)
        support.run(halt, lambda: link, lambda: datetime.now(UTC))
    finally:
        link.stop()
        engine.dispose()
        sock.close()
