"""``dondoc run`` as an operator starts it: a subprocess of ``.venv/bin/dondoc`` talking to the
local fake Zalo and Telegram servers, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import httpx
import pytest

from dondoc.bot.telegram_channel import SECRET_HEADER as TELEGRAM_HEADER
from dondoc.bot.telegram_channel import TelegramChannel
from dondoc.bot.zalo.channel import SECRET_HEADER as ZALO_HEADER
from dondoc.bot.zalo.channel import ZaloChannel
from dondoc.locales import _
from dondoc.storage.db import make_engine, migrate
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo
from tests.waiting import wait_for

DONDOC = str(Path(sys.executable).with_name("dondoc"))
ZALO_PATH, TELEGRAM_PATH = ZaloChannel.webhook_path, TelegramChannel.webhook_path


class Bot:
    """A running ``dondoc run`` subprocess; its output is collected as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [
            asyncio.ensure_future(self._read(process.stdout, self.out)),
            asyncio.ensure_future(self._read(process.stderr, self.err)),
        ]

    @staticmethod
    async def _read(stream: asyncio.StreamReader | None, into: list[str]) -> None:
        assert stream is not None
        async for line in stream:
            into.append(line.decode("utf-8", "replace"))

    @property
    def output(self) -> str:
        return "".join(self.out) + "".join(self.err)

    async def wait_output(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        end = asyncio.get_running_loop().time() + timeout
        while True:
            found = re.search(pattern, self.output)
            if found:
                return found
            if self.process.returncode is not None or asyncio.get_running_loop().time() > end:
                raise AssertionError(f"{pattern!r} not seen; output:\n{self.output}")
            await asyncio.sleep(0.05)

    async def terminate(self, timeout: float = 30.0) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), timeout)
        await asyncio.gather(*self._readers)
        return code


async def start_bot(tmp_path: Path, *args: str, **env: str) -> Bot:
    data = tmp_path / "data"
    engine = make_engine(f"sqlite:///{data / 'dondoc.db'}")
    await migrate(engine)
    await engine.dispose()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")},
        "DONDOC_DATA_DIR": str(data),
        "DONDOC_LOCALE": "vi",
        "DONDOC_POLL_TIMEOUT": "1",
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        DONDOC,
        "run",
        *args,
        env=environment,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return Bot(process)


def test_without_token_says_how_to_get_one(dondoc):
    result = dondoc("run")
    assert result.exit_code == 2
    assert "DONDOC_ZALO_BOT_TOKEN" in result.output and "@BotFather" in result.output
    assert "dondoc console" in result.output


async def test_polling_both_channels_then_sigterm_loses_nothing(tmp_path):
    async with FakeZalo(poll_cap=0.3) as zalo, FakeTelegram() as telegram:
        bot = await start_bot(  # with the reminder ticks (APScheduler) running too
            tmp_path,
            DONDOC_ZALO_BOT_TOKEN=zalo.token,
            DONDOC_ZALO_BASE_URL=zalo.base_url,
            DONDOC_TELEGRAM_BOT_TOKEN=telegram.token,
            DONDOC_TELEGRAM_BASE_URL=telegram.base_url,
            DONDOC_WEB_PORT="0",
        )
        await bot.wait_output("dondoc đang chạy: Zalo, Telegram")
        # polling mode: the web desk on its own port, answering (a sign-in page, no session)
        desk = (await bot.wait_output(r"Bàn làm việc trên web: (http://[\d.]+:\d+)")).group(1)
        async with httpx.AsyncClient(base_url=desk) as http:
            assert (await http.get("/")).status_code == 401
        zalo.push_text("z1", "xin chào")
        telegram.push_text("101", "xin chào")
        await wait_for(lambda: zalo.texts("z1") and telegram.texts("101"))
        assert telegram.commands["vi"] and telegram.commands["en"]

        for i in range(5):  # a burst just before the stop
            zalo.push_text(f"z{i + 2}", "xong")
            telegram.push_text(f"{i + 200}", "xong")
        await asyncio.sleep(0.3)
        assert await bot.terminate() == 0
        assert "dondoc đã dừng" in bot.output

        # every update the bot took from a platform was answered before it exited
        taken_zalo = [c for c in zalo.calls_of("getUpdates")]
        answered_zalo = {m["chat_id"] for m in zalo.sent()}
        assert len(answered_zalo) == 1 + 5 - zalo.pending_updates
        answered_tg = {m["chat_id"] for m in telegram.sent()}
        assert len(answered_tg) == 1 + 5 - telegram.pending_updates
        assert taken_zalo
        assert zalo.token not in bot.output and telegram.token not in bot.output
        assert telegram.token.split(":")[1] not in bot.output


