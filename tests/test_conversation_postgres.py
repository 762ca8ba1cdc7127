"""The conversation core on PostgreSQL, by changing the URL only: onboarding, a report step by
step, a short reply, the summary, duplicates dropped."""

from __future__ import annotations

import asyncio

import pytest

from dondoc.handlers.conversation.core import Conversation
from dondoc.locales import _
from dondoc.scheduler.clock import FakeClock
from dondoc.storage.db import make_engine, migrate
from tests.conversation_world import NOW, build_world, make_context, msg, reports, say

pytestmark = pytest.mark.postgres


def test_conversations_on_postgresql(pg_url: str) -> None:
    async def body() -> None:
        engine = make_engine(pg_url)
        try:
            await migrate(engine)
            world = await build_world(engine)
            conv = Conversation(make_context(engine, FakeClock(NOW)))
            assert "Đã liên kết" in await say(conv, "lan", f"/start {world.codes['lan']}")
            await say(conv, "hoa", f"/start {world.codes['hoa']}")
            for line in ("/baocao", "1", "2", "60", "chờ số liệu", "bỏ qua", "xác nhận"):
                await say(conv, "lan", line)
            answer = await conv.handle(msg("lan", "xong", update_id="pg-1"))
            assert "cho nhiệm vụ nào" in answer[0].text
            assert await conv.handle(msg("lan", "xong", update_id="pg-1")) == []
            await say(conv, "lan", "1")
            saved = await reports(engine)
            assert [(r.status, r.percent) for r in saved] == [("in_progress", 60), ("done", None)]
            summary = await say(conv, "hoa", "/tonghop")
            assert "TỔNG HỢP TÌNH HÌNH THỰC HIỆN" in summary
            assert "không thuộc đơn vị" in await say(
                conv, "lan", f"/baocao {world.occurrences['3']}"
            )
            # One chat's messages at the same moment (several workers): every one answered,
            # none with the error text, the state left readable.
            await say(conv, "minh", f"/start {world.codes['minh']}")
            burst = ["/baocao", "1", "2", "xong", "ok", "/viec", "1", "bỏ qua"] * 3
            answers = await asyncio.gather(
                *(conv.handle(msg("minh", text, update_id=f"b{i}")) for i, text in enumerate(burst))
            )
            unexpected = _("conv.error.unexpected", "vi")
            assert all(len(a) == 1 and a[0].text != unexpected for a in answers)
            await say(conv, "minh", "/huy")
            fresh = await say(conv, "minh", "/baocao")  # the state is readable afterwards
            assert "nhiệm vụ nào" in fresh or "Đồng chí chọn tình trạng" in fresh
        finally:
            await engine.dispose()

    asyncio.run(body())
