"""The web desk in a real browser: headless Chromium (Debian's ``chromium`` package) driven by
Playwright for Python — no browser is downloaded. A coordinator signs in through a link, sees
the matrix, filters it, opens a unit, downloads the Excel, nudges a unit and signs out; an
officer's link cannot open another unit or post an action; an expired or reused link is
refused; a request without the CSRF token is refused.

Skipped, with the reason, where Chromium or Playwright is not installed (``.ci/run`` installs
Chromium with apt-get when it can, so CI runs these)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from dondoc.storage.db import transaction
from dondoc.storage.models import Outbox
from tests.desk_world import DeskWorld, desk_world

CHROMIUM = os.environ.get("DONDOC_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

try:
    from playwright.async_api import Browser, Page, async_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    async_playwright = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.skipif(
        async_playwright is None, reason="Playwright for Python is not installed (pip .[test])"
    ),
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"no Chromium at {CHROMIUM}: apt-get install chromium (or set DONDOC_CHROMIUM)",
    ),
    pytest.mark.slow,
]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def dw(engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[DeskWorld]:
    world = await desk_world(engine, tmp_path)
    try:
        yield world
    finally:
        assert world.server is not None
        await world.server.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:  # type: ignore[misc]
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            yield launched
        finally:
            await launched.close()


async def sign_in(browser: Browser, dw: DeskWorld, person: str) -> Page:
    context = await browser.new_context(viewport=PHONE, accept_downloads=True, locale="vi-VN")
    page = await context.new_page()
    await page.goto(await dw.link(person))
    await page.click("#signin")
    await page.wait_for_url(f"{dw.base}/")
    return page


async def test_the_coordinators_monthly_routine_on_a_phone(browser: Browser, dw: DeskWorld) -> None:
    page = await sign_in(browser, dw, "hoa")
    assert await page.locator("h1").inner_text() == "Tổng quan tình hình thực hiện"
    cookies = await page.context.cookies()
    [cookie] = [c for c in cookies if c["name"] == "dondoc_desk"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    await page.click("nav >> text=Bảng theo dõi")
    await page.wait_for_selector("#matrix")
    rows = await page.locator("#matrix tbody tr").count()
    assert rows == 4  # Khương Đình, Nhân Chính, Văn hóa, and the unit with HTML in its name
    assert await page.locator("td.cell.cat-overdue").count() >= 2
    # a filter: only the units with something overdue
    await page.select_option("select[name=category]", "overdue")  # submits by itself
    await page.wait_for_url("**/bang?*category=overdue*")
    assert 0 < await page.locator("#matrix tbody tr").count() < rows
    assert await page.locator("td.cell.cat-in_progress:not(.dim)").count() == 0

    await page.click("#matrix tbody tr[data-unit=P_NC] th a")
    await page.wait_for_url("**/donvi/*")
    assert "UBND phường Nhân Chính" in await page.locator("h1").inner_text()
    assert "vướng" in await page.locator("ol.history").inner_text()

    async with page.expect_download() as waiting:
        await page.click("a.button >> text=Excel")
    download = await waiting.value
    saved = dw.data / "from-browser.xlsx"
    await download.save_as(saved)
    assert load_workbook(saved).worksheets[0].title == "Tổng hợp"

    page.once("dialog", lambda dialog: dialog.accept())  # "Gửi tin nhắc tới …?"
    await page.click("button[data-nudge=P_NC]")
    await page.wait_for_url(f"{dw.base}/nhac")
    assert "Đã gửi nhắc UBND phường Nhân Chính" in await page.locator("main").inner_text()
    async with transaction(dw.engine) as session:
        assert (await session.exec(select(Outbox).where(Outbox.kind == "nudge"))).all()

    await page.click("button >> text=Đăng xuất")
    assert "Đã đăng xuất" in await page.locator("h1").inner_text()
    response = await page.goto(f"{dw.base}/bang")
    assert response is not None and response.status == 401


async def test_an_officer_is_fenced_in_the_browser(browser: Browser, dw: DeskWorld) -> None:
    page = await sign_in(browser, dw, "lan")
    assert "Nhắc tất cả" not in await page.locator("main").inner_text()
    response = await page.goto(f"{dw.base}/donvi/{dw.world.units['P_NC']}")
    assert response is not None and response.status == 403
    await page.goto(f"{dw.base}/donvi/{dw.world.units['P_KD']}")
    csrf = await page.locator("input[name=csrf]").first.get_attribute("value")
    status = await page.evaluate(
        """async ([csrf, unit]) => {
            const body = new URLSearchParams({csrf: csrf, unit: unit});
            const answer = await fetch('/nhac', {method: 'POST', body});
            return answer.status;
        }""",
        [csrf, str(dw.world.units["P_NC"])],
    )
    assert status == 403
    async with transaction(dw.engine) as session:
        assert (await session.exec(select(Outbox))).all() == []


async def test_links_and_forms_that_must_be_refused(browser: Browser, dw: DeskWorld) -> None:
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    used = await dw.link("hoa")
    await page.goto(used)
    await page.click("#signin")
    await page.wait_for_url(f"{dw.base}/")
    # the same link again, in another browser: refused
    other = await (await browser.new_context()).new_page()
    await other.goto(used)
    await other.click("#signin")
    assert "đã được dùng" in await other.locator("main").inner_text()
    # an expired link
    late = await dw.link("hoa")
    dw.clock.advance(timedelta(minutes=11))
    await other.goto(late)
    await other.click("#signin")
    assert "hết hạn" in await other.locator("main").inner_text()
    # a form posted without the CSRF token changes nothing
    status = await page.evaluate(
        """async () => {
            const body = new URLSearchParams({all: '1'});
            const answer = await fetch('/nhac', {method: 'POST', body});
            return answer.status;
        }"""
    )
    assert status == 403
    async with transaction(dw.engine) as session:
        assert (await session.exec(select(Outbox))).all() == []
