"""``/xuat`` (``/export``) in chat: Telegram and the console get the file; Zalo gets a signed
link that opens the Excel/Word file on the phone and the chart as a photo by URL (without a
public address: how to set one, never a path on the server); bad arguments are answered; only
coordinators may use it."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from dondoc.handlers.conversation.core import Conversation
from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.messaging import IncomingMessage, OutgoingMessage
from dondoc.storage.db import transaction
from dondoc.storage.models import AuditLog, Member, Role
from tests.conversation_world import NOW, build_world, make_context


@pytest.fixture
async def chat(engine: AsyncEngine, tmp_path: Path):  # noqa: ANN201
    world = await build_world(engine)
    conversation = Conversation(make_context(engine, FakeClock(NOW), data_dir=tmp_path / "data"))

    async def send(user: str, text: str, channel: str = "console") -> list[OutgoingMessage]:
        message = IncomingMessage(
            channel=channel, chat_id=user, user_id=user, text=text, display_name=user
        )
        return await conversation.handle(message)

    await send("hoa", f"/start {world.codes['hoa']}")
    return send, world


async def _link(engine: AsyncEngine, world, channel: str) -> None:  # noqa: ANN001
    """The coordinator also chats on ``channel`` (as after /start with an invite there)."""
    async with transaction(engine) as session:
        session.add(
            Member(
                channel=channel,
                channel_user_id="hoa",
                chat_id="hoa",
                display_name="hoa",
                unit_id=world.units["NOIVU"],
                role=Role.COORDINATOR.value,
                created_at=NOW,
            )
        )


async def test_console_gets_the_excel_file(chat, tmp_path: Path, engine: AsyncEngine) -> None:  # noqa: ANN001
    send, _world = chat
    [answer] = await send("hoa", "/xuat xlsx")
    assert answer.file is not None and answer.file.kind == "document"
    path = Path(answer.file.path)
    assert path.parent == tmp_path / "data" / "exports" and path.suffix == ".xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Tổng hợp"
    assert "Đang thực hiện quá hạn" in answer.text and "Phạm vi:" in answer.text
    async with transaction(engine) as session:
        entries = (
            await session.exec(select(AuditLog).where(AuditLog.action == "summary.export"))
        ).all()
    assert [e.details["format"] for e in entries] == ["xlsx"]


async def test_word_and_chart_by_plan_and_period(chat) -> None:  # noqa: ANN001
    send, _world = chat
    [word] = await send("hoa", "/export word 84/KH-UBND quý III/2024")
    assert word.file.kind == "document" and word.file.path.endswith(
        "tong-hop_84-kh-ubnd_2024-q3.docx"
    )
    paragraphs = [p.text for p in docx.Document(word.file.path).paragraphs]
    assert any("quý III/2024" in p for p in paragraphs)
    [chart] = await send("hoa", "/xuat png")
    assert chart.file.kind == "photo"
    with Image.open(chart.file.path) as image:
        assert image.format == "PNG"


PUBLIC = "https://dondoc.phuong.example"


@pytest.fixture
async def zalo_chat(engine: AsyncEngine, tmp_path: Path):  # noqa: ANN201
    """The coordinator on Zalo, with the desk's public address and file links configured."""
    from dondoc.storage.file_links import FileLinks

    world = await build_world(engine)
    data = tmp_path / "data"
    links = FileLinks("s" * 40, {"exports": data / "exports", "evidence": data / "evidence"})
    context = make_context(
        engine, FakeClock(NOW), data_dir=data, web_public_url=PUBLIC, file_links=links
    )
    conversation = Conversation(context)

    async def send(user: str, text: str, channel: str = "zalo") -> list[OutgoingMessage]:
        message = IncomingMessage(
            channel=channel, chat_id=user, user_id=user, text=text, display_name=user
        )
        return await conversation.handle(message)

    await send("hoa", f"/start {world.codes['hoa']}")
    return send, links


