"""The officers' clearance console (``/console``).

``router`` is mounted by :func:`gateway.app.create_app` at ``/console``;
``lifespan`` (entered by the app's own lifespan) starts and stops the live
MQTT feed of the board (:mod:`gateway.live`).
"""

from fastapi import APIRouter

from gateway.console import api, evidence, flow, more, pages
from gateway.live import lifespan

router = APIRouter()
router.include_router(pages.router)
router.include_router(more.router)
router.include_router(evidence.router)
router.include_router(flow.router)
router.include_router(api.router, prefix="/api")

__all__ = ["lifespan", "router"]
