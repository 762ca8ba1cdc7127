"""The core's promises, in-process: duplicates dropped by update_id, one transaction per
message, never an exception, option values answered by button, number or words, languages."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlmodel import select

from dondoc.handlers.conversation.core import Conversation
from dondoc.handlers.conversation.registry import Access, Command, Registry
from dondoc.locales import _
from dondoc.scheduler.clock import FakeClock
from dondoc.storage.db import transaction
from dondoc.storage.models import AuditLog, ConversationState, Member, ProcessedUpdate, Report
from tests.conversation_world import NOW, build_world, make_context, msg, reports, say


@pytest.fixture
async def conv(engine):
    world = await build_world(engine)
    conversation = Conversation(make_context(engine, FakeClock(NOW)))
    await say(conversation, "lan", f"/start {world.codes['lan']}")
    await say(conversation, "hoa", f"/start {world.codes['hoa']}")
    conversation.world = world  # type: ignore[attr-defined]
    return conversation


async def test_a_duplicate_update_is_handled_once(conv, engine) -> None:
    first = await conv.handle(msg("lan", "/baocao 1", update_id="u-1"))
    again = await conv.handle(msg("lan", "/baocao 1", update_id="u-1"))
    assert len(first) == 1 and again == []
    await conv.handle(msg("lan", "1", update_id="u-2"))
    assert await conv.handle(msg("lan", "1", update_id="u-2")) == []
    async with transaction(engine) as session:
        seen = (await session.exec(select(ProcessedUpdate))).all()
    assert {p.update_id for p in seen} == {"u-1", "u-2"}


async def test_a_duplicate_of_a_refused_update_is_dropped_too(conv) -> None:
    first = await conv.handle(msg("lan", f"/baocao {conv.world.occurrences['3']}", update_id="x"))
    assert "không thuộc đơn vị" in first[0].text
    assert await conv.handle(msg("lan", "/baocao 3", update_id="x")) == []


async def test_options_by_button_number_and_words(conv, engine) -> None:
    occ = conv.world.occurrences["2"]
    await conv.handle(msg("lan", f"/baocao {occ}"))
    by_button = await conv.handle(msg("lan", option="s:in_progress"))
    assert "bao nhiêu phần trăm" in by_button[0].text
    await conv.handle(msg("lan", "/huy"))
    await conv.handle(msg("lan", f"/baocao {occ}"))
    by_words = await conv.handle(msg("lan", "dang thuc hien"))
    assert "bao nhiêu phần trăm" in by_words[0].text
    stale = await conv.handle(msg("lan", option="s:nonsense"))
    assert "không còn hiệu lực" in stale[0].text


async def test_forged_button_for_another_unit_is_refused(conv) -> None:
    other = conv.world.occurrences["3"]
    answer = await conv.handle(msg("lan", option=f"/baocao {other}"))
    assert "không thuộc đơn vị" in answer[0].text


async def test_an_unexpected_error_is_answered_politely_and_logged(
    conv, engine, caplog: pytest.LogCaptureFixture
) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE conversation_state"))
    with caplog.at_level(logging.ERROR):
        answer = await conv.handle(msg("lan", "/viec"))
    assert answer[0].text == _("conv.error.unexpected", "vi")
    assert "unexpected error" in caplog.text


async def test_a_refused_command_writes_nothing(conv, engine) -> None:
    await conv.handle(msg("lan", "/moi P_KD"))
    await conv.handle(msg("lan", "/tonghop"))
    async with transaction(engine) as session:
        actions = [a.action for a in (await session.exec(select(AuditLog))).all()]
    assert "invite.create" not in actions


async def test_language_switch_and_vietnamese_dates(conv, engine) -> None:
    vi = await say(conv, "lan", "/viec")
    assert "Thứ Sáu, 05/07/2024" in vi
    choose = await conv.handle(msg("lan", "/ngonngu"))
    assert [o.label for o in choose[0].options] == ["Tiếng Việt", "English"]
    switched = await conv.handle(msg("lan", "2"))
    assert switched[0].text == "Language set to English."
    en = await say(conv, "lan", "/tasks")
    assert "Friday, 05/07/2024" in en and "Unfinished tasks" in en
    bad = await say(conv, "lan", "/lang klingon")
    assert '"klingon" is not available' in bad
    await say(conv, "lan", "/lang vi")
    async with transaction(engine) as session:
        member = (await session.exec(select(Member).where(Member.channel_user_id == "lan"))).one()
    assert member.language == "vi"


async def test_a_report_and_its_audit_are_one_transaction(conv, engine) -> None:
    await conv.handle(msg("lan", f"/baocao {conv.world.occurrences['2']}"))
    await conv.handle(msg("lan", "xong"))
    await conv.handle(msg("lan", "bỏ qua"))
    await conv.handle(msg("lan", "bỏ qua"))
    await conv.handle(msg("lan", "xác nhận"))
    saved = await reports(engine)
    async with transaction(engine) as session:
        audit = (
            await session.exec(select(AuditLog).where(AuditLog.action == "report.create"))
        ).all()
    assert len(saved) == 1 and len(audit) == 1
    assert audit[0].details["report_id"] == saved[0].id


def test_registry_takes_one_more_command_and_refuses_a_duplicate_word() -> None:
    async def export(turn, args):  # noqa: ANN001, ANN202
        return []

    registry = Registry([Command("xuat", "export", export, Access.COORDINATOR, "conv.help.help")])
    assert registry.find("/XUẤT@dondoc_bot") is registry.find("export")
    with pytest.raises(ValueError):
        registry.add(Command("export", "xuat2", export, Access.COORDINATOR, "conv.help.help"))


def test_every_help_key_has_both_languages() -> None:
    from dondoc.handlers.conversation.commands import REGISTRY

    for command in REGISTRY.commands:
        for language in ("vi", "en"):
            assert _(command.help_key, language)
    assert Report  # the model the flows write


def test_every_conversation_message_named_in_code_has_both_languages() -> None:
    """Keys reach ``turn.say``/``turn.option``/``Command`` too, not only ``_``: scan every
    string literal that looks like a conversation key, and expand the f-string families."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    files = [*sorted((root / "handlers").rglob("*.py")), root / "bot" / "cli" / "conversation.py"]
    keys: set[str] = set()
    for path in files:
        keys |= set(
            re.findall(
                r"""["']((?:conv|cli\.parse_reply|cli\.summary|cli\.console)"""
                r"""\.[a-z_]+(?:\.[a-z_]+)*)["']""",
                path.read_text("utf-8"),
            )
        )
    families = {
        "conv.status": ("done", "in_progress", "blocked", "not_started"),
        "status.category": ("done_on_time", "done_late", "in_progress", "overdue", "not_reported"),
        "conv.assignment": ("lead", "cooperating"),
        "cli.parse_reply": ("done", "in_progress", "blocked", "not_started", "unclear"),
        "role": ("officer", "head", "coordinator", "admin"),
    }
    for prefix, names in families.items():
        keys |= {f"{prefix}.{name}" for name in names}
    assert len(keys) > 100
    for key in sorted(keys):
        for language in ("vi", "en"):
            assert _(key, language), key


