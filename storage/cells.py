"""Text that people or files wrote, made safe for a spreadsheet cell (*ô bảng tính*).

A note, a task title, a unit or member name, a quote from a plan: whatever a person typed or a
file carried is written into every workbook and CSV dondoc produces as text, never as a
formula. A spreadsheet program reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
after trimming, a tab or a carriage return) as a formula: an officer's note
``=HYPERLINK("http://…")`` would become a live link in the coordinator's summary. Such a text
gets a leading apostrophe, the sign spreadsheet users themselves type to say "this is text"
(OWASP's advice against CSV injection); everything else is left exactly as it was.

Writers call ``safe_text`` on every string that did not come from dondoc's own catalogs.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """``value`` unchanged unless it is a string a spreadsheet could take for a formula; then
    the same string after an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
