"""Delivery pacing per channel (*giới hạn tốc độ gửi*): messages per second overall and per chat.

Telegram allows about 30 messages per second overall and 1 per second to one chat; Zalo's
limits depend on the bot's tier and are configurable. The dispatcher turns these numbers into
``aiolimiter`` limiters; ``headroom`` keeps the pace a little below the stated maximum so that
network jitter never pushes a one-second window over it.
"""

from __future__ import annotations

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
    def chat_interval(self) -> float:
        return 1.0 / (self.per_chat_per_second * self.headroom)
