"""The carrier page (``/carrier``): server-rendered, to declare and follow trips."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles


def mount(app: FastAPI) -> None:
    from gateway.carrier.pages import router

    app.mount("/carrier/static", StaticFiles(directory=Path(__file__).with_name("static")),
              name="carrier-static")
    app.include_router(router, prefix="/carrier", include_in_schema=False)
