"""What the report conversation carries between messages (*bản nháp báo cáo*): its states
(``Step``), the typed payloads of the options it offers, and the ``Draft`` it has gathered so
far — stored in the chat's state as plain JSON, so a restart resumes exactly where it was.

A draft is filled one of two ways:

* **the form** (``/baocao``): task → status → percent → note → file → confirm, each step
  asked once (a step already answered is skipped);
* **a short reply** (``short``): "xong", "đang làm 150%", "hình như xong rồi", "nhầm, đang
  làm 50%" — only what is missing or doubtful is asked (which task, a percent in range,
  whether it is really done), and the report is saved as soon as that is answered.

``replaces`` pairs each occurrence with the report of today that this one corrects
(``storage.corrections``): saving withdraws it in favour of the new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from dondoc.handlers.conversation.payloads import Payload
from dondoc.handlers.conversation.turn import Turn
from dondoc.handlers.replies import ParsedReply
from dondoc.storage.models import ReportStatus
from dondoc.storage.unit_work import Evidence


class Step(StrEnum):
    """The states of the report flow, as stored in the chat's state."""

    TASK = "report.task"  # which task (``/baocao``, "ok", a file alone, "sửa lại")
    STATUS = "report.status"
    PERCENT = "report.percent"  # also: a short reply's number out of range, asked again
    NOTE = "report.note"
    FILE = "report.file"
    CONFIRM = "report.confirm"
    CHECK_DONE = "report.check_done"  # a doubtful "done": asked once before it is saved
    WHICH = "reply.which"  # which task a status already given is about


# ---- what the options carry -------------------------------------------------------------------


@dataclass(frozen=True)
class PickTask(Payload, prefix="t"):
    occurrence: int


@dataclass(frozen=True)
class PickStatus(Payload, prefix="s"):
    status: str


@dataclass(frozen=True)
class PickOne(Payload, prefix="c"):
    """The task a status already given is about."""

    occurrence: int


@dataclass(frozen=True)
class PickAllListed(Payload, prefix="call"):
    """Every task of the page listed: the same status for all of them."""


@dataclass(frozen=True)
class ListedPage(Payload, prefix="cp"):
    """The next page of the tasks a status already given may be about."""

    page: int


@dataclass(frozen=True)
class Skip(Payload, prefix="skip"):
    pass


@dataclass(frozen=True)
class Confirm(Payload, prefix="ok"):
    pass


@dataclass(frozen=True)
class Edit(Payload, prefix="edit"):
    pass


@dataclass(frozen=True)
class DoneYes(Payload, prefix="dy"):
    """Yes, the task is really finished (the answer to a doubtful "done")."""


@dataclass(frozen=True)
class DoneNo(Payload, prefix="dn"):
    """No, it is still going on."""


# ---- what the flow has gathered ---------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A report being put together. ``answered`` names the optional steps (``percent``,
    ``note``, ``file``) already answered — an answer may be "nothing" (skipped).

    ``targets``: the occurrences a short reply is about, once known; ``doubtful``: it leans to
    done without being certain (ask before saving); ``short``: saved as soon as the question
    asked is answered; ``replaces``: (occurrence, report) pairs this report corrects."""

    occurrence: int | None = None
    title: str = ""
    status: ReportStatus | None = None
    percent: int | None = None
    note: str = ""
    evidence: Evidence | None = None
    answered: frozenset[str] = field(default_factory=frozenset)
    page: int = 1  # TASK, WHICH: the page of the list in view
    pending: bool = False  # the list is the pending tasks, not all the unit's open ones
    listed: tuple[int, ...] = ()  # WHICH: the occurrences of the page in view
    targets: tuple[int, ...] = ()
    doubtful: bool = False
    short: bool = False
    replaces: tuple[tuple[int, int], ...] = ()

    def answer(self, **values: Any) -> Draft:
        """This draft with ``values`` given (percent, note, evidence …), marked answered."""
        steps = {"file" if k == "evidence" else k for k in values} & {"percent", "note", "file"}
        return replace(self, answered=self.answered | steps, **values)

    def replaced(self, occurrence: int) -> list[int]:
        """The reports of ``occurrence`` this one corrects."""
        return [report for occ, report in self.replaces if occ == occurrence]

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.occurrence is not None:
            data["occ"] = self.occurrence
        if self.title:
            data["title"] = self.title
        if self.status is not None:
            data["status"] = self.status
        if "percent" in self.answered:
            data["percent"] = self.percent
        if "note" in self.answered:
            data["note"] = self.note
        if self.evidence is not None:
            data["file"] = {
                "kind": self.evidence.kind,
                "ref": self.evidence.ref,
                "name": self.evidence.name,
            }
        elif "file" in self.answered:
            data["file"] = None
        if self.page != 1:
            data["page"] = self.page
        if self.pending:
            data["pending"] = True
        if self.listed:
            data["occs"] = list(self.listed)
        if self.targets:
            data["targets"] = list(self.targets)
        if self.doubtful:
            data["doubtful"] = True
        if self.short:
            data["short"] = True
        if self.replaces:
            data["replaces"] = [list(pair) for pair in self.replaces]
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Draft:
        file = data.get("file")
        return cls(
            occurrence=int(data["occ"]) if data.get("occ") is not None else None,
            title=str(data.get("title", "")),
            status=ReportStatus(data["status"]) if data.get("status") else None,
            percent=int(data["percent"]) if data.get("percent") is not None else None,
            note=str(data.get("note") or ""),
            evidence=Evidence(str(file["kind"]), str(file["ref"]), str(file.get("name") or ""))
            if file
            else None,
            answered=frozenset(k for k in ("percent", "note", "file") if k in data),
            page=int(data.get("page", 1)),
            pending=bool(data.get("pending")),
            listed=tuple(int(o) for o in data.get("occs", [])),
            targets=tuple(int(o) for o in data.get("targets", [])),
            doubtful=bool(data.get("doubtful")),
            short=bool(data.get("short")),
            replaces=tuple((int(o), int(r)) for o, r in data.get("replaces", [])),
        )

    @classmethod
    def of_reply(cls, parsed: ParsedReply, evidence: Evidence | None) -> Draft:
        """What a short reply said, to be saved once nothing is missing or doubtful."""
        status = ReportStatus(parsed.status)
        said = cls(
            status=status,
            evidence=evidence,
            doubtful=parsed.confirm and status is ReportStatus.DONE,
            short=True,
        )
        return said.answer(percent=parsed.percent, note=parsed.note)


def draft_of(turn: Turn) -> Draft:
    """The draft stored in this chat's state."""
    return Draft.from_data(turn.data)


def go(turn: Turn, step: Step, draft: Draft) -> None:
    """Move the chat to ``step``, keeping ``draft``."""
    turn.set_state(step, draft.to_data())
