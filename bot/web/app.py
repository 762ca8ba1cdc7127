"""The web desk (*bàn làm việc trên web*) as aiohttp routes: ``Desk.routes()`` are added to the
webhook server of ``dondoc run`` (one HTTP server) or served alone (``bot.web.server``: polling
mode, ``dondoc web``).

Pages (GET): ``/`` overview, ``/bang`` the status matrix, ``/donvi/<id>`` a unit, ``/nhiemvu/<id>``
a task, ``/canbo`` people and invites, ``/tai/<xlsx|docx|png>`` the papers of the current filter,
``/bieudo.png`` the chart. Actions (POST, coordinators): ``/nhac``, ``/ngay``, ``/moi``,
``/canbo/nghi``, ``/canbo/chuyen``, ``/mamoi/huy``. Signing in: ``/dangnhap/<token>`` (GET shows a
button, POST uses the link — so a messenger's link preview cannot use it up), ``/dangxuat``.
Files: ``/f/<token>``. Static files: ``/static/…`` (shipped in the package: no CDN).
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from dondoc.bot.web import actions, files, pages
from dondoc.bot.web.guard import (
    COOKIE,
    clear_cookie,
    guarded,
    same_origin,
    secure_headers,
    set_cookie,
    too_large,
)
from dondoc.bot.web.render import STATIC, render
from dondoc.handlers.conversation.context import BotContext
from dondoc.locales import _
from dondoc.storage.db import transaction
from dondoc.storage.errors import UserError
from dondoc.storage.web_access import current, redeem_link, refused_link, sign_out

log = logging.getLogger("dondoc.web")

TOKEN = r"[A-Za-z0-9_\-]{20,100}"
FILE_TOKEN = r"[A-Za-z0-9_\-.]{20,600}"


@dataclass
class Desk:
    """The desk of one deployment: its context (engine, clock, calendar, policy, file links),
    its public address (None: none) and the largest request it reads."""

    ctx: BotContext
    public_url: str | None = None
    max_body: int = 65_536

    def t(self, key: str, language: str, /, **values: Any) -> str:
        return _(key, language, **values)

    def page(self, template: str, language: str, status: int = 200, **context: Any) -> web.Response:
        context.setdefault("viewer", None)
        context.setdefault("csrf", "")
        context.setdefault("path", "")
        body = render(template, language, self.ctx.calendar.tz, **context)
        response = web.Response(text=body, status=status, content_type="text/html")
        secure_headers(response)
        return response

    def refusal(
        self, request: web.Request, status: int, key: str, *, language: str = "vi"
    ) -> web.Response:
        return self.page(
            "message.html",
            language,
            status,
            title=self.t(f"web.error.title_{status}", language),
            text=self.t(key, language),
            back="/",
        )

    def routes(self) -> list[web.AbstractRouteDef]:
        g = guarded
        return [
            web.get("/", g(self, pages.overview_page)),
            web.get("/bang", g(self, pages.matrix_page)),
            web.get(r"/donvi/{unit_id:\d{1,9}}", g(self, pages.unit_view)),
            web.get(r"/nhiemvu/{task_id:\d{1,9}}", g(self, pages.task_view)),
            web.get("/canbo", g(self, pages.people_page)),
            web.get("/tai/{fmt:(xlsx|docx|png)}", g(self, files.download)),
            web.get("/bieudo.png", g(self, files.chart)),
            web.post("/nhac", g(self, actions.nudge, post=True)),
            web.post("/ngay", g(self, actions.set_date, post=True)),
            web.post("/moi", g(self, actions.invite, post=True)),
            web.post("/canbo/nghi", g(self, actions.deactivate, post=True)),
            web.post("/canbo/chuyen", g(self, actions.move, post=True)),
            web.post("/mamoi/huy", g(self, actions.revoke, post=True)),
            web.get("/dangnhap/{token:" + TOKEN + "}", self.sign_in_page),
            web.post("/dangnhap/{token:" + TOKEN + "}", self.sign_in),
            web.get("/dangnhap/{rest:.*}", self.bad_link),
            web.post("/dangxuat", self.sign_out),
            web.get("/f/{token:" + FILE_TOKEN + "}", self.file),
            web.get("/f/{rest:.*}", self.no_file),
            web.get(r"/static/{name:[a-z0-9\-]{1,40}\.(css|js|svg)}", self.static),
        ]

    def application(self) -> web.Application:
        """The desk alone (``dondoc web``, polling mode), with ``/healthz``."""
        app = web.Application(client_max_size=self.max_body)
        app.router.add_routes(self.routes())
        app.router.add_get("/healthz", self.healthz)
        return app

    async def healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "desk": True})

    # ---- signing in and out ---------------------------------------------------------------

    async def sign_in_page(self, request: web.Request) -> web.Response:
        """The link opened: a button that signs in (a GET never uses the link up)."""
        return self.page("signin.html", "vi", token=request.match_info["token"])

    async def bad_link(self, request: web.Request) -> web.Response:
        return self.refusal(request, 400, "web.link.unknown")

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        if too_large(self, request):
            return self.refusal(request, 413, "web.error.too_large")
        if not same_origin(self, request):
            return self.refusal(request, 403, "web.error.origin")
        now = self.ctx.clock.now()
        remote = request.remote or ""
        try:
            async with transaction(self.ctx.engine) as session:
                started = await redeem_link(
                    session, request.match_info["token"], now=now, remote=remote
                )
        except UserError as exc:
            async with transaction(self.ctx.engine) as session:
                await refused_link(session, exc.key.rsplit(".", 1)[-1], now=now, remote=remote)
            log.info("desk: sign-in refused (%s)", exc.key)
            return self.refusal(request, 400 if exc.key != "web.link.expired" else 410, exc.key)
        response = web.HTTPSeeOther("/")
        secure_headers(response)
        set_cookie(self, request, response, started.token)
        log.info("desk: member %s signed in", started.user.member_id)
        raise response

    async def sign_out(self, request: web.Request) -> web.StreamResponse:
        if not same_origin(self, request):
            return self.refusal(request, 403, "web.error.origin")
        form = await request.post()
        now = self.ctx.clock.now()
        async with transaction(self.ctx.engine) as session:
            user = await current(session, request.cookies.get(COOKIE, ""), now=now)
            if user is not None:
                given = str(form.get("csrf", "")).encode()
                if not hmac.compare_digest(given, user.csrf_token.encode()):
                    return self.refusal(request, 403, "web.error.csrf", language=user.language)
                await sign_out(session, user, now=now)
        language = user.language if user else "vi"
        response = self.page(
            "message.html",
            language,
            title=self.t("web.signout.title", language),
            text=self.t("web.signout.done", language),
            back=None,
        )
        clear_cookie(self, request, response)
        return response

    # ---- files ----------------------------------------------------------------------------

    async def file(self, request: web.Request) -> web.StreamResponse:
        return await files.open_link(self, request, request.match_info["token"])

    async def no_file(self, request: web.Request) -> web.Response:
        return self.refusal(request, 404, "web.file.forged")

    async def static(self, request: web.Request) -> web.StreamResponse:
        path = STATIC / request.match_info["name"]
        if not path.is_file():
            raise web.HTTPNotFound()
        response = web.FileResponse(path)
        secure_headers(response, cache=True)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response