async def test_unlinked_people_pressing_buttons_get_the_explanation(engine) -> None:
    await build_world(engine)
    conversation = Conversation(make_context(engine, FakeClock(NOW)))
    for message in (msg("ghost", option="s:done"), msg("ghost", option="/viec"), msg("ghost")):
        answer = await conversation.handle(message)
        assert answer[0].text == _("conv.onboarding.not_linked", "vi")


async def test_an_unreadable_state_is_reset_politely(conv, engine) -> None:
    await conv.handle(msg("lan", "/baocao"))
    async with transaction(engine) as session:
        state = (
            await session.exec(select(ConversationState).where(ConversationState.user_id == "lan"))
        ).one()
        state.state, state.data = "report.status", {"page": 1}  # no "occ": an older layout
        session.add(state)
    answer = await conv.handle(msg("lan", "xong"))
    assert answer[0].text == _("conv.state_lost", "vi")
    again = await conv.handle(msg("lan", "/baocao"))
    assert "nhiệm vụ nào" in again[0].text


async def test_a_group_chat_is_told_once_and_nothing_is_linked_or_recorded(conv, engine) -> None:
    """Messages written in a group (Zalo's beta groups, a Telegram group): one answer per group
    saying dondoc works in private chats, then silence; no member linked, no report saved."""

    from dondoc.scheduler.messaging import IncomingMessage

    def in_group(user: str, text: str, update: str) -> IncomingMessage:
        return IncomingMessage(
            "console", "group-1", user, text, user, update_id=update, private=False
        )

    code = next(iter(conv.world.codes.values()))
    first = await conv.handle(in_group("lan", "xong", "g-1"))
    assert [m.text for m in first] == [_("conv.group_only", "vi")]
    assert await conv.handle(in_group("hoa", "đang làm 50%", "g-2")) == []
    assert await conv.handle(in_group("newcomer", f"/start {code}", "g-3")) == []
    assert await reports(engine) == []
    async with transaction(engine) as session:
        users = {m.channel_user_id for m in (await session.exec(select(Member))).all()}
    assert "newcomer" not in users
