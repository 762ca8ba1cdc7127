"""Finding what people name in a chat (*tra cứu theo tên*): a unit by its code, name or an
alias, a plan by its code as typed, a task by its plan and number — matched the Vietnamese
way (``storage.text.fold``: case, diacritics, spaces and dashes do not matter).
"""

from __future__ import annotations

from sqlmodel import col, select

from dondoc.storage.db import Session
from dondoc.storage.errors import UserError
from dondoc.storage.models import Plan, Task, Unit
from dondoc.storage.text import fold


async def find_unit(session: Session, text: str) -> Unit | None:
    """An active unit by code, name or alias as people write it (a unique part of the name
    will do); None when nothing matches; ``UserError`` listing them when several do."""
    wanted = fold(text)
    if not wanted:
        return None
    units = (await session.exec(select(Unit).where(col(Unit.active).is_(True)))).all()
    for unit in units:
        if fold(unit.code) == wanted:
            return unit
    exact = [
        u for u in units if fold(u.name) == wanted or wanted in {fold(a) for a in u.aliases or []}
    ]
    if len(exact) == 1:
        return exact[0]
    partial = [u for u in units if wanted in fold(u.name)]
    if len(partial) == 1:
        return partial[0]
    if len(exact) + len(partial) > 1:
        names = ", ".join(f"{u.code} ({u.name})" for u in (exact or partial)[:8])
        raise UserError("conv.unit.ambiguous", value=text[:60], units=names)
    return None


async def plan_codes(session: Session) -> list[str]:
    """Every plan's code, as stored."""
    return list((await session.exec(select(Plan.code).order_by(col(Plan.id)))).all())


def matching_code(codes: list[str], text: str) -> str | None:
    """The code of ``codes`` that ``text`` names (spaces, case and diacritics aside)."""
    wanted = fold(text).replace(" ", "")
    return next((code for code in codes if fold(code).replace(" ", "") == wanted), None)


async def find_task(session: Session, text: str) -> Task | None:
    """ "<plan code> <number>" (e.g. "84/KH-UBND 3" or "84/KH-UBND II.3") → the task; None
    when the plan or the number is not found, or the number names several tasks."""
    plan_part, _sep, ordinal = text.strip().rpartition(" ")
    if not plan_part:
        return None
    code = matching_code(await plan_codes(session), plan_part)
    if code is None:
        return None
    tasks = (
        await session.exec(
            select(Task).join(Plan, col(Plan.id) == Task.plan_id).where(Plan.code == code)
        )
    ).all()
    wanted = fold(ordinal).rstrip(".")
    found = [t for t in tasks if fold(t.ordinal).rstrip(".") == wanted or fold(t.key) == wanted]
    return found[0] if len(found) == 1 else None
