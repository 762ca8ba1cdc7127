"""What a coordinator's ``[kế hoạch] [kỳ]`` arguments mean (*phạm vi tổng hợp*), and the
summary for them: one reading for ``/tonghop``, ``/quahan`` and ``/xuat``.

"84/KH-UBND", "84/KH-UBND quý III/2024", "tháng 7/2024" or nothing; plan codes are matched
without regard to case, spaces or diacritics. Anything else is a ``UserError`` that lists the
plans, under the key the calling command gives.
"""

from __future__ import annotations

from dondoc.handlers.conversation.turn import Turn
from dondoc.storage.directory import matching_code, plan_codes
from dondoc.storage.errors import UserError
from dondoc.storage.periods import Period, parse_period
from dondoc.storage.summary import compute_summary
from dondoc.storage.summary_model import Summary


async def parse_scope(turn: Turn, text: str, error_key: str) -> tuple[str | None, Period | None]:
    """``[plan] [period]`` → (plan code as stored, period)."""
    text = text.strip()
    if not text:
        return None, None
    codes = await plan_codes(turn.session)
    if (code := matching_code(codes, text)) is not None:
        return code, None
    first, _sep, rest = text.partition(" ")
    if (code := matching_code(codes, first)) is not None:
        return code, parse_period(rest, today=turn.ctx.today()) if rest.strip() else None
    try:
        return None, parse_period(text, today=turn.ctx.today())
    except UserError:
        raise UserError(error_key, value=text[:60], plans=", ".join(codes) or "—") from None


async def scoped_summary(turn: Turn, text: str, error_key: str) -> tuple[Summary, Period | None]:
    """The summary of the scope ``text`` names, as of the deployment's today."""
    plan_code, period = await parse_scope(turn, text, error_key)
    summary = await compute_summary(
        turn.session,
        today=turn.ctx.today(),
        plan_code=plan_code,
        period=period,
        tz=turn.ctx.calendar.tz,
    )
    return summary, period
