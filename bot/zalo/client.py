"""A small asyncio client for the Zalo Bot API: ``POST <base>/bot<TOKEN>/<method>`` with JSON.

Every answer is the envelope ``{ok, result, error_code, description}``; an HTTP 200 with
``ok: false`` is an error too. Errors become ``ZaloApiError`` (the platform said no) or
``ZaloUnreachable`` (network, timeout, not JSON); ``failure_kind`` maps both to the four
kinds of DESIGN.md. The token is never part of an exception text or a log line.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from pydantic import SecretStr

from dondoc.scheduler.messaging import FailureKind

log = logging.getLogger("dondoc.zalo")

EMPTY_POLL = 408  # getUpdates: nothing arrived within the timeout
DEFAULT_RETRY_AFTER = 60.0


class ZaloError(Exception):
    """Base of the Zalo client's errors."""


class ZaloApiError(ZaloError):
    """The API answered with ``ok: false`` or an HTTP error status."""

    def __init__(
        self,
        method: str,
        code: int,
        description: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"Zalo {method}: error {code} {description}".strip())
        self.method = method
        self.code = code
        self.description = description
        self.retry_after = retry_after


class ZaloUnreachable(ZaloError):
    """The API did not answer usefully (connection refused, timeout, 5xx page, not JSON)."""

    def __init__(self, method: str, reason: str) -> None:
        super().__init__(f"Zalo {method}: {reason}")
        self.method = method
        self.reason = reason


def failure_kind(error: ZaloError) -> FailureKind:
    """Which of the four delivery failures an error is."""
    if isinstance(error, ZaloUnreachable):
        return FailureKind.TRANSIENT
    assert isinstance(error, ZaloApiError)
    if error.code == 429:
        return FailureKind.RETRY_AFTER
    if error.code in (403, 404):
        return FailureKind.UNREACHABLE
    if error.code >= 500 or error.code == EMPTY_POLL:
        return FailureKind.TRANSIENT
    return FailureKind.PERMANENT


def _retry_after(response: httpx.Response, body: dict[str, Any]) -> float | None:
    parameters = body.get("parameters")
    if isinstance(parameters, dict) and isinstance(parameters.get("retry_after"), int | float):
        return float(parameters["retry_after"])
    header = response.headers.get("Retry-After")
    if header:
        try:
            return max(0.0, float(header))
        except ValueError:
            return DEFAULT_RETRY_AFTER
    return None


class ZaloClient:
    """The methods dondoc uses; ``call`` reaches any other."""

    def __init__(
        self,
        token: SecretStr | str,
        base_url: str = "https://bot-api.zaloplatforms.com",
        timeout: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        secret = token.get_secret_value() if isinstance(token, SecretStr) else token
        if not secret:
            raise ValueError("empty Zalo token")
        self._prefix = f"{base_url.rstrip('/')}/bot{secret}/"
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def call(
        self, method: str, payload: dict[str, Any] | None = None, timeout: float | None = None
    ) -> Any:
        """POST ``payload`` to ``method``; the envelope's ``result`` or an exception."""
        try:
            response = await self._http.post(
                self._prefix + method,
                json=payload or {},
                timeout=timeout if timeout is not None else self.timeout,
            )
        except httpx.TimeoutException:
            raise ZaloUnreachable(method, "timeout") from None
        except httpx.HTTPError as exc:
            # str(exc) of a connection error does not contain the URL; the type name is enough
            raise ZaloUnreachable(method, type(exc).__name__) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or "ok" not in body:
            if response.status_code >= 400:
                retry = _retry_after(response, {})
                raise ZaloApiError(method, response.status_code, "", retry)
            raise ZaloUnreachable(method, f"HTTP {response.status_code}, not a Zalo answer")
        if body.get("ok") is True and response.status_code < 400:
            return body.get("result")
        code = body.get("error_code")
        if not isinstance(code, int):
            code = response.status_code if response.status_code >= 400 else 400
        description = str(body.get("description") or "")[:300]
        raise ZaloApiError(method, code, description, _retry_after(response, body))

    async def get_me(self) -> dict[str, Any]:
        return await self.call("getMe")

    async def get_updates(self, timeout: int = 30) -> dict[str, Any] | None:
        """One update, or None when the long poll ended empty (error 408)."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, timeout=timeout + 10.0
            )
        except ZaloApiError as exc:
            if exc.code == EMPTY_POLL:
                return None
            raise
        return result if isinstance(result, dict) and result else None

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> dict[str, Any]:
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return await self.call("sendPhoto", payload)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> Any:
        return await self.call("getWebhookInfo")