async def test_rejected_token_stops_that_channel_only(tmp_path):
    async with FakeZalo() as zalo, FakeTelegram() as telegram:
        bot = await start_bot(
            tmp_path,
            "--no-ticks",
            DONDOC_ZALO_BOT_TOKEN="999:revoked-zalo-token",
            DONDOC_ZALO_BASE_URL=zalo.base_url,
            DONDOC_TELEGRAM_BOT_TOKEN=telegram.token,
            DONDOC_TELEGRAM_BASE_URL=telegram.base_url,
        )
        await bot.wait_output("dondoc đang chạy: Telegram")
        telegram.push_text("101", "xin chào")
        await wait_for(lambda: telegram.texts("101"))
        assert await bot.terminate() == 0
        assert "Zalo từ chối mã bot" in bot.output
        assert "revoked-zalo-token" not in bot.output


async def test_every_token_rejected_exits_1(tmp_path):
    async with FakeZalo() as zalo:
        bot = await start_bot(
            tmp_path,
            "--no-ticks",
            DONDOC_ZALO_BOT_TOKEN="999:revoked-zalo-token",
            DONDOC_ZALO_BASE_URL=zalo.base_url,
        )
        assert await asyncio.wait_for(bot.process.wait(), 20) == 1
        await asyncio.gather(*bot._readers)
        assert _("channels.run.no_channel_left", "vi") in bot.output
        assert "revoked-zalo-token" not in bot.output


async def test_webhook_mode_with_secrets(tmp_path):
    async with FakeZalo() as zalo, FakeTelegram() as telegram:
        bot = await start_bot(
            tmp_path,
            "--no-ticks",
            "--webhook",
            "--port",
            "0",
            DONDOC_ZALO_BOT_TOKEN=zalo.token,
            DONDOC_ZALO_BASE_URL=zalo.base_url,
            DONDOC_TELEGRAM_BOT_TOKEN=telegram.token,
            DONDOC_TELEGRAM_BASE_URL=telegram.base_url,
            DONDOC_ZALO_WEBHOOK_SECRET="zalo_secret_value",
            DONDOC_TELEGRAM_WEBHOOK_SECRET="tg_secret_value",
        )
        address = (await bot.wait_output(r"webhook tại (http://[\d.]+:\d+)")).group(1)
        async with httpx.AsyncClient(base_url=address) as http:
            assert (await http.get("/healthz")).json()["channels"] == ["zalo", "telegram"]
            desk = await http.get("/bang")  # the web desk on the same server
            assert desk.status_code == 401 and "/web" in desk.text
            update = zalo.update("message.text.received", "z9", text="xin chào")
            refused = await http.post(ZALO_PATH, json=update, headers={ZALO_HEADER: "wrong"})
            assert refused.status_code == 403
            ok = await http.post(ZALO_PATH, json=update, headers={ZALO_HEADER: "zalo_secret_value"})
            assert ok.status_code == 200
            tg = {"update_id": 5, "message": telegram.message("303", text="xin chào")}
            refused = await http.post(TELEGRAM_PATH, json=tg)
            assert refused.status_code == 403
            ok = await http.post(
                TELEGRAM_PATH, json=tg, headers={TELEGRAM_HEADER: "tg_secret_value"}
            )
            assert ok.status_code == 200
        await wait_for(lambda: zalo.texts("z9") and telegram.texts("303"))
        assert await bot.terminate() == 0
        assert "zalo_secret_value" not in bot.output and "tg_secret_value" not in bot.output
        assert not telegram.calls_of("getUpdates")
        assert "zalo: webhook registered at '(none)'" in bot.output
        assert zalo.calls_of("getWebhookInfo") and telegram.calls_of("getWebhookInfo")


def test_webhook_without_secret_or_public_url_refuses_to_start(tmp_path):
    from tests.conftest import Cli

    run = Cli(tmp_path / "data", {"DONDOC_TELEGRAM_BOT_TOKEN": "1:abcdefgh"})
    result = run("run", "--webhook")
    assert result.exit_code == 2 and "DONDOC_TELEGRAM_WEBHOOK_SECRET" in result.output
    bad = Cli(
        tmp_path / "data",
        {"DONDOC_TELEGRAM_BOT_TOKEN": "1:abcdefgh", "DONDOC_TELEGRAM_WEBHOOK_SECRET": "a b"},
    )
    result = bad("run", "--webhook")
    assert result.exit_code == 2 and "không hợp lệ" in result.output
    assert "abcdefgh" not in result.output


