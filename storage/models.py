"""The dondoc data model: every table, as SQLModel classes.

The schema is created and changed only by Alembic migrations (``storage/migrations``); a test
checks that migrating an empty database gives exactly these models. All timestamps are stored
as timezone-aware UTC (SQLModel's ``UTCDateTime``: a naive value is refused, so no local
time slips in); dates that belong to the plan (due dates, period starts) are calendar dates
in the deployment's timezone.

Vietnamese terms: ``Unit`` — *đơn vị* (phòng, ban, UBND phường, trung tâm); ``Member`` — a
person linked to a chat (*cán bộ, công chức*, *thủ trưởng*, coordinator); ``Plan`` — *kế
hoạch*; ``Task`` — *nhiệm vụ*; ``Assignment`` — *chủ trì* (lead) or *phối hợp* (cooperating);
``Occurrence`` — *kỳ báo cáo* (one period of a task, with its due date); ``Report`` — a unit's
status reply (*báo cáo tiến độ*).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class UnitKind(StrEnum):
    """What sort of unit this is; collective phrases in plans expand by kind."""

    DEPARTMENT = "phong_ban"  # phòng, ban chuyên môn
    WARD = "ubnd_phuong"  # UBND phường / xã
    CENTER = "trung_tam"  # trung tâm, đơn vị sự nghiệp công lập
    OFFICE = "van_phong"  # Văn phòng HĐND-UBND
    ORGANISATION = "doan_the"  # Mặt trận, đoàn thể
    OTHER = "khac"


class Role(StrEnum):
    """A member's role: what they may see and do."""

    OFFICER = "officer"  # cán bộ, công chức
    HEAD = "head"  # thủ trưởng
    COORDINATOR = "coordinator"  # Phòng Nội vụ / Phòng Văn hóa - Xã hội
    ADMIN = "admin"


# The roles reminders go to (officers; heads when escalated or alone). A unit with none of
# them reachable is *không liên lạc được*, even when its coordinator is linked.
REMINDED_ROLES: tuple[str, ...] = (Role.OFFICER.value, Role.HEAD.value)


class AssignmentRole(StrEnum):
    LEAD = "lead"  # chủ trì
    COOPERATING = "cooperating"  # phối hợp


class ReportStatus(StrEnum):
    DONE = "done"  # Đã hoàn thành
    IN_PROGRESS = "in_progress"  # Đang thực hiện
    BLOCKED = "blocked"  # Vướng mắc
    NOT_STARTED = "not_started"  # Chưa thực hiện


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class Unit(SQLModel, table=True):
    """*Đơn vị*: a department, ward People's Committee, centre …"""

    __tablename__ = "unit"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=255)
    kind: str = Field(default=UnitKind.DEPARTMENT.value, max_length=32, index=True)
    parent_id: int | None = Field(default=None, foreign_key="unit.id")
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    label: str = Field(default="", max_length=64)  # the kind as the units file wrote it
    active: bool = Field(default=True)
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class UnitRef:
    """A unit as answers and views name it (id, code, name): the plain value that travels
    instead of a ``Unit`` row (the one ``UnitRef`` of dondoc)."""

    id: int
    code: str
    name: str

    @classmethod
    def of(cls, unit: Unit) -> UnitRef:
        assert unit.id is not None
        return cls(unit.id, unit.code, unit.name)


class Member(SQLModel, table=True):
    """A person reachable in one chat of one channel, linked to a unit with a role."""

    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("channel", "channel_user_id", name="uq_member_channel_user"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)  # telegram | zalo | console
    channel_user_id: str = Field(max_length=128)
    chat_id: str = Field(max_length=128)
    display_name: str = Field(default="", max_length=255)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    role: str = Field(default=Role.OFFICER.value, max_length=16)
    language: str = Field(default="vi", max_length=8)
    reachable: bool = Field(default=True)
    unreachable_reason: str | None = Field(default=None, max_length=500)
    unreachable_at: datetime | None = None
    active: bool = Field(default=True)
    created_at: datetime
    # When a coordinator marked the person as gone (*đã nghỉ / chuyển công tác*): ``active``
    # is False from then on; their reports stay.
    deactivated_at: datetime | None = None


