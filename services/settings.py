"""Settings of the central service (``smartgate central``), built once in ``main``.

Why pydantic-settings: the demo, systemd units and containers configure the
centre through the environment (``DATABASE_URL``, ``MQTT_URL``,
``SMARTGATE_ENV``, ``CENTRE_SIGNING_KEY``...), tests build
:class:`CentralSettings` directly. Nothing reads the environment at import time.

``env="production"`` refuses what is only acceptable on a laptop: no signing
key (demo mode mints a throw-away one, which no edge would trust), an
anonymous broker URL, the default SQLite path.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.signing import generate_signing_key, public_key_of

DEFAULT_DATABASE_URL = "sqlite:///var/smartgate.db"
DEFAULT_MQTT_URL = "mqtt://127.0.0.1:1883"


def _alias(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class CentralSettings(BaseSettings):
    """Everything the central worker needs; see the field descriptions."""

    model_config = SettingsConfigDict(env_prefix="CENTRAL_", extra="ignore",
                                      populate_by_name=True, validate_default=True)

    env: Literal["demo", "production"] = Field("demo", validation_alias=_alias(
        "SMARTGATE_ENV", "env"))
    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias=_alias(
        "DATABASE_URL", "database_url"))
    mqtt_url: str = Field(DEFAULT_MQTT_URL, validation_alias=_alias("MQTT_URL", "mqtt_url"))
    mqtt_ca_file: str | None = Field(None, validation_alias=_alias(
        "MQTT_CA_FILE", "mqtt_ca_file"))
    centre_signing_key: str = Field("", validation_alias=_alias(
        "CENTRE_SIGNING_KEY", "centre_signing_key"),
        description="Ed25519 private key, url-safe base64 (domain.signing.generate_signing_key)")
    centre_key_id: str = Field("centre-1", validation_alias=_alias(
        "CENTRE_KEY_ID", "centre_key_id"))
    reference_path: Path | None = Field(None, validation_alias=_alias(
        "SMARTGATE_REFERENCE", "reference_path"),
        description="gates and lanes TOML; the packaged domain/data/gates.toml when unset")
    command_ttl_s: float = Field(30.0, gt=0, le=3600, description="lane command validity")
    command_retry_s: float = Field(5.0, gt=0, description="republish an unacked command after")
    command_sign_batch: int = Field(
        64, ge=1, le=1024, description="commands of one ingest batch signed with one Ed25519 "
        "signature over a Merkle root (each carries its proof); 1 signs each alone, for lanes "
        "older than batch proofs")
    commands_per_message: int = Field(
        64, ge=1, le=64, description="a lane's commands of one ingest batch sent as one "
        "lane_commands message, up to this many (and 16 KiB); 1 sends each alone, for lanes "
        "older than lane_commands")
    replay_window_s: float = Field(300.0, gt=0, description="max |now - sent_at|")
    instance_id: str = Field(default_factory=lambda: socket.gethostname().split(".")[0][:24] or "c",
                             description="names this instance (client id, logs)")
    client_id: str | None = Field(None, description="MQTT client id (default central-<instance>); "
                                                    "keep it stable: the session queues for it")
    shared_subscription: bool = Field(True, description="$share/central/... so instances split "
                                                        "work (off for brokers without $share)")
    candidate_window_h: float = Field(48.0, gt=0, description="trips loaded around a read's time")
    db_retry_max_s: float = Field(30.0, gt=0, description="backoff cap while the database is down")
    heartbeat_s: float = Field(5.0, gt=0, description="centre heartbeat (lanes notice its loss)")
    preclearance_refresh_s: float = Field(2.0, gt=0, description="recompute lanes' pre-clearance "
                                                                 "lists this often")
    preclearance_process: bool = Field(True, description="build the lists in a child process "
                                       "(off: a thread of the central, sharing its interpreter)")
    preclearance_horizon_h: float = Field(4.0, gt=0, le=48, description="trucks expected within")
    preclearance_ttl_h: float = Field(4.0, gt=0, le=48, description="a list expires after")
    migrate_on_start: bool = True
    batch_max: int = Field(500, ge=1, le=5000, description="messages applied in one transaction "
                                                          "(1 = one transaction per message)")
    transport: Literal["mqtt", "jetstream"] = Field(
        "mqtt", description="mqtt: any MQTT broker ($share); jetstream: a NATS cluster's "
                            "durable consumer (docs/production.md)")
    nats_servers: str = Field("nats://127.0.0.1:4222", description="comma-separated NATS URLs "
                              "(transport=jetstream); list every node so one can die")
    nats_user: str | None = Field(None, description="NATS user (infra/nats/accounts.conf)")
    nats_password: str | None = None
    nats_ca_file: str | None = Field(None, description="CA of the cluster's TLS certificates")
    jetstream_stream: str = "SMARTGATE_LANES"
    jetstream_durable: str = Field("central", description="the one consumer all instances share")
    jetstream_replicas: int = Field(3, ge=1, le=5)
    gc_threshold: int = Field(
        50_000, ge=0, description="`smartgate central`: the garbage collector's first threshold, "
        "with the objects alive after start frozen out of its full collections "
        "(services.central.cli.tune_gc); 0 keeps Python's defaults")
    http_port: int | None = Field(None, ge=0, le=65535, description="/metrics, /livez, /readyz "
                                  "(Prometheus and the orchestrator); off when unset")
    http_host: str = Field("127.0.0.1", description="bind address of the ops endpoints")
    log_format: Literal["json", "text"] = Field("json", validation_alias=_alias(
        "SMARTGATE_LOG_FORMAT", "log_format"), description="json: one object per line")

    @field_validator("instance_id")
    @classmethod
    def _clean_instance(cls, value: str) -> str:
        cleaned = "".join(c if c.isalnum() or c in "-_" else "-" for c in value)[:40]
        return cleaned or "central"

    @model_validator(mode="after")
    def _production_refuses_demo_defaults(self) -> CentralSettings:
        if self.env == "production":
            problems = []
            if not self.centre_signing_key:
                problems.append("CENTRE_SIGNING_KEY is required")
            if self.database_url == DEFAULT_DATABASE_URL:
                problems.append("DATABASE_URL must be set explicitly")
            if "@" not in self.mqtt_url:
                problems.append("MQTT_URL must carry credentials (mqtt://user:pass@host)")
            if problems:
                raise ValueError("production settings refused: " + "; ".join(problems))
        if self.centre_signing_key:
            try:
                public_key_of(self.centre_signing_key)
            except ValueError as exc:
                raise ValueError(f"CENTRE_SIGNING_KEY is not an Ed25519 key: {exc}") from None
        return self

    @property
    def mqtt_client_id(self) -> str:
        return self.client_id or f"central-{self.instance_id}"

    def signing_key(self) -> str:
        """The configured key; demo mode without one mints a throw-away key (logged by main)."""
        if not self.centre_signing_key:
            if self.env == "production":  # unreachable: refused by the validator
                raise ValueError("no centre signing key")
            object.__setattr__(self, "centre_signing_key", generate_signing_key()[0])
        return self.centre_signing_key


def from_env(**overrides: object) -> CentralSettings:
    """Settings from the environment with explicit overrides (flags) taking precedence."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return CentralSettings(**clean)  # type: ignore[arg-type]

