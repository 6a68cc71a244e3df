"""Fixtures for the lane agent: a real Mosquitto, the real plate reader, a listening "centre".

The centre here is test code speaking the wire contract (it acks, sends signed
commands and records what arrives); the real central service is tested in its
own area. Only lane hardware is simulated (the barrier relay).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from edgehelpers import DEVICE, LANE, Centre, Lane

from domain import topics
from domain.signing import generate_signing_key, new_device_secret
from edge.agent import EdgeAgent
from edge.barrier import SimulatedRelay
from edge.reader.base import PlateReader
from edge.sources import FolderSource
from mqttio import MqttLink
from smartgate.broker import MosquittoBroker, free_port


@pytest.fixture(scope="session")
def reader() -> PlateReader:
    """The real reader, loaded once (the resident Tesseract model takes a moment)."""
    from edge.reader import make_reader

    return make_reader(engine="resident")


@pytest.fixture
def lane(mosquitto: MosquittoBroker, tmp_path: Path) -> Lane:
    url = mosquitto.add_device(DEVICE, LANE)
    private, public = generate_signing_key()
    root = tmp_path / "lane"
    (root / "inbox").mkdir(parents=True)
    return Lane(mosquitto, url, new_device_secret(), private, public, root)


@pytest.fixture
def centre(lane: Lane) -> Iterator[Centre]:
    subs = [(topics.reads(LANE), 1), (topics.barrier(LANE), 1), (topics.status(LANE), 1)]
    link = MqttLink(lane.broker.url("central"), f"test-centre-{uuid.uuid4().hex[:8]}",
                    subscriptions=subs, clean_session=True).start()
    c = Centre(link, LANE, DEVICE, lane.private_key, "centre-test")
    t = threading.Thread(target=c.run, daemon=True)
    t.start()
    yield c
    c.stop()
    t.join(2)


@pytest.fixture
def make_agent(lane: Lane, reader: PlateReader) -> Iterator[Callable[..., EdgeAgent]]:
    """Build and start agents on the lane; every agent is stopped at the end."""
    agents: list[EdgeAgent] = []

    def make(start: bool = True, **overrides: Any) -> EdgeAgent:
        settings = lane.settings(**overrides)
        agent = EdgeAgent(settings, reader=reader,
                          barrier=SimulatedRelay(auto_close_s=settings.barrier_open_s),
                          source=FolderSource(Path(settings.source), watch=settings.watch))
        agents.append(agent)
        return agent.start() if start else agent

    yield make
    for agent in agents:
        agent.stop()


@pytest.fixture
def evidence_port() -> int:
    return free_port()
