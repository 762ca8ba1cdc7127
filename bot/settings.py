"""Deployment settings (pydantic-settings): environment variables ``DONDOC_*`` or a ``.env`` file.

Secrets (bot tokens, webhook secrets) are ``SecretStr``: they never appear in ``repr``, logs or
``dondoc settings``. Settings are turned into the plain objects the lower layers take
(``due_rules()``, ``calendar()``), so ``scheduler/`` and ``storage/`` never read the environment.
"""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from scheduler.calendar import QuietHours, WorkingCalendar
from scheduler.schedules import DueRules


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DONDOC_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(default=Path("data"), description="where the SQLite file and exports go")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite:///<data_dir>/dondoc.db"
    )
    timezone: str = "Asia/Ho_Chi_Minh"
    locale: Literal["vi", "en"] = "vi"

    monthly_due_day: int = Field(default=20, ge=1, le=31)
    period_due_day: int = Field(
        default=20, ge=1, le=31, description="day N of the period's last month"
    )
    due_shift: Literal["none", "next", "previous"] = "next"
    ongoing_period: Literal["monthly", "quarterly"] = "quarterly"

    quiet_start: time = time(7, 30)
    quiet_end: time = time(17, 0)

    telegram_bot_token: SecretStr | None = None
    telegram_bot_username: str | None = None
    zalo_bot_token: SecretStr | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _quiet_hours_order(self) -> Settings:
        if not self.quiet_start < self.quiet_end:
            raise ValueError("DONDOC_QUIET_START must be before DONDOC_QUIET_END")
        return self

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'dondoc.db'}"

    def due_rules(self) -> DueRules:
        return DueRules(
            monthly_day=self.monthly_due_day,
            period_day=self.period_due_day,
            shift=self.due_shift,
            ongoing_period=self.ongoing_period,
        )

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(self.timezone, QuietHours(self.quiet_start, self.quiet_end))

    def public_view(self) -> dict[str, str]:
        """The settings as shown to an operator: secrets only as set / not set."""
        shown: dict[str, str] = {}
        for name, value in self:
            if isinstance(value, SecretStr):
                shown[name] = "(set)" if value.get_secret_value() else "(not set)"
            elif value is None:
                shown[name] = "(not set)"
            else:
                shown[name] = str(value)
        shown["database_url"] = _hide_password(self.db_url)
        return shown


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparseable URL is shown as written
        return url
