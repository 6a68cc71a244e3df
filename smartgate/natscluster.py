"""A 3-node NATS cluster (JetStream + MQTT listener) on loopback: configs, start, kill.

Why NATS for scale-out: lanes keep speaking MQTT 3.1.1 (paho, unchanged) to
any node's MQTT listener; every read lands in one replicated (R3) JetStream
stream, and the central instances share one durable pull consumer, so each
event is handed to one instance and acknowledged only after its commit. One
node can die: the other two keep quorum.

The same :func:`node_config` renders the committed production files in
``infra/nats/`` (``tests/infra`` checks they match and that nats-server accepts
them) and the test/bench clusters on free ports, so what is tested is what is
deployed. Re-render with ``python -m smartgate.natscluster infra/nats``.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from domain import topics
from smartgate.broker import free_port, wait_port

NATS_SERVER = "/usr/sbin/nats-server"
CLUSTER_NAME = "smartgate"
TLS = ('tls { cert_file: "/etc/nats/tls/server.crt", key_file: "/etc/nats/tls/server.key", '
       'ca_file: "/etc/nats/tls/ca.crt", timeout: 5 }')


@dataclass(frozen=True, slots=True)
class NodePorts:
    client: int
    cluster: int
    mqtt: int
    http: int


#: The ports of the committed production configuration (infra/nats/node-{1,2,3}.conf).
PRODUCTION_PORTS = (
    NodePorts(client=4222, cluster=6222, mqtt=1883, http=8222),
    NodePorts(client=4222, cluster=6222, mqtt=1883, http=8222),
    NodePorts(client=4222, cluster=6222, mqtt=1883, http=8222),
)
PRODUCTION_HOSTS = ("nats-1.smartgate.internal", "nats-2.smartgate.internal",
                    "nats-3.smartgate.internal")


def node_config(*, index: int, hosts: tuple[str, ...], ports: tuple[NodePorts, ...],
                store_dir: str, production: bool = False) -> str:
    """The nats-server configuration of node ``index`` (0-based) of the cluster.

    ``production`` adds TLS on the client and MQTT listeners and password
    accounts (files under /etc/nats/); the loopback clusters of the tests run
    without them.
    """
    me, host = ports[index], hosts[index]
    routes = ", ".join(f"nats-route://{h}:{p.cluster}" for h, p in zip(hosts, ports, strict=True))
    listen_host = "0.0.0.0" if production else host
    lines = [
        f"# node {index + 1} of the smartgate NATS cluster (rendered by smartgate.natscluster)",
        f"server_name: sg-nats-{index + 1}",
        f"listen: {listen_host}:{me.client}",
        f"http: {host}:{me.http}",
        "max_payload: 1MB",
        "max_pending: 64MB",
        "write_deadline: \"10s\"",
        "jetstream {",
        f"  store_dir: \"{store_dir}\"",
        "  max_memory_store: 256MB",
        "  max_file_store: 50GB" if production else "  max_file_store: 2GB",
        "}",
        "cluster {",
        f"  name: {CLUSTER_NAME}",
        f"  listen: {listen_host}:{me.cluster}",
        f"  routes: [{routes}]",
        "}",
        "mqtt {",
        f"  listen: {listen_host}:{me.mqtt}",
        "  # MQTT sessions and QoS 1 state are JetStream streams: replicate them like the reads",
        "  stream_replicas: 3",
        "  ack_wait: \"30s\"",
        "  max_ack_pending: 1000",
    ]
    if production:
        lines.append(f"  {TLS}")
    lines.append("}")
    if production:
        lines += [
            TLS,
            "# users and per-lane permissions, rendered by smartgate.natscluster.accounts_config",
            "include \"accounts.conf\"",
        ]
    return "\n".join(lines) + "\n"


def _env_name(user: str) -> str:
    return "NATS_PASSWORD_" + "".join(c if c.isalnum() else "_" for c in user).upper()


def accounts_config(devices: list[tuple[str, str]]) -> str:
    """Users and permissions (``include``d by the production nodes); passwords come from
    the environment (``$NATS_PASSWORD_<USER>``), never from the file.

    Subjects are the NATS spelling of ``domain.topics``: a device may publish only its
    lane's reads, barrier, status and offline decisions, and hear only its lane's commands
    and pre-clearance list, its own acks and the centre's liveness, as the Mosquitto ACL says.
    """
    sub = topics.nats_subject
    central_pub = [sub(f"{topics.PREFIX}/#"), "$JS.API.>", "$JS.ACK.>", "_INBOX.>"]
    lines = ["# rendered by smartgate.natscluster.accounts_config; passwords from the environment",
             "authorization {", "  users: ["]

    def user(name: str, pub: list[str], subs: list[str]) -> None:
        lines.append(f'    {{user: "{name}", password: ${_env_name(name)}, permissions: {{'
                     f"publish: {json.dumps(pub)}, subscribe: {json.dumps(subs)}}}}}")

    user("central", central_pub, [sub(f"{topics.PREFIX}/#"), "_INBOX.>"])
    user("gateway", [sub(topics.all_lanes("commands"))],
         [sub(topics.all_lanes(k)) for k in ("status", "decisions", "barrier", "commands")])
    for device, lane in devices:
        user(device, [sub(topics.reads(lane)), sub(topics.barrier(lane)), sub(topics.status(lane)),
                      sub(topics.local_decisions(lane))],
             [sub(topics.commands(lane)), sub(topics.device_acks(device)),
              sub(topics.status(lane)), sub(topics.preclearance(lane)),
              sub(topics.ALL_CENTRE_STATUS)])
    lines += ["  ]", "}"]
    return "\n".join(lines) + "\n"


def write_production(directory: Path, devices: list[tuple[str, str]]) -> list[Path]:
    """Render ``node-{1,2,3}.conf`` and ``accounts.conf`` of the production cluster."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(len(PRODUCTION_HOSTS)):
        path = directory / f"node-{i + 1}.conf"
        path.write_text(node_config(index=i, hosts=PRODUCTION_HOSTS, ports=PRODUCTION_PORTS,
                                    store_dir="/var/lib/nats", production=True),
                        encoding="utf-8")
        written.append(path)
    path = directory / "accounts.conf"
    path.write_text(accounts_config(devices), encoding="utf-8")
    return [*written, path]


