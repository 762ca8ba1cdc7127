"""Signed, expiring links to files (*liên kết tải tệp*): ``/f/<token>`` opens an export or a
kept piece of evidence on any phone, without signing in, for ``LIFETIME`` (24 hours).

The token is signed (itsdangerous, HMAC-SHA256 with the deployment's web secret) and carries
which folder (``exports`` or ``evidence``), the file's name inside it, the member it was made
for and when it expires: a token cannot be altered to point at another file or to live
longer, and the member's id lets the server refuse it once that member left. Opening checks
again that the file lies inside its folder (no ``..``, no link out of it) and exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from itsdangerous import BadSignature, URLSafeSerializer

LIFETIME = timedelta(hours=24)
SALT = "dondoc.file-link"
MAX_TOKEN = 600


class LinkRefused(Exception):
    """A token that opens nothing: ``reason`` is ``forged``, ``expired`` or ``missing``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class LinkedFile:
    path: Path
    member_id: int
    folder: str


class FileLinks:
    """Makes and opens file links for the folders it is given (name → folder)."""

    def __init__(
        self, secret: str, folders: dict[str, Path], lifetime: timedelta = LIFETIME
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the web secret is too short")
        self._serializer = URLSafeSerializer(secret, salt=SALT)
        self.folders = {name: Path(folder) for name, folder in folders.items()}
        self.lifetime = lifetime

    def folder_of(self, path: Path) -> tuple[str, str] | None:
        """(folder name, path inside it) of a file under one of the folders, else None."""
        resolved = Path(path).resolve()
        for name, folder in self.folders.items():
            try:
                inside = resolved.relative_to(folder.resolve())
            except ValueError:
                continue
            return name, inside.as_posix()
        return None

    def token(self, path: Path, member_id: int, now: datetime) -> str:
        """A token for ``path`` (inside one of the folders) made for ``member_id``."""
        found = self.folder_of(path)
        if found is None:
            raise ValueError(f"{path} is in none of the linked folders")
        name, inside = found
        expires = int((now + self.lifetime).timestamp())
        return str(self._serializer.dumps({"d": name, "p": inside, "m": member_id, "e": expires}))

    def open(self, token: str, now: datetime) -> LinkedFile:
        """The file a token names (``LinkRefused`` otherwise)."""
        if not token or len(token) > MAX_TOKEN:
            raise LinkRefused("forged")
        try:
            data = self._serializer.loads(token)
        except BadSignature:
            raise LinkRefused("forged") from None
        if not isinstance(data, dict):
            raise LinkRefused("forged")
        name, inside, member, expires = (data.get(k) for k in ("d", "p", "m", "e"))
        if not (
            isinstance(name, str)
            and isinstance(inside, str)
            and isinstance(member, int)
            and isinstance(expires, int)
        ):
            raise LinkRefused("forged")
        if now.timestamp() >= expires:
            raise LinkRefused("expired")
        folder = self.folders.get(name)
        relative = PurePosixPath(inside)
        if folder is None or relative.is_absolute() or ".." in relative.parts:
            raise LinkRefused("forged")
        root = folder.resolve()
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            raise LinkRefused("missing")
        return LinkedFile(target, member, name)
