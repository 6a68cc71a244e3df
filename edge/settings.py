"""Configuration of one lane agent, from ``SG_EDGE_*`` environment variables or arguments.

Why pydantic-settings built once in ``main``: a lane box is configured by its
installer through the environment (systemd unit, container), the demo does the
same per lane, and tests build :class:`EdgeSettings` directly. Nothing reads the
environment at import time.

``env="production"`` refuses the demo defaults (a well-known device secret, no
centre key, anonymous broker), so a mis-provisioned lane fails at start instead
of running with credentials everybody knows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.topics import check_id

DEMO_DEVICE_SECRET = "demo-device-secret-change-me"


class EdgeSettings(BaseSettings):
    """Everything a lane agent needs; see the field descriptions (``smartgate edge --help``)."""

    model_config = SettingsConfigDict(env_prefix="SG_EDGE_", extra="ignore", frozen=True,
                                      populate_by_name=True)

    env: Literal["demo", "production"] = Field(
        default="demo", validation_alias=AliasChoices("SG_EDGE_ENV", "SMARTGATE_ENV"))
    lane_id: str = Field(default="hn1119-x1", description="lane id from the reference data")
    device_id: str = Field(default="hn1119-x1-cam1", description="this device's id (MQTT user)")
    device_secret: SecretStr = Field(default=SecretStr(DEMO_DEVICE_SECRET),
                                     description="HMAC key that signs this device's events")
    mqtt_url: str = Field(default="mqtt://127.0.0.1:1883", description="mqtt[s]://user:pass@host:port")
    mqtt_ca_file: str | None = Field(default=None, description="CA bundle for mqtts://")
    centre_public_keys: dict[str, str] = Field(
        default_factory=dict, description='centre command keys, JSON {"key_id": "public b64"}')
    source: str = Field(default="var/edge/inbox",
                        description="folder, video file, camera URL (rtsp/http) or device index")
    watch: bool = Field(default=False, description="folder source: wait for new files, move "
                                                   "processed ones to done/")
    frame_step: int = Field(default=1, ge=1, description="video/camera: read every Nth frame")
    data_dir: Path = Field(default=Path("var/edge"), description="outbox database and evidence")
    reader_engine: Literal["resident", "subprocess"] = "resident"
    tessdata: str | None = None
    min_agree: int = Field(default=2, ge=1, description="agreeing frames before a pass read")
    contested_frames: int = Field(default=4, ge=2, description="a pass where some frame read "
                                  "another plate is decided after this many frames with a "
                                  "plate, or at its end (edge/passes.py)")
    second_look: bool = Field(default=True, description="an undecided pass's frames are read "
                              "again at other scales before an officer hears of it "
                              "(edge/reader/second_look.py)")
    pass_timeout_s: float = Field(default=3.0, gt=0, description="a pass ends after this long "
                                                                 "without a plate")
    barrier: Literal["simulated"] = Field(default="simulated", description="barrier driver")
    barrier_open_s: float = Field(default=8.0, gt=0, description="auto-close after opening")
    evidence_host: str = "127.0.0.1"
    evidence_port: int = Field(default=0, ge=0, le=65535, description="HTTP evidence port, 0 = off")
    evidence_max_mb: int = Field(default=512, ge=1, description="evidence disk budget")
    ops_host: str = "127.0.0.1"
    ops_port: int = Field(default=0, ge=0, le=65535,
                          description="/metrics, /livez, /readyz (edge.metrics), 0 = off")
    log_format: Literal["json", "text"] = Field(default="json", description="json: one object "
                                                "per line, for a central log store")
    heartbeat_s: float = Field(default=10.0, gt=0)
    outbox_max_rows: int = Field(default=100_000, ge=10, description="outbox bound (see outbox.py)")
    resend_after_s: float = Field(default=20.0, gt=0, description="re-send an unacked event after")
    replay_window: int = Field(default=200, ge=1, description="replayed events in flight at once")
    centre_timeout_s: float = Field(default=15.0, gt=0, description="the lane has lost the "
                                    "centre after this long without its heartbeat")
    ack_timeout_s: float = Field(default=10.0, gt=0, description="...or when a pass read waits "
                                 "this long for the centre's acknowledgement")
    command_max_skew_s: float = Field(default=120.0, ge=0,
                                      description="refuse commands issued further in the future")

    @field_validator("lane_id", "device_id")
    @classmethod
    def _topic_safe(cls, value: str) -> str:
        return check_id(value, "id")

    @model_validator(mode="after")
    def _production_refuses_defaults(self) -> EdgeSettings:
        if self.env != "production":
            return self
        problems = []
        if self.device_secret.get_secret_value() in ("", DEMO_DEVICE_SECRET):
            problems.append("SG_EDGE_DEVICE_SECRET is the demo default")
        if len(self.device_secret.get_secret_value()) < 16:
            problems.append("SG_EDGE_DEVICE_SECRET is shorter than 16 characters")
        if not self.centre_public_keys:
            problems.append("SG_EDGE_CENTRE_PUBLIC_KEYS is empty: no command could be verified")
        if "@" not in self.mqtt_url:
            problems.append("SG_EDGE_MQTT_URL has no credentials (anonymous broker)")
        if problems:
            raise ValueError("production settings refused: " + "; ".join(problems))
        return self

    @property
    def secret(self) -> str:
        return self.device_secret.get_secret_value()

    @property
    def db_path(self) -> Path:
        return self.data_dir / "edge.db"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"
