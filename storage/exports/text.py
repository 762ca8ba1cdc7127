"""The summary as plain text (for ``dondoc summary`` and chat channels that only show text) and
as a JSON-ready dict (``dondoc summary --format json``: counts, per unit, per task, blocked,
unreachable units, items).

Every count of overdue items says how many of them were never reported ("trong đó chưa báo
cáo: N"), and unreachable units are counted once each, split by the reason."""

from __future__ import annotations

from typing import Any

from dondoc.locales import _, format_short_day
from dondoc.storage.exports.common import category_word, plan_words, rate_text, scope_words
from dondoc.storage.summary_model import (
    CATEGORIES,
    Category,
    Summary,
    SummaryItem,
    UnitTotals,
    Unreachable,
)


def category_count(summary: Summary, category: Category, language: str) -> str:
    """A category's count as every view writes it: "6", or for the overdue "6 (trong đó chưa
    báo cáo: 4)"."""
    count = summary.counts[category]
    if category is Category.OVERDUE and summary.overdue_unreported:
        return _("exports.text.with_unreported", language, count=count,
                 unreported=summary.overdue_unreported)  # fmt: skip
    return str(count)


def unreachable_words(summary: Summary, language: str) -> str:
    """ "2 đơn vị (chưa có cán bộ kết nối: 1; cán bộ đã chặn tin nhắn: 1)"."""
    count = len(summary.unreachable_units)
    parts = [
        _(
            "exports.text.unreachable_part",
            language,
            reason=_(f"status.unreachable.{reason.value}", language).lower(),
            count=len(summary.unreachable_by(reason)),
        )  # fmt: skip
        for reason in Unreachable
        if summary.unreachable_by(reason)
    ]
    words = _("exports.text.units", language, count=count)
    return f"{words} ({'; '.join(parts)})" if parts else words


def headline(summary: Summary, language: str) -> str:
    scope = scope_words(summary, language)
    if summary.label:
        scope = _("exports.text.scope_label", language, label=summary.label, words=scope)
    return _(
        "exports.text.scope",
        language,
        scope=scope,
        plan=plan_words(summary, language),
        today=format_short_day(summary.today, language),
    )


def count_lines(summary: Summary, language: str) -> list[str]:
    lines = [
        _(
            "exports.text.total",
            language,
            total=summary.total,
            units=len(summary.per_unit),
        )
    ]
    for category in CATEGORIES:
        lines.append(
            _(
                "exports.text.count",
                language,
                label=category_word(category, language),
                count=category_count(summary, category, language),
            )
        )
    lines.append(
        _(
            "exports.text.count",
            language,
            label=_("status.blocked", language),
            count=summary.blocked_count,
        )  # fmt: skip
    )
    lines.append(
        _(
            "exports.text.count",
            language,
            label=_("status.unreachable", language),
            count=unreachable_words(summary, language),
        )
    )
    lines.append(_("exports.text.rate", language, rate=rate_text(summary.on_time_rate, language)))
    return lines


def unit_line(unit: UnitTotals, language: str) -> str:
    parts = [
        f"{category_word(c, language).lower()} {unit.counts[c]}"
        + (
            " " + _("exports.text.of_which_unreported", language, count=unit.overdue_unreported)
            if c is Category.OVERDUE and unit.overdue_unreported
            else ""
        )
        for c in CATEGORIES
        if unit.counts[c]
    ]
    text = _(
        "exports.text.unit",
        language,
        code=unit.unit_code,
        name=unit.unit_name,
        total=unit.total,
        parts="; ".join(parts),
        rate=rate_text(unit.on_time_rate, language),
    )
    if unit.blocked:
        text += "; " + _("exports.text.unit_blocked", language, count=unit.blocked)
    if unit.unreachable:
        reason = _(f"status.unreachable.{unit.unreachable_reason}", language).lower()
        text += "; " + _("status.unreachable", language).lower() + f" ({reason})"
    return text


def blocked_line(item: SummaryItem, language: str) -> str:
    due = format_short_day(item.due, language) if item.due else "—"
    return _(
        "exports.text.blocked_item",
        language,
        unit=item.unit_name,
        task=item.label(),
        due=due,
        note=" ".join(item.note.split()) or "—",
    )


