"""Imports run one way: bot → handlers → scheduler → storage; locales is a leaf. No circles.
Also: ruff is clean (the suite fails on a lint error, so CI enforces it)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["storage", "scheduler", "handlers", "bot"]  # lowest first
ALLOWED = {
    "locales": set(),
    "storage": {"locales"},
    "scheduler": {"storage", "locales"},
    "handlers": {"scheduler", "storage", "locales"},
    "bot": {"handlers", "scheduler", "storage", "locales"},
}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def imported_packages(path: Path) -> set[str]:
    """The parts of dondoc (``bot``, ``storage`` …) that ``path`` imports."""
    parts = {name.split(".")[1] for name in imported_modules(path) if name.startswith("dondoc.")}
    return parts & set(ALLOWED)


def test_everything_is_imported_under_one_namespace() -> None:
    """``from storage import …`` would work only from the repository's root (or import some
    other distribution's ``storage``): every import of our code names ``dondoc.``."""
    bare = []
    for path in [*ROOT.glob("*/**/*.py")]:
        if ".venv" in path.parts:
            continue
        for name in imported_modules(path):
            if name.split(".")[0] in ALLOWED:
                bare.append(f"{path.relative_to(ROOT)} imports {name}")
    assert bare == []


def test_the_wheel_holds_only_dondoc(tmp_path: Path) -> None:
    """``pip install .`` puts one package into site-packages: the wheel built from the tracked
    files (offline, in a copy: nothing is written into the repository) holds ``dondoc/…`` and
    its metadata, nothing else, and every folder of the layout is in it."""
    import zipfile

    pytest.importorskip("wheel")
    listed = subprocess.run(
        ["git", "ls-files", "-z"], capture_output=True, cwd=ROOT, check=False
    ).stdout.split(b"\0")
    if not any(listed):
        pytest.skip("not a git checkout: the tracked files are unknown")
    source = tmp_path / "source"
    for name in filter(None, listed):
        target = source / name.decode()
        if (ROOT / name.decode()).is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name.decode(), target)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--disable-pip-version-check", "-w", str(tmp_path / "wheel"), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "wheel").glob("dondoc-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"dondoc"}
    tracked = [n.decode() for n in listed if n]
    missing = [
        name
        for name in tracked
        if name.split("/")[0] in ALLOWED and name.endswith(".py") and f"dondoc/{name}" not in names
    ]
    assert missing == []  # every module of the layout is installed (a package left out of
    # pyproject's list would be missing from the wheel, and from a user's install)
    info = next(top for top in tops if top.endswith(".dist-info"))
    assert zipfile.ZipFile(wheel).read(f"{info}/top_level.txt").split() == [b"dondoc"]


def test_the_distribution_installs_only_dondoc() -> None:
    """``top_level.txt`` of the installed distribution names ``dondoc`` alone, and the
    entry point is inside it."""
    from importlib.metadata import distribution

    dist = distribution("dondoc")
    top = (dist.read_text("top_level.txt") or "dondoc").split()
    assert top == ["dondoc"]
    assert [ep.value for ep in dist.entry_points if ep.name == "dondoc"] == ["dondoc.bot.cli:main"]


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

    from dondoc.bot.cli import COMMAND_MODULES, COMMANDS

    registered: dict[str, str] = {}
    for module in COMMAND_MODULES:
        holder = click.Group()
        importlib.import_module(module).register(holder)
        for name in holder.commands:
            registered.setdefault(name, module)
    assert registered == COMMANDS


SQL_LIBRARIES = {"sqlalchemy", "sqlmodel", "aiosqlite", "asyncpg"}


def test_handlers_hold_no_sql() -> None:
    """Conversations and use cases ask ``storage/`` (named functions returning dataclasses);
    no statement is built in ``handlers/``."""
    wrong = []
    for path in (ROOT / "handlers").rglob("*.py"):
        for name in imported_modules(path):
            if name.split(".")[0] in SQL_LIBRARIES:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def _python_files() -> list[Path]:
    folders = [*ALLOWED, "tests", "bench", "scripts"]
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")]


def _our_private_names(paths: list[Path]) -> set[str]:
    """Every underscore name dondoc itself defines (functions, classes, attributes it sets,
    module-level names): using those is dondoc's own business."""
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return {n for n in names if n.startswith("_")}


def test_no_private_parts_of_dependencies() -> None:
    """No module imports a dependency's private module or name (``sqlalchemy.dialects…``'s
    underscore classes, ``aiosqlite._…``), nor reaches an underscore attribute that dondoc
    does not define itself: an upgrade of a library must not break dondoc silently."""
    paths = _python_files()
    ours = _our_private_names(paths)
    wrong = []
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
                if not node.module.startswith(("dondoc", "tests")):
                    modules += [f"{node.module}.{alias.name}" for alias in node.names]
            for module in modules:
                if module.startswith(("dondoc", "tests", "__future__")):
                    continue
                if any(
                    part.startswith("_") and not part.startswith("__") for part in module.split(".")
                ):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {module}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr not in ours
            ):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} uses .{node.attr}")
    assert wrong == []
