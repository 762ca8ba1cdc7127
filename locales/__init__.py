"""Every sentence a user reads: Babel gettext catalogs in ``locales/<lang>/LC_MESSAGES/*.po``.

Message ids are stable keys (``cli.units.imported``), never English prose, so that a missing
translation is visible in both languages (a test checks every key has a ``vi`` and an ``en``
text). Each room keeps its own catalog file (a gettext domain: ``core.po``, ``reminders.po`` …);
all domains are merged into one catalog per language. Catalogs are compiled to ``.mo`` on
first use (they are not committed as binaries) and re-compiled when a ``.po`` is newer.

Placeholders are ``str.format`` names: ``_("cli.units.imported", "vi", count=3)``.
Dates and numbers are formatted for the reader's locale with Babel (``format_day``).
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).parent
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
_lock = threading.Lock()


class MissingTranslation(KeyError):
    """A message key that has no text in a catalog."""


def domains() -> list[str]:
    return sorted(p.stem for p in (LOCALES_DIR / "vi" / "LC_MESSAGES").glob("*.po"))


def _compile(po: Path) -> Path:
    mo = po.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name, domain=po.stem)
        tmp = mo.with_suffix(f".mo.{threading.get_ident()}.tmp")
        with tmp.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        tmp.replace(mo)
    return mo


def compile_all() -> list[Path]:
    """Compile every ``.po`` to ``.mo`` (idempotent; done on first use anyway)."""
    with _lock:
        found = [*LOCALES_DIR.glob("*/LC_MESSAGES/*.po"), *CLICK_DIR.glob("*/LC_MESSAGES/*.po")]
        return [_compile(po) for po in sorted(found)]


# Click's own words (its usage errors and the boilerplate of ``--help``), translated in a
# catalog of their own: Click marks them for Python's ``gettext``, under the process's text
# domain and the LANGUAGE of the environment.
CLICK_DIR = LOCALES_DIR / "click"
CLICK_DOMAIN = "click"


def speak_click(language: str | None) -> None:
    """Make Click speak ``language`` in this process (the command line calls it first)."""
    import gettext
    import os

    compile_all()
    gettext.bindtextdomain(CLICK_DOMAIN, str(CLICK_DIR))
    gettext.textdomain(CLICK_DOMAIN)
    os.environ["LANGUAGE"] = normalise_language(language)


@lru_cache(maxsize=8)
def catalog(language: str) -> Translations:
    """The merged catalog of ``language`` (all domains)."""
    language = normalise_language(language)
    compile_all()
    merged: Translations | None = None
    for domain in domains():
        loaded = Translations.load(str(LOCALES_DIR), [language], domain)
        if not isinstance(loaded, Translations):
            continue
        if merged is None:
            merged = loaded
        else:
            merged.merge(loaded)
    return merged or Translations()


def normalise_language(language: str | None) -> str:
    if not language:
        return DEFAULT_LANGUAGE
    short = language.replace("-", "_").split("_")[0].lower()
    return short if short in LANGUAGES else DEFAULT_LANGUAGE


def _(key: str, language: str | None = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """The text of message ``key`` in ``language``, with ``values`` filled in.

    A key with no text raises ``MissingTranslation``: a gap must fail loudly in tests, never
    show a raw key to an officer.
    """
    if language not in LANGUAGES:  # most calls already name one: skip normalising then
        language = normalise_language(language)
    text = catalog(language).gettext(key)
    if text == key:
        raise MissingTranslation(f"{key!r} has no {language} text")
    return text.format(**values) if values else text


def n_(key: str, count: int, language: str | None = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """Plural-aware text: the catalog entry ``key`` with ``msgid_plural`` ``key + '.plural'``."""
    text = catalog(normalise_language(language)).ngettext(key, key + ".plural", count)
    if text in (key, key + ".plural"):
        raise MissingTranslation(f"{key!r} has no {normalise_language(language)} text")
    return text.format(count=count, **values)


def format_day(day: date | datetime, language: str | None = DEFAULT_LANGUAGE) -> str:
    """A date as people write it: "Thứ Hai, 15/07/2024" / "Monday, 15/07/2024"."""
    if isinstance(day, datetime):
        day = day.date()
    return _format_day(day, normalise_language(language))


@lru_cache(maxsize=4096)
def _format_day(day: date, language: str) -> str:
    # Babel formats a date in ~20 µs and every list shows a few: the same days recur.
    return format_date(day, "EEEE, dd/MM/yyyy", locale=language)


def format_short_day(day: date | datetime, language: str | None = DEFAULT_LANGUAGE) -> str:
    """A date without the weekday: "15/07/2024"."""
    if isinstance(day, datetime):
        day = day.date()
    return format_date(day, "dd/MM/yyyy", locale=normalise_language(language))


def format_period(label: str, language: str | None = DEFAULT_LANGUAGE) -> str:
    """A period (*kỳ*) label in words: "2024-07" → "tháng 7/2024"; "2024-Q3" → "quý III/2024";
    "2024-6T" → "6 tháng đầu năm 2024"; "2024-9T" → "9 tháng năm 2024"; "2024" → "năm 2024";
    a one-off deadline's "2024-07-15" → "15/07/2024"; other labels as they are."""
    return _format_period(label, normalise_language(language))


@lru_cache(maxsize=4096)
def _format_period(label: str, language: str) -> str:
    # Every reminder of a wave names a period, and few periods recur.
    year, _sep, rest = label.partition("-")
    if not year.isdigit():
        return label
    if not rest:
        return _("period.year", language, year=year)
    if rest.isdigit() and len(rest) <= 2:
        return _("period.month", language, month=int(rest), year=year)
    if rest.startswith("Q") and rest[1:].isdigit():
        roman = {1: "I", 2: "II", 3: "III", 4: "IV"}.get(int(rest[1:]), rest[1:])
        return _("period.quarter", language, quarter=roman, year=year)
    if rest in ("6T", "9T"):
        return _(f"period.first_{rest[0]}", language, year=year)
    try:
        return format_short_day(date.fromisoformat(label), language)
    except ValueError:
        return label


def format_number(value: float, language: str | None = DEFAULT_LANGUAGE) -> str:
    return format_decimal(value, locale=normalise_language(language))
