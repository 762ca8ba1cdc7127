"""Older office formats (*.doc, .xls, .odt, .ods, .rtf*) made readable through LibreOffice.

``converted(path, ".docx")`` runs LibreOffice headless (``soffice --convert-to``) into a
temporary folder and yields the converted copy; the folder is removed afterwards. Where
LibreOffice is not installed, or the conversion fails, ``UserError`` says how to convert the
file by hand (open it and "Save as" ``.docx``/``.xlsx``), so nothing is guessed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dondoc.storage.errors import UserError

TIMEOUT_SECONDS = 180


def office_program() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def converted(path: Path, target: str) -> Iterator[Path]:
    """``path`` converted to ``target`` (".docx" or ".xlsx") in a temporary folder."""
    program = office_program()
    if program is None:
        raise UserError("document.needs_office", file=str(path), target=target)
    with tempfile.TemporaryDirectory(prefix="dondoc-convert-") as folder:
        profile = Path(folder) / "profile"
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target.lstrip("."),
            "--outdir",
            folder,
            str(path.resolve()),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise UserError("document.convert_failed", file=str(path), target=target) from exc
        result = Path(folder) / f"{path.stem}{target}"
        if not result.exists() or result.stat().st_size == 0:
            raise UserError("document.convert_failed", file=str(path), target=target)
        yield result
