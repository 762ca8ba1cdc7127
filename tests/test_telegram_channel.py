"""The Telegram channel (python-telegram-bot) against the local fake Bot API: polling,
buttons, attachments, deep links, command menus, failure kinds, splitting, downloads."""

from __future__ import annotations

import asyncio

import pytest

from dondoc.bot.inbox import Inbox
from dondoc.bot.telegram_channel import NUMBER_PREFIX, TelegramChannel
from dondoc.locales import _
from dondoc.scheduler.messaging import (
    FailureKind,
    IncomingMessage,
    Option,
    OutgoingFile,
    OutgoingMessage,
)
from dondoc.storage.errors import UserError
from tests.fakes.telegram_api import FakeTelegram
from tests.waiting import Recorder, wait_for


@pytest.fixture
async def fake():
    async with FakeTelegram() as server:
        yield server


def channel_for(fake, **kw) -> TelegramChannel:
    kw.setdefault("request_timeout", 2.0)
    kw.setdefault("rate_limit", 30)
    return TelegramChannel(fake.token, fake.base_url, poll_timeout=1, **kw)


async def test_polling_end_to_end_with_buttons_and_files(fake, engine, clock):
    recorder = Recorder()
    channel = channel_for(fake)
    await channel.start(Inbox(engine, clock, recorder).receive, polling=True)
    assert {c["command"] for c in fake.commands["vi"]} >= {"viec", "baocao", "tonghop"}
    assert {c["command"] for c in fake.commands["en"]} >= {"tasks", "report", "summary"}
    assert fake.commands["en"][0]["description"] != fake.commands["vi"][0]["description"]

    fake.push_text("42", "/start ABCD-1234")
    fake.push_callback("42", "done")
    fake.push_callback("42", f"{NUMBER_PREFIX}3")
    fake.push_document("42", "doc1", "bao-cao-thang-7.docx", 35_000, caption="báo cáo")
    fake.push_photo("42", "ph1")
    fake.push_sticker("42")
    await wait_for(lambda: len(fake.texts("42")) == 6)
    await channel.stop()

    start, button, number, document, photo = recorder.seen
    assert start.text == "/start ABCD-1234" and start.language_hint == "vi"
    assert start.update_id and start.channel == "telegram" and start.chat_id == "42"
    assert button.option == "done" and button.text == ""
    assert number.option is None and number.text == "3"
    assert document.attachment.kind == "document" and document.attachment.ref == "doc1"
    assert document.attachment.name == "bao-cao-thang-7.docx" and document.text == "báo cáo"
    assert photo.attachment.kind == "photo" and photo.attachment.ref == "ph1"
    assert fake.texts("42")[-1] == _("channels.unsupported", "vi")
    assert len(fake.calls_of("answerCallbackQuery")) == 2


async def test_options_become_inline_keyboard_and_numbered_text(fake):
    channel = channel_for(fake)
    await channel.application.initialize()
    long_value = "x" * 80  # more than 64 bytes: the button carries the number instead
    message = OutgoingMessage(
        "Đồng chí báo cáo tiến độ nhiệm vụ?",
        (Option("Đã hoàn thành", "done"), Option("Đang thực hiện", long_value)),
    )
    assert (await channel.send("42", message)).ok
    [sent] = fake.sent("42")
    assert sent["text"].endswith("1. Đã hoàn thành\n2. Đang thực hiện")
    rows = sent["reply_markup"]["inline_keyboard"]
    assert [r[0]["callback_data"] for r in rows] == ["done", f"{NUMBER_PREFIX}2"]
    await channel.application.shutdown()


async def test_failures_map_to_the_four_kinds(fake):
    channel = channel_for(fake, request_timeout=0.5)
    await channel.application.initialize()
    hello = OutgoingMessage("Kính gửi đồng chí")

    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5)
    out = await channel.send("1", hello)
    assert (out.failure, out.retry_after) == (FailureKind.RETRY_AFTER, 5.0)

    fake.blocked.add("2")
    assert (await channel.send("2", hello)).failure is FailureKind.UNREACHABLE
    fake.missing.add("3")
    assert (await channel.send("3", hello)).failure is FailureKind.UNREACHABLE

    fake.fail_next("sendMessage", 500, "Internal Server Error")
    assert (await channel.send("1", hello)).failure is FailureKind.TRANSIENT
    fake.fail_next("sendMessage", 502, raw="<html>bad gateway</html>")
    assert (await channel.send("1", hello)).failure is FailureKind.TRANSIENT
    fake.delay_next("sendMessage", 1.5)
    out = await channel.send("1", hello)
    assert out.failure is FailureKind.TRANSIENT and "TimedOut" in out.error
    fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities")
    assert (await channel.send("1", hello)).failure is FailureKind.PERMANENT

    assert (await channel.send("1", hello)).ok
    await asyncio.sleep(1.2)  # let the delayed request finish before shutting down
    await channel.application.shutdown()


