"""Imports run one way: bot → handlers → scheduler → storage; locales is a leaf. No circles.
Also: ruff is clean (the suite fails on a lint error, so CI enforces it)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["storage", "scheduler", "handlers", "bot"]  # lowest first
ALLOWED = {
    "locales": set(),
    "storage": {"locales"},
    "scheduler": {"storage", "locales"},
    "handlers": {"scheduler", "storage", "locales"},
    "bot": {"handlers", "scheduler", "storage", "locales"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


def test_imports_run_one_way() -> None:
    wrong: list[str] = []
    for package, allowed in ALLOWED.items():
        for path in (ROOT / package).rglob("*.py"):
            bad = imported_packages(path) - allowed - {package}
            if bad:
                wrong.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert wrong == []


def test_every_module_says_what_it_is_for() -> None:
    missing = []
    for package in ALLOWED:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations/versions" in path.as_posix():
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if not ast.get_docstring(tree) and path.stat().st_size > 0:
                missing.append(str(path.relative_to(ROOT)))
    assert missing == []


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    for command in (["check", "--quiet"], ["format", "--check", "--quiet"]):
        result = subprocess.run(
            [ruff, *command, str(ROOT)], capture_output=True, text=True, cwd=ROOT
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_cli_command_table_matches_the_modules() -> None:
    import importlib

    import click

    from bot.cli import COMMAND_MODULES, COMMANDS

    registered: dict[str, str] = {}
    for module in COMMAND_MODULES:
        holder = click.Group()
        importlib.import_module(module).register(holder)
        for name in holder.commands:
            registered.setdefault(name, module)
    assert registered == COMMANDS
