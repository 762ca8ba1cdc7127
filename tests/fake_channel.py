"""A test-only messenger: a local aiohttp server on 127.0.0.1 and an httpx ``Channel`` for it.

The server records every delivered message and can be told how to answer a chat: ``ok``,
``429:<seconds>`` (retry after), ``500`` (server error), ``timeout`` (no answer in time),
``blocked`` (403 "bot was blocked by the user"), ``400`` (bad request). It can also enforce a
rate limit (at most N messages in any one-second window, 429 beyond it), like Telegram.
The channel maps answers to ``FailureKind`` the way real adapters do.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from typing import Any

import httpx
from aiohttp import web

from dondoc.scheduler.messaging import FailureKind, OutgoingMessage, SendOutcome


class FakeServer:
    def __init__(self, rate_limit: int | None = None, timeout_delay: float = 2.0) -> None:
        self.rate_limit = rate_limit
        self.timeout_delay = timeout_delay
        self.script: dict[str, list[str]] = defaultdict(list)
        self.delivered: list[tuple[str, str, float]] = []  # chat, text, monotonic time
        self.rejected_429 = 0
        self.requests = 0
        self._window: deque[float] = deque()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def answer(self, chat_id: str, *answers: str) -> None:
        self.script[chat_id].extend(answers)

    async def _send(self, request: web.Request) -> web.Response:
        data: dict[str, Any] = await request.json()
        self.requests += 1
        chat = str(data["chat_id"])
        now = time.monotonic()
        if self.rate_limit is not None:
            while self._window and self._window[0] <= now - 1.0:
                self._window.popleft()
            if len(self._window) >= self.rate_limit:
                self.rejected_429 += 1
                return web.json_response(
                    {"ok": False, "error_code": 429, "parameters": {"retry_after": 1}},
                    status=429,
                )
            self._window.append(now)
        answer = self.script[chat].pop(0) if self.script.get(chat) else "ok"
        if answer.startswith("429"):
            seconds = int(answer.split(":")[1]) if ":" in answer else 1
            return web.json_response(
                {"ok": False, "error_code": 429, "parameters": {"retry_after": seconds}},
                status=429,
            )
        if answer == "500":
            return web.json_response({"ok": False, "description": "Bad Gateway"}, status=502)
        if answer == "timeout":
            await asyncio.sleep(self.timeout_delay)
            return web.json_response({"ok": False}, status=504)
        if answer == "blocked":
            return web.json_response(
                {"ok": False, "description": "Forbidden: bot was blocked by the user"}, status=403
            )
        if answer == "400":
            return web.json_response({"ok": False, "description": "Bad Request"}, status=400)
        self.delivered.append((chat, data["text"], now))
        return web.json_response({"ok": True, "result": {"message_id": len(self.delivered)}})

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_post("/send", self._send)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


class HttpChannel:
    """A ``Channel`` that POSTs to the fake server."""

    def __init__(self, base_url: str, name: str = "telegram", timeout: float = 0.5) -> None:
        self.name = name
        self.client = httpx.AsyncClient(base_url=base_url, timeout=timeout)

    async def send(self, chat_id: str, message: OutgoingMessage) -> SendOutcome:
        try:
            response = await self.client.post(
                "/send", json={"chat_id": chat_id, "text": message.numbered_text()}
            )
        except httpx.TimeoutException as exc:
            return SendOutcome.failed(FailureKind.TRANSIENT, f"timeout: {exc}")
        except httpx.HTTPError as exc:
            return SendOutcome.failed(FailureKind.TRANSIENT, f"network: {exc}")
        body = response.json()
        if response.status_code == 200:
            return SendOutcome.sent(str(body["result"]["message_id"]))
        if response.status_code == 429:
            retry = float(body.get("parameters", {}).get("retry_after", 1))
            return SendOutcome.failed(FailureKind.RETRY_AFTER, "429 Too Many Requests", retry)
        if response.status_code == 403:
            return SendOutcome.failed(FailureKind.UNREACHABLE, body.get("description", "403"))
        if response.status_code >= 500:
            return SendOutcome.failed(FailureKind.TRANSIENT, f"HTTP {response.status_code}")
        return SendOutcome.failed(FailureKind.PERMANENT, body.get("description", "bad request"))

    async def close(self) -> None:
        await self.client.aclose()
