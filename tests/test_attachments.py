"""``dondoc attachment REPORT_ID``: the file an officer attached is downloaded on demand
(Telegram by file id through the fake Bot API, Zalo by URL), up to 20 MB — and only from the
platform's own file hosts: a crafted Zalo update's link to an internal address is refused, also
when the platform's host redirects there (issue 16, server-side request forgery)."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dondoc.bot.attachments import fetch_attachment
from dondoc.bot.settings import Settings
from dondoc.scheduler.schedules import Schedule, ScheduleKind
from dondoc.storage.db import make_engine, migrate, transaction
from dondoc.storage.errors import UserError
from dondoc.storage.models import Occurrence, Plan, Report
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.web_host import WebHost
from tests.reminder_world import add_member, add_task, add_unit

DONDOC = str(Path(sys.executable).with_name("dondoc"))
NOW = datetime(2024, 7, 4, 2, 0, tzinfo=UTC)


async def reports(data: Path, refs: list[tuple[str, str | None]]) -> list[int]:
    """One report per (channel, attachment ref); their ids."""
    engine = make_engine(f"sqlite:///{data / 'dondoc.db'}")
    await migrate(engine)
    ids = []
    async with transaction(engine) as session:
        unit = await add_unit(session, "VP", "Văn phòng HĐND-UBND", NOW)
        plan = Plan(code="84/KH-UBND", created_at=NOW, updated_at=NOW)
        session.add(plan)
        await session.flush()
        task = await add_task(
            session,
            plan.id,
            "1",
            "Báo cáo rà soát",
            Schedule(ScheduleKind.ONCE, due=date(2024, 7, 15)),
            NOW,
            [(unit.id, "lead")],
        )
        occurrence = Occurrence(
            task_id=task.id, period="2024-07-15", start=date(2024, 7, 1), due=date(2024, 7, 15)
        )
        session.add(occurrence)
        await session.flush()
        for number, (channel, ref) in enumerate(refs):
            member = await add_member(session, unit.id, f"{channel}{number}", NOW, channel=channel)
            report = Report(
                occurrence_id=occurrence.id,
                unit_id=unit.id,
                status="done",
                attachment_ref=ref,
                attachment_kind="document" if ref else None,
                member_id=member.id,
                created_at=NOW,
            )
            session.add(report)
            await session.flush()
            ids.append(report.id)
    await engine.dispose()
    return ids


async def dondoc(
    tmp_path: Path, fake: FakeTelegram, *args: str, zalo_base_url: str = ""
) -> tuple[int, str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")},
        "DONDOC_DATA_DIR": str(tmp_path / "data"),
        "DONDOC_LOCALE": "vi",
        "DONDOC_TELEGRAM_BOT_TOKEN": fake.token,
        "DONDOC_TELEGRAM_BASE_URL": fake.base_url,
    }
    if zalo_base_url:
        env["DONDOC_ZALO_BASE_URL"] = zalo_base_url
    process = await asyncio.create_subprocess_exec(
        DONDOC, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode()


async def test_download_on_demand(tmp_path):
    async with FakeTelegram() as fake:
        fake.add_file("doc1", "bien-ban.pdf", b"%PDF-1.4 bien ban")
        [telegram_doc] = await reports(tmp_path / "data", [("telegram", "doc1")])
        code, out = await dondoc(tmp_path, fake, "attachment", str(telegram_doc))
        assert code == 0, out
        saved = tmp_path / "data" / "attachments" / f"report-{telegram_doc}" / "bien-ban.pdf"
        assert saved.read_bytes() == b"%PDF-1.4 bien ban" and str(saved) in out
        assert fake.token not in out


async def test_zalo_url_limits_and_errors(tmp_path):
    async with FakeTelegram() as fake, WebHost() as zalo:
        fake.add_file("big", "video.mp4", b"0" * (20 * 1024 * 1024 + 10))
        zalo.files["anh.jpg"] = b"\xff\xd8 jpeg"
        zalo.files["video.mp4"] = b"0" * (20 * 1024 * 1024 + 10)
        files = zalo.url  # the configured Zalo base URL stands for Zalo's file host
        no_file, too_big, zalo_photo, dead_url, zalo_big = await reports(
            tmp_path / "data",
            [
                ("telegram", None),
                ("telegram", "big"),
                ("zalo", f"{files}/anh.jpg"),
                ("zalo", f"{files}/none.jpg"),
                ("zalo", f"{files}/video.mp4"),
            ],
        )
        settings = Settings(
            data_dir=tmp_path / "data",
            telegram_bot_token=fake.token,
            telegram_base_url=fake.base_url,
            zalo_base_url=zalo.url,
        )
        engine = make_engine(settings.db_url)
        folder = tmp_path / "out"
        path = await fetch_attachment(settings, engine, zalo_photo, folder)
        assert path == folder / f"report-{zalo_photo}" / "anh.jpg"
        assert path.read_bytes() == b"\xff\xd8 jpeg"
        expected = {
            no_file: "channels.attachment.none",
            too_big: "channels.file_too_large",
            dead_url: "channels.file_unavailable",
            zalo_big: "channels.file_too_large",
            999: "channels.attachment.no_report",
        }
        for report_id, key in expected.items():
            with pytest.raises(UserError) as info:
                await fetch_attachment(settings, engine, report_id, folder)
            assert info.value.key == key, report_id
        assert not (folder / f"report-{zalo_big}" / "video.mp4").exists()  # no half file
        no_token = Settings(data_dir=tmp_path / "data")
        with pytest.raises(UserError) as info:
            await fetch_attachment(no_token, engine, too_big, folder)
        assert info.value.key == "channels.attachment.no_token"
        await engine.dispose()


async def test_crafted_links_to_internal_addresses_are_refused(tmp_path):
    """A Zalo update can carry any link: the server must not fetch its own or its network's
    services with it, neither directly nor through a redirect of the platform's host."""
    async with FakeTelegram() as fake, WebHost() as zalo, WebHost() as internal:
        zalo.files["anh.jpg"] = b"\xff\xd8 jpeg"
        crafted = [
            f"{internal.url}/admin",  # loopback, not the platform
            f"{zalo.url}/redirect?to={internal.url}/admin",  # the platform's host redirects
            "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
            "https://10.0.0.1/admin",  # a private address, even over HTTPS
            "https://zalo.example.com/anh.jpg",  # HTTPS, but not Zalo's file host
            "file:///etc/passwd",
        ]
        ids = await reports(
            tmp_path / "data", [("zalo", url) for url in [f"{zalo.url}/anh.jpg", *crafted]]
        )
        code, out = await dondoc(tmp_path, fake, "attachment", str(ids[0]), zalo_base_url=zalo.url)
        assert code == 0, out
        # as an operator runs it (a subprocess each: the two that reach a server) …
        for report_id, url in zip(ids[1:3], crafted[:2], strict=True):
            code, out = await dondoc(
                tmp_path, fake, "attachment", str(report_id), zalo_base_url=zalo.url
            )
            assert code == 2, (url, out)
            assert "Traceback" not in out and out.startswith("Lỗi:"), out
            assert not (tmp_path / "data" / "attachments" / f"report-{report_id}").exists()
        # … and the same function in-process for the rest
        settings = Settings(data_dir=tmp_path / "data", zalo_base_url=zalo.url)
        engine = make_engine(settings.db_url)
        for report_id, url in zip(ids[3:], crafted[2:], strict=True):
            with pytest.raises(UserError) as info:
                await fetch_attachment(settings, engine, report_id, tmp_path / "out")
            assert info.value.key.startswith(("fetch.", "channels.attachment.")), url
            assert not (tmp_path / "out" / f"report-{report_id}").exists()
        await engine.dispose()
        assert internal.hits == []  # not one request reached the internal service
        assert zalo.hits == ["/anh.jpg", f"/redirect?to={internal.url}/admin"]
