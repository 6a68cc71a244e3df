"""Evidence images for the console, fetched from the lane's edge and checked against their hash.

Why a proxy instead of pointing the officer's browser at the edge: lane devices
sit on the border's field network, which officers' workstations should not
reach; the console is the one place that decides who may see evidence (a
signed-in officer). Why the hash check: the event names its crop and frame by
SHA-256, so the gateway serves only bytes that hash to that name; a swapped or
corrupted image on the edge is refused (502), never shown as evidence.
"""

from __future__ import annotations

import hashlib
import re

import httpx
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from domain.reference import Reference
from gateway.console import auth
from gateway.console.common import settings_of

router = APIRouter(include_in_schema=False)

_SHA = re.compile(r"^[0-9a-f]{64}$")
MAX_BYTES = 8 * 1024 * 1024  # a full camera frame as JPEG is well under this
TIMEOUT_S = 3.0


def _edge_base(request: Request, lane_id: str) -> str:
    settings = settings_of(request)
    return settings.evidence_urls.get(lane_id, settings.evidence_base_url).rstrip("/")


@router.get("/lanes/{lane_id}/evidence/{name}")
def evidence(request: Request, lane_id: str, name: str) -> Response:
    """The JPEG named ``<sha256>.jpg`` kept by ``lane_id``'s edge, for a signed-in officer."""
    if auth.current_user(request) is None:
        raise HTTPException(401, "sign in first")
    reference: Reference = request.app.state.reference
    sha = name.removesuffix(".jpg")
    if not name.endswith(".jpg") or not _SHA.match(sha):
        raise HTTPException(404, "evidence is named <sha256>.jpg")
    if lane_id not in {lane.id for lane in reference.lanes()}:
        raise HTTPException(404, "no such lane")
    url = f"{_edge_base(request, lane_id)}/evidence/{sha}.jpg"
    try:
        with httpx.Client(timeout=TIMEOUT_S) as client, client.stream("GET", url) as upstream:
            if upstream.status_code == 404:
                raise HTTPException(404, "the lane no longer keeps this evidence")
            if upstream.status_code != 200:
                raise HTTPException(502, f"lane evidence server answered {upstream.status_code}")
            body = bytearray()
            for chunk in upstream.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise HTTPException(502, "lane evidence larger than any frame")
    except httpx.HTTPError as exc:
        raise HTTPException(504, f"lane evidence server unreachable: {type(exc).__name__}"
                            ) from None
    if hashlib.sha256(body).hexdigest() != sha:
        raise HTTPException(502, "lane evidence does not match its hash; not shown")
    return Response(bytes(body), media_type="image/jpeg", headers={
        "Cache-Control": "private, max-age=86400, immutable",
        "X-Content-Type-Options": "nosniff"})
