"""Sample data shipped with dondoc for ``dondoc demo``: a ward's units after the 2025 reform and
an administrative-reform plan's appendix as a coordinator receives it (an Excel file with a
title, merged section rows and the usual columns). Regenerate the workbook with
``python -m dondoc.bot.samples.build``."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).parent
UNITS_FILE = SAMPLES / "phuong-mau-units.csv"
PLAN_FILE = SAMPLES / "phuong-mau-ke-hoach-cchc-2025.xlsx"
