"""``bot.safe_fetch``: a link from an update is fetched only from a trusted origin or, over
HTTPS, from a platform file host at public addresses — checked after DNS resolution and at
every redirect — with size and time capped and nothing half-written left behind."""

from __future__ import annotations

import stat

import httpx
import pytest

from dondoc.bot.safe_fetch import FetchPolicy, FetchRefused, fetch_to_file, public_address
from tests.fakes.web_host import WebHost

PUBLIC = "93.184.216.34"  # only ever handed to the mock transport: no packet leaves


@pytest.mark.parametrize(
    ("address", "public"),
    [
        (PUBLIC, True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("::1", False),
        ("10.1.2.3", False),
        ("172.16.0.5", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata (AWS, GCP, Azure)
        ("100.100.100.200", False),  # Alibaba Cloud's metadata, shared address space
        ("fd00:ec2::254", False),  # AWS metadata over IPv6
        ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("not an address", False),
    ],
)
def test_public_addresses(address, public):
    assert public_address(address) is public


def resolver(table: dict[str, list[str]]):
    async def resolve(host: str, port: int) -> list[str]:
        return table.get(host, [])

    return resolve


async def test_file_host_is_pinned_to_the_checked_public_address(tmp_path):
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/first.jpg":
            return httpx.Response(302, headers={"location": "https://b.zdn.vn/photo.jpg"})
        return httpx.Response(
            200, content=b"\xff\xd8 photo", headers={"content-type": "image/jpeg"}
        )

    policy = FetchPolicy.of(hosts=["zdn.vn"])
    resolve = resolver({"a-1.zdn.vn": [PUBLIC], "b.zdn.vn": [PUBLIC]})
    fetched = await fetch_to_file(
        "https://a-1.zdn.vn/first.jpg",
        tmp_path / "photo.jpg",
        policy,
        resolve=resolve,
        transport=httpx.MockTransport(answer),
    )
    assert fetched.path.read_bytes() == b"\xff\xd8 photo"
    assert (fetched.size, fetched.content_type) == (len(b"\xff\xd8 photo"), "image/jpeg")
    assert [r.url.host for r in seen] == [PUBLIC, PUBLIC]  # connected to the checked address
    assert [r.headers["host"] for r in seen] == ["a-1.zdn.vn", "b.zdn.vn"]
    assert [r.extensions["sni_hostname"] for r in seen] == ["a-1.zdn.vn", "b.zdn.vn"]
    assert stat.S_IMODE(fetched.path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("url", "addresses", "reason"),
    [
        ("https://a.zdn.vn/x.jpg", ["127.0.0.1"], "address"),
        ("https://a.zdn.vn/x.jpg", ["10.0.0.7"], "address"),
        ("https://a.zdn.vn/x.jpg", [PUBLIC, "169.254.169.254"], "address"),  # one bad is enough
        ("https://a.zdn.vn/x.jpg", ["::ffff:192.168.0.1"], "address"),
        ("https://a.zdn.vn/x.jpg", [], "unresolved"),
        ("http://a.zdn.vn/x.jpg", [PUBLIC], "scheme"),  # HTTPS only
        ("https://zdn.vn.evil.example/x.jpg", [PUBLIC], "host"),
        ("https://evilzdn.vn/x.jpg", [PUBLIC], "host"),
        ("https://169.254.169.254/latest/meta-data/", [], "host"),
        ("ftp://a.zdn.vn/x.jpg", [PUBLIC], "scheme"),
        ("/etc/passwd", [], "invalid"),
    ],
)
async def test_links_refused_before_any_connection(tmp_path, url, addresses, reason):
    def answer(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"connected to {request.url}")

    host = httpx.URL(url).host if "://" in url else ""
    resolve = resolver({host: addresses})
    with pytest.raises(FetchRefused) as info:
        await fetch_to_file(
            url,
            tmp_path / "x.jpg",
            FetchPolicy.of(hosts=["zdn.vn"]),
            resolve=resolve,
            transport=httpx.MockTransport(answer),
        )
    assert info.value.reason == reason
    assert list(tmp_path.iterdir()) == []


async def test_dns_is_asked_for_real_and_loopback_refused(tmp_path):
    """The system resolver answers ``localhost`` with loopback: refused though allowed by name."""
    async with WebHost() as host:
        host.files["x.jpg"] = b"x"
        port = host.url.rsplit(":", 1)[1]
        with pytest.raises(FetchRefused) as info:
            await fetch_to_file(
                f"https://localhost:{port}/x.jpg", tmp_path / "x.jpg", FetchPolicy.of(["localhost"])
            )
        assert info.value.reason == "address"
        assert host.hits == []


async def test_trusted_origin_and_its_redirects(tmp_path):
    async with WebHost() as platform, WebHost() as internal:
        platform.files["ok.jpg"] = b"jpeg"
        policy = FetchPolicy.of(base_urls=[f"{platform.url}/bot"])
        fetched = await fetch_to_file(f"{platform.url}/ok.jpg", tmp_path / "ok.jpg", policy)
        assert fetched.path.read_bytes() == b"jpeg"
        # a redirect of the trusted host to another one is checked like a first link
        bad = [
            (f"{platform.url}/redirect?to={internal.url}/admin", "scheme"),
            (f"{platform.url}/redirect?to=https://10.0.0.1/", "host"),
            (f"{platform.url}/loop", "redirects"),
            (f"{platform.url}/none.jpg", "status"),
            (f"{internal.url}/admin", "scheme"),
        ]
        for url, reason in bad:
            with pytest.raises(FetchRefused) as info:
                await fetch_to_file(url, tmp_path / "bad.jpg", policy)
            assert info.value.reason == reason, url
        assert internal.hits == []
        assert not (tmp_path / "bad.jpg").exists()
        # same host, another port: another origin
        other = platform.url.replace("127.0.0.1", "localhost")
        with pytest.raises(FetchRefused):
            await fetch_to_file(f"{other}/ok.jpg", tmp_path / "other.jpg", policy)


async def test_size_and_time_are_capped(tmp_path):
    async with WebHost() as platform:
        platform.files["big.jpg"] = b"0" * 2048
        policy = FetchPolicy.of(base_urls=[platform.url], max_bytes=1024, total_seconds=2)
        for path in ("big.jpg", "endless"):  # declared too large; no length and no end
            with pytest.raises(FetchRefused) as info:
                await fetch_to_file(f"{platform.url}/{path}", tmp_path / "f", policy)
            assert info.value.reason == "too_large"
            assert info.value.key == "channels.file_too_large"
        with pytest.raises(FetchRefused) as info:
            await fetch_to_file(f"{platform.url}/slow", tmp_path / "f", policy)
        assert info.value.reason == "timeout"
        assert list(tmp_path.iterdir()) == []  # no half file, no temporary file
