"""The web desk on the small ward world of ``conversation_world``, served on a real port of
127.0.0.1: people linked through the conversation core (``/start``), a report with a note and
an attachment, a unit whose name holds HTML, and helpers to make sign-in links, sign in with
an HTTP client, and post forms the way the desk's pages do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from dondoc.bot.web.app import Desk
from dondoc.bot.web.server import DeskServer
from dondoc.handlers.conversation.core import Conversation
from dondoc.scheduler.clock import FakeClock
from dondoc.scheduler.schedules import Schedule, ScheduleKind
from dondoc.storage.db import transaction
from dondoc.storage.file_links import FileLinks
from dondoc.storage.models import Assignment, Member, ReportStatus, Task, Unit
from dondoc.storage.unit_work import Evidence, NewReport, save_report
from dondoc.storage.web_access import create_link
from tests.conversation_world import NOW, World, build_world, make_context, msg

EVIL_UNIT = '<script>alert("unit")</script> & Co'
EVIL_NOTE = '<img src=x onerror=alert("note")> vướng'
SECRET = "test-secret-" + "x" * 40


@dataclass
class DeskWorld:
    engine: AsyncEngine
    clock: FakeClock
    data: Path
    world: World
    desk: Desk
    conversation: Conversation
    server: DeskServer | None = None
    members: dict[str, int] = field(default_factory=dict)
    evil_unit_id: int = 0
    report_id: int = 0
    event_task_id: int = 0

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}"

    async def say(self, person: str, text: str, **kwargs: object) -> str:
        answers = await self.conversation.handle(msg(person, text, **kwargs))
        return "\n".join(a.numbered_text() for a in answers)

    async def link(self, person: str) -> str:
        """A fresh sign-in link (its full URL) for a linked person."""
        async with transaction(self.engine) as session:
            made = await create_link(
                session, self.members[person], now=self.clock.now(), via="cli", actor="test"
            )
        return f"{self.base}/dangnhap/{made.token}"

    async def signed_in(self, person: str) -> tuple[aiohttp.ClientSession, str]:
        """An HTTP client signed in as ``person`` and the CSRF token of its session."""
        client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        url = await self.link(person)
        async with client.post(url, headers={"Origin": self.base}, allow_redirects=False) as r:
            assert r.status == 303, await r.text()
        async with client.get(f"{self.base}/canbo") as r:
            page = await r.text()
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, page[:500]
        return client, found.group(1)

    async def post(
        self, client: aiohttp.ClientSession, path: str, data: dict[str, str], **headers: str
    ) -> tuple[int, str]:
        headers = {"Origin": self.base, **headers}
        async with client.post(f"{self.base}{path}", data=data, headers=headers) as r:
            return r.status, await r.text()

    async def get(self, client: aiohttp.ClientSession, path: str) -> tuple[int, str]:
        async with client.get(f"{self.base}{path}") as r:
            return r.status, await r.text()


async def desk_world(engine: AsyncEngine, tmp_path: Path) -> DeskWorld:
    """The world, its people linked on the console, a report with HTML in its note, a unit
    named with HTML, and the desk listening on a free port."""
    clock = FakeClock(NOW)
    world = await build_world(engine)
    data = tmp_path / "data"
    links = FileLinks(SECRET, {"exports": data / "exports", "evidence": data / "evidence"})
    ctx = make_context(engine, clock, data_dir=data, file_links=links)
    desk = Desk(ctx, None, 65_536)
    dw = DeskWorld(engine, clock, data, world, desk, Conversation(ctx))
    for person in ("hoa", "lan", "minh", "tuan"):
        await dw.say(person, f"/start {world.codes[person]}")
    async with transaction(engine) as session:
        for person in ("hoa", "lan", "minh", "tuan"):
            member = (
                await session.exec(select(Member).where(Member.channel_user_id == person))
            ).one()
            dw.members[person] = member.id  # type: ignore[assignment]
        evil = Unit(code="EVIL", name=EVIL_UNIT, kind="khac", created_at=NOW, updated_at=NOW)
        session.add(evil)
        await session.flush()
        dw.evil_unit_id = evil.id  # type: ignore[assignment]
        session.add(Assignment(task_id=world.tasks["1"], unit_id=evil.id, role="cooperating"))
        plan_id = (await session.get(Task, world.tasks["1"])).plan_id  # type: ignore[union-attr]
        event = Task(
            plan_id=plan_id,
            key="5",
            position=5,
            ordinal="5",
            title="Tổ chức hội nghị đối thoại khi có văn bản chỉ đạo",
            deadline_text="Khi có văn bản chỉ đạo của UBND quận",
            schedule_kind=ScheduleKind.EVENT.value,
            schedule=Schedule(ScheduleKind.EVENT).to_dict(),
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(event)
        await session.flush()
        dw.event_task_id = event.id  # type: ignore[assignment]
        session.add(Assignment(task_id=event.id, unit_id=world.units["P_KD"], role="lead"))
    # Nhân Chính (minh) reports task 1 blocked, with HTML in the note and a photo attached.
    async with transaction(engine) as session:
        dw.report_id = (
            await save_report(
                session,
                NewReport(
                    world.occurrences["1"],
                    world.tasks["1"],
                    "2024-07-05",
                    ReportStatus.BLOCKED,
                    note=EVIL_NOTE,
                    evidence=Evidence("photo", str(tmp_path / "minh.png"), "minh.png"),
                ),
                unit_id=world.units["P_NC"],
                unit_code="P_NC",
                member_id=dw.members["minh"],
                actor="minh",
                source="chat",
                now=clock.now() - timedelta(hours=1),
            )
        ).id
    dw.server = DeskServer(desk, "127.0.0.1", 0)
    await dw.server.start()
    return dw
