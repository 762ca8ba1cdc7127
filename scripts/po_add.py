"""Developer tool: add or update messages in a catalog domain of both languages.

    python scripts/po_add.py DOMAIN messages.json

``messages.json`` maps each key to ``{"vi": "...", "en": "..."}``. Existing keys are
updated, others kept; files are written sorted by key with Babel, so edits by hand and by
this tool stay compatible.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "locales"


def update(domain: str, messages: dict[str, dict[str, str]]) -> None:
    for language in ("vi", "en"):
        path = ROOT / language / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language, domain=domain)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(
                locale=language,
                domain=domain,
                project="dondoc",
                version="0.1",
                charset="utf-8",
                fuzzy=False,
                copyright_holder="dondoc developers",
                last_translator="dondoc developers",
                language_team=f"dondoc {language}",
                header_comment=f"# dondoc messages, {language}: {domain}",
            )
        for key, texts in messages.items():
            if key in catalog:  # Babel's __setitem__ merges and keeps the old text
                del catalog[key]
            catalog[key] = Message(key, texts[language])
        with path.open("wb") as handle:
            write_po(
                handle, catalog, width=0, sort_output=True, omit_header=False, ignore_obsolete=True
            )


if __name__ == "__main__":
    update(sys.argv[1], json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
