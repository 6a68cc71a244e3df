"""The officers' clearance console (``/console``)."""

from gateway.console.board import router
from gateway.live import lifespan

__all__ = ["lifespan", "router"]