async def test_zalo_gets_a_link_that_opens_the_file_and_the_chart_by_url(zalo_chat) -> None:  # noqa: ANN001
    send, links = zalo_chat
    [answer] = await send("hoa", "/xuat xlsx")
    assert answer.file is not None and answer.file.kind == "photo"
    assert answer.file.path.startswith(f"{PUBLIC}/f/")  # Zalo fetches the photo by URL
    chart = links.open(answer.file.path.rsplit("/f/", 1)[1], NOW)
    assert chart.path.suffix == ".png"
    [url] = [w for w in answer.text.split() if w.startswith(f"{PUBLIC}/f/")]
    opened = links.open(url.rsplit("/f/", 1)[1], NOW)
    assert opened.path.suffix == ".xlsx" and opened.member_id > 0
    assert load_workbook(opened.path).sheetnames[0] == "Tổng hợp"
    assert "24 giờ" in answer.text and "/data/" not in answer.text
    assert len(answer.text) < 2000


async def test_zalo_without_a_public_address_is_told_how_to_set_one(
    chat, engine: AsyncEngine
) -> None:  # noqa: ANN001
    send, world = chat
    await _link(engine, world, "zalo")
    [answer] = await send("hoa", "/xuat xlsx", "zalo")
    assert answer.file is None
    assert "Zalo không gửi được tệp Excel/Word" in answer.text
    assert "DONDOC_WEB_PUBLIC_URL" in answer.text
    assert "tại: /" not in answer.text and ".xlsx" in answer.text  # the file's name, no path
    assert "Phạm vi:" in answer.text and len(answer.text) < 2000


async def test_telegram_gets_the_document(chat, engine: AsyncEngine) -> None:  # noqa: ANN001
    send, world = chat
    await _link(engine, world, "telegram")
    [answer] = await send("hoa", "/xuat docx", "telegram")
    assert answer.file.kind == "document" and answer.file.path.endswith(".docx")
    assert "trình ký" in answer.file.caption


async def test_bad_arguments_and_usage(chat) -> None:  # noqa: ANN001
    send, _world = chat
    [usage] = await send("hoa", "/xuat")
    assert "/xuat xlsx" in usage.text and [o.value for o in usage.options] == [
        "/xuat xlsx", "/xuat docx", "/xuat png",
    ]  # fmt: skip
    [bad] = await send("hoa", "/xuat pdf")
    assert 'Không có định dạng "pdf"' in bad.text and bad.file is None
    [bad] = await send("hoa", "/xuat xlsx quý 5/2024")
    assert 'Không hiểu "quý 5/2024"' in bad.text and "84/KH-UBND" in bad.text


async def test_only_coordinators(chat) -> None:  # noqa: ANN001
    send, world = chat
    await send("lan", f"/start {world.codes['lan']}")
    [answer] = await send("lan", "/xuat xlsx")
    assert answer.file is None


async def test_chat_export_follows_the_deployment_settings(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    from dondoc.bot.settings import Settings
    from dondoc.bot.wiring import bot_context

    world = await build_world(engine)
    settings = Settings(
        data_dir=tmp_path / "data",
        exports_dir=tmp_path / "bao-cao",
        report_authority="UBND PHƯỜNG THỬ NGHIỆM",
        report_signer_title="TRƯỞNG PHÒNG",
    )
    conversation = Conversation(bot_context(settings, engine, FakeClock(NOW)))
    await conversation.handle(
        IncomingMessage(
            channel="console", chat_id="hoa", user_id="hoa", text=f"/start {world.codes['hoa']}"
        )
    )
    [answer] = await conversation.handle(
        IncomingMessage(channel="console", chat_id="hoa", user_id="hoa", text="/xuat docx")
    )
    path = Path(answer.file.path)
    assert path.parent == tmp_path / "bao-cao"
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    tables = "\n".join(
        c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells
    )
    assert "UBND PHƯỜNG THỬ NGHIỆM" in text + tables
    assert "TRƯỞNG PHÒNG" in text + tables
