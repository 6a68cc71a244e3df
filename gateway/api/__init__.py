"""The carriers' API (``/api/v1``): every route authenticated by ``X-API-Key``."""

from fastapi import APIRouter

from gateway.api import account, fleet, imports, trips

router = APIRouter(prefix="/api/v1")
router.include_router(imports.router)  # before trips: /trips/import is not a trip id
router.include_router(trips.router)
router.include_router(fleet.router)
router.include_router(account.router)
