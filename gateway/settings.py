"""Settings of the gateway process (carriers' API, carrier page, officers' console).

Built once in :func:`gateway.cli.main` (or by a test) and passed to
:func:`gateway.app.create_app`; nothing reads the environment at import time.
Other parts of the gateway append their own fields here: every field has a
default (or a demo-only default that production refuses, see
:meth:`GatewaySettings._refuse_demo_secrets_in_production`), and unknown
environment variables are ignored, so adding a field never breaks a caller.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Demo-only secrets: good enough on a laptop, refused when ``SMARTGATE_ENV=production``.
DEMO_SECRETS = frozenset({"demo-carrier-page-secret-change-me",
                          "demo-console-session-secret-change-me"})


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GATEWAY_", extra="ignore", populate_by_name=True, validate_default=True
    )

    env: Literal["demo", "production"] = Field(
        "demo", validation_alias=AliasChoices("SMARTGATE_ENV", "env")
    )
    database_url: str = Field(
        "sqlite:///var/smartgate.db", validation_alias=AliasChoices("DATABASE_URL", "database_url")
    )
    mqtt_url: str | None = Field(None, validation_alias=AliasChoices("MQTT_URL", "mqtt_url"))
    reference_path: Path | None = Field(
        None, validation_alias=AliasChoices("SMARTGATE_REFERENCE", "reference_path"),
        description="gates and lanes TOML; the packaged domain/data/gates.toml when unset",
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64)
    log_format: Literal["json", "text"] = Field("json", validation_alias=AliasChoices(
        "SMARTGATE_LOG_FORMAT", "log_format"), description="json: one object per line")
    migrate_on_start: bool = True

    # Carriers' API.
    min_lead_minutes: int = Field(60, ge=0, description="ACE-like: declare >= 1 h before arrival")
    trusted_lead_minutes: int = Field(30, ge=0, description="lead time for trusted carriers")
    max_window_hours: int = Field(72, ge=1)
    max_advance_days: int = Field(30, ge=1)
    rate_limit: str = Field("120/minute", description="per API key, `limits` notation")
    rate_limit_storage: str = Field("memory://", description="`limits` storage URI; "
                                    "redis://host:6379 to share the limit between workers "
                                    "and instances (docs/production.md)")
    page_size_max: int = 200
    csv_max_rows: int = 5000

    # Carrier page (server-rendered): signs its session cookie.
    carrier_page_secret: str = "demo-carrier-page-secret-change-me"
    carrier_session_hours: int = 12

    # Webhooks: a background worker in the gateway process.
    webhooks_enabled: bool = True
    webhook_poll_seconds: float = Field(1.0, gt=0)
    webhook_timeout_seconds: float = Field(5.0, gt=0)
    webhook_max_attempts: int = Field(8, ge=1)
    webhook_backoff_base_seconds: float = Field(2.0, gt=0)
    webhook_backoff_max_seconds: float = Field(3600.0, gt=0)
    webhook_allow_private_targets: bool = Field(
        True, description="production should refuse loopback/private URLs (SSRF)"
    )

    # Officers' console (/console): session cookie, signed commands, live feed, evidence.
    console_secret: str = Field("demo-console-session-secret-change-me",
                                description="signs the console session cookie and CSRF tokens")
    console_session_hours: int = Field(10, ge=1, le=48)
    console_live: bool = Field(True, description="subscribe to the broker for the live board")
    centre_signing_key: str = Field(
        "", validation_alias=AliasChoices("CENTRE_SIGNING_KEY", "centre_signing_key"),
        description="Ed25519 private key (url-safe base64) signing officers' lane commands "
                        "(the centre's key: edges hold only its public half)")
    centre_key_id: str = Field(
        "centre-1", validation_alias=AliasChoices("CENTRE_KEY_ID", "centre_key_id"))
    command_ttl_seconds: int = Field(120, ge=5, le=3600)
    weather_source: str | None = Field(None, validation_alias=AliasChoices(
        "SMARTGATE_WEATHER", "weather_source"),
        description="forecast weather feed: a JSON file or an http(s) URL (docs/flow.md)")
    evidence_base_url: str = Field(
        "http://127.0.0.1:8081",
        description="default edge evidence server (GET /evidence/<sha>.jpg)")
    evidence_urls: dict[str, str] = Field(
        default_factory=dict, validation_alias=AliasChoices("EVIDENCE_URLS", "evidence_urls"),
        description="per-lane evidence server, lane id -> base URL")

    @model_validator(mode="after")
    def _refuse_demo_secrets_in_production(self) -> GatewaySettings:
        if self.env == "production":
            if "webhook_allow_private_targets" not in self.model_fields_set:
                self.webhook_allow_private_targets = False  # no SSRF relay unless allowed
            weak = [name for name, value in self.secret_values().items()
                    if value in DEMO_SECRETS or len(value) < 32]
            if weak:
                raise ValueError(
                    f"SMARTGATE_ENV=production refuses demo or short secrets: {', '.join(weak)}"
                )
        return self

    def secret_values(self) -> dict[str, str]:
        """Every secret-bearing field (name -> value); subclasses and additions extend it."""
        return {"carrier_page_secret": self.carrier_page_secret,
                "console_secret": self.console_secret}

    def lead_time(self, *, trusted: bool) -> timedelta:
        return timedelta(minutes=self.trusted_lead_minutes if trusted else self.min_lead_minutes)
