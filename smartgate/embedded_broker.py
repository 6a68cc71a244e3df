"""The embedded MQTT broker (amqtt in a thread), for machines without Mosquitto.

Why amqtt with authentication: anonymous amqtt sessions drop offline QoS 1 messages
(measured). It has no shared subscriptions: with it, run a single central instance.
It takes the same :class:`Account` list as Mosquitto, so lanes cannot tell them apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from smartgate.broker_accounts import SERVICE_USERS, Account, device_account, service_account
from smartgate.ports import free_port, wait_port


@dataclass
class EmbeddedBroker:
    """amqtt in a background thread: for machines without Mosquitto. Authenticated, with ACLs."""

    workdir: Path
    port: int = 0
    accounts: dict[str, Account] = field(default_factory=dict)
    _thread: threading.Thread | None = None
    _loop: asyncio.AbstractEventLoop | None = None
    _broker: object | None = None

    def __post_init__(self) -> None:
        self.workdir = Path(self.workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        for name in SERVICE_USERS:
            self.accounts.setdefault(name, service_account(name, secrets.token_urlsafe(18)))

    def url(self, username: str) -> str:
        acc = self.accounts[username]
        return f"mqtt://{acc.username}:{acc.password}@127.0.0.1:{self.port}"

    def add_device(self, device_id: str, lane_id: str) -> str:
        if self._thread is not None:
            raise RuntimeError("the embedded broker takes devices before start()")
        self.accounts[device_id] = device_account(device_id, lane_id, secrets.token_urlsafe(18))
        return self.url(device_id)

    def _config(self) -> dict[str, object]:
        from pwdlib.hashers.argon2 import Argon2Hasher

        hasher = Argon2Hasher()
        passwd = self.workdir / "passwd"
        passwd.write_text("".join(f"{a.username}:{hasher.hash(a.password)}\n"
                                  for a in self.accounts.values()))
        return {
            "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{self.port}"}},
            "plugins": {
                "amqtt.plugins.authentication.FileAuthPlugin": {"password_file": str(passwd)},
                "amqtt.plugins.topic_checking.TopicAccessControlListPlugin": {
                    "publish_acl": {a.username: list(a.publish) for a in self.accounts.values()},
                    "acl": {a.username: list(a.subscribe) for a in self.accounts.values()},
                },
            },
        }

    def start(self) -> EmbeddedBroker:
        from amqtt.broker import Broker as AmqttBroker

        config = self._config()
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                broker = AmqttBroker(config, loop=loop)
                self._broker = broker
                loop.run_until_complete(broker.start())
            except BaseException as exc:  # reported to the starting thread
                errors.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()

        self._thread = threading.Thread(target=run, name="amqtt-broker", daemon=True)
        self._thread.start()
        ready.wait(15)
        if errors:
            raise RuntimeError(f"embedded broker failed to start: {errors[0]!r}")
        wait_port(self.port)
        return self

    def stop(self) -> None:
        if self._loop is None or self._broker is None:
            return
        broker = self._broker
        fut = asyncio.run_coroutine_threadsafe(broker.shutdown(), self._loop)  # type: ignore[attr-defined]
        with contextlib.suppress(Exception):
            fut.result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = None
        self._broker = None
