"""The Zalo client against the local fake Zalo Bot API: envelope, errors, failure kinds,
splitting and the file fallback of the Zalo channel."""

from __future__ import annotations

import logging

import pytest

from dondoc.bot.splitting import split_message, utf16_length
from dondoc.bot.zalo.channel import MAX_TEXT, ZaloChannel
from dondoc.bot.zalo.client import ZaloApiError, ZaloClient, ZaloUnreachable
from dondoc.scheduler.messaging import FailureKind, Option, OutgoingFile, OutgoingMessage
from tests.fakes.zalo_api import FakeZalo


@pytest.fixture
async def fake():
    async with FakeZalo() as server:
        yield server


@pytest.fixture
async def client(fake):
    c = ZaloClient(fake.token, fake.base_url, timeout=2.0)
    yield c
    await c.aclose()


async def test_get_me_and_envelope(client, fake):
    me = await client.get_me()
    assert me["account_name"] == "bot.dondoc"
    assert fake.calls_of("getMe")


async def test_bad_token_is_api_error_401_without_token_in_text(fake):
    c = ZaloClient("wrong:token-value", fake.base_url)
    with pytest.raises(ZaloApiError) as info:
        await c.get_me()
    await c.aclose()
    assert info.value.code == 401
    assert "token-value" not in str(info.value)


async def test_ok_false_on_http_200_is_an_error(client, fake):
    fake.fail_next("sendMessage", status=200, error_code=400, description="text too long")
    with pytest.raises(ZaloApiError) as info:
        await client.send_message("u1", "x")
    assert info.value.code == 400


async def test_empty_poll_408_is_none_then_update(client, fake):
    assert await client.get_updates(timeout=1) is None
    fake.push_text("u1", "xong")
    update = await client.get_updates(timeout=1)
    assert update["message"]["text"] == "xong"


async def test_unreachable_base_url_is_transient():
    c = ZaloClient("t:x", "http://127.0.0.1:9", timeout=1.0)
    with pytest.raises(ZaloUnreachable):
        await c.get_me()
    await c.aclose()


async def test_failure_mapping(client, fake):
    channel = ZaloChannel(client, rate_limit=1000)
    message = OutgoingMessage("Kính gửi đồng chí")

    fake.fail_next("sendMessage", status=429, description="quota", retry_after=7)
    out = await channel.send("u1", message)
    assert (out.ok, out.failure, out.retry_after) == (False, FailureKind.RETRY_AFTER, 7.0)

    fake.blocked.add("u2")
    out = await channel.send("u2", message)
    assert out.failure is FailureKind.UNREACHABLE

    fake.fail_next("sendMessage", status=404, description="chat not found")
    assert (await channel.send("u1", message)).failure is FailureKind.UNREACHABLE

    fake.fail_next("sendMessage", status=502, raw="<html>Bad gateway</html>")
    assert (await channel.send("u1", message)).failure is FailureKind.TRANSIENT

    fake.delay_next("sendMessage", 3.0)  # the client waits 2 s
    assert (await channel.send("u1", message)).failure is FailureKind.TRANSIENT

    bad_token = ZaloChannel(ZaloClient("bad:token", fake.base_url), rate_limit=1000)
    assert (await bad_token.send("u1", message)).failure is FailureKind.PERMANENT
    await bad_token.client.aclose()

    out = await channel.send("u1", message)
    assert out.ok and fake.texts("u1") == ["Kính gửi đồng chí"]


async def test_long_message_is_split_and_options_stay_whole(client, fake):
    channel = ZaloChannel(client, rate_limit=1000)
    body = "\n".join(f"Nhiệm vụ {i}: " + "rà soát thủ tục hành chính " * 5 for i in range(30))
    options = tuple(Option(f"Lựa chọn số {i} " + "x" * 60, str(i)) for i in range(1, 13))
    out = await channel.send("u1", OutgoingMessage(body, options))
    assert out.ok
    texts = fake.texts("u1")
    assert len(texts) >= 3 and all(1 <= len(t) <= MAX_TEXT for t in texts)
    joined = "\n".join(texts)
    for i in range(1, 13):  # every option line arrives whole, in one piece
        line = f"{i}. Lựa chọn số {i} " + "x" * 60
        assert sum(line in t for t in texts) == 1
    assert "Nhiệm vụ 29" in joined


def test_split_message_rules():
    assert split_message("ngắn", 2000) == ["ngắn"]
    long_line = "chữ " * 1000
    pieces = split_message(long_line, 100)
    assert all(len(p) <= 100 for p in pieces)
    assert " ".join(pieces).split() == long_line.split()
    text = "Câu hỏi?\n\n" + "\n".join(f"{i}. mục {i}" for i in range(1, 6))
    pieces = split_message("a" * 90 + "\n" + text, 100)
    assert pieces == ["a" * 90 + "\nCâu hỏi?", "\n".join(f"{i}. mục {i}" for i in range(1, 6))]
    emoji = "🙂" * 3000  # Telegram counts UTF-16 units: two per emoji
    assert all(utf16_length(p) <= 4096 for p in split_message(emoji, 4096, utf16_length))


async def test_document_becomes_caption_and_saved_path(client, fake):
    channel = ZaloChannel(client, rate_limit=1000)
    message = OutgoingMessage(
        "Báo cáo tổng hợp tháng 7",
        file=OutgoingFile("/srv/dondoc/exports/tong-hop.xlsx", "document", "Tổng hợp tiến độ"),
    )
    assert (await channel.send("u1", message)).ok
    [text] = fake.texts("u1")
    assert "Tổng hợp tiến độ" in text and "/srv/dondoc/exports/tong-hop.xlsx" in text
    assert "Zalo không cho phép gửi tệp tong-hop.xlsx" in text

    photo = OutgoingMessage("", file=OutgoingFile("https://example.org/a.png", "photo", "Ảnh"))
    assert (await channel.send("u1", photo)).ok
    assert fake.sent("u1")[-1]["method"] == "sendPhoto"


async def test_token_not_logged(fake, caplog):
    from dondoc.bot.logsafe import RedactSecrets

    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(RedactSecrets([fake.token]))
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    c = ZaloClient(fake.token, fake.base_url)
    await c.get_me()
    await c.aclose()
    assert caplog.records  # httpx did log the request line …
    assert fake.token not in caplog.text  # … with the token masked
