"""The gateway application: carriers' API, carrier page, officers' console, health.

Why a factory: the CLI, the demo and the tests each build an app from explicit
settings (and tests may hand in their own engine); nothing is read from the
environment here. Migrations run in the factory, before the first request, so a
fresh SQLite file or PostgreSQL database is usable at once (with several uvicorn
workers the CLI migrates once and tells the workers not to).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import Engine, text

from domain.reference import load_reference
from gateway import api, console, ops
from gateway.api import errors
from gateway.deps import RateLimiter
from gateway.settings import GatewaySettings
from services.db.session import make_engine, make_session_factory, migrate
from services.trips import TripPolicy
from services.webhooks import WebhookWorker

log = logging.getLogger(__name__)

DESCRIPTION = """\
Carriers pre-declare trips so trucks are cleared at the gate without stopping.

* Authenticate every call with the header `X-API-Key` (keys are shown once; rotate with
  `POST /api/v1/keys`).
* Errors are `{"detail": [{"loc", "field", "type", "msg", "messages": {"vi","en","zh"}}]}`.
* Send `Idempotency-Key` on `POST /api/v1/trips`: a retry returns the same trip.
* Trip status changes are POSTed to your webhooks, signed with
  `X-Smartgate-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
"""


def create_app(settings: GatewaySettings, *, engine: Engine | None = None) -> FastAPI:
    """Build the app; ``engine`` (e.g. a test's) is used as is and not disposed."""
    own_engine = engine is None
    engine = engine or make_engine(settings.database_url)
    if settings.migrate_on_start:
        migrate(engine)
    sessions = make_session_factory(engine)
    worker = WebhookWorker(sessions, timeout=settings.webhook_timeout_seconds,
                           poll_seconds=settings.webhook_poll_seconds,
                           max_attempts=settings.webhook_max_attempts,
                           backoff_base=settings.webhook_backoff_base_seconds,
                           backoff_max=settings.webhook_backoff_max_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            # The console may export ``lifespan(app)`` for its own live feed (MQTT).
            console_lifespan = getattr(console, "lifespan", None)
            if console_lifespan is not None:
                await stack.enter_async_context(console_lifespan(app))
            if settings.webhooks_enabled:
                worker.start()
                stack.callback(worker.stop)
            yield
        if own_engine:
            engine.dispose()

    app = FastAPI(title="Smart border gate: carriers' API", version="1.0.0",
                  description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.reference = load_reference(settings.reference_path)
    app.state.policy = TripPolicy(
        lead_time=settings.lead_time(trusted=False),
        trusted_lead_time=settings.lead_time(trusted=True),
        max_window=timedelta(hours=settings.max_window_hours),
        max_advance=timedelta(days=settings.max_advance_days),
    )
    app.state.rate_limiter = RateLimiter(settings.rate_limit, storage=settings.rate_limit_storage)
    app.state.webhook_worker = worker
    errors.install(app)
    ops.install(app)
    app.include_router(api.router)
    app.include_router(console.router, prefix="/console")
    _mount_carrier_page(app)

    @app.get("/healthz", tags=["health"], summary="Liveness and database check")
    def healthz(request: Request) -> JSONResponse:
        try:
            with request.app.state.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any database failure makes the gateway unhealthy
            log.warning("health check: database unreachable: %s", exc)
            return JSONResponse({"status": "unhealthy", "database": "down"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @app.get("/", include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(
            "<!doctype html><meta charset=utf-8><title>Smart border gate</title>"
            "<h1>Smart border gate</h1><ul><li><a href=/carrier/>Carrier page</a></li>"
            "<li><a href=/console>Officers' console</a></li>"
            "<li><a href=/docs>Carriers' API (OpenAPI)</a></li></ul>"
        )

    return app


def _mount_carrier_page(app: FastAPI) -> None:
    from gateway.carrier import mount

    mount(app)


def app_from_env() -> FastAPI:
    """uvicorn factory for ``--workers N``: each worker process builds its settings here."""
    return create_app(GatewaySettings())
