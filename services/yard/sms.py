"""Driver SMS: the adapter interface and a real HTTP SMS-gateway adapter.

Why an interface: Vietnamese carriers reach drivers through brand-name SMS
providers, each with its own HTTP API; the yard only needs ``send(to, text)``.
:class:`HttpSmsGateway` speaks the common shape (JSON POST with a bearer token,
2xx = accepted); another provider is another small class. Messages are queued in
``yard_notifications`` and sent outside any transaction, with retries.
"""

from __future__ import annotations

from typing import Protocol

import httpx


class SmsError(RuntimeError):
    """The provider refused the message or could not be reached (retried later)."""


class SmsSender(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class HttpSmsGateway:
    """POST ``{"to", "from", "text"}`` to ``url`` with ``Authorization: Bearer <token>``."""

    def __init__(self, *, url: str, token: str = "", sender: str = "SMARTGATE",
                 timeout: float = 5.0, client: httpx.Client | None = None) -> None:
        self.url, self.token, self.sender = url, token, sender
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=False)

    def send(self, *, to: str, text: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = self._client.post(self.url, json={"to": to, "from": self.sender,
                                                         "text": text}, headers=headers)
        except httpx.HTTPError as exc:
            raise SmsError(f"{type(exc).__name__}: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise SmsError(f"HTTP {response.status_code}: {response.text[:200]}")

    def close(self) -> None:
        self._client.close()
