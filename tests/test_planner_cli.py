"""``dondoc remind``, ``dondoc tick`` and ``dondoc outbox`` from the outside (CLI in-process)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, time

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.storage.db import make_engine
from tests.reminder_world import build_world


def seed(dondoc) -> None:
    assert dondoc("init").exit_code == 0

    async def build() -> None:
        engine = make_engine(f"sqlite:///{dondoc.data_dir / 'dondoc.db'}")
        await build_world(engine, datetime(2024, 7, 1, tzinfo=UTC), WorkingCalendar())
        await engine.dispose()

    asyncio.run(build())


def test_remind_dry_run_json(dondoc):
    seed(dondoc)
    result = dondoc("remind", "--at", "2024-07-17 08:00", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    a1 = [r for r in rows if r["recipient"] == "Nguyễn Văn An"]
    assert {(r["step"], r["occurrence_due"], r["role"]) for r in a1} == {
        ("overdue-1", "2024-07-15", "lead"),
        ("T-3", "2024-07-22", "cooperating"),
    }
    assert {r["unit_code"] for r in a1} == {"VP"}
    assert len({r["outbox_key"] for r in a1}) == 1  # one grouped message
    assert "Thứ Hai, 15/07/2024" in a1[0]["text"] and "xong" in a1[0]["text"]
    assert all(r["key"].startswith("rem:") for r in rows)
    assert {r["unit_code"] for r in rows} == {"VP", "TP", "VHXH"}
    # A dry run writes nothing.
    counts = json.loads(dondoc("outbox", "--json").output)["counts"]
    assert counts["pending"] == 0


def test_remind_dry_run_text_and_nothing_due(dondoc):
    seed(dondoc)
    result = dondoc("remind", "--at", "17/07/2024 08:00", "--dry-run")
    assert result.exit_code == 0
    assert "Vào 17/07/2024 08:00 sẽ gửi" in result.output
    assert "→ Nguyễn Văn An (VP, telegram)" in result.output
    quiet = dondoc("remind", "--at", "2024-07-13 10:00", "--dry-run")  # a Saturday
    assert "Không có tin nhắc nào đến hạn" in quiet.output


def test_bad_input_is_answered_in_vietnamese(dondoc):
    seed(dondoc)
    bad = dondoc("remind", "--at", "ngày mai", "--dry-run")
    assert bad.exit_code == 2 and "Không hiểu thời điểm" in bad.output
    bad = dondoc("remind", "--at", "2024-07-17 25:00", "--dry-run")
    assert bad.exit_code == 2
    no_dry = dondoc("remind", "--at", "2024-07-17 08:00")
    assert no_dry.exit_code == 2 and "--dry-run" in no_dry.output
    bad_status = dondoc("outbox", "--status", "lost")
    assert bad_status.exit_code == 2


def test_tick_queues_once_and_outbox_shows_it(dondoc):
    seed(dondoc)
    first = dondoc("tick", "--at", "2024-07-17 08:00", "--json")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    assert summary["messages_queued"] == 4  # a1, a2, b1, c1 (the head only from overdue-2)
    assert summary["digests_queued"] == 1  # the coordinator
    again = json.loads(dondoc("tick", "--at", "2024-07-17 08:00", "--json").output)
    assert again["messages_queued"] == 0 and again["digests_queued"] == 0
    listing = json.loads(dondoc("outbox", "--status", "pending", "--json").output)
    assert listing["counts"]["pending"] == summary["messages_queued"] + summary["digests_queued"]
    assert {r["kind"] for r in listing["rows"]} == {"reminder", "digest"}
    text = dondoc("outbox").output
    assert "Chờ gửi:" in text and "chờ gửi" in text


def test_remind_for_real_queues_once_and_frees_the_lease(dondoc, monkeypatch):
    from click.testing import CliRunner

    from dondoc.bot.cli import App, cli
    from dondoc.bot.settings import Settings
    from dondoc.scheduler.clock import FakeClock

    seed(dondoc)
    for name, value in dondoc.env.items():
        monkeypatch.setenv(name, value)
    clock = FakeClock(WorkingCalendar().at(datetime(2024, 7, 17).date(), time(8, 0)))

    def run(*args: str):
        app = App(settings=Settings(), clock=clock)
        return CliRunner().invoke(cli, list(args), obj=app, catch_exceptions=False)

    first = run("remind", "--json")
    assert first.exit_code == 0, first.output
    assert len({r["outbox_key"] for r in json.loads(first.output)}) == 4
    again = run("remind")
    assert again.exit_code == 0 and "Không có tin nhắc nào đến hạn" in again.output
    tick = run("tick", "--json")  # the lease was given back
    assert tick.exit_code == 0, tick.output
    counts = json.loads(dondoc("outbox", "--json").output)["counts"]
    assert counts["pending"] == 5  # four reminders and the coordinator's digest