class Plan(SQLModel, table=True):
    """*Kế hoạch*: a plan such as "84/KH-UBND"."""

    __tablename__ = "plan"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, unique=True, index=True)
    title: str = Field(default="", max_length=1000)
    issuer: str = Field(default="", max_length=255)
    issued_date: date | None = None
    year: int | None = None
    created_at: datetime
    updated_at: datetime


class Task(SQLModel, table=True):
    """*Nhiệm vụ*: one row of a plan's appendix, with its schedule.

    ``key`` identifies the task within its plan across re-imports (the ordinal as written,
    qualified by section when ordinals restart per section; "§II.2/3" for a duty read from the
    plan's prose). ``schedule`` holds the schedule (kind and parameters, see
    ``scheduler.schedules.Schedule``). ``quote`` is the plan's words the task was read from and
    ``source`` where they stand in the file ("p3 ¶12", "t1:5"): why dondoc believes a unit owes
    it. ``origin`` is ``plan`` (read from the file) or ``manual`` (``dondoc task add``): a
    re-import never stops following a manual task.
    """

    __tablename__ = "task"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="uq_task_plan_key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    key: str = Field(max_length=64)
    position: int = Field(default=0)
    section: str = Field(default="", max_length=500)
    ordinal: str = Field(default="", max_length=32)
    title: str
    expected_output: str = Field(default="")
    deadline_text: str = Field(default="")
    quote: str = Field(default="")
    source: str = Field(default="", max_length=64)
    origin: str = Field(default="plan", max_length=16)
    schedule_kind: str = Field(max_length=16)
    schedule: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    active: bool = Field(default=True)
    created_at: datetime
    updated_at: datetime


