"""The central service: MQTT ingest of plate reads and barrier states, decisions, lane commands.

``CentralService`` (threads, used in-process by the demo and tests) and
``smartgate central`` (:mod:`services.central.cli`) run the same worker.
"""

from services.central.service import CentralService

__all__ = ["CentralService"]
