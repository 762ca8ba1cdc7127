"""Option payloads (*giá trị của lựa chọn*): what comes back when a person picks an option.

An option's value travels through the messenger (Telegram's callback data, at most 64 bytes)
and through the stored state (to read a typed "2"), so it is a short string. Flows never
build or cut those strings by hand: each kind of choice is a small frozen dataclass with a
``prefix``; ``pack()`` writes ``prefix:field:field`` and ``parse`` reads it back into the
class — or returns None when the value is another kind of choice. A command ("/viec 2") stays
a command: the core runs it like a typed one.

    @dataclass(frozen=True)
    class PickTask(Payload, prefix="t"):
        occurrence: int

    PickTask(12).pack() == "t:12";  PickTask.parse("t:12") == PickTask(12)
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, ClassVar, Self

MAX_BYTES = 64  # Telegram's limit for callback data
_SEPARATOR = ":"


class Payload:
    """Base of every option payload: a frozen dataclass with ``int`` or ``str`` fields."""

    prefix: ClassVar[str]

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix:
            if _SEPARATOR in prefix or prefix.startswith("/"):
                raise ValueError(f"payload prefix {prefix!r} cannot contain ':' or start with '/'")
            cls.prefix = prefix

    def pack(self) -> str:
        parts = [self.prefix, *(str(getattr(self, f.name)) for f in fields(self))]  # type: ignore[arg-type]
        for part in parts[1:]:
            if _SEPARATOR in part:
                raise ValueError(f"a payload field cannot contain ':' ({part!r})")
        value = _SEPARATOR.join(parts)
        if len(value.encode("utf-8")) > MAX_BYTES:
            raise ValueError(f"payload {value!r} is longer than {MAX_BYTES} bytes")
        return value

    @classmethod
    def parse(cls, value: str | None) -> Self | None:
        """The payload ``value`` packs, or None when it is not one of this class."""
        if value is None:
            return None
        parts = value.split(_SEPARATOR)
        wanted = fields(cls)  # type: ignore[arg-type]
        if parts[0] != cls.prefix or len(parts) != len(wanted) + 1:
            return None
        values: list[Any] = []
        for field_, raw in zip(wanted, parts[1:], strict=True):
            if field_.type in (int, "int"):
                if not raw.isdigit() or len(raw) > 12:
                    return None
                values.append(int(raw))
            else:
                values.append(raw)
        return cls(*values)
