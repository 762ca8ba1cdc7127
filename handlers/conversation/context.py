"""What the conversation core needs from the deployment (*ngữ cảnh*): database engine, the one
clock, the working calendar, due rules, the default language and the reminder policy.

Channels build one ``BotContext`` at start-up (``bot/`` turns settings into it) and hand it to
``conversation.core.Conversation``; nothing in ``handlers/`` reads the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dondoc.scheduler.calendar import WorkingCalendar
from dondoc.scheduler.clock import Clock
from dondoc.scheduler.schedules import DueRules
from dondoc.storage.db import Engine
from dondoc.storage.exports import ReportHeading
from dondoc.storage.file_links import FileLinks


@dataclass
class BotContext:
    """Shared by every message: never holds per-user state (that is in the database).

    ``horizon_days``: how far ahead ``/viec`` and ``/baocao`` look for upcoming due dates.
    ``reply_window``: how long after a reminder a plain message is read as a report on it.
    ``page_size``: items per message in lists (Zalo shows at most 2000 characters).
    ``exports_dir``/``report_heading``: where /xuat saves files and the Word report's heading.
    ``policy``: the reminder policy (``scheduler.policy.ReminderPolicy``) used by ``/nhac``.
    ``web_public_url``: where phones reach the web desk and ``/f/…`` file links (None: no
    public address); ``web_local_url``: the desk's address on this machine (the console's);
    ``file_links``: the signer of file links (``storage.file_links.FileLinks``), None when the
    desk is not served.
    """

    engine: Engine
    clock: Clock
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    due_rules: DueRules = field(default_factory=DueRules)
    language: str = "vi"
    telegram_bot_username: str | None = None
    data_dir: Path = Path("data")
    policy: Any = None
    horizon_days: int = 45
    reply_window: timedelta = timedelta(days=30)
    page_size: int = 6
    invite_lifetime: timedelta = timedelta(days=7)
    exports_dir: Path | None = None  # default <data_dir>/exports
    report_heading: ReportHeading = field(default_factory=ReportHeading)
    web_public_url: str | None = None
    web_local_url: str | None = None
    file_links: FileLinks | None = None

    @property
    def exports_folder(self) -> Path:
        return self.exports_dir or Path(self.data_dir) / "exports"

    def today(self) -> date:
        return self.calendar.local_date(self.clock.now())
