"""``dondoc demo``: a month of a sample ward's work, offline (see ``bot.demo``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from dondoc.bot.cli import App, help_text, pass_app
from dondoc.bot.demo import run_demo
from dondoc.storage.errors import UserError


@click.command("demo", help=help_text("cli.help.demo"))
@click.option(
    "--seed", type=int, default=7, show_default=True, help=help_text("cli.help.demo_seed")
)
@click.option(
    "--days",
    type=click.IntRange(1, 92),
    default=30,
    show_default=True,
    help=help_text("cli.help.demo_days"),
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path),
    default=None,
    help=help_text("cli.help.demo_dir"),
)
@click.option("--verbose", is_flag=True, help=help_text("cli.help.demo_verbose"))
@pass_app
def demo_command(app: App, seed: int, days: int, directory: Path | None, verbose: bool) -> None:
    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="dondoc-demo-"))
    elif directory.exists() and any(directory.iterdir()):
        app.fail("demo.dir_not_empty", path=str(directory))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        app.fail("demo.dir_unusable", path=str(directory), reason=exc.strerror or str(exc))

    async def body() -> None:
        await run_demo(
            directory, seed=seed, days=days, out=click.echo, language=app.language, verbose=verbose
        )

    try:
        app.run(body)
    except UserError as exc:  # pragma: no cover - app.run already turns these into exit 2
        app.fail(exc.key, **exc.values)


def register(group: click.Group) -> None:
    group.add_command(demo_command)
