"""The ``dondoc`` command line: the root group and what every subcommand shares.

Each room's commands live in their own module of this package and are registered in
``COMMAND_MODULES``. A ``UserError`` anywhere becomes a one-line message in the operator's
language on standard error and exit status 2, after the transaction was rolled back.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from pydantic_settings import SettingsError
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.bot.settings import Settings
from dondoc.locales import _
from dondoc.scheduler.clock import Clock, SystemClock
from dondoc.storage.db import DatabaseUnavailable, make_engine
from dondoc.storage.errors import UserError

T = TypeVar("T")

# Each command's module, imported only when that command runs (or for ``--help``), so that
# ``dondoc units list`` does not pay for Telegram, aiohttp and matplotlib. A module's
# ``register(group)`` adds its commands; a test checks this table against what they add.
COMMANDS: dict[str, str] = {
    "init": "dondoc.bot.cli.setup",
    "settings": "dondoc.bot.cli.setup",
    "backup": "dondoc.bot.cli.setup",
    "units": "dondoc.bot.cli.units",
    "invite": "dondoc.bot.cli.invites",
    "schedule": "dondoc.bot.cli.schedule",
    "demo": "dondoc.bot.cli.demo",
    "plan": "dondoc.bot.cli.plans",
    "task": "dondoc.bot.cli.plans",
    "tasks": "dondoc.bot.cli.plans",
    "run": "dondoc.bot.cli.run",
    "attachment": "dondoc.bot.cli.attachments",
    "console": "dondoc.bot.cli.conversation",
    "parse-reply": "dondoc.bot.cli.conversation",
    "remind": "dondoc.bot.cli.reminders",
    "outbox": "dondoc.bot.cli.reminders",
    "tick": "dondoc.bot.cli.reminders",
    "summary": "dondoc.bot.cli.summary",
    "members": "dondoc.bot.cli.people",
    "web": "dondoc.bot.cli.web",
    "web-link": "dondoc.bot.cli.web",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


class LazyGroup(click.Group):
    """The root group: commands come from ``COMMANDS`` and are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        holder = click.Group()
        importlib.import_module(module).register(holder)
        return holder.commands.get(cmd_name)


@dataclass
class App:
    """What a command needs: settings, the clock, the database engine (made on first use)."""

    settings: Settings
    clock: Clock = field(default_factory=SystemClock)

    @property
    def language(self) -> str:
        return self.settings.locale

    @cached_property
    def engine(self) -> AsyncEngine:
        return make_engine(self.settings.db_url)

    def t(self, key: str, /, **values: Any) -> str:
        return _(key, self.language, **values)

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Run an async body; turn expected failures into a message and exit status 2."""

        async def _body() -> T:
            try:
                return await make()
            finally:
                if "engine" in self.__dict__:
                    await self.engine.dispose()

        try:
            return asyncio.run(_body())
        except UserError as exc:
            self.fail(exc.key, **exc.values)
        except BrokenPipeError:  # the reader went away (e.g. "| head"): nothing to say
            sys.stderr.close()
            sys.exit(0)
        except (DatabaseUnavailable, OperationalError, DBAPIError, OSError) as exc:
            if isinstance(exc, OperationalError | DBAPIError) and "no such table" in str(exc):
                self.fail("db.not_initialised")
            self.fail(
                "db.unreachable",
                url=self.settings.public_view()["database_url"],
                reason=str(getattr(exc, "orig", exc)).splitlines()[0][:200],
            )
        raise AssertionError("unreachable")

    def fail(self, key: str, /, **values: Any) -> None:
        click.echo(self.t("cli.error", message=self.t(key, **values)), err=True)
        sys.exit(2)

    def echo_json(self, data: Any) -> None:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


pass_app = click.make_pass_decorator(App)


def _load_settings() -> Settings:
    try:
        return Settings()
    except (ValidationError, SettingsError) as exc:
        if isinstance(exc, ValidationError):
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'settings'}: {e['msg']}"
                for e in exc.errors()
            )
        else:  # a value pydantic-settings could not even decode
            problems = str(exc)
        click.echo(
            _("cli.error", None, message=_("settings.invalid", None, problems=problems)), err=True
        )
        sys.exit(2)


def help_text(key: str) -> str:
    """Help texts are user-facing too: in the configured language (DONDOC_LOCALE)."""
    import os

    return _(key, os.environ.get("DONDOC_LOCALE"))


@click.group(cls=LazyGroup, help=help_text("cli.help.root"))
@click.version_option(package_name="dondoc")
@click.pass_context
def cli(ctx: click.Context) -> None:
    if ctx.obj is None:
        ctx.obj = App(settings=_load_settings())


def main() -> None:
    import os

    from dondoc.locales import speak_click

    speak_click(os.environ.get("DONDOC_LOCALE"))
    cli(prog_name="dondoc")
