"""The on-time chart: a real PNG of the expected size, drawn with a font that has every
Vietnamese letter the labels use."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine

from dondoc.storage.exports import chart as chart_module
from dondoc.storage.exports import write_export
from dondoc.storage.exports.chart import (
    DPI,
    VIETNAMESE_SAMPLE,
    WIDTH_INCHES,
    chart_text_samples,
    chart_units,
    font_covers,
    vietnamese_font,
)
from dondoc.storage.summary_model import Category, UnitTotals
from tests.summary_data import build_ward, standard_reports, summary_for


async def test_png_size_and_bars(engine: AsyncEngine, tmp_path: Path) -> None:
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    summary = await summary_for(engine)
    path = write_export(summary, "png", tmp_path / "c.png")
    with Image.open(path) as image:
        assert image.format == "PNG"
        bars = len(chart_units(summary)[0])
        assert bars == 4
        assert image.size == (int(WIDTH_INCHES * DPI), int((1.9 + 0.34 * bars) * DPI))
        # Something is drawn: the green bar of the unit at 100 %.
        colours = {c for _n, c in image.convert("RGB").getcolors(maxcolors=1_000_000)}
        assert (0x70, 0xAD, 0x47) in colours
    units, unrated = chart_units(summary)
    assert [u.unit_code for u in units][-1] == "VHXH"  # highest rate drawn last (at the top)
    assert unrated == 0


def test_font_has_vietnamese_glyphs() -> None:
    path = vietnamese_font()
    assert Path(path).name == "DejaVuSans.ttf"
    assert font_covers(path, VIETNAMESE_SAMPLE)
    # The check can fail: matplotlib's Computer Modern font has no "ư" or "ạ".
    cmr = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "cmr10.ttf"
    assert not font_covers(cmr, "Phường Hạ Đình")


async def test_every_label_is_covered(engine: AsyncEngine) -> None:
    ward = await build_ward(engine)
    await standard_reports(engine, ward)
    summary = await summary_for(engine)
    texts = chart_text_samples(summary)
    assert any("Hạ tầng và Đô thị" in t for t in texts)
    assert all(font_covers(vietnamese_font(), t) for t in texts)


def test_only_the_lowest_units_at_national_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from dondoc.storage.summary_model import Summary, empty_counts

    units = []
    for n in range(60):
        totals = UnitTotals(n, f"U{n:02d}", f"Đơn vị {n}")
        totals.counts[Category.DONE_ON_TIME] = n
        totals.counts[Category.OVERDUE] = 60 - n
        totals.total = 60
        units.append(totals)
    units.append(UnitTotals(99, "NEW", "Đơn vị mới"))  # nothing due: no rate
    summary = Summary(date(2024, 7, 18), None, date(2024, 7, 31), None, None, None, [],
                      empty_counts(), [], [], units, [], [])  # fmt: skip
    drawn, unrated = chart_units(summary)
    assert len(drawn) == chart_module.MAX_BARS and unrated == 1
    assert (
        drawn[0].unit_code == "U00" and drawn[-1].unit_code == f"U{chart_module.MAX_BARS - 1:02d}"
    )
