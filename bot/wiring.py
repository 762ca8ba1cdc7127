"""From settings to the conversation core: ``bot_context`` builds the ``BotContext`` every
channel (console, Telegram, Zalo) hands to ``conversation.core.Conversation``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.bot.settings import Settings
from dondoc.handlers.conversation.context import BotContext
from dondoc.scheduler.clock import Clock


def bot_context(settings: Settings, engine: AsyncEngine, clock: Clock) -> BotContext:
    return BotContext(
        engine=engine,
        clock=clock,
        calendar=settings.calendar(),
        due_rules=settings.due_rules(),
        language=settings.locale,
        telegram_bot_username=settings.telegram_bot_username,
        data_dir=settings.data_dir,
        policy=settings.reminder_policy(),
        exports_dir=settings.exports_path,
        report_heading=settings.report_heading(),
    )
