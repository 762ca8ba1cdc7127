"""Delivery pacing per channel (*giới hạn tốc độ gửi*): messages per second overall and per chat.

Telegram allows about 30 messages per second overall and 1 per second to one chat; Zalo's
limits depend on the bot's tier and are configurable. The dispatcher paces each chat with an
``aiolimiter`` leaky bucket and each channel with a one-second ``SlidingWindow``; ``headroom``
keeps the pace a little below the stated maximum so that network jitter never pushes a
one-second window over it.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimits:
    per_second: float = 30.0
    per_chat_per_second: float = 1.0
    headroom: float = 0.97

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.per_chat_per_second <= 0:
            raise ValueError("rates must be positive")
        if not 0 < self.headroom <= 1:
            raise ValueError("headroom is a fraction in (0, 1]")

    @property
    def interval(self) -> float:
        """Seconds between two messages on the channel."""
        return 1.0 / (self.per_second * self.headroom)

    @property
    def per_window(self) -> int:
        """Messages allowed in any one second (the headroom taken off, at least 1)."""
        return max(1, math.floor(self.per_second * self.headroom))

    @property
    def chat_interval(self) -> float:
        return 1.0 / (self.per_chat_per_second * self.headroom)


class SlidingWindow:
    """At most ``limit`` acquisitions in any ``period`` seconds (a log of recent send times).

    Used for a channel's overall pace. A leaky bucket of capacity 1 (``aiolimiter``) spaces
    messages evenly but loses every millisecond a wake-up comes late, and a larger capacity
    allows bursts that break a per-second limit; the messenger counts messages per second, so
    this limiter counts them the same way and lets a late sender catch up within the window.
    ``clock`` is the event loop's monotonic clock (real time, never the injected dondoc clock).
    """

    def __init__(self, limit: int, period: float = 1.0) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("a window needs a positive limit and period")
        self.limit = limit
        self.period = period
        self._times: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:  # one waiter at a time keeps the order fair
            loop = asyncio.get_running_loop()
            while True:
                now = loop.time()
                while self._times and self._times[0] <= now - self.period:
                    self._times.popleft()
                if len(self._times) < self.limit:
                    self._times.append(now)
                    return
                await asyncio.sleep(self._times[0] + self.period - now)

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *_exc: object) -> None:
        return None
