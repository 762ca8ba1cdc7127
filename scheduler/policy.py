"""The reminder policy (*chế độ nhắc việc*): when a unit that has not finished a task is reminded.

Defaults follow issue 4: 7, 3 and 1 working days before the due date (``T-7``, ``T-3``,
``T-1``), on the due day (``due``), then every 2 working days after it, at most 5 times
(``overdue-1`` … ``overdue-5``). From the 2nd overdue reminder on, the unit's head(s)
(*thủ trưởng*) hear it too. Ongoing tasks (*thường xuyên*) get one check-in per reporting
period (``checkin``). Messages go out at ``remind_time`` local time, moved to the next allowed
moment of the working calendar (working day, quiet hours). The coordinator's digest goes out at
``digest_time`` on working days.

The policy is plain data: ``bot.settings.Settings.reminder_policy()`` builds it from
``DONDOC_REMIND_*`` settings; ``scheduler/`` never reads the environment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from typing import TypeVar

T = TypeVar("T")

DUE_STEP = "due"
CHECKIN_STEP = "checkin"
NUDGE_STEP = "nudge"


def before_step(days: int) -> str:
    return f"T-{days}"


def overdue_step(index: int) -> str:
    return f"overdue-{index}"


@dataclass(frozen=True)
class ReminderPolicy:
    """When to remind, whom, and how delivery paces itself.

    ``before``: working days before the due date (largest first is not required).
    ``on_due``: remind on the due day. ``overdue_every``/``overdue_max``: after the due day,
    every N working days, at most M times. ``head_from_overdue``: the overdue reminder from
    which heads are told too (0: never). ``remind_time``: local time a step's day starts
    (moved into quiet hours). ``checkin_day``: the day of the last month of an ongoing task's
    reporting period on which its check-in goes out (moved to the next working day).
    ``digest_time``: local time of the coordinator digest. ``max_items``: items listed in one
    message before "and N more". ``title_chars``: a task title is shortened to this length.
    """

    before: tuple[int, ...] = (7, 3, 1)
    on_due: bool = True
    overdue_every: int = 2
    overdue_max: int = 5
    head_from_overdue: int = 2
    ongoing_checkin: bool = True
    checkin_day: int = 10
    remind_time: time = time(8, 0)
    digest_time: time = time(8, 0)
    max_items: int = 10
    title_chars: int = 140

    def __post_init__(self) -> None:
        if any(days < 1 for days in self.before):
            raise ValueError("reminders before the due date need at least 1 working day")
        if self.overdue_every < 1:
            raise ValueError("overdue reminders need an interval of at least 1 working day")
        if self.overdue_max < 0 or self.head_from_overdue < 0:
            raise ValueError("overdue counts cannot be negative")
        if not 1 <= self.checkin_day <= 28:
            raise ValueError("the check-in day must be a day of the month (1–28)")
        if self.max_items < 1 or self.title_chars < 20:
            raise ValueError("messages need at least one item and 20 characters of title")

    @property
    def before_sorted(self) -> tuple[int, ...]:
        """Days before due, earliest step first (7, 3, 1)."""
        return tuple(sorted(set(self.before), reverse=True))

    def step_names(self) -> list[str]:
        """Every step of a dated occurrence, in order."""
        names = [before_step(d) for d in self.before_sorted]
        if self.on_due:
            names.append(DUE_STEP)
        names += [overdue_step(i) for i in range(1, self.overdue_max + 1)]
        return names

    def heads_told(self, step: str) -> bool:
        """Whether the unit's heads receive ``step`` (escalation, *báo thủ trưởng*)."""
        if not self.head_from_overdue or not step.startswith("overdue-"):
            return False
        return int(step.removeprefix("overdue-")) >= self.head_from_overdue

    def recipients(
        self, step: str, officers: Sequence[T], heads: Sequence[T]
    ) -> list[tuple[T, bool]]:
        """Who of a unit hears ``step`` (*ai nhận tin nhắc*): every officer; the heads too from
        the escalation step on, and the heads alone when the unit has no officer to hear it —
        so that someone always hears. ``officers`` and ``heads`` are the reachable ones. Each
        comes with whether it reaches a head as an escalation (beside the officers)."""
        chosen = [(member, False) for member in officers]
        if self.heads_told(step) or not officers:
            chosen += [(member, bool(officers)) for member in heads]
        return chosen

    @property
    def horizon_before(self) -> int:
        """Working days before a due date the first step comes."""
        return max(self.before, default=0)

    @property
    def horizon_after(self) -> int:
        """Working days after a due date the last step stays current."""
        return self.overdue_every * (self.overdue_max + 1)
