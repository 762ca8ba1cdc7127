"""A fake Telegram Bot API on 127.0.0.1 for tests and the wave benchmark.

Serves ``/bot<TOKEN>/<method>`` as python-telegram-bot calls it (form-encoded or multipart
POST, JSON values inside) and ``/file/bot<TOKEN>/<path>`` for downloads. Tests queue
updates (``push_text``, ``push_callback``, ``push_document`` …), read what the bot sent
(``sent``), and inject failures: ``fail_next`` (429 with retry_after, 5xx, any error),
``delay_next`` (slow answers → timeouts), ``blocked`` (403 bot was blocked), ``missing``
(400 chat not found). ``max_per_second`` enforces Telegram's overall limit over a sliding
one-second window (answering 429 with ``retry_after`` beyond it) and counts the refusals.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

SEND_METHODS = {"sendMessage", "sendDocument", "sendPhoto"}


@dataclass
class Call:
    method: str
    payload: dict[str, Any]
    at: float
    delivered: bool = False


@dataclass
class Injected:
    status: int
    description: str
    retry_after: int | None
    count: int
    raw: str | None = None


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-telegram-token"
    poll_cap: float = 0.3
    max_per_second: int | None = None
    blocked: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    commands: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)
    too_many: int = 0
    base_url: str = ""
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _new: asyncio.Event = field(default_factory=asyncio.Event)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(500))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _fail: dict[str, list[Injected]] = field(default_factory=dict)
    _delay: dict[str, list[float]] = field(default_factory=dict)
    _window: collections.deque[float] = field(default_factory=collections.deque)

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_post("/{bot}/{method}", self._handle)
        app.router.add_get("/file/{bot}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- updates -----------------------------------------------------------------------------

    def _user(self, chat: str, name: str, language: str) -> dict[str, Any]:
        return {"id": int(chat), "is_bot": False, "first_name": name, "language_code": language}

    def message(self, chat: str, name: str = "", language: str = "vi", **fields: Any) -> dict:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(chat), "type": "private", "first_name": name or f"User {chat}"},
            "from": self._user(chat, name or f"User {chat}", language),
            **fields,
        }

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        self._new.set()
        return update

    def push_text(self, chat: str, text: str, **kw: Any) -> dict[str, Any]:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        fields: dict[str, Any] = {"text": text}
        if entities:
            fields["entities"] = entities
        return self.push({"message": self.message(chat, **kw, **fields)})

    def push_callback(self, chat: str, data: str, **kw: Any) -> dict[str, Any]:
        return self.push(
            {
                "callback_query": {
                    "id": f"cb{next(self._message_ids)}",
                    "from": self._user(chat, kw.get("name") or f"User {chat}", "vi"),
                    "chat_instance": f"ci{chat}",
                    "data": data,
                    "message": self.message(chat, text="(câu hỏi)"),
                }
            }
        )

    def add_file(self, file_id: str, name: str, content: bytes) -> None:
        self.files[file_id] = (name, content)

    def push_document(
        self, chat: str, file_id: str, name: str, size: int, caption: str = ""
    ) -> dict[str, Any]:
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": name,
            "file_size": size,
        }
        fields: dict[str, Any] = {"document": document}
        if caption:
            fields["caption"] = caption
        return self.push({"message": self.message(chat, **fields)})

    def push_photo(self, chat: str, file_id: str, caption: str = "") -> dict[str, Any]:
        sizes = [
            {"file_id": f"{file_id}-small", "file_unique_id": "s", "width": 90, "height": 90},
            {"file_id": file_id, "file_unique_id": "b", "width": 1280, "height": 960},
        ]
        fields: dict[str, Any] = {"photo": sizes}
        if caption:
            fields["caption"] = caption
        return self.push({"message": self.message(chat, **fields)})

    def push_sticker(self, chat: str) -> dict[str, Any]:
        sticker = {
            "file_id": "stk",
            "file_unique_id": "stku",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return self.push({"message": self.message(chat, sticker=sticker)})

    def push_block(self, chat: str, blocked: bool = True) -> dict[str, Any]:
        """The person blocks (or unblocks) the bot: a ``my_chat_member`` update."""
        bot = {"id": int(self.token.split(":")[0]), "is_bot": True, "first_name": "Đôn đốc"}
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        if blocked:
            self.blocked.add(chat)
        else:
            self.blocked.discard(chat)
        return self.push(
            {
                "my_chat_member": {
                    "chat": {"id": int(chat), "type": "private", "first_name": f"User {chat}"},
                    "from": self._user(chat, f"User {chat}", "vi"),
                    "date": int(time.time()),
                    "old_chat_member": {"status": old, "user": bot, "until_date": 0},
                    "new_chat_member": {"status": new, "user": bot, "until_date": 0},
                }
            }
        )

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    # --- failures ----------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        count: int = 1,
        raw: str | None = None,
    ) -> None:
        self._fail.setdefault(method, []).append(
            Injected(status, description, retry_after, count, raw)
        )

    def delay_next(self, method: str, seconds: float) -> None:
        self._delay.setdefault(method, []).append(seconds)

    # --- what the bot did --------------------------------------------------------------------

    def sent(self, chat: str | None = None) -> list[dict[str, Any]]:
        return [
            {"method": c.method, **c.payload}
            for c in self.calls
            if c.delivered and (chat is None or str(c.payload.get("chat_id")) == chat)
        ]

    def texts(self, chat: str | None = None) -> list[str]:
        return [m.get("text") or m.get("caption") or "" for m in self.sent(chat)]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # --- the server --------------------------------------------------------------------------

    @staticmethod
    def _ok(result: Any) -> web.Response:
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(status: int, description: str, **parameters: Any) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=status)

    async def _payload(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        payload: dict[str, Any] = {}
        for key, value in form.items():
            if hasattr(value, "file"):  # an uploaded file
                payload[key] = {"filename": value.filename, "size": len(value.file.read())}
                continue
            text = str(value)
            try:
                decoded = json.loads(text)
                payload[key] = decoded if isinstance(decoded, dict | list) else text
            except ValueError:
                payload[key] = text
        return payload

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        payload = await self._payload(request)
        call = Call(method, payload, time.monotonic())
        self.calls.append(call)
        if request.match_info["bot"] != f"bot{self.token}":
            return self._error(401, "Unauthorized")
        delays = self._delay.get(method)
        if delays:
            await asyncio.sleep(delays.pop(0))
        injected = self._fail.get(method)
        if injected:
            failure = injected[0]
            failure.count -= 1
            if failure.count <= 0:
                injected.pop(0)
            if failure.raw is not None:
                return web.Response(text=failure.raw, status=failure.status)
            extra = {"retry_after": failure.retry_after} if failure.retry_after else {}
            return self._error(failure.status, failure.description, **extra)
        if method in SEND_METHODS and self.max_per_second:
            now = time.monotonic()
            while self._window and now - self._window[0] >= 1.0:
                self._window.popleft()
            if len(self._window) >= self.max_per_second:
                self.too_many += 1
                wait = max(1, int(1.0 - (now - self._window[0])) + 1)
                return self._error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
            self._window.append(now)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        return await handler(call)

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["bot"] != f"bot{self.token}":
            return web.Response(status=401)
        for name, content in self.files.values():
            if request.match_info["path"] == f"documents/{name}":
                return web.Response(body=content)
        return web.Response(status=404)

    async def _m_getMe(self, call: Call) -> web.Response:
        return self._ok(
            {
                "id": int(self.token.split(":")[0]),
                "is_bot": True,
                "first_name": "Đôn đốc",
                "username": "dondoc_test_bot",
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        )

    async def _m_getUpdates(self, call: Call) -> web.Response:
        if self.webhook.get("url"):
            return self._error(409, "Conflict: can't use getUpdates while webhook is active")
        offset = int(call.payload.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new.clear()
            wait = min(float(call.payload.get("timeout") or 0), self.poll_cap)
            try:
                await asyncio.wait_for(self._new.wait(), timeout=wait)
            except TimeoutError:
                pass
        limit = int(call.payload.get("limit") or 100)
        return self._ok(self._updates[:limit])

    async def _m_deleteWebhook(self, call: Call) -> web.Response:
        if str(call.payload.get("drop_pending_updates")).lower() == "true":
            self._updates.clear()
        self.webhook = {}
        return self._ok(True)

    async def _m_setWebhook(self, call: Call) -> web.Response:
        self.webhook = {"url": call.payload.get("url"), **call.payload}
        return self._ok(True)

    async def _m_getWebhookInfo(self, call: Call) -> web.Response:
        url = self.webhook.get("url") or ""
        return self._ok({"url": url, "has_custom_certificate": False, "pending_update_count": 0})

    async def _m_setMyCommands(self, call: Call) -> web.Response:
        self.commands[str(call.payload.get("language_code") or "")] = call.payload["commands"]
        return self._ok(True)

    async def _m_answerCallbackQuery(self, call: Call) -> web.Response:
        return self._ok(True)

    async def _m_sendChatAction(self, call: Call) -> web.Response:
        return self._ok(True)

    def _refuse(self, call: Call) -> web.Response | None:
        chat = str(call.payload.get("chat_id") or "")
        if chat in self.blocked:
            return self._error(403, "Forbidden: bot was blocked by the user")
        if chat in self.missing or not chat:
            return self._error(400, "Bad Request: chat not found")
        return None

    def _sent_message(self, call: Call, **fields: Any) -> web.Response:
        call.delivered = True
        chat = int(call.payload["chat_id"])
        return self._ok(
            {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private"},
                **fields,
            }
        )

    async def _m_sendMessage(self, call: Call) -> web.Response:
        refused = self._refuse(call)
        if refused is not None:  # a Response is a mapping, falsy on older aiohttp
            return refused
        text = str(call.payload.get("text") or "")
        if not text.strip():
            return self._error(400, "Bad Request: message text is empty")
        if len(text.encode("utf-16-le")) // 2 > 4096:
            return self._error(400, "Bad Request: message is too long")
        markup = call.payload.get("reply_markup")
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if len(str(button.get("callback_data", "")).encode()) > 64:
                        return self._error(400, "Bad Request: BUTTON_DATA_INVALID")
        return self._sent_message(call, text=text)

    async def _m_sendDocument(self, call: Call) -> web.Response:
        refused = self._refuse(call)
        if refused is not None:  # a Response is a mapping, falsy on older aiohttp
            return refused
        if len(str(call.payload.get("caption") or "")) > 1024:
            return self._error(400, "Bad Request: message caption is too long")
        return self._sent_message(call, document={"file_id": "sent", "file_unique_id": "x"})

    async def _m_sendPhoto(self, call: Call) -> web.Response:
        refused = self._refuse(call)
        if refused is not None:  # a Response is a mapping, falsy on older aiohttp
            return refused
        size = {"file_id": "sentp", "file_unique_id": "y", "width": 1, "height": 1}
        return self._sent_message(call, photo=[size])

    async def _m_getFile(self, call: Call) -> web.Response:
        file_id = str(call.payload.get("file_id"))
        if file_id not in self.files:
            return self._error(400, "Bad Request: invalid file_id")
        name, content = self.files[file_id]
        if len(content) > 20 * 1024 * 1024:
            return self._error(400, "Bad Request: file is too big")
        return self._ok(
            {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_size": len(content),
                "file_path": f"documents/{name}",
            }
        )