@pytest.mark.parametrize("public", ["https://dondoc.example.vn/"])
async def test_public_url_registers_webhooks_with_generated_secrets(tmp_path, public):
    async with FakeZalo() as zalo, FakeTelegram() as telegram:
        bot = await start_bot(
            tmp_path,
            "--no-ticks",
            "--port",
            "0",
            "--public-url",
            public,
            DONDOC_ZALO_BOT_TOKEN=zalo.token,
            DONDOC_ZALO_BASE_URL=zalo.base_url,
            DONDOC_TELEGRAM_BOT_TOKEN=telegram.token,
            DONDOC_TELEGRAM_BASE_URL=telegram.base_url,
        )
        await bot.wait_output("webhook tại")
        await wait_for(lambda: zalo.webhook and telegram.webhook)
        assert await bot.terminate() == 0
        assert zalo.webhook["url"] == "https://dondoc.example.vn/zalo/webhook"
        assert telegram.webhook["url"] == "https://dondoc.example.vn/telegram/webhook"
        assert len(zalo.webhook["secret_token"]) >= 32
        assert telegram.webhook["secret_token"] != zalo.webhook["secret_token"]
        assert zalo.webhook["secret_token"] not in bot.output


@pytest.mark.parametrize("dead", ["zalo", "telegram"])
async def test_a_platform_that_does_not_answer_does_not_stop_the_other(tmp_path, dead):
    async with FakeZalo(poll_cap=0.3) as zalo, FakeTelegram() as telegram:
        nowhere = "http://127.0.0.1:9"  # nothing listens there
        bot = await start_bot(
            tmp_path,
            "--no-ticks",
            DONDOC_ZALO_BOT_TOKEN=zalo.token,
            DONDOC_ZALO_BASE_URL=nowhere if dead == "zalo" else zalo.base_url,
            DONDOC_TELEGRAM_BOT_TOKEN=telegram.token,
            DONDOC_TELEGRAM_BASE_URL=nowhere if dead == "telegram" else telegram.base_url,
        )
        await bot.wait_output("dondoc đang chạy: Zalo, Telegram")
        assert f"Không kết nối được {dead.capitalize()} tại {nowhere}" in bot.output
        if dead == "zalo":
            telegram.push_text("101", "xin chào")
            await wait_for(lambda: telegram.texts("101"))
        else:
            zalo.push_text("z1", "xin chào")
            await wait_for(lambda: zalo.texts("z1"))
        assert await bot.terminate() == 0
        assert zalo.token not in bot.output and telegram.token not in bot.output


async def test_webhook_port_in_use_is_a_clear_error(tmp_path, engine, clock):
    import socket

    from dondoc.bot.runner import Runner
    from dondoc.bot.settings import Settings
    from dondoc.storage.errors import UserError

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    async with FakeZalo() as zalo:
        settings = Settings(
            data_dir=tmp_path,
            zalo_bot_token=zalo.token,
            zalo_base_url=zalo.base_url,
            webhook=True,
            webhook_port=taken.getsockname()[1],
            zalo_webhook_secret="zalo_secret_value",
        )
        said: list[str] = []

        async def nothing(message):
            return []

        runner = Runner(settings, engine, clock, say=said.append, handle=nothing, ticks=False)
        with pytest.raises(UserError) as info:
            await runner.run(asyncio.Event())
        assert info.value.key == "channels.webhook_port_busy"
        message = _(info.value.key, "vi", **info.value.values)
        assert f"127.0.0.1:{taken.getsockname()[1]}" in message
    taken.close()


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://dondoc.example.vn", "channels.webhook_url_not_https"),
        ("https://127.0.0.1:8443", "channels.webhook_url_private"),
        ("https://10.1.2.3/", "channels.webhook_url_private"),
        ("https://localhost/", "channels.webhook_url_private"),
    ],
)
def test_a_webhook_url_the_platforms_cannot_reach_is_refused(tmp_path, url, key):
    """Telegram and Zalo post only to public HTTPS addresses: refused with a clear message and
    exit 2 (nothing started), unless the operator allows it for a local test."""
    from tests.conftest import Cli

    run = Cli(tmp_path / "data", {"DONDOC_TELEGRAM_BOT_TOKEN": "1:abcdefgh"})
    result = run("run", "--public-url", url)
    assert result.exit_code == 2
    assert (
        _(key, "vi", url=url, host=url.split("//")[1].split(":")[0].split("/")[0]) in result.output
    )


async def test_an_insecure_webhook_url_can_be_allowed_for_a_local_test(tmp_path):
    async with FakeTelegram() as telegram:
        bot = await start_bot(
            tmp_path,
            "--no-ticks",
            "--port",
            "0",
            "--public-url",
            "http://127.0.0.1:9999",
            "--allow-insecure-url",
            DONDOC_TELEGRAM_BOT_TOKEN=telegram.token,
            DONDOC_TELEGRAM_BASE_URL=telegram.base_url,
        )
        await bot.wait_output("webhook tại")
        await wait_for(lambda: telegram.webhook)
        assert await bot.terminate() == 0
        assert telegram.webhook["url"] == "http://127.0.0.1:9999/telegram/webhook"
