"""Files for the account that runs dondoc only (*tệp riêng*): the database holds every report,
member and invite, exports and evidence hold the same facts, so none of it is readable by the
other accounts of the server, whatever the umask of the shell that started dondoc.

Folders dondoc creates are 0700, files 0600 (SQLite gives its ``-wal`` and ``-shm`` files the
mode of the database). An existing folder is left as the operator made it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Path) -> list[Path]:
    """Create ``path`` and each missing parent, every one 0700; the folders created,
    outermost first (empty when ``path`` existed). ``OSError`` when one cannot be made."""
    path = Path(path).expanduser()
    missing: list[Path] = []
    current = path
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    created = []
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:  # made meanwhile by another process: theirs
            continue
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode passes through the umask
        created.append(folder)
    return created


def private_file(path: Path) -> bool:
    """Create an empty ``path`` with mode 0600 unless it exists; True when it was created."""
    try:
        handle = os.open(Path(path).expanduser(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    os.close(handle)
    return True


def tighten(path: Path) -> bool:
    """Take away every permission of group and others from ``path``; True when it had some."""
    path = Path(path).expanduser()
    current = stat.S_IMODE(path.stat().st_mode)
    if not current & 0o077:
        return False
    os.chmod(path, current & 0o700)
    return True