#: The example device of the committed infra/nats/accounts.conf.
EXAMPLE_DEVICES = [("hn1119-x1-cam1", "hn1119-x1")]


@dataclass
class NatsCluster:
    """Three nats-server processes on 127.0.0.1 with free ports under ``root``."""

    root: Path
    size: int = 3
    ports: tuple[NodePorts, ...] = ()
    procs: list[subprocess.Popen[bytes] | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not self.ports:
            self.ports = tuple(NodePorts(free_port(), free_port(), free_port(), free_port())
                               for _ in range(self.size))
        self.procs = [None] * self.size

    @staticmethod
    def available() -> bool:
        return shutil.which(NATS_SERVER) is not None or Path(NATS_SERVER).exists()

    def config_path(self, index: int) -> Path:
        return self.root / f"node-{index + 1}.conf"

    def write_configs(self) -> None:
        hosts = ("127.0.0.1",) * self.size
        for i in range(self.size):
            self.config_path(i).write_text(node_config(
                index=i, hosts=hosts, ports=self.ports,
                store_dir=str(self.root / f"data-{i + 1}")), encoding="utf-8")

    @property
    def nats_urls(self) -> list[str]:
        return [f"nats://127.0.0.1:{p.client}" for p in self.ports]

    def mqtt_url(self, index: int = 0) -> str:
        return f"mqtt://127.0.0.1:{self.ports[index].mqtt}"

    def start_node(self, index: int) -> None:
        log = (self.root / f"node-{index + 1}.log").open("ab")
        self.procs[index] = subprocess.Popen([NATS_SERVER, "-c", str(self.config_path(index))],
                                             stdout=log, stderr=subprocess.STDOUT)
        log.close()

    def start(self, timeout: float = 30.0) -> NatsCluster:
        self.write_configs()
        for i in range(self.size):
            self.start_node(i)
        for p in self.ports:
            wait_port(p.client, timeout)
            wait_port(p.mqtt, timeout)
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 30.0, nodes: list[int] | None = None) -> None:
        """Until every (live) node answers /healthz?js-enabled-only... with JetStream ok."""
        deadline = time.monotonic() + timeout
        for i in nodes if nodes is not None else range(self.size):
            url = f"http://127.0.0.1:{self.ports[i].http}/healthz"
            while True:
                try:
                    with urllib.request.urlopen(url, timeout=2) as resp:
                        if json.loads(resp.read()).get("status") == "ok":
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"NATS node {i + 1} not healthy after {timeout}s")
                time.sleep(0.2)

    def kill(self, index: int) -> None:
        """SIGKILL one node, as a power cut would."""
        proc = self.procs[index]
        if proc is not None:
            proc.kill()
            proc.wait(10)
            self.procs[index] = None

    def varz(self, index: int, path: str = "jsz?streams=true&consumers=true") -> dict[str, object]:
        url = f"http://127.0.0.1:{self.ports[index].http}/{path}"
        with urllib.request.urlopen(url, timeout=5) as resp:
            data: dict[str, object] = json.loads(resp.read())
            return data

    def stop(self) -> None:
        for i, proc in enumerate(self.procs):
            if proc is None:
                continue
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
            self.procs[i] = None


if __name__ == "__main__":
    import sys

    for written in write_production(Path(sys.argv[1] if len(sys.argv) > 1 else "infra/nats"),
                                    EXAMPLE_DEVICES):
        print(written)
