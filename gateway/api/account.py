"""``/api/v1/carrier``, ``/keys``, ``/users``, ``/webhooks``: the carrier's own account."""

from __future__ import annotations

import ipaddress
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from gateway.api.errors import ERROR_RESPONSES, ApiError
from gateway.deps import CallerDep, SessionDep, SettingsDep, now
from services import carriers, webhooks
from services.trips.schemas import UtcDatetime

router = APIRouter(responses=ERROR_RESPONSES)
NO_CONTENT = status.HTTP_204_NO_CONTENT
_IN = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CarrierRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    country: str
    tax_code: str | None
    trusted: bool = Field(description="trusted carriers have a shorter minimum lead time")


class ApiKeyCreate(BaseModel):
    model_config = _IN

    label: Annotated[str, Field(max_length=100, examples=["ERP integration 2026"])] = ""


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    prefix: str
    label: str
    created_at: UtcDatetime
    revoked_at: UtcDatetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="the full key: shown once, store it now")


class UserCreate(BaseModel):
    model_config = _IN

    email: Annotated[str, Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                examples=["dieu.phoi@vantai-langson.vn"])]
    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    password: Annotated[str, Field(min_length=10, max_length=200)]
    role: Annotated[str, Field(pattern=r"^(admin|member)$")] = "member"


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str
    full_name: str
    role: str
    disabled: bool
    created_at: UtcDatetime


class WebhookCreate(BaseModel):
    model_config = _IN

    url: HttpUrl = Field(examples=["https://erp.example.vn/hooks/smartgate"])
    description: Annotated[str, Field(max_length=200)] = ""


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    url: str
    description: str
    active: bool
    created_at: UtcDatetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="signing secret: shown once (see X-Smartgate-Signature)")


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    event_id: str
    event_type: str
    trip_id: str | None
    state: str = Field(description="pending, delivered or failed")
    attempts: int
    next_attempt_at: UtcDatetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: UtcDatetime
    delivered_at: UtcDatetime | None
    payload: str


@router.get("/carrier", response_model=CarrierRead, tags=["account"])
def get_carrier(caller: CallerDep, session: SessionDep) -> CarrierRead:
    with session.begin():
        return CarrierRead.model_validate(
            carriers.get_carrier(session, carrier_id=caller.carrier_id))


@router.get("/keys", response_model=list[ApiKeyRead], tags=["account"])
def list_keys(caller: CallerDep, session: SessionDep) -> list[ApiKeyRead]:
    with session.begin():
        return [ApiKeyRead.model_validate(k)
                for k in carriers.list_api_keys(session, carrier_id=caller.carrier_id)]


@router.post("/keys", response_model=ApiKeyCreated, status_code=201, tags=["account"],
             summary="Issue a new API key (rotation: issue, deploy, then revoke the old one)")
def create_key(data: ApiKeyCreate, caller: CallerDep, session: SessionDep) -> ApiKeyCreated:
    with session.begin():
        key, plaintext = carriers.issue_api_key(session, carrier_id=caller.carrier_id,
                                                now=now(), label=data.label)
        return ApiKeyCreated.model_validate({**ApiKeyRead.model_validate(key).model_dump(),
                                             "key": plaintext})


@router.delete("/keys/{key_id}", response_model=ApiKeyRead, tags=["account"],
               summary="Revoke an API key (takes effect at once)")
def revoke_key(key_id: str, caller: CallerDep, session: SessionDep) -> ApiKeyRead:
    with session.begin():
        return ApiKeyRead.model_validate(carriers.revoke_api_key(
            session, carrier_id=caller.carrier_id, key_id=key_id, now=now()))


@router.get("/users", response_model=list[UserRead], tags=["account"])
def list_users(caller: CallerDep, session: SessionDep) -> list[UserRead]:
    with session.begin():
        return [UserRead.model_validate(u)
                for u in carriers.list_users(session, carrier_id=caller.carrier_id)]


@router.post("/users", response_model=UserRead, status_code=201, tags=["account"],
             summary="Add a person who signs in to the carrier page")
def create_user(data: UserCreate, caller: CallerDep, session: SessionDep) -> UserRead:
    with session.begin():
        return UserRead.model_validate(carriers.create_user(
            session, carrier_id=caller.carrier_id, email=data.email,
            full_name=data.full_name, password=data.password, role=data.role, now=now()))


@router.delete("/users/{user_id}", response_model=UserRead, tags=["account"],
               summary="Disable a user")
def disable_user(user_id: str, caller: CallerDep, session: SessionDep) -> UserRead:
    with session.begin():
        return UserRead.model_validate(
            carriers.disable_user(session, carrier_id=caller.carrier_id, user_id=user_id))


def _check_target(url: str, *, allow_private: bool) -> None:
    """Refuse loopback / private targets in production (the gateway must not be an SSRF relay)."""
    if allow_private:
        return
    host = urlsplit(url).hostname or ""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(".localhost") or not url.startswith("https://"):
            raise ApiError(422, "url_invalid", "url") from None
        return
    if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved:
        raise ApiError(422, "url_invalid", "url")


@router.post("/webhooks", response_model=WebhookCreated, status_code=201, tags=["webhooks"],
             summary="Receive trip status changes at a URL")
def create_webhook(data: WebhookCreate, caller: CallerDep, session: SessionDep,
                   settings: SettingsDep) -> WebhookCreated:
    url = str(data.url)
    _check_target(url, allow_private=settings.webhook_allow_private_targets)
    with session.begin():
        endpoint, secret = webhooks.create_endpoint(session, carrier_id=caller.carrier_id,
                                                    url=url, description=data.description,
                                                    now=now())
        return WebhookCreated.model_validate({**WebhookRead.model_validate(endpoint).model_dump(),
                                              "secret": secret})


@router.get("/webhooks", response_model=list[WebhookRead], tags=["webhooks"])
def list_webhooks(caller: CallerDep, session: SessionDep) -> list[WebhookRead]:
    with session.begin():
        return [WebhookRead.model_validate(e)
                for e in webhooks.list_endpoints(session, carrier_id=caller.carrier_id)]


@router.delete("/webhooks/{webhook_id}", status_code=NO_CONTENT, tags=["webhooks"])
def delete_webhook(webhook_id: str, caller: CallerDep, session: SessionDep) -> Response:
    with session.begin():
        webhooks.delete_endpoint(session, carrier_id=caller.carrier_id, endpoint_id=webhook_id)
    return Response(status_code=NO_CONTENT)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryRead],
            tags=["webhooks"], summary="Delivery log of an endpoint (newest first)")
def list_deliveries(webhook_id: str, caller: CallerDep, session: SessionDep,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[DeliveryRead]:
    with session.begin():
        return [DeliveryRead.model_validate(d) for d in webhooks.list_deliveries(
            session, carrier_id=caller.carrier_id, endpoint_id=webhook_id, limit=limit)]


