"""A fake Zalo Bot API on 127.0.0.1 for tests: the methods dondoc uses, with recording and
failure injection.

``FakeZalo`` serves ``/bot<TOKEN>/<method>`` (POST JSON) with the Zalo envelope. Tests queue
updates (``push_text``, ``push_image``, ``push_sticker``), read what the bot sent
(``sent``), and inject failures (``fail_next``: 429 with retry-after, 5xx, any error code;
``delay_next``: a slow answer for timeouts; ``blocked``: chats that blocked the bot).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Injected:
    status: int
    body: dict[str, Any] | str | None
    headers: dict[str, str]
    count: int


@dataclass
class Call:
    method: str
    payload: dict[str, Any]
    at: float


@dataclass
class FakeZalo:
    token: str = "12345:zalo-secret-token"
    poll_cap: float = 0.5  # a long poll of the fake lasts at most this long
    blocked: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    _updates: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    _fail: dict[str, list[Injected]] = field(default_factory=dict)
    _delay: dict[str, list[float]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    base_url: str = ""

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeZalo:
        app = web.Application()
        app.router.add_post("/{bot}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def __aenter__(self) -> FakeZalo:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- what tests use ----------------------------------------------------------------------

    def update(self, event_name: str, chat: str, **message: Any) -> dict[str, Any]:
        message_id = message.pop("message_id", None) or f"m{next(self._ids)}"
        return {
            "event_name": event_name,
            "message": {
                "message_id": message_id,
                "from": {"id": chat, "display_name": message.pop("name", f"User {chat}")},
                "chat": {"id": chat, "chat_type": "PRIVATE"},
                "date": int(time.time() * 1000),
                **message,
            },
        }

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        self._updates.put_nowait(update)
        return update

    def push_text(self, chat: str, text: str, **extra: Any) -> dict[str, Any]:
        return self.push(self.update("message.text.received", chat, text=text, **extra))

    def push_image(self, chat: str, url: str, caption: str = "") -> dict[str, Any]:
        return self.push(
            self.update("message.image.received", chat, photo_url=url, caption=caption)
        )

    def push_sticker(self, chat: str) -> dict[str, Any]:
        return self.push(self.update("message.sticker.received", chat, sticker="abc123"))

    @property
    def pending_updates(self) -> int:
        return self._updates.qsize()

    def fail_next(
        self,
        method: str,
        status: int = 500,
        error_code: int | None = None,
        description: str = "",
        retry_after: float | None = None,
        count: int = 1,
        raw: str | None = None,
    ) -> None:
        """The next ``count`` calls of ``method`` fail: an envelope with ``error_code`` (HTTP
        ``status``; 200 gives "ok=false on HTTP 200"), or ``raw`` text (an HTML error page)."""
        headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else {}
        body: dict[str, Any] | str
        if raw is not None:
            body = raw
        else:
            body = {
                "ok": False,
                "error_code": error_code or status,
                "description": description or "Injected failure",
            }
        self._fail.setdefault(method, []).append(Injected(status, body, headers, count))

    def delay_next(self, method: str, seconds: float) -> None:
        self._delay.setdefault(method, []).append(seconds)

    def sent(self, chat: str | None = None) -> list[dict[str, Any]]:
        """What the bot delivered (sendMessage / sendPhoto that succeeded), in order."""
        return [
            {"method": c.method, **c.payload}
            for c in self.calls
            if c.method in ("sendMessage", "sendPhoto")
            and c.payload.get("_delivered")
            and (chat is None or str(c.payload.get("chat_id")) == chat)
        ]

    def texts(self, chat: str | None = None) -> list[str]:
        return [m.get("text") or m.get("caption", "") for m in self.sent(chat)]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # --- the server --------------------------------------------------------------------------

    @staticmethod
    def _answer(result: Any = None, status: int = 200, **error: Any) -> web.Response:
        body = {"ok": True, "result": result} if not error else {"ok": False, **error}
        return web.json_response(body, status=status)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        try:
            payload = await request.json() if request.can_read_body else {}
        except json.JSONDecodeError:
            return self._answer(status=400, error_code=400, description="Bad JSON")
        call = Call(method, dict(payload or {}), time.monotonic())
        self.calls.append(call)
        if request.match_info["bot"] != f"bot{self.token}":
            return self._answer(status=401, error_code=401, description="Unauthorized")
        delays = self._delay.get(method)
        if delays:
            await asyncio.sleep(delays.pop(0))
        injected = self._fail.get(method)
        if injected:
            failure = injected[0]
            failure.count -= 1
            if failure.count <= 0:
                injected.pop(0)
            if isinstance(failure.body, str):
                return web.Response(text=failure.body, status=failure.status)
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._answer(status=404, error_code=404, description="Method not found")
        return await handler(call)

    async def _m_getMe(self, call: Call) -> web.Response:
        return self._answer({"id": "9999", "account_name": "bot.dondoc", "display_name": "Đôn đốc"})

    async def _m_getUpdates(self, call: Call) -> web.Response:
        if self.webhook.get("url"):
            return self._answer(
                status=409, error_code=409, description="Webhook is set; delete it first"
            )
        try:
            wait = min(float(call.payload.get("timeout", 30)), self.poll_cap)
        except ValueError:
            return self._answer(status=400, error_code=400, description="Bad timeout")
        try:
            update = await asyncio.wait_for(self._updates.get(), timeout=wait)
        except TimeoutError:
            return self._answer(error_code=408, description="Request timeout")
        return self._answer(update)

    def _check_chat(self, call: Call) -> web.Response | None:
        chat = str(call.payload.get("chat_id") or "")
        if not chat:
            return self._answer(status=400, error_code=400, description="chat_id is required")
        if chat in self.blocked:
            return self._answer(status=403, error_code=403, description="User blocked the bot")
        return None

    async def _m_sendMessage(self, call: Call) -> web.Response:
        refused = self._check_chat(call)
        if refused is not None:  # a Response is a mapping, falsy on older aiohttp
            return refused
        text = call.payload.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= 2000:
            return self._answer(
                status=400, error_code=400, description="text must be 1-2000 characters"
            )
        call.payload["_delivered"] = True
        return self._answer({"message_id": f"s{next(self._ids)}", "date": int(time.time())})

    async def _m_sendPhoto(self, call: Call) -> web.Response:
        refused = self._check_chat(call)
        if refused is not None:  # a Response is a mapping, falsy on older aiohttp
            return refused
        if not str(call.payload.get("photo", "")).startswith(("http://", "https://")):
            return self._answer(status=400, error_code=400, description="photo must be a URL")
        call.payload["_delivered"] = True
        return self._answer({"message_id": f"s{next(self._ids)}"})

    async def _m_sendChatAction(self, call: Call) -> web.Response:
        refused = self._check_chat(call)
        return refused or self._answer(True)

    async def _m_setWebhook(self, call: Call) -> web.Response:
        url, secret = call.payload.get("url"), call.payload.get("secret_token")
        if not url or not secret or not 8 <= len(str(secret)) <= 256:
            return self._answer(status=400, error_code=400, description="url and secret_token")
        self.webhook = {"url": url, "secret_token": secret}
        return self._answer({"url": url, "updated_at": int(time.time())})

    async def _m_deleteWebhook(self, call: Call) -> web.Response:
        self.webhook = {}
        return self._answer(True)

    async def _m_getWebhookInfo(self, call: Call) -> web.Response:
        return self._answer({"url": self.webhook.get("url", "")})
