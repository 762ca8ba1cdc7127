"""Fetching a file a chat platform points to (*tải tệp minh chứng*), without letting a crafted
link make the server fetch its own or its network's services (server-side request forgery).

A link in an update is written by whoever sent the update. ``fetch_to_file`` follows one only
when it leads, at every hop, to

* a **trusted origin** — the scheme, host and port of a base URL the operator configured
  (``DONDOC_TELEGRAM_BASE_URL``, ``DONDOC_ZALO_BASE_URL``: the platforms' APIs, or a local fake
  in tests), fetched as configured; or
* a **platform file host** — HTTPS only, to a host in the policy's list or a subdomain of one
  (Zalo's photo CDN), whose every DNS address is a public one: loopback, private, link-local
  (cloud metadata at 169.254.169.254), shared, reserved and multicast addresses are refused.
  The connection goes to the address that was checked (TLS still verifies the host name), so
  a second DNS answer cannot swap in an internal address.

Redirects are followed here, not by httpx, each one checked like the first link. The body is
streamed into a temporary file (mode 0600) beside the target and renamed into place only when
complete and within ``max_bytes``; the whole fetch, every hop included, has ``total_seconds``.
Proxy variables of the environment are ignored: the checked address is the one connected to.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx

from dondoc.storage.errors import UserError
from dondoc.storage.private_files import private_folder

MAX_BYTES = 20 * 1024 * 1024  # Telegram's download limit for bots; the same for Zalo links
CHUNK = 64 * 1024
Resolver = Callable[[str, int], Awaitable[list[str]]]


class FetchRefused(UserError):
    """The link was not fetched; ``reason`` is one of ``REASONS``. The message is
    ``fetch.<reason>``, or the attachment messages every channel shares for a file too large
    and an error answer. ``host`` names where the link led (never the URL: Telegram's carries
    the bot token)."""

    REASONS = (
        "invalid",
        "scheme",
        "host",
        "address",
        "unresolved",
        "redirects",
        "status",
        "too_large",
        "timeout",
        "network",
    )

    KEYS = {"too_large": "channels.file_too_large", "status": "channels.file_unavailable"}

    def __init__(self, why: str, host: str = "", /, **values: object) -> None:
        assert why in self.REASONS, why
        super().__init__(self.KEYS.get(why, f"fetch.{why}"), host=host or "?", **values)
        self.reason = why


@dataclass(frozen=True)
class FetchPolicy:
    """Where links may lead and how much may come back."""

    hosts: tuple[str, ...] = ()  # HTTPS hosts (and their subdomains) with public addresses
    trusted: tuple[str, ...] = ()  # origins "scheme://host:port" fetched as configured
    max_bytes: int = MAX_BYTES
    max_redirects: int = 3
    total_seconds: float = 60.0
    connect_seconds: float = 10.0

    @classmethod
    def of(
        cls, hosts: Iterable[str] = (), base_urls: Iterable[str] = (), **limits: float
    ) -> FetchPolicy:
        """A policy for platform file ``hosts`` and the configured API ``base_urls``."""
        names = tuple(h.strip().lower().strip(".") for h in hosts if h and h.strip(". "))
        origins = tuple(o for o in (origin(url) for url in base_urls if url) if o)
        return cls(hosts=names, trusted=origins, **limits)  # type: ignore[arg-type]

    def allows_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == name or host.endswith(f".{name}") for name in self.hosts)


@dataclass(frozen=True)
class Fetched:
    path: Path
    size: int
    content_type: str


def origin(url: str | httpx.URL) -> str | None:
    """``scheme://host:port`` of ``url`` (default port written out); None when it has none."""
    try:
        parsed = httpx.URL(str(url))
    except (httpx.InvalidURL, TypeError, ValueError):
        return None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return f"{parsed.scheme}://{parsed.host.lower()}:{port}"


def public_address(address: str) -> bool:
    """True for an address on the public internet; False for loopback, private (10/8,
    172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 — cloud metadata — fe80::/10),
    shared (100.64/10), reserved, multicast and unspecified addresses, IPv4-mapped ones too."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def system_resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6), through the system's resolver."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def fetch_to_file(
    url: str,
    target: Path,
    policy: FetchPolicy,
    *,
    resolve: Resolver = system_resolve,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Fetched:
    """Download ``url`` into ``target`` under ``policy``; ``FetchRefused`` when the link, a
    redirect, the answer or its size is not allowed — then nothing is left at ``target``."""
    timeout = httpx.Timeout(policy.total_seconds, connect=policy.connect_seconds)
    current = url
    try:
        async with asyncio.timeout(policy.total_seconds):
            async with httpx.AsyncClient(
                timeout=timeout, follow_redirects=False, trust_env=False, transport=transport
            ) as http:
                for _hop in range(policy.max_redirects + 1):
                    request, host = await _checked_request(http, current, policy, resolve)
                    response = await http.send(request, stream=True)
                    try:
                        if response.is_redirect and "location" in response.headers:
                            current = str(httpx.URL(current).join(response.headers["location"]))
                            continue
                        if response.status_code != 200:
                            raise FetchRefused(
                                "status", host, channel=host, reason=f"HTTP {response.status_code}"
                            )
                        return await _save(response, target, host, policy.max_bytes)
                    finally:
                        await response.aclose()
                raise FetchRefused("redirects", _host_of(current), count=policy.max_redirects)
    except TimeoutError:
        raise FetchRefused(
            "timeout", _host_of(current), seconds=int(policy.total_seconds)
        ) from None
    except httpx.HTTPError as exc:
        raise FetchRefused("network", _host_of(current), detail=type(exc).__name__) from None


def _host_of(url: str) -> str:
    try:
        return httpx.URL(url).host or "?"
    except (httpx.InvalidURL, TypeError, ValueError):
        return "?"


async def _checked_request(
    http: httpx.AsyncClient, url: str, policy: FetchPolicy, resolve: Resolver
) -> tuple[httpx.Request, str]:
    """The request for one hop, or ``FetchRefused``: a trusted origin as it is; a platform
    file host pinned to the public address it was checked at."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchRefused("invalid") from None
    host = (parsed.host or "").lower()
    if parsed.scheme not in ("http", "https") or not host:
        raise FetchRefused("invalid" if not host else "scheme", host)
    if origin(parsed) in policy.trusted:
        return http.build_request("GET", parsed), host
    if parsed.scheme != "https":
        raise FetchRefused("scheme", host)
    if not policy.allows_host(host):
        raise FetchRefused("host", host)
    port = parsed.port or 443
    try:
        addresses = await resolve(host, port)
    except (OSError, UnicodeError):
        addresses = []
    if not addresses:
        raise FetchRefused("unresolved", host)
    if not all(public_address(a) for a in addresses):
        raise FetchRefused("address", host)
    pinned = parsed.copy_with(host=addresses[0])
    request = http.build_request(
        "GET",
        pinned,
        headers={"Host": parsed.netloc.decode("ascii")},
        extensions={"sni_hostname": host},
    )
    return request, host


async def _save(response: httpx.Response, target: Path, host: str, limit: int) -> Fetched:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchRefused(
            "too_large",
            host,
            name=target.name,
            size=_megabytes(int(declared)),
            limit=_megabytes(limit),
        )
    private_folder(target.parent)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    size = 0
    try:
        handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(handle, "wb") as stream:
            async for chunk in response.aiter_bytes(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FetchRefused(
                        "too_large",
                        host,
                        name=target.name,
                        size=f">{_megabytes(limit)}",
                        limit=_megabytes(limit),
                    )
                stream.write(chunk)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    return Fetched(target, size, content_type)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0")
