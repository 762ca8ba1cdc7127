"""Deployment settings (pydantic-settings): environment variables ``DONDOC_*`` or a ``.env`` file.

Secrets (bot tokens, webhook secrets) are ``SecretStr``: they never appear in ``repr``, logs or
``dondoc settings``. Settings are turned into the plain objects the lower layers take
(``due_rules()``, ``calendar()``), so ``scheduler/`` and ``storage/`` never read the environment.
"""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from dondoc.bot.safe_fetch import FetchPolicy
from dondoc.scheduler.calendar import QuietHours, WorkingCalendar
from dondoc.scheduler.limits import RateLimits
from dondoc.scheduler.policy import ReminderPolicy
from dondoc.scheduler.schedules import DueRules
from dondoc.storage.exports import ReportHeading


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

    # Reminder engine (issue 4): scheduler.policy.ReminderPolicy, scheduler.dispatcher limits.
    remind_before: Annotated[tuple[Annotated[int, Field(ge=1, le=60)], ...], NoDecode] = Field(
        default=(7, 3, 1), description="working days before the due date: 7,3,1 or [7,3,1]"
    )
    remind_on_due: bool = True
    remind_overdue_every: int = Field(default=2, ge=1, le=30)
    remind_overdue_max: int = Field(default=5, ge=0, le=50)
    remind_head_from_overdue: int = Field(default=2, ge=0, le=50)
    remind_ongoing_checkin: bool = True
    remind_checkin_day: int = Field(default=10, ge=1, le=28)
    remind_time: time = time(8, 0)
    digest_time: time = time(8, 0)
    telegram_chat_rate: float = Field(default=1.0, gt=0, description="messages/second, per chat")
    zalo_chat_rate: float = Field(default=1.0, gt=0, description="messages per second, per chat")
    delivery_max_attempts: int = Field(default=8, ge=1, le=100)
    delivery_concurrency: int = Field(
        default=1, ge=1, le=32, description="messages in flight; a crash may repeat that many"
    )
    dispatcher_lease_seconds: float = Field(default=60.0, ge=2)
    plan_tick_messages: int = Field(
        default=1500, ge=10, le=100_000, description="reminder messages queued per tick at most"
    )

    # Channels (issue 6): API base URLs (point them at a local server to test), rate limits,
    # webhook mode. Webhook secrets are checked in constant time on every request.
    zalo_base_url: str = "https://bot-api.zaloplatforms.com"
    telegram_base_url: str = "https://api.telegram.org"
    # Where Zalo serves the photos people send (its CDN): links in updates are fetched only
    # from these hosts and their subdomains, over HTTPS, at public addresses (bot.safe_fetch).
    zalo_file_hosts: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("zdn.vn", "zadn.vn"), description="Zalo's file hosts: zdn.vn,zadn.vn"
    )
    zalo_rate_limit: float = Field(default=5.0, gt=0, description="Zalo messages per second")
    telegram_rate_limit: float = Field(
        default=25.0, gt=0, le=30, description="Telegram messages per second (all chats)"
    )
    poll_timeout: int = Field(default=30, ge=1, le=60, description="long-polling seconds")
    webhook: bool = Field(default=False, description="take updates by webhook, not polling")
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=0, le=65535)
    webhook_public_url: str | None = Field(
        default=None, description="https URL where the platforms reach this server"
    )
    webhook_max_body: int = Field(default=1_048_576, ge=1024, description="bytes per request")
    webhook_allow_insecure_url: bool = Field(
        default=False, description="accept an http:// or private public URL (local tests only)"
    )
    zalo_webhook_secret: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None

    # Coordinator outputs (issue 7): the Word report's heading and where chat exports go.
    report_authority: str = Field(
        default="", description='governing body, e.g. "UBND phường Thanh Xuân"'
    )
    report_office: str = Field(default="", description='e.g. "Phòng Văn hóa - Xã hội"')
    report_place: str = Field(default="", description='place of the date line, e.g. "Hà Nội"')
    report_signer_title: str = Field(default="", description='e.g. "Trưởng phòng"')
    report_signer_name: str = ""
    report_symbol: str = Field(
        default="", description='symbol of the number line, e.g. "BC-VHXH" (Số:    /BC-VHXH)'
    )
    report_recipients: str = Field(
        default="",
        description='"Nơi nhận", separated by ";", e.g. "Thường trực Đảng ủy;UBND phường"',
    )
    exports_dir: Path | None = Field(
        default=None, description="where exports are saved; default <data_dir>/exports"
    )

    # The web desk (issue 18): served by ``dondoc run`` (with the webhooks in webhook mode, else
    # on its own host/port) and by ``dondoc web``; files reach phones as signed /f/ links.
    web: bool = Field(default=True, description="serve the web desk in dondoc run")
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    web_public_url: str | None = Field(
        default=None,
        description="https URL where phones reach the desk and file links; "
        "default the webhook public URL",
    )
    web_secret: SecretStr | None = Field(
        default=None, description="signs file links; default a random one kept in the data dir"
    )
    web_max_body: int = Field(default=65_536, ge=1024, description="bytes per desk request")
    evidence_max_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1024, description="largest evidence file kept"
    )

    @field_validator("remind_before", "zalo_file_hosts", mode="before")
    @classmethod
    def _list_as_written(cls, value: Any) -> Any:
        return parse_list(value) if isinstance(value, str) else value

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

    def report_heading(self) -> ReportHeading:
        """The Word report's heading and signature (``DONDOC_REPORT_*``); what is left empty
        is filled from the deployment's units and plans (``storage.exports.heading``)."""
        return ReportHeading(
            authority=self.report_authority,
            office=self.report_office,
            place=self.report_place,
            signer_title=self.report_signer_title,
            signer_name=self.report_signer_name,
            symbol=self.report_symbol.strip(),
            recipients=tuple(
                part.strip() for part in self.report_recipients.split(";") if part.strip()
            ),
        )

    def reminder_policy(self) -> ReminderPolicy:
        return ReminderPolicy(
            before=tuple(self.remind_before),
            on_due=self.remind_on_due,
            overdue_every=self.remind_overdue_every,
            overdue_max=self.remind_overdue_max,
            head_from_overdue=self.remind_head_from_overdue,
            ongoing_checkin=self.remind_ongoing_checkin,
            checkin_day=self.remind_checkin_day,
            remind_time=self.remind_time,
            digest_time=self.digest_time,
        )

    def delivery_limits(self) -> dict[str, RateLimits]:
        """Per-channel pacing of the dispatcher (console is not limited)."""
        return {
            "telegram": RateLimits(self.telegram_rate_limit, self.telegram_chat_rate),
            "zalo": RateLimits(self.zalo_rate_limit, self.zalo_chat_rate),
        }

    def fetch_policy(self, channel: str) -> FetchPolicy:
        """Where links of ``channel``'s updates may be fetched from: the platform's file hosts
        and its configured API base URL (a local fake in tests), nowhere else."""
        if channel == "zalo":
            return FetchPolicy.of(hosts=self.zalo_file_hosts, base_urls=[self.zalo_base_url])
        if channel == "telegram":
            return FetchPolicy.of(base_urls=[self.telegram_base_url])
        return FetchPolicy()

    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(self.timezone, QuietHours(self.quiet_start, self.quiet_end))

    @property
    def desk_public_url(self) -> str | None:
        """Where phones reach the desk (``DONDOC_WEB_PUBLIC_URL``, else the webhooks')."""
        url = self.web_public_url or self.webhook_public_url
        return url.rstrip("/") if url else None

    @property
    def desk_local_url(self) -> str:
        """The desk's address on this machine (the webhook server's in webhook mode)."""
        host, port = (
            (self.webhook_host, self.webhook_port)
            if self.webhook
            else (self.web_host, self.web_port)
        )
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{shown}:{port}"

    @property
    def evidence_path(self) -> Path:
        """Where kept evidence goes: ``<data_dir>/evidence``."""
        return self.data_dir / "evidence"

    @property
    def exports_path(self) -> Path:
        """Where ``dondoc summary`` and ``/xuat`` save files by default."""
        return self.exports_dir or self.data_dir / "exports"

    def public_view(self) -> dict[str, str]:
        """The settings as shown to an operator: secrets only as ``SET`` / ``NOT_SET`` (the
        command line says these in the operator's language)."""
        shown: dict[str, str] = {}
        for name, value in self:
            if isinstance(value, SecretStr):
                shown[name] = SET if value.get_secret_value() else NOT_SET
            elif isinstance(value, tuple):
                shown[name] = ",".join(str(item) for item in value)  # as it is written
            elif value is None:
                shown[name] = NOT_SET
            else:
                shown[name] = str(value)
        shown["database_url"] = _hide_password(self.db_url)
        for name in ("zalo_webhook_secret", "telegram_webhook_secret"):
            if shown[name] == NOT_SET and self.webhook_public_url:
                # bot.runner makes a new one at each start and registers it with the platform
                shown[name] = GENERATED
        return shown