def summary_text(
    summary: Summary, language: str = "vi", blocked: list[SummaryItem] | None = None
) -> str:
    """The whole summary as text: head, counts, one line per unit, blocked, unreachable.
    ``blocked``: the blocked items, when the summary was computed without its items."""
    blocked = summary.blocked if blocked is None else blocked
    lines = [_("exports.xlsx.title", language), headline(summary, language), ""]
    lines += count_lines(summary, language)
    if summary.per_unit:
        lines += ["", _("exports.text.units_title", language)]
        lines += ["- " + unit_line(unit, language) for unit in summary.per_unit]
    if blocked:
        lines += ["", _("exports.text.blocked_title", language, count=summary.blocked_count)]
        lines += [blocked_line(item, language) for item in blocked]
    for reason in Unreachable:
        units = summary.unreachable_by(reason)
        if units:
            names = ", ".join(f"{u.code} ({u.name})" for u in units)
            lines += ["", _(f"exports.text.unreachable_{reason.value}", language, units=names)]
    if not summary.total:
        lines += ["", _("exports.text.nothing", language)]
    return "\n".join(lines)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _counts(counts: dict[Any, int]) -> dict[str, int]:
    return {c.value: counts[c] for c in CATEGORIES}


def _late_units(summary: Summary) -> list[dict[str, Any]]:
    """Units with overdue items and those items, most first (as ``/tonghop`` lists them)."""
    late: dict[str, dict[str, Any]] = {}
    for item in summary.items:
        if item.category is not Category.OVERDUE:
            continue
        entry = late.setdefault(
            item.unit_code,
            {"unit_code": item.unit_code, "unit_name": item.unit_name, "tasks": []},
        )
        entry["tasks"].append(
            {
                "plan_code": item.plan_code,
                "key": item.key,
                "ordinal": item.ordinal,
                "title": item.title,
                "period": item.period,
                "due": _iso(item.due),
                "status": item.status,
                "percent": item.percent,
                "never_reported": item.unreported,
            }
        )
    return sorted(late.values(), key=lambda e: (-len(e["tasks"]), e["unit_name"]))


def summary_dict(summary: Summary) -> dict[str, Any]:
    """Everything in plain JSON types (dates ISO, rates 0–1 or null, moments UTC ISO)."""
    return {
        "today": _iso(summary.today),
        "period": summary.label,
        "first": _iso(summary.first),
        "last": _iso(summary.last),
        "until": _iso(summary.last),
        "plan_code": summary.plan_code,
        "unit_code": summary.unit_code,
        "plans": [{"code": p.code, "title": p.title} for p in summary.plans],
        "total": summary.total,
        "units": len(summary.per_unit),
        "counts": _counts(summary.counts),
        "overdue_unreported": summary.overdue_unreported,
        "blocked_count": summary.blocked_count,
        "on_time_rate": summary.on_time_rate,
        "blocked": [
            {
                "unit_code": i.unit_code,
                "unit_name": i.unit_name,
                "plan_code": i.plan_code,
                "key": i.key,
                "ordinal": i.ordinal,
                "title": i.title,
                "period": i.period,
                "due": _iso(i.due),
                "note": i.note,
                "reported_on": _iso(summary.local_date(i.reported_at)),
                "report_id": i.report_id,
            }
            for i in summary.blocked
        ],
        "unreachable_units": [
            {"code": u.code, "name": u.name, "reason": u.reason} for u in summary.unreachable_units
        ],
        "late_units": _late_units(summary),
        "per_unit": [
            {
                "code": u.unit_code,
                "name": u.unit_name,
                "total": u.total,
                "counts": _counts(u.counts),
                "overdue_unreported": u.overdue_unreported,
                "blocked": u.blocked,
                "on_time_rate": u.on_time_rate,
                "unreachable": u.unreachable,
                "unreachable_reason": u.unreachable_reason or None,
            }
            for u in summary.per_unit
        ],
        "per_task": [
            {
                "plan": t.plan_code,
                "key": t.key,
                "ordinal": t.ordinal,
                "title": t.title,
                "total": t.total,
                "counts": _counts(t.counts),
                "overdue_unreported": t.overdue_unreported,
                "blocked": t.blocked,
            }
            for t in summary.per_task
        ],
        "items": [
            {
                "plan": i.plan_code,
                "key": i.key,
                "ordinal": i.ordinal,
                "title": i.title,
                "period": i.period,
                "due": _iso(i.due),
                "unit": i.unit_code,
                "unit_name": i.unit_name,
                "role": i.role,
                "category": i.category.value,
                "status": i.status,
                "percent": i.percent,
                "note": i.note,
                "reported_at": _iso(i.reported_at),
                "reported_on": _iso(summary.local_date(i.reported_at)),
                "report_id": i.report_id,
                "reporter": i.reporter or None,
                "never_reported": i.unreported,
                "blocked": i.blocked,
                "unreachable": i.unreachable,
            }
            for i in summary.items
        ],
    }
