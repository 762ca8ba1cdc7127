"""The README cannot rot: every command in its ``bash`` blocks is run here, in order, as a new
user would type it (with a fresh data folder, the shipped sample files, and local fake Zalo and
Telegram servers standing in for the real ones); every ``dondoc …`` named in its prose exists.

Substitutions, and only these: ``<CODE>`` is the invite code printed last; ``--port 8080``
becomes a free port; ``dondoc run`` is stopped with SIGTERM once it says it is running.
``./scripts/venv pytest`` is this very test run and is not started again.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import sys
from pathlib import Path

import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BIN = Path(sys.executable).parent


def bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def commands() -> list[str]:
    lines: list[str] = []
    for block in bash_blocks(README.read_text(encoding="utf-8")):
        for line in block.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def test_the_two_commands_are_there_and_ci_runs_the_test_one() -> None:
    found = commands()
    assert found[:2] == [
        "./scripts/venv dondoc demo     # the main job: a month of a sample ward's work, offline",
        "./scripts/venv pytest          # the tests (this is what CI runs)",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "exec ./scripts/venv pytest" in ci


def test_prose_names_only_commands_that_exist() -> None:
    text = README.read_text(encoding="utf-8")
    named = set(re.findall(r"`dondoc ([a-z-]+(?: [a-z-]+)?)", text))
    assert named
    env = {**os.environ, "DONDOC_LOCALE": "vi"}
    for words in sorted(named):
        import subprocess

        args = [str(BIN / "dondoc"), *words.split(), "--help"]
        result = subprocess.run(args, capture_output=True, text=True, env=env)
        if result.returncode != 0:  # "dondoc backup" etc. name a group and an argument
            result = subprocess.run(
                [str(BIN / "dondoc"), words.split()[0], "--help"],
                capture_output=True,
                text=True,
                env=env,
            )
        assert result.returncode == 0, (words, result.stderr)


async def _run(line: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        "bash",
        "-c",
        line,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=240)
    return process.returncode or 0, out.decode("utf-8", "replace")


async def _run_bot(line: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """``dondoc run …``: start it, wait until it says it runs, SIGTERM, expect a clean exit."""
    args = shlex.split(line)
    assert args[0] == "dondoc"
    process = await asyncio.create_subprocess_exec(
        str(BIN / "dondoc"),
        *args[1:],
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert process.stdout is not None
    seen = ""
    try:
        async with asyncio.timeout(60):
            while "dondoc đang chạy" not in seen:
                chunk = await process.stdout.readline()
                if not chunk:
                    break
                seen += chunk.decode("utf-8", "replace")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        rest, _ = await asyncio.wait_for(process.communicate(), timeout=60)
        seen += rest.decode("utf-8", "replace")
    return process.returncode or 0, seen


async def test_every_readme_command_runs(tmp_path: Path) -> None:
    work = tmp_path / "ward"
    work.mkdir()
    for name in ("bot",):  # the README's sample paths are relative to the clone
        (work / name).symlink_to(ROOT / name)
    async with FakeZalo() as zalo, FakeTelegram() as telegram:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")},
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "DONDOC_DATA_DIR": str(work / "data"),
            "DONDOC_LOCALE": "vi",
            "DONDOC_ZALO_BOT_TOKEN": zalo.token,
            "DONDOC_ZALO_BASE_URL": zalo.base_url,
            "DONDOC_TELEGRAM_BOT_TOKEN": telegram.token,
            "DONDOC_TELEGRAM_BASE_URL": telegram.base_url,
            "DONDOC_POLL_TIMEOUT": "1",
        }
        code = None
        ran = 0
        for line in commands():
            line = line.split("  #")[0].strip()
            if line.startswith("./scripts/venv pytest"):
                continue
            if line.startswith("./scripts/venv "):
                line = line.removeprefix("./scripts/venv ")
                if line == "dondoc demo":  # the main job, into its own folder
                    line = f"dondoc demo --dir {shlex.quote(str(tmp_path / 'demo'))}"
            if "<CODE>" in line:
                assert code, "the README uses <CODE> before creating an invite"
                line = line.replace("<CODE>", code)
            line = line.replace("--port 8080", "--port 0")
            if line.startswith("dondoc run"):
                status, output = await _run_bot(line, env, work)
                assert "dondoc đang chạy" in output, output
            else:
                status, output = await _run(line, env, work)
            assert status == 0, f"{line}\n{output}"
            ran += 1
            found = re.search(r"Mã mời: ([A-Z0-9]+)", output)
            if found:
                code = found.group(1)
            if "dondoc console" in line:  # a chat session answers
                assert "Đồng chí" in output or "đồng chí" in output, output
    assert ran >= 20
    assert (work / "backups" / "dondoc.db").exists()
    assert list((work / "exports").glob("*.xlsx"))


@pytest.mark.skipif(not (ROOT / ".ci" / "run").exists(), reason="no CI script")
def test_ci_script_is_executable() -> None:
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
    assert os.access(ROOT / "scripts" / "venv", os.X_OK)


def test_security_paragraph_says_what_the_code_does() -> None:
    """The numbers the README promises are the ones in force (issue 16)."""
    from dondoc.bot.safe_fetch import MAX_BYTES, FetchPolicy
    from dondoc.storage.invite_attempts import LIMITS

    text = README.read_text(encoding="utf-8")
    section = text.split("## Security — An toàn", 1)[1].split("\n## ", 1)[0]
    section = " ".join(section.split())
    assert f"After {LIMITS.free_per_chat} wrong codes in a day" in section
    assert f"waits {LIMITS.chat_first_wait.seconds // 60} minute, then 2, 4" in section
    assert LIMITS.chat_max_wait.days == 1 and "(at most a day)" in section
    assert f"after {LIMITS.free_overall} wrong codes in an hour" in section
    assert f"everyone waits {LIMITS.overall_first_wait.seconds} seconds" in section
    assert f"doubled for each {LIMITS.overall_step} more" in section
    assert f"(at most {LIMITS.overall_max_wait.seconds // 60} minutes)" in section
    assert (
        f"at most {MAX_BYTES // 1024 // 1024} MB and {FetchPolicy().total_seconds:.0f} seconds"
        in section
    )
    for mode in ("0600", "0700"):
        assert mode in section
