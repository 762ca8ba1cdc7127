"""What every request to the desk goes through (*kiểm soát truy cập*), before any page or action:

* the **size** of the request: more than the limit is refused (413) unread;
* the **session**: the cookie's token is looked up afresh (``storage.web_access.current``); none,
  ended or idle too long → the "please sign in" page (401);
* for a POST, the **origin** (the ``Origin`` header, else ``Referer``, must be this desk's own
  address: a form posted from another site is refused, 403) and the **CSRF token** of the
  session (a hidden field every form carries, compared in constant time; missing or wrong →
  403); nothing is changed by a refused request;
* the **fence** (``handlers.desk.access``): a page or action outside it answers 403 and is
  written in the audit log;
* **headers** on every answer: a strict Content-Security-Policy (only the desk's own CSS, JS and
  images; no frames), no sniffing, no referrer to other sites (a sign-in token must not
  leak), no caching of pages.

The session cookie is HttpOnly, SameSite=Strict, Secure when the desk is reached over HTTPS.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiohttp import web

from dondoc.bot.web.render import render
from dondoc.handlers.desk.access import Fenced, Viewer
from dondoc.storage import audit
from dondoc.storage.db import Session, transaction
from dondoc.storage.errors import UserError
from dondoc.storage.web_access import IDLE_LIMIT, DeskUser, current

if TYPE_CHECKING:
    from dondoc.bot.web.app import Desk

log = logging.getLogger("dondoc.web")

COOKIE = "dondoc_desk"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def secure_headers(response: web.StreamResponse, *, cache: bool = False) -> None:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Server"] = "dondoc"  # not the versions of Python and aiohttp
    if not cache:
        response.headers["Cache-Control"] = "no-store"


@dataclass
class Call:
    """One request, signed in: the desk, the request, its transaction, who and when."""

    desk: Desk
    request: web.Request
    session: Session
    user: DeskUser
    viewer: Viewer
    form: Mapping[str, str]
    now: datetime

    def page(self, template: str, status: int = 200, **context: Any) -> web.Response:
        return self.desk.page(template, self.viewer.language, status, viewer=self.viewer,
                              csrf=self.user.csrf_token, **context)  # fmt: skip


Handler = Callable[[Call], Awaitable[web.StreamResponse]]


def is_secure(desk: Desk, request: web.Request) -> bool:
    """Served over HTTPS (directly, or behind a proxy at an https public address)."""
    return request.secure or (desk.public_url or "").startswith("https://")


def same_origin(desk: Desk, request: web.Request) -> bool:
    """A POST from the desk's own pages: its Origin (else Referer) names this host, or the
    public address's host."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    host = urlsplit(source).netloc.lower()
    allowed = {request.host.lower()}
    if desk.public_url:
        allowed.add(urlsplit(desk.public_url).netloc.lower())
    return bool(host) and host in allowed


def set_cookie(desk: Desk, request: web.Request, response: web.StreamResponse, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(IDLE_LIMIT.total_seconds()),
        path="/",
        httponly=True,
        samesite="Strict",
        secure=is_secure(desk, request),
    )


def clear_cookie(desk: Desk, request: web.Request, response: web.StreamResponse) -> None:
    response.del_cookie(
        COOKIE, path="/", httponly=True, samesite="Strict", secure=is_secure(desk, request)
    )


def too_large(desk: Desk, request: web.Request) -> bool:
    length = request.content_length
    return length is not None and length > desk.max_body


def guarded(desk: Desk, handler: Handler, *, post: bool = False) -> Callable[..., Any]:
    """``handler`` behind the checks of the module docstring, in one transaction."""

    async def endpoint(request: web.Request) -> web.StreamResponse:
        if too_large(desk, request):
            return desk.refusal(request, 413, "web.error.too_large")
        if post and not same_origin(desk, request):
            log.warning("desk: POST %s from another origin refused", request.path)
            return desk.refusal(request, 403, "web.error.origin")
        form: Mapping[str, str] = {}
        if post:
            try:
                posted = await request.post()
            except web.HTTPRequestEntityTooLarge:
                return desk.refusal(request, 413, "web.error.too_large")
            form = {k: v for k, v in posted.items() if isinstance(v, str)}
        now = desk.ctx.clock.now()
        async with transaction(desk.ctx.engine) as session:
            user = await current(session, request.cookies.get(COOKIE, ""), now=now)
        if user is None:
            response = desk.refusal(request, 401, "web.error.signed_out")
            if COOKIE in request.cookies:
                clear_cookie(desk, request, response)
            return response
        if post and not hmac.compare_digest(
            form.get("csrf", "").encode(), user.csrf_token.encode()
        ):
            log.warning("desk: POST %s without a valid CSRF token refused", request.path)
            return desk.refusal(request, 403, "web.error.csrf", language=user.language)
        viewer = Viewer.of(user)
        try:
            async with transaction(desk.ctx.engine) as session:
                call = Call(desk, request, session, user, viewer, form, now)
                return await handler(call)
        except Fenced as exc:
            async with transaction(desk.ctx.engine) as session:
                audit.record(
                    session,
                    now,
                    "web.fenced",
                    actor=user.name,
                    member_id=user.member_id,
                    target=request.path[:255],
                    details={"reason": str(exc)[:200], "method": request.method},
                )
            return desk.refusal(request, 403, "web.error.fenced", language=user.language)
        except UserError as exc:
            return desk.page(
                "message.html",
                user.language,
                400,
                viewer=viewer,
                csrf=user.csrf_token,
                title=desk.t("web.error.title", user.language),
                text=desk.t(exc.key, user.language, **exc.values),
                back=safe_back(form.get("back")),
            )

    return endpoint


def safe_back(value: str | None) -> str:
    """Where "back" goes after an action: a path of this desk given by the form, else home."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value[:500]
    return "/"


def render_page(template: str, language: str, desk: Desk, **context: Any) -> str:
    return render(template, language, desk.ctx.calendar.tz, **context)
