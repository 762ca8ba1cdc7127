"""A small web host on 127.0.0.1 for the fetch tests: it serves files, redirects, slow and
endless answers, and records every request it got (so a test can prove a request never came).

``host.files["anh.jpg"] = b"..."`` serves ``/anh.jpg``; ``/redirect?to=URL`` answers 302 to
URL; ``/loop`` redirects to itself; ``/endless`` streams without end and without a length;
``/slow`` sends one byte a second; ``/admin`` stands for an internal service.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class WebHost:
    files: dict[str, bytes] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    url: str = ""

    async def __aenter__(self) -> WebHost:
        app = web.Application()
        app.router.add_get("/{path:.*}", self._serve)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._runner.cleanup()

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        self.hits.append(request.path_qs)
        if path == "redirect":
            raise web.HTTPFound(request.query["to"])
        if path == "loop":
            raise web.HTTPFound(f"{self.url}/loop")
        if path == "admin":
            return web.Response(text="internal admin page")
        if path in ("endless", "slow"):
            response = web.StreamResponse()
            await response.prepare(request)
            chunk = b"x" if path == "slow" else b"0" * 65536
            for _ in range(100_000 if path == "endless" else 120):
                await response.write(chunk)
                if path == "slow":
                    await asyncio.sleep(1)
            return response
        if path in self.files:
            return web.Response(body=self.files[path], content_type="image/jpeg")
        return web.Response(status=404)
