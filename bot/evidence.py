"""Keeping the evidence officers send (*lưu minh chứng*): the photo or file attached to a report
is downloaded once into ``<data dir>/evidence/<report id>/``, checked (size limit, an accepted
kind recognised by its content: ``storage.evidence.sniff``) and recorded, so that the coordinator
opens it on the web desk months later, when the platform's own link has expired.

``EvidenceKeeper`` runs beside the channels in ``dondoc run``: woken when a message with an
attachment was handled, and every minute for retries. How a file is fetched is one function,
``Fetch`` (report's pending attachment, folder → the downloaded file): ``platform_fetch`` uses
``bot.attachments.fetch_attachment`` (Telegram's file API; a Zalo photo URL through the
attachment fetcher, whose SSRF guard lives there) and, for the console, copies the local file.
A fetch that raises ``UserError("channels.file_too_large")`` is refused for good; any other
failure is tried again later (``storage.evidence.MAX_ATTEMPTS`` in all).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

from dondoc.bot.settings import Settings
from dondoc.scheduler.clock import Clock
from dondoc.storage import evidence as store
from dondoc.storage.db import Engine, transaction
from dondoc.storage.errors import UserError
from dondoc.storage.private_files import FILE_MODE, private_folder

log = logging.getLogger("dondoc.evidence")

Fetch = Callable[[store.Pending, Path], Awaitable[Path]]
SAFE = re.compile(r"[^\w\-]+")
TOO_LARGE, NOT_ACCEPTED, UNAVAILABLE = "too_large", "not_accepted", "unavailable"


def platform_fetch(settings: Settings, engine: Engine) -> Fetch:
    """The fetcher of a deployment: the platform's file for Zalo and Telegram, the local file
    for the console (its person sits at this machine)."""

    async def fetch(item: store.Pending, folder: Path) -> Path:
        if item.channel == "console":
            return await asyncio.to_thread(_copy_local, item, folder, settings.evidence_max_bytes)
        from dondoc.bot.attachments import fetch_attachment

        return await fetch_attachment(settings, engine, item.report_id, folder)

    return fetch


def _copy_local(item: store.Pending, folder: Path, limit: int) -> Path:
    source = Path(item.ref)
    if not source.is_file():
        raise UserError("channels.attachment.unsupported", id=item.report_id, channel="console")
    if source.stat().st_size > limit:
        raise UserError("channels.file_too_large", name=source.name, size="?", limit=limit)
    private_folder(folder)
    target = Path(shutil.copyfile(source, folder / SAFE.sub("_", source.name)[-80:]))
    target.chmod(FILE_MODE)
    return target


class EvidenceKeeper:
    def __init__(
        self, engine: Engine, clock: Clock, folder: Path, fetch: Fetch, max_bytes: int
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.folder = Path(folder)
        self.fetch = fetch
        self.max_bytes = max_bytes
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """Look for new evidence now (a message with an attachment was handled)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, interval: float = 60.0) -> None:
        """Keep evidence until ``stop``: when poked, and every ``interval`` seconds."""
        while not stop.is_set():
            try:
                await self.keep_pending()
            except Exception:  # noqa: BLE001 - the database may be away a moment
                log.exception("evidence: a round failed")
            waiting = asyncio.ensure_future(self._wake.wait())
            stopping = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiting, stopping}, timeout=interval, return_when="FIRST_COMPLETED")
            for future in (waiting, stopping):
                future.cancel()
            self._wake.clear()

    async def keep_pending(self) -> int:
        """Fetch every attachment not kept yet; how many were kept."""
        async with transaction(self.engine) as session:
            todo = await store.pending(session, self.clock.now())
        kept = 0
        for item in todo:
            kept += await self.keep(item)
        return kept

    async def keep(self, item: store.Pending) -> bool:
        """Fetch, check and record one report's attachment; True when kept."""
        incoming = self.folder / ".incoming" / str(item.report_id)
        shutil.rmtree(incoming, ignore_errors=True)
        status, values = store.FAILED, {"reason": UNAVAILABLE}
        try:
            fetched = await self.fetch(item, incoming)
            status, values = await asyncio.to_thread(self._check_and_move, item, fetched)
        except UserError as exc:
            if exc.key == "channels.file_too_large":
                status, values = store.REFUSED, {"reason": TOO_LARGE}
            log.info("evidence of report %s not kept: %s", item.report_id, exc.key)
        except Exception as exc:  # noqa: BLE001 - a platform error: tried again later
            log.warning("evidence of report %s not fetched: %s", item.report_id, exc)
        finally:
            shutil.rmtree(incoming, ignore_errors=True)
        async with transaction(self.engine) as session:
            await store.record(session, item.report_id, status, now=self.clock.now(), **values)
        return status == store.KEPT

    def _check_and_move(self, item: store.Pending, fetched: Path) -> tuple[str, dict]:
        size = fetched.stat().st_size
        if size > self.max_bytes:
            return store.REFUSED, {"reason": TOO_LARGE, "size": size}
        kind = store.sniff(fetched)
        if kind is None:
            return store.REFUSED, {"reason": NOT_ACCEPTED, "size": size}
        stem = SAFE.sub("_", fetched.stem).strip("_")[:60] or f"report-{item.report_id}"
        target_dir = self.folder / str(item.report_id)
        private_folder(target_dir)  # evidence is for this account only (0700/0600)
        target = target_dir / f"{stem}{kind.extension}"
        digest = hashlib.sha256()
        with fetched.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
        shutil.move(str(fetched), target)
        with contextlib.suppress(OSError):
            target.chmod(FILE_MODE)
        return store.KEPT, {
            "path": f"{item.report_id}/{target.name}",
            "name": target.name,
            "content_type": kind.content_type,
            "size": size,
            "sha256": digest.hexdigest(),
        }