async def test_long_text_split_under_4096_and_keyboard_on_last_piece(fake):
    channel = channel_for(fake)
    await channel.application.initialize()
    text = "\n".join(f"{i}) " + "Rà soát, cập nhật quy trình nội bộ. " * 8 for i in range(60))
    out = await channel.send("7", OutgoingMessage(text, (Option("Xong", "done"),)))
    assert out.ok and len(out.message_ids) >= 4
    sent = fake.sent("7")
    assert all(len(m["text"]) <= 4096 for m in sent)
    assert [("reply_markup" in m) for m in sent] == [False] * (len(sent) - 1) + [True]
    await channel.application.shutdown()


async def test_document_is_uploaded_and_missing_file_is_permanent(fake, tmp_path):
    channel = channel_for(fake)
    await channel.application.initialize()
    report = tmp_path / "tong-hop.xlsx"
    report.write_bytes(b"PK\x03\x04 fake xlsx")
    message = OutgoingMessage(
        "Tổng hợp tháng 7", file=OutgoingFile(str(report), "document", "Tổng hợp")
    )
    assert (await channel.send("5", message)).ok
    document, text = fake.sent("5")
    assert document["method"] == "sendDocument" and document["caption"] == "Tổng hợp"
    assert document["document"]["filename"] == "tong-hop.xlsx"
    assert text["text"] == "Tổng hợp tháng 7"
    gone = OutgoingMessage("x", file=OutgoingFile(str(tmp_path / "none.xlsx")))
    assert (await channel.send("5", gone)).failure is FailureKind.PERMANENT
    await channel.application.shutdown()


async def test_download_on_demand_and_size_limit(fake, tmp_path):
    channel = channel_for(fake)
    await channel.application.initialize()
    fake.add_file("f1", "bien-ban.pdf", b"%PDF-1.4 hello")
    path = await channel.download("f1", tmp_path / "att")
    assert path.read_bytes() == b"%PDF-1.4 hello"
    fake.add_file("big", "video.mp4", b"0" * (20 * 1024 * 1024 + 1))
    with pytest.raises(UserError) as info:
        await channel.download("big", tmp_path / "att")
    assert info.value.key == "channels.file_too_large"
    await channel.application.shutdown()


async def test_core_failure_apology_and_stop_drains_queue(fake, engine, clock):
    handled: list[str] = []

    async def slow(message: IncomingMessage) -> list[OutgoingMessage]:
        if message.text == "boom":
            raise RuntimeError("bug")
        await asyncio.sleep(0.3)
        handled.append(message.text)
        return [OutgoingMessage("ok")]

    channel = channel_for(fake)
    await channel.start(Inbox(engine, clock, slow).receive, polling=True, set_commands=False)
    fake.push_text("9", "boom")
    for i in range(3):
        fake.push_text("9", f"tin {i}")
    await wait_for(lambda: fake.pending_updates == 0 or handled)
    await channel.stop()  # graceful: every update taken from Telegram is processed
    assert handled == ["tin 0", "tin 1", "tin 2"]
    assert fake.texts("9") == [_("channels.error", "vi"), "ok", "ok", "ok"]


async def test_blocking_the_bot_marks_the_member_unreachable_at_once(fake, engine, clock):
    from sqlmodel import select

    from dondoc.storage.db import transaction
    from dondoc.storage.models import AuditLog, Member

    async with transaction(engine) as session:
        session.add(
            Member(channel="telegram", channel_user_id="77", chat_id="77", created_at=clock.now())
        )
    channel = channel_for(fake)
    await channel.start(Inbox(engine, clock, Recorder()).receive, polling=True, set_commands=False)
    fake.push_block("77")
    fake.push_block("88")  # not a member: nothing to record
    await wait_for(lambda: fake.pending_updates == 0)
    await asyncio.sleep(0.2)

    async def member() -> Member:
        async with transaction(engine) as session:
            return (await session.exec(select(Member))).one()

    for _attempt in range(50):
        if not (await member()).reachable:
            break
        await asyncio.sleep(0.05)
    blocked = await member()
    assert not blocked.reachable and "blocked" in blocked.unreachable_reason
    fake.push_block("77", blocked=False)
    for _attempt in range(50):
        if (await member()).reachable:
            break
        await asyncio.sleep(0.05)
    await channel.stop()
    assert (await member()).reachable
    async with transaction(engine) as session:
        actions = [a.action for a in (await session.exec(select(AuditLog))).all()]
    assert actions == ["member.unreachable", "member.reachable"]
