"""Every message has a Vietnamese and an English text, with the same placeholders, and every
message key the code names exists."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.pofile import read_po

import dondoc.locales
from dondoc.locales import MissingTranslation, _, format_day

ROOT = Path(__file__).resolve().parents[1]
CODE_DIRS = ("bot", "handlers", "scheduler", "storage")
KEY_CALL = re.compile(
    r"""(?:UserError|\.t|\b_|help_text|\bn_)\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']"""
)


def catalog_texts(language: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for po in sorted((ROOT / "locales" / language / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as handle:
            for message in read_po(handle, locale=language):
                if message.id:
                    key = message.id if isinstance(message.id, str) else message.id[0]
                    value = message.string if isinstance(message.string, str) else message.string[0]
                    assert key not in texts, f"{key} is defined twice ({po.name})"
                    texts[key] = value
    return texts


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    vi, en = catalog_texts("vi"), catalog_texts("en")
    assert vi, "no Vietnamese catalog"
    assert sorted(set(vi) ^ set(en)) == []
    for key in vi:
        assert vi[key].strip(), f"{key} has no Vietnamese text"
        assert en[key].strip(), f"{key} has no English text"
        assert placeholders(vi[key]) == placeholders(en[key]), key


def test_every_key_named_in_code_exists() -> None:
    known = set(catalog_texts("vi"))
    missing: list[str] = []
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
                if key not in known:
                    missing.append(f"{path.relative_to(ROOT)}: {key}")
    assert missing == []


def test_lookup_formats_and_fails_loudly() -> None:
    assert _("invite.expired", "vi").startswith("Mã mời đã hết hạn")
    assert _("invite.expired", "en").startswith("This invite code has expired")
    assert _("cli.units.count", "vi", count=3) == "Tổng cộng 3 đơn vị."
    assert _("invite.expired", "fr") == _("invite.expired", "vi")  # unknown → Vietnamese
    with pytest.raises(MissingTranslation):
        _("no.such.key", "vi")


def test_vietnamese_dates() -> None:
    from datetime import date

    assert format_day(date(2024, 7, 15), "vi") == "Thứ Hai, 15/07/2024"
    assert format_day(date(2024, 7, 14), "vi") == "Chủ Nhật, 14/07/2024"
    assert format_day(date(2024, 7, 15), "en") == "Monday, 15/07/2024"


def test_catalogs_compile_to_mo() -> None:
    compiled = dondoc.locales.compile_all()
    assert compiled and all(p.suffix == ".mo" and p.stat().st_size > 0 for p in compiled)


TEMPLATE_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")


def test_every_key_named_in_a_web_template_exists() -> None:
    """The web desk's templates speak through ``t("…")`` too: every key they name has a text
    (keys built from a value, ``t("role." + p.role)``, are checked by the pages' tests)."""
    known = set(catalog_texts("vi"))
    templates = sorted((ROOT / "bot" / "web" / "templates").glob("*.html"))
    assert templates
    missing = [
        f"{path.name}: {key}"
        for path in templates
        for key in TEMPLATE_KEY.findall(path.read_text(encoding="utf-8"))
        if key not in known
    ]
    assert missing == []
