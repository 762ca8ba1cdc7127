"""Test helper run as a subprocess: a dispatcher that delivers the outbox to the local fake
messenger until nothing is left, then exits 0. ``test_crash_safety`` kills it with SIGKILL at
random moments and starts it again.

    python -m tests.crash_dispatcher DATABASE_URL SERVER_URL [LEASE_SECONDS]
"""

from __future__ import annotations

import asyncio
import sys

from dondoc.scheduler import outbox
from dondoc.scheduler.clock import SystemClock
from dondoc.scheduler.dispatcher import Dispatcher
from dondoc.scheduler.limits import RateLimits
from dondoc.storage.db import make_engine, transaction
from tests.fake_channel import HttpChannel


async def main(database_url: str, server_url: str, lease_seconds: float) -> int:
    engine = make_engine(database_url)
    channel = HttpChannel(server_url, timeout=5.0)
    dispatcher = Dispatcher(
        engine,
        {"telegram": channel},
        SystemClock(),
        limits={"telegram": RateLimits(5000, 5000)},
        lease_ttl=lease_seconds,
        batch_size=20,
    )
    try:
        while True:
            stats = await dispatcher.run_once()
            if stats.held:
                async with transaction(engine) as session:
                    counts = await outbox.counts(session)
                if counts["pending"] == 0 and counts["sending"] == 0:
                    return 0
            await asyncio.sleep(0.02 if stats.held else 0.1)
    finally:
        await dispatcher.close()
        await channel.close()
        await engine.dispose()


if __name__ == "__main__":
    lease = float(sys.argv[3]) if len(sys.argv) > 3 else 0.5
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], lease)))
