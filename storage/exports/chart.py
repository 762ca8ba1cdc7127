"""The on-time rate chart (*biểu đồ tỷ lệ đúng hạn*): one horizontal bar per unit, PNG, drawn
with matplotlib's Agg backend (no display needed).

Labels are Vietnamese, so the font must have the Vietnamese letters (ư, ơ, ạ, ệ, đ …):
DejaVu Sans, which ships with matplotlib, has them; ``font_covers`` checks a text against the
font's character map, and ``vietnamese_font`` refuses a font that lacks them. Units with
nothing due yet have no rate and are left out (the chart says how many). At national scale
only the ``MAX_BARS`` units with the lowest rates are drawn — the ones the meeting discusses
— and the title says so.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from dondoc.locales import _, format_short_day  # noqa: E402
from dondoc.storage.exports.common import plan_words, rate_text, scope_words  # noqa: E402
from dondoc.storage.summary_model import Summary, UnitTotals  # noqa: E402

FONT_FAMILY = "DejaVu Sans"
MAX_BARS = 40
WIDTH_INCHES = 10.0
DPI = 120
VIETNAMESE_SAMPLE = "ĂÂĐÊÔƠƯăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"


@lru_cache(maxsize=4)
def _charmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def font_covers(path: str | Path, text: str) -> bool:
    """Does the font file at ``path`` have a glyph for every character of ``text``?"""
    cmap = _charmap(str(path))
    return all(ord(ch) in cmap for ch in text if not ch.isspace())


@lru_cache(maxsize=1)
def vietnamese_font() -> str:
    """The path of the chart font, checked to cover the Vietnamese alphabet."""
    path = font_manager.findfont(
        font_manager.FontProperties(family=FONT_FAMILY), fallback_to_default=False
    )
    if not font_covers(path, VIETNAMESE_SAMPLE):
        raise RuntimeError(f"the chart font {path} lacks Vietnamese letters")
    return path


def _short(text: str, limit: int = 42) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def chart_units(summary: Summary) -> tuple[list[UnitTotals], int]:
    """(units drawn, lowest rate first; count of units with no rate yet)."""
    rated = [u for u in summary.per_unit if u.on_time_rate is not None]
    rated.sort(key=lambda u: (u.on_time_rate, -u.rate_denominator, u.unit_code))
    return rated[:MAX_BARS], len(summary.per_unit) - len(rated)


def write_chart(summary: Summary, stream: BinaryIO, language: str = "vi") -> None:
    """Draw the chart of ``summary`` as PNG into ``stream``."""
    font = font_manager.FontProperties(fname=vietnamese_font())
    units, unrated = chart_units(summary)
    rated_total = len(summary.per_unit) - unrated
    bars = max(len(units), 1)
    height = 1.9 + 0.34 * bars
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    axes = figure.add_subplot()
    title = _("exports.chart.title", language)
    if rated_total > len(units):
        title = _("exports.chart.title_lowest", language, count=len(units), total=rated_total)
    subtitle = _(
        "exports.chart.subtitle",
        language,
        plan=plan_words(summary, language),
        scope=scope_words(summary, language),
        today=format_short_day(summary.today, language),
    )
    figure.suptitle(title, fontproperties=font, fontsize=13, fontweight="bold")
    axes.set_title(subtitle, fontproperties=font, fontsize=9, color="#404040")
    if units:
        labels = [_short(u.unit_name) for u in reversed(units)]
        values = [100 * (u.on_time_rate or 0.0) for u in reversed(units)]
        colours = [_colour(v) for v in values]
        positions = list(range(len(units)))
        axes.barh(positions, values, color=colours, height=0.65)
        axes.set_yticks(positions)
        axes.set_yticklabels(labels, fontproperties=font, fontsize=9)
        for y, (value, unit) in enumerate(zip(values, reversed(units), strict=True)):
            text = f"{rate_text(value / 100, language)} ({_count_text(unit, language)})"
            axes.text(min(value, 100) + 1, y, text, va="center", fontproperties=font, fontsize=8)
    else:
        axes.set_yticks([])
        axes.text(
            50,
            0.5,
            _("exports.chart.nothing_due", language),
            ha="center",
            va="center",
            fontproperties=font,
            fontsize=11,
        )
    axes.set_xlim(0, 125)
    axes.set_xticks([0, 20, 40, 60, 80, 100])
    axes.set_xticklabels([f"{v}%" for v in (0, 20, 40, 60, 80, 100)], fontproperties=font)
    axes.set_xlabel(_("exports.chart.axis", language), fontproperties=font, fontsize=9)
    axes.axvline(100, color="#A6A6A6", linewidth=0.8)
    axes.spines[["top", "right"]].set_visible(False)
    notes = [_("exports.chart.rate_note", language), overdue_note(summary, language)]
    if unrated:
        notes.append(_("exports.chart.unrated", language, count=unrated))
    figure.text(0.01, 0.01, " ".join(notes), fontproperties=font, fontsize=7, color="#595959")
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    figure.savefig(stream, format="png", dpi=DPI)


def overdue_note(summary: Summary, language: str) -> str:
    """The overdue items and how many of them were never reported, as every view says it."""
    from dondoc.storage.exports.text import category_count
    from dondoc.storage.summary_model import Category

    return _(
        "exports.chart.overdue_note",
        language,
        count=category_count(summary, Category.OVERDUE, language),
    )


def _count_text(unit: UnitTotals, language: str) -> str:
    from dondoc.storage.summary_model import Category

    return _(
        "exports.chart.bar_counts",
        language,
        on_time=unit.counts[Category.DONE_ON_TIME],
        due=unit.rate_denominator,
    )


def _colour(percent: float) -> str:
    if percent >= 80:
        return "#70AD47"
    if percent >= 50:
        return "#FFC000"
    return "#E06666"


def chart_text_samples(summary: Summary, language: str = "vi") -> list[str]:
    """Every text the chart draws (for tests: all must be covered by the font)."""
    units, unrated = chart_units(summary)
    texts: list[Any] = [
        _("exports.chart.title", language),
        _("exports.chart.axis", language),
        _("exports.chart.rate_note", language),
        _("exports.chart.nothing_due", language),
        overdue_note(summary, language),
        plan_words(summary, language),
        scope_words(summary, language),
    ]
    texts += [_short(u.unit_name) for u in units]
    return [str(t) for t in texts]
