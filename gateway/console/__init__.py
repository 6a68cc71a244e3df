"""The officers' clearance console (``/console``)."""

from fastapi import APIRouter

router = APIRouter()
