"""``storage.cells.safe_text``: what a spreadsheet would read as a formula gets an apostrophe;
everything else is left exactly as it was."""

from __future__ import annotations

import pytest

from dondoc.storage.cells import safe_text


@pytest.mark.parametrize(
    "written",
    ['=HYPERLINK("http://x","bấm")', "+84 912", "-1+2", "@SUM(A1)", "\tđã xong", "\r=1"],
)
def test_what_a_spreadsheet_would_evaluate_is_kept_as_text(written: str) -> None:
    assert safe_text(written) == "'" + written


@pytest.mark.parametrize("kept", ["Đã xong 70%", "", "Phòng Nội vụ", " =1", 12, None, 3.5])
def test_anything_else_is_untouched(kept: object) -> None:
    assert safe_text(kept) == kept
