"""Sample data shipped with dondoc for ``dondoc demo``: a ward's units after the 2025 reform and
an administrative-reform plan as a coordinator receives it — the Word file (heading, duties in
its prose, the appendix table at the end) and the appendix alone as an Excel file (a title,
merged section rows and the usual columns). Regenerate both with
``python -m dondoc.bot.samples.build``."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).parent
UNITS_FILE = SAMPLES / "phuong-mau-units.csv"
PLAN_DOCUMENT = SAMPLES / "phuong-mau-ke-hoach-cchc-2025.docx"  # the plan as it arrives
PLAN_FILE = SAMPLES / "phuong-mau-ke-hoach-cchc-2025.xlsx"  # its appendix table alone
