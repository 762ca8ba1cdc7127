"""The fence of the web desk (*phân quyền*), the same as the chat's: a coordinator (or an admin)
sees every unit and may act; a head or an officer sees only their own unit and acts on nothing.
Every page and every action asks here, on every request — never only the menu.
"""

from __future__ import annotations

from dataclasses import dataclass

from dondoc.storage.models import Role, UnitRef
from dondoc.storage.web_access import DeskUser

COORDINATING = (Role.COORDINATOR.value, Role.ADMIN.value)


class Fenced(Exception):
    """What a viewer asked for is outside their fence (the page answers 403, nothing done)."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who looks at the desk: their member id, name, role, unit and language."""

    member_id: int
    name: str
    role: str
    unit: UnitRef | None
    language: str

    @classmethod
    def of(cls, user: DeskUser) -> Viewer:
        return cls(user.member_id, user.name, user.role, user.unit, user.language)

    @property
    def coordinates(self) -> bool:
        """Sees every unit and may act (nudge, set dates, invite, manage people)."""
        return self.role in COORDINATING

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    def unit_scope(self, wanted: str | None) -> str | None:
        """The unit code a summary is limited to: what a coordinator chose (None: every
        unit), an officer's own unit whatever they ask."""
        if self.coordinates:
            return wanted
        if self.unit is None:
            raise Fenced("no unit")
        return self.unit.code

    def may_see_unit(self, unit_id: int) -> bool:
        return self.coordinates or (self.unit is not None and self.unit.id == unit_id)

    def require_unit(self, unit_id: int) -> None:
        if not self.may_see_unit(unit_id):
            raise Fenced(f"unit {unit_id}")

    def require_coordinator(self) -> None:
        if not self.coordinates:
            raise Fenced("not a coordinator")
