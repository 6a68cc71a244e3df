"""Evidence images reach officers through the console, checked against the hash the event named."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import cv2
import numpy as np
from consolehelpers import Console, sign_in
from fastapi.testclient import TestClient

from edge.evidence import EvidenceStore

LANE = "hn1119-x1"


def _message(body: dict[str, list[dict[str, str]]]) -> str:
    """The gateway's error shape: ``{"detail": [{"msg": ...}]}``."""
    return body["detail"][0]["msg"]


def _jpeg(seed: int) -> bytes:
    img = np.random.default_rng(seed).integers(0, 255, (60, 200, 3), dtype=np.uint8)
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return buf.tobytes()


def test_officer_sees_the_lane_evidence_and_only_intact_evidence(
        make_console: Callable[..., Console], sqlite_url: str,
        lane_evidence: tuple[EvidenceStore, str]) -> None:
    store, url = lane_evidence
    console = make_console(sqlite_url, console_live=False, evidence_urls={LANE: url})
    sha = store.put(_jpeg(1))
    path = f"/console/lanes/{LANE}/evidence/{sha}.jpg"
    with TestClient(console.app) as client:
        assert client.get(path).status_code == 401  # signed out: nothing
        sign_in(client, "lan")
        resp = client.get(path)
        assert resp.status_code == 200 and resp.headers["content-type"] == "image/jpeg"
        assert hashlib.sha256(resp.content).hexdigest() == sha
        assert "private" in resp.headers["cache-control"]
        # Evidence swapped on the edge's disk: refused, never shown under the old name.
        store.path_for(sha).write_bytes(_jpeg(2))
        bad = client.get(path)
        assert bad.status_code == 502 and "hash" in _message(bad.json())
        # Unknown evidence, malformed names and unknown lanes.
        assert client.get(f"/console/lanes/{LANE}/evidence/{'0' * 64}.jpg").status_code == 404
        assert client.get(f"/console/lanes/{LANE}/evidence/..%2Fedge.db").status_code == 404
        assert client.get(f"/console/lanes/nowhere/evidence/{sha}.jpg").status_code == 404


def test_a_lane_whose_evidence_server_is_down_gives_a_clear_gateway_error(
        make_console: Callable[..., Console], sqlite_url: str) -> None:
    console = make_console(sqlite_url, console_live=False)  # evidence_base_url: nothing listens
    with TestClient(console.app) as client:
        sign_in(client, "lan")
        resp = client.get(f"/console/lanes/{LANE}/evidence/{'a' * 64}.jpg")
        assert resp.status_code == 504 and "unreachable" in _message(resp.json())