SET, NOT_SET = "(set)", "(not set)"  # how a secret or an empty setting shows in public_view
GENERATED = "(generated at start)"  # an unset webhook secret that bot.runner makes and registers


def parse_list(text: str) -> list[str]:
    """A list setting as people write it: ``7,3,1``, ``7, 3, 1``, ``7;3;1`` or ``[7,3,1]``
    (JSON too: ``["zdn.vn", "zadn.vn"]``); empty means an empty list. Anything else — an
    unclosed bracket, an empty item, a JSON object — is a ``ValueError`` (a clean message)."""
    text = text.strip()
    if text.startswith("[") or text.endswith("]"):
        if not (text.startswith("[") and text.endswith("]")):
            raise ValueError("a list is written 7,3,1 or [7,3,1]")
        try:
            loaded = json.loads(text)
        except ValueError:
            loaded = None
        if isinstance(loaded, list):
            if not all(isinstance(item, str | int) for item in loaded):
                raise ValueError("a list is written 7,3,1 or [7,3,1]")
            return [str(item) for item in loaded]
        text = text[1:-1].strip()
    if not text:
        return []
    items = [item.strip().strip("'\"").strip() for item in text.replace(";", ",").split(",")]
    if any(not item for item in items):
        raise ValueError("an empty item in the list (write 7,3,1 or [7,3,1])")
    return items


def _hide_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparseable URL is shown as written
        return url
