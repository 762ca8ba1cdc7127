"""Zalo long polling through the fake API: messages reach the core once, stickers get a
polite answer, a bad token stops the channel, a dead server is retried."""

from __future__ import annotations

import asyncio

import pytest

from dondoc.bot.inbox import Inbox
from dondoc.bot.zalo.channel import ZaloChannel
from dondoc.bot.zalo.client import ZaloClient
from dondoc.locales import _
from dondoc.scheduler.messaging import (
    ChannelEvent,
    EventKind,
    IncomingMessage,
    OutgoingMessage,
    TokenRejected,
)
from tests.fakes.zalo_api import FakeZalo
from tests.waiting import Recorder, wait_for


@pytest.fixture
async def fake():
    async with FakeZalo(poll_cap=0.2) as server:
        yield server


def zalo(fake: FakeZalo, **options) -> ZaloChannel:
    options.setdefault("rate_limit", 1000)
    client = ZaloClient(fake.token, fake.base_url, **options.pop("client", {}))
    return ZaloChannel(client, **options)


async def test_polling_messages_dedupe_sticker_image(fake, engine, clock):
    recorder = Recorder(engine, clock)
    inbox = Inbox(engine, clock, recorder)
    channel = zalo(fake)
    await channel.start(inbox.receive, polling=True)
    assert channel.bot_info["account_name"] == "bot.dondoc"

    first = fake.push_text("u1", "đang làm 50%")
    fake.push(first)  # Zalo delivers the same message twice
    fake.push_sticker("u1")
    fake.push_image("u2", "https://f.zalo.me/anh.jpg", caption="biên bản")
    fake.push({"event_name": "user.follow", "follower": {"id": "u3"}})
    fake.push({"event_name": "message.text.received", "message": {"text": "no ids"}})
    fake.push_text("u1", "xong")
    await wait_for(lambda: len(fake.texts()) >= 4 and fake.pending_updates == 0)
    await channel.stop()

    assert [m.text for m in recorder.seen] == ["đang làm 50%", "biên bản", "xong"]
    assert recorder.deliveries == 5  # the duplicate reached the core, which dropped it
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

    channel = zalo(fake)
    await channel.start(Inbox(engine, clock, broken).receive, polling=True)
    fake.push_text("u1", "boom")
    fake.push_text("u1", "tiếp")
    await wait_for(lambda: len(fake.texts("u1")) == 2)
    await channel.stop()
    assert fake.texts("u1") == [_("channels.error", "vi"), "ok"]


async def test_bad_token_stops_polling(fake, engine, clock):
    bad = ZaloChannel(ZaloClient("bad:token", fake.base_url), rate_limit=10)
    with pytest.raises(TokenRejected):
        await bad.start(Inbox(engine, clock, Recorder()).receive, polling=True)
    await bad.stop()

    # A token revoked while polling: the channel stops and says so to its host.
    events: list[ChannelEvent] = []

    async def host(channel, event):
        events.append(event)

    channel = zalo(fake)
    await channel.start(host, polling=True)
    fake.token = "revoked:token"  # every later call is refused with 401
    await wait_for(lambda: events, timeout=3)
    assert [e.kind for e in events] == [EventKind.CLOSED]
    await channel.stop()


async def test_server_errors_are_retried(fake, engine, clock):
    recorder = Recorder()
    channel = zalo(fake, client={"timeout": 1.0})
    fake.fail_next("getUpdates", status=503, raw="Service Unavailable")
    fake.push_text("u1", "xong")
    await channel.start(Inbox(engine, clock, recorder).receive, polling=True)
    await wait_for(lambda: recorder.seen, timeout=6)
    await channel.stop()
    assert len(fake.calls_of("getUpdates")) >= 2 and recorder.seen[0].text == "xong"


async def test_reply_retried_once_after_short_retry_after(fake, engine, clock):
    recorder = Recorder()
    channel = zalo(fake)
    fake.fail_next("sendMessage", status=429, description="quota", retry_after=1)
    await channel.start(Inbox(engine, clock, recorder).receive, polling=True)
    fake.push_text("u1", "xong")
    await wait_for(lambda: fake.texts("u1"), timeout=6)
    fake.fail_next("sendMessage", status=429, description="quota", retry_after=120)
    fake.push_text("u1", "lần hai")  # a long wait is not done on the spot: logged, dropped
    await wait_for(lambda: len(recorder.seen) == 2 and fake.pending_updates == 0)
    await channel.stop()
    assert fake.texts("u1") == ["Đã nhận: xong"]
    assert len(fake.calls_of("sendMessage")) == 3


async def test_database_trouble_does_not_end_polling(fake, engine, clock):
    recorder = Recorder(engine, clock)
    failures = iter([True])

    async def flaky(message: IncomingMessage) -> list[OutgoingMessage]:
        if next(failures, False):
            raise OSError("database is locked")
        return await recorder(message)

    channel = zalo(fake)
    await channel.start(Inbox(engine, clock, flaky).receive, polling=True)
    fake.push_text("u1", "một")
    fake.push_text("u1", "hai")
    await wait_for(lambda: recorder.seen)
    await channel.stop()
    assert [m.text for m in recorder.seen] == ["hai"]


async def test_stop_lets_the_poll_in_flight_finish_so_its_update_is_not_lost(engine, clock):
    async with FakeZalo(poll_cap=2.0) as slow_fake:
        recorder = Recorder()
        channel = zalo(slow_fake, poll_timeout=2)
        await channel.start(Inbox(engine, clock, recorder).receive, polling=True)
        await wait_for(lambda: slow_fake.calls_of("getUpdates"))
        stopping = asyncio.ensure_future(channel.stop())  # SIGTERM while Zalo holds the poll …
        await asyncio.sleep(0.05)
        slow_fake.push_text("u1", "xong")  # … and answers it with an update
        await asyncio.wait_for(stopping, 5)
        assert [m.text for m in recorder.seen] == ["xong"]
        assert slow_fake.texts("u1") == ["Đã nhận: xong"]
        assert len(slow_fake.calls_of("getUpdates")) == 1
