"""Files that reach every channel: signed ``/f/<token>`` links (24 hours, bound to a file and a
member; path tricks, tampering and expiry refused) and the evidence dondoc keeps (fetched once,
size-limited, type-checked by content, behind one fetch function)."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from itsdangerous import URLSafeSerializer
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

from dondoc.bot.evidence import EvidenceKeeper
from dondoc.storage import evidence as store
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.file_links import SALT, FileLinks, LinkRefused
from dondoc.storage.models import AuditLog, Evidence
from tests.desk_world import SECRET, DeskWorld, desk_world

NOW = datetime(2024, 7, 8, 2, 0, tzinfo=UTC)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


# ---- signed links ---------------------------------------------------------------------------


def test_a_link_opens_its_file_only_and_only_for_a_day(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "tong-hop.xlsx").write_bytes(b"PK")
    outside = tmp_path / "secret.txt"
    outside.write_text("not for the web")
    links = FileLinks(SECRET, {"exports": exports})
    token = links.token(exports / "tong-hop.xlsx", 7, NOW)
    opened = links.open(token, NOW + timedelta(hours=23, minutes=59))
    assert opened.path == (exports / "tong-hop.xlsx").resolve() and opened.member_id == 7
    with pytest.raises(LinkRefused, match="expired"):
        links.open(token, NOW + timedelta(hours=24))
    with pytest.raises(ValueError):  # a file outside the linked folders gets no link at all
        links.token(outside, 7, NOW)
    with pytest.raises(LinkRefused, match="forged"):  # one character changed
        links.open(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), NOW)
    with pytest.raises(LinkRefused, match="forged"):  # signed with another secret
        links.open(FileLinks("another-secret-" + "y" * 30, {"exports": exports}).token(
            exports / "tong-hop.xlsx", 7, NOW), NOW)  # fmt: skip
    # Even correctly signed, a path out of the folder opens nothing.
    serializer = URLSafeSerializer(SECRET, salt=SALT)
    expires = int((NOW + timedelta(hours=1)).timestamp())
    for inside in ("../secret.txt", "/etc/passwd", "sub/../../secret.txt"):
        crafted = serializer.dumps({"d": "exports", "p": inside, "m": 7, "e": expires})
        with pytest.raises(LinkRefused):
            links.open(crafted, NOW)
    crafted = serializer.dumps({"d": "nowhere", "p": "x", "m": 7, "e": expires})
    with pytest.raises(LinkRefused, match="forged"):
        links.open(crafted, NOW)
    os.symlink(outside, exports / "link.txt")  # a link planted in the folder leads nowhere
    crafted = serializer.dumps({"d": "exports", "p": "link.txt", "m": 7, "e": expires})
    with pytest.raises(LinkRefused, match="missing"):
        links.open(crafted, NOW)


@pytest.fixture
async def dw(engine: AsyncEngine, tmp_path: Path):  # noqa: ANN201
    world = await desk_world(engine, tmp_path)
    try:
        yield world
    finally:
        assert world.server is not None
        await world.server.stop()


async def test_f_links_over_http(dw: DeskWorld) -> None:
    links = dw.desk.ctx.file_links
    assert links is not None
    folder = dw.data / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bieu-do.png").write_bytes(png_bytes())
    token = links.token(folder / "bieu-do.png", dw.members["hoa"], dw.clock.now())
    async with aiohttp.ClientSession() as client:  # no session needed: the link is the key
        async with client.get(f"{dw.base}/f/{token}") as r:
            assert r.status == 200 and r.content_type == "image/png"
            assert r.headers["Content-Disposition"].startswith("inline")
            assert r.headers["X-Content-Type-Options"] == "nosniff"
            assert await r.read() == (folder / "bieu-do.png").read_bytes()
        for path in ("/f/..%2F..%2Fetc%2Fpasswd", "/f/../../etc/passwd", "/f/" + "x" * 30):
            async with client.get(f"{dw.base}{path}") as r:
                assert r.status == 404, path
        async with client.get(f"{dw.base}/f/{'a' * 700}") as r:
            assert r.status == 404
        # the member the link was made for leaves: it opens nothing any more
        lan_token = links.token(folder / "bieu-do.png", dw.members["lan"], dw.clock.now())
        await dw.say("hoa", f"/canbo nghi {dw.members['lan']}")
        async with client.get(f"{dw.base}/f/{lan_token}") as r:
            assert r.status == 403
        dw.clock.advance(timedelta(hours=25))
        async with client.get(f"{dw.base}/f/{token}") as r:
            assert r.status == 410 and "24 giờ" in await r.text()
    async with transaction(dw.engine) as session:
        opened = (await session.exec(select(AuditLog).where(AuditLog.action == "file.open"))).all()
    assert [e.actor_member_id for e in opened] == [dw.members["hoa"]]


# ---- kept evidence --------------------------------------------------------------------------


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


async def test_evidence_is_kept_once_checked_and_opened_from_the_unit_page(
    dw: DeskWorld, tmp_path: Path
) -> None:
    fetched: list[int] = []
    content = {"photo": png_bytes()}

    async def fetch(item: store.Pending, folder: Path) -> Path:
        """The platform's fetcher stands here (Telegram's file API, a Zalo URL)."""
        fetched.append(item.report_id)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "anh chup.png"
        path.write_bytes(content["photo"])
        return path

    keeper = EvidenceKeeper(dw.engine, dw.clock, dw.data / "evidence", fetch, 1_000_000)
    assert await keeper.keep_pending() == 1
    assert await keeper.keep_pending() == 0 and fetched == [dw.report_id]  # once
    async with transaction(dw.engine) as session:
        row = (await session.exec(select(Evidence))).one()
    assert row.status == "kept" and row.content_type == "image/png" and row.size
    assert (dw.data / "evidence" / row.path).read_bytes() == content["photo"]
    assert not list((dw.data / "evidence" / ".incoming").glob("*"))

    client, _csrf = await dw.signed_in("hoa")
    async with client:
        status, page = await dw.get(client, f"/donvi/{dw.world.units['P_NC']}")
        assert status == 200 and "Mở minh chứng" in page
        href = page.split('class="evidence" href="', 1)[1].split('"', 1)[0]
        async with client.get(f"{dw.base}{href}") as r:
            assert r.status == 200 and await r.read() == content["photo"]


@pytest.mark.parametrize(
    ("payload", "status", "reason"),
    [
        (b"#!/bin/sh\nrm -rf /\n", "refused", "not_accepted"),
        (b"<html><script>alert(1)</script></html>", "refused", "not_accepted"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 3000, "refused", "too_large"),
        (None, "failed", "unavailable"),
        ("too_large_error", "refused", "too_large"),
    ],
)
async def test_evidence_that_is_too_large_of_a_strange_kind_or_unavailable(
    dw: DeskWorld, payload: object, status: str, reason: str
) -> None:
    async def fetch(item: store.Pending, folder: Path) -> Path:
        if payload is None:
            raise OSError("the platform did not answer")
        if payload == "too_large_error":
            raise UserError("channels.file_too_large", name="x", size=">20", limit=20)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "bao-cao.pdf"  # the name says PDF; the content decides
        path.write_bytes(payload)  # type: ignore[arg-type]
        return path

    keeper = EvidenceKeeper(dw.engine, dw.clock, dw.data / "evidence", fetch, 2048)
    assert await keeper.keep_pending() == 0
    async with transaction(dw.engine) as session:
        row = (await session.exec(select(Evidence))).one()
    assert (row.status, row.reason, row.path) == (status, reason, None)
    assert not [p for p in (dw.data / "evidence").rglob("*") if p.is_file()]
    dw.clock.advance(timedelta(hours=1))
    await keeper.keep_pending()  # a failure is tried again later; a refusal never
    async with transaction(dw.engine) as session:
        row = (await session.exec(select(Evidence))).one()
    assert row.attempts == (2 if status == "failed" else 1)


def test_sniff_knows_office_files_by_content(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(docx_bytes())
    kind = store.sniff(path)
    assert kind is not None and kind.extension == ".docx"
    path.write_bytes(b"%PDF-1.7\n")
    assert store.sniff(path).extension == ".pdf"  # type: ignore[union-attr]
    path.write_bytes(b"PK\x03\x04not really a zip")
    assert store.sniff(path) is None