class Assignment(SQLModel, table=True):
    """A unit named in a task: *chủ trì* (lead) or *phối hợp* (cooperating).

    ``unit_id`` is null when the name as written resolved to no unit of the registry; the
    name is kept so that nothing is dropped silently.
    """

    __tablename__ = "assignment"
    __table_args__ = (
        Index("ix_assignment_unit_task", "unit_id", "task_id"),
        # The summary walks a task's units from this index alone (storage.summary_sql).
        Index("ix_assignment_task_unit_role", "task_id", "unit_id", "role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    role: str = Field(max_length=16)
    name_as_written: str = Field(default="", max_length=500)


class Occurrence(SQLModel, table=True):
    """*Kỳ báo cáo*: one period of a task (label such as ``2024-07``) and its due date."""

    __tablename__ = "occurrence"
    __table_args__ = (UniqueConstraint("task_id", "period", name="uq_occurrence_task_period"),)

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    period: str = Field(max_length=32)
    start: date
    due: date | None = Field(default=None, index=True)


class Report(SQLModel, table=True):
    """One status submission of a unit for an occurrence. Every one is kept; the latest that is
    not withdrawn counts (``storage.assignments``).

    ``withdrawn_at``: the sender took it back the same day ("gửi nhầm"), or corrected it —
    then ``replaced_by`` is the report that corrected it. A withdrawn report stays in the
    history; it is never the unit's status.
    """

    __tablename__ = "report"
    # The latest report that counts of an (occurrence, unit) and its status, from the index
    # alone: one seek per item for the summary (storage.summary_sql) and the planner
    # (``storage.assignments.latest_of``; a withdrawn report does not count).
    __table_args__ = (
        Index(
            "ix_report_occ_unit_latest",
            "occurrence_id",
            "unit_id",
            "created_at",
            "id",
            "status",
            "withdrawn_at",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurrence_id: int = Field(foreign_key="occurrence.id")
    unit_id: int = Field(foreign_key="unit.id", index=True)
    status: str = Field(max_length=16)
    percent: int | None = None
    note: str = Field(default="")
    attachment_ref: str | None = Field(default=None, max_length=1000)
    attachment_kind: str | None = Field(default=None, max_length=16)  # photo | document
    member_id: int | None = Field(default=None, foreign_key="member.id")
    source: str = Field(default="chat", max_length=16)  # chat | command | cli | import
    created_at: datetime
    withdrawn_at: datetime | None = None
    replaced_by: int | None = Field(default=None, foreign_key="report.id")


class Invite(SQLModel, table=True):
    """An invite code for a unit and role. Only a hash of the code is stored; single use."""

    __tablename__ = "invite"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=128, unique=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id")
    role: str = Field(max_length=16)
    expires_at: datetime
    used_at: datetime | None = None
    used_by_member_id: int | None = Field(default=None, foreign_key="member.id")
    created_by: str = Field(default="", max_length=255)
    created_at: datetime
    revoked_at: datetime | None = None  # withdrawn before use: can no longer be redeemed
    revoked_by: str = Field(default="", max_length=255)


class Outbox(SQLModel, table=True):
    """A message to deliver. ``key`` is deterministic, so planning twice inserts once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True)
    kind: str = Field(max_length=16)  # reminder | digest | nudge | notice
    member_id: int = Field(foreign_key="member.id", index=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=128)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime
    last_error: str | None = Field(default=None, max_length=1000)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    created_at: datetime


class ReminderLog(SQLModel, table=True):
    """One planned reminder step: (occurrence, unit, recipient, step), deterministic key.

    The planner writes one row per step it decides on; several rows due for one recipient at
    one tick are delivered as a single outbox message (``outbox_id``). ``status`` is
    ``planned``, ``queued`` or ``skipped`` (superseded by a later step after downtime).
    """

    __tablename__ = "reminder_log"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True)
    occurrence_id: int = Field(foreign_key="occurrence.id", index=True)
    unit_id: int = Field(foreign_key="unit.id")
    member_id: int = Field(foreign_key="member.id", index=True)  # what was I reminded of?
    step: str = Field(max_length=16)
    status: str = Field(default="queued", max_length=16)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id")
    created_at: datetime


class ConversationState(SQLModel, table=True):
    """Where a chat is in a multi-step conversation (e.g. half of a /baocao)."""

    __tablename__ = "conversation_state"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id", "user_id", name="uq_conversation_chat_user"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=128)
    user_id: str = Field(max_length=128)
    state: str = Field(max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime


class ProcessedUpdate(SQLModel, table=True):
    """An incoming update already handled (a channel may deliver one message twice)."""

    __tablename__ = "processed_update"
    __table_args__ = (UniqueConstraint("channel", "update_id", name="uq_processed_update"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    update_id: str = Field(max_length=128)
    received_at: datetime


class Lease(SQLModel, table=True):
    """A named lease held by one process until it expires (e.g. the single dispatcher)."""

    __tablename__ = "lease"

    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=128)
    expires_at: datetime


class AuditLog(SQLModel, table=True):
    """Who did what and when: reports, nudges, invites, imports."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_member_id: int | None = Field(default=None, foreign_key="member.id")
    actor: str = Field(default="", max_length=255)  # "cli", "system", or a display name
    action: str = Field(max_length=64)
    target: str = Field(default="", max_length=255)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class WebSignIn(SQLModel, table=True):
    """A single-use sign-in link to the web desk (*liên kết đăng nhập*): valid a few minutes,
    for one member. Only a hash of its token is stored."""

    __tablename__ = "web_signin"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    expires_at: datetime
    used_at: datetime | None = None
    created_via: str = Field(default="", max_length=16)  # chat | cli
    created_at: datetime


class WebSession(SQLModel, table=True):
    """A signed-in browser (*phiên làm việc*): the cookie holds a token whose hash is stored
    here; it ends when signed out, ended from the chat, or idle too long."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    signin_id: int | None = Field(default=None, foreign_key="web_signin.id")
    csrf_token: str = Field(max_length=64)
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None = None
    ended_reason: str | None = Field(default=None, max_length=16)  # signout | chat | left


class Evidence(SQLModel, table=True):
    """A report's attachment as dondoc keeps it (*minh chứng*): downloaded once into the data
    folder (``path`` relative to it), so that it opens after the platform's own link expired.
    ``status``: ``kept``; ``refused`` (too large, a type not accepted: never tried again);
    ``failed`` (the platform did not give it: tried again a few times)."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", unique=True)
    status: str = Field(max_length=16)
    path: str | None = Field(default=None, max_length=500)
    name: str = Field(default="", max_length=255)
    content_type: str = Field(default="", max_length=100)
    size: int | None = None
    sha256: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=500)
    attempts: int = Field(default=0)
    created_at: datetime
    updated_at: datetime
