"""Developer tool: the README's pictures of the web desk, from the demo's data.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]      # default docs/screenshots

Runs ``dondoc demo`` into a temporary folder (a month of the sample ward), serves the desk on a
free port of 127.0.0.1 with the clock at the demo's last day, signs in as the coordinator (and
as an officer) through single-use links, and has headless Chromium (Debian's ``chromium``)
take the overview and the status matrix at phone and desk size. Nothing is downloaded.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import async_playwright

from dondoc.bot.settings import Settings
from dondoc.bot.web.server import DeskServer, make_desk
from dondoc.scheduler.clock import FakeClock
from dondoc.storage.db import make_engine, transaction
from dondoc.storage.people import list_people
from dondoc.storage.web_access import create_link

ROOT = Path(__file__).resolve().parents[1]
AT = datetime(2025, 12, 3, 2, 0, tzinfo=UTC)  # the morning after the demo's month
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 860}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


async def shoot(out: Path) -> list[Path]:
    data = Path(tempfile.mkdtemp(prefix="dondoc-shots-"))
    dondoc = Path(sys.executable).with_name("dondoc")
    subprocess.run([str(dondoc), "demo", "--dir", str(data / "demo")], check=True,
                   capture_output=True)  # fmt: skip
    settings = Settings(data_dir=data / "demo", locale="vi")
    engine = make_engine(settings.db_url)
    clock = FakeClock(AT)
    server = DeskServer(make_desk(settings, engine, clock), "127.0.0.1", 0)
    await server.start()
    base = server.address
    shots: list[Path] = []

    async def link(role: str) -> str:
        async with transaction(engine) as session:
            people = await list_people(session)
            who = next(p for p in people if p.role == role)
            made = await create_link(session, who.id, now=clock.now(), via="cli", actor="shots")
        return f"{base}/dangnhap/{made.token}"

    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox"]
            )
            for size, viewport in (("phone", PHONE), ("desk", DESK)):
                context = await browser.new_context(viewport=viewport, locale="vi-VN")
                page = await context.new_page()
                await page.goto(await link("coordinator"))
                await page.click("#signin")
                await page.goto(f"{base}/?period=2025-11")
                await page.wait_for_load_state("networkidle")
                for name, path in (
                    ("overview", "/?period=2025-11"),
                    ("matrix", "/bang?period=2025-11"),
                ):
                    await page.goto(base + path)
                    await page.wait_for_load_state("networkidle")
                    target = out / f"{name}-{size}.png"
                    await page.screenshot(path=str(target), full_page=size == "desk")
                    shots.append(target)
                await context.close()
            await browser.close()
    finally:
        await server.stop()
        await engine.dispose()
        shutil.rmtree(data, ignore_errors=True)
    return shots


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(shoot(out)):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
