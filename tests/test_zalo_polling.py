"""Zalo long polling through the fake API: messages reach the core once, stickers get a
polite answer, a bad token stops the channel, a dead server is retried."""

from __future__ import annotations

import asyncio

import pytest

from dondoc.bot.inbox import Inbox
from dondoc.bot.zalo.channel import ZaloChannel, ZaloTokenRejected
from dondoc.bot.zalo.client import ZaloClient
from dondoc.locales import _
from dondoc.scheduler.messaging import IncomingMessage, OutgoingMessage
from tests.fakes.zalo_api import FakeZalo
from tests.waiting import Recorder, wait_for


@pytest.fixture
async def fake():
    async with FakeZalo(poll_cap=0.2) as server:
        yield server


async def test_polling_messages_dedupe_sticker_image(fake, engine, clock):
    recorder = Recorder()
    inbox = Inbox(engine, clock, recorder)
    channel = ZaloChannel(ZaloClient(fake.token, fake.base_url), inbox, rate_limit=1000)
    assert (await channel.check_token())["account_name"] == "bot.dondoc"
    task = asyncio.create_task(channel.poll())

    first = fake.push_text("u1", "đang làm 50%")
    fake.push(first)  # Zalo delivers the same message twice
    fake.push_sticker("u1")
    fake.push_image("u2", "https://f.zalo.me/anh.jpg", caption="biên bản")
    fake.push({"event_name": "user.follow", "follower": {"id": "u3"}})
    fake.push({"event_name": "message.text.received", "message": {"text": "no ids"}})
    fake.push_text("u1", "xong")
    await wait_for(lambda: len(fake.texts()) >= 4 and fake.pending_updates == 0)
    channel.stop()
    await asyncio.wait_for(task, 3)
    await channel.client.aclose()

    assert [m.text for m in recorder.seen] == ["đang làm 50%", "biên bản", "xong"]
    image = recorder.seen[1]
    assert image.attachment and image.attachment.ref == "https://f.zalo.me/anh.jpg"
    assert recorder.seen[0].display_name == "User u1" and recorder.seen[0].channel == "zalo"
    assert fake.texts("u1") == [
        "Đã nhận: đang làm 50%",
        _("channels.unsupported", "vi"),
        "Đã nhận: xong",
    ]


async def test_core_failure_gets_an_apology_and_polling_goes_on(fake, engine, clock):
    async def broken(message: IncomingMessage) -> list[OutgoingMessage]:
        if message.text == "boom":
            raise RuntimeError("bug")
        return [OutgoingMessage("ok")]

    channel = ZaloChannel(
        ZaloClient(fake.token, fake.base_url), Inbox(engine, clock, broken), rate_limit=1000
    )
    task = asyncio.create_task(channel.poll())
    fake.push_text("u1", "boom")
    fake.push_text("u1", "tiếp")
    await wait_for(lambda: len(fake.texts("u1")) == 2)
    channel.stop()
    await asyncio.wait_for(task, 3)
    await channel.client.aclose()
    assert fake.texts("u1") == [_("channels.error", "vi"), "ok"]


async def test_bad_token_stops_polling(fake, engine, clock):
    channel = ZaloChannel(
        ZaloClient("bad:token", fake.base_url), Inbox(engine, clock, Recorder()), rate_limit=10
    )
    with pytest.raises(ZaloTokenRejected):
        await channel.check_token()
    with pytest.raises(ZaloTokenRejected):
        await asyncio.wait_for(channel.poll(), 3)
    await channel.client.aclose()


async def test_server_errors_are_retried(fake, engine, clock):
    recorder = Recorder()
    channel = ZaloChannel(
        ZaloClient(fake.token, fake.base_url, timeout=1.0),
        Inbox(engine, clock, recorder),
        rate_limit=1000,
    )
    fake.fail_next("getUpdates", status=503, raw="Service Unavailable")
    fake.push_text("u1", "xong")
    task = asyncio.create_task(channel.poll())
    await wait_for(lambda: recorder.seen, timeout=6)
    channel.stop()
    await asyncio.wait_for(task, 3)
    await channel.client.aclose()
    assert len(fake.calls_of("getUpdates")) >= 2 and recorder.seen[0].text == "xong"


async def test_reply_retried_once_after_short_retry_after(fake, engine, clock):
    recorder = Recorder()
    channel = ZaloChannel(
        ZaloClient(fake.token, fake.base_url), Inbox(engine, clock, recorder), rate_limit=1000
    )
    fake.fail_next("sendMessage", status=429, description="quota", retry_after=1)
    task = asyncio.create_task(channel.poll())
    fake.push_text("u1", "xong")
    await wait_for(lambda: fake.texts("u1"), timeout=6)
    fake.fail_next("sendMessage", status=429, description="quota", retry_after=120)
    fake.push_text("u1", "lần hai")  # a long wait is not done on the spot: logged, dropped
    await wait_for(lambda: len(recorder.seen) == 2 and fake.pending_updates == 0)
    channel.stop()
    await asyncio.wait_for(task, 3)
    await channel.client.aclose()
    assert fake.texts("u1") == ["Đã nhận: xong"]
    assert len(fake.calls_of("sendMessage")) == 3


async def test_database_trouble_does_not_end_polling(fake, engine, clock):
    recorder = Recorder()
    inbox = Inbox(engine, clock, recorder)
    channel = ZaloChannel(ZaloClient(fake.token, fake.base_url), inbox, rate_limit=1000)
    real_first_time = inbox.first_time
    failures = iter([True])

    async def flaky(channel_name: str, update_id: str) -> bool:
        if next(failures, False):
            raise OSError("database is locked")
        return await real_first_time(channel_name, update_id)

    inbox.first_time = flaky  # type: ignore[method-assign]
    task = asyncio.create_task(channel.poll())
    fake.push_text("u1", "một")
    fake.push_text("u1", "hai")
    await wait_for(lambda: recorder.seen)
    channel.stop()
    await asyncio.wait_for(task, 3)
    await channel.client.aclose()
    assert [m.text for m in recorder.seen] == ["hai"]


async def test_stop_lets_the_poll_in_flight_finish_so_its_update_is_not_lost(engine, clock):
    async with FakeZalo(poll_cap=2.0) as slow_fake:
        recorder = Recorder()
        channel = ZaloChannel(
            ZaloClient(slow_fake.token, slow_fake.base_url),
            Inbox(engine, clock, recorder),
            rate_limit=1000,
            poll_timeout=2,
        )
        task = asyncio.create_task(channel.poll())
        await wait_for(lambda: slow_fake.calls_of("getUpdates"))
        channel.stop()  # SIGTERM arrives while Zalo holds the long poll open …
        slow_fake.push_text("u1", "xong")  # … and answers it with an update
        await asyncio.wait_for(task, 5)
        await channel.client.aclose()
        assert [m.text for m in recorder.seen] == ["xong"]
        assert slow_fake.texts("u1") == ["Đã nhận: xong"]
        assert len(slow_fake.calls_of("getUpdates")) == 1
