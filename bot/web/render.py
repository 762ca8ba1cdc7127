"""Rendering the desk's pages (*hiển thị*): Jinja2 templates shipped in ``bot/web/templates``,
with autoescaping on for every template — a unit name, task title or note that holds HTML
is shown as text, never run — and an undefined name failing loudly instead of printing
nothing.

Templates speak through ``t(key, …)`` (the catalogs of ``locales/``, in the viewer's language),
and format dates and moments in the deployment's timezone with ``day``, ``moment``,
``period``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from dondoc.handlers.desk.people import channel_name
from dondoc.locales import _, format_day, format_period, format_short_day
from dondoc.scheduler.messages import step_words
from dondoc.storage.summary_model import CATEGORIES, Category

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["CATEGORIES"] = CATEGORIES
    env.globals["Category"] = Category
    return env


def helpers(language: str, tz: ZoneInfo) -> dict[str, Any]:
    """The functions every template gets, bound to the viewer's language."""

    def t(key: str, /, **values: Any) -> str:
        return _(key, language, **values)

    def day(value: date | datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(tz)
        return format_short_day(value, language)

    def long_day(value: date | None) -> str:
        return format_day(value, language) if value is not None else "—"

    def moment(value: datetime | None) -> str:
        if value is None:
            return "—"
        local = value.astimezone(tz)
        return f"{local:%H:%M} {format_short_day(local, language)}"

    def period(label: str) -> str:
        return format_period(label, language)

    def percent(value: float | None) -> str:
        return "—" if value is None else f"{round(value * 100)}%"

    return {
        "t": t,
        "day": day,
        "long_day": long_day,
        "moment": moment,
        "period": period,
        "percent": percent,
        "step": lambda step: step_words(step, language),
        "channel": lambda name: channel_name(name, language),
        "language": language,
    }


def render(name: str, language: str, tz: ZoneInfo, **context: Any) -> str:
    template = environment().get_template(name)
    return template.render(**helpers(language, tz), **context)
