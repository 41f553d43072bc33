"""Errors that deep code raises and the UI and command line turn into sentences for people."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Where:
    """Where a problem sits in a user's input, so a message can point at it."""

    file: str | None = None
    row: int | None = None
    column: str | None = None
    household_no: str | None = None

    def describe(self, lang: str) -> str:
        parts: list[str] = []
        if lang.startswith("zh"):
            if self.file:
                parts.append(f"文件“{self.file}”")
            if self.row is not None:
                parts.append(f"第 {self.row} 行")
            if self.column:
                parts.append(f"“{self.column}”列")
            if self.household_no:
                parts.append(f"户编号 {self.household_no}")
            return "，".join(parts)
        if self.file:
            parts.append(f"file '{self.file}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.household_no:
            parts.append(f"household {self.household_no}")
        return ", ".join(parts)


@dataclass
class PovdeskError(Exception):
    """A problem a person can act on: carries a stable code and the text in both languages."""

    code: str
    en: str
    zh: str
    where: Where = field(default_factory=Where)

    def __post_init__(self) -> None:
        super().__init__(self.en)

    def message(self, lang: str = "en") -> str:
        text = self.zh if lang.startswith("zh") else self.en
        place = self.where.describe(lang)
        if not place:
            return text
        return f"{place}：{text}" if lang.startswith("zh") else f"{place}: {text}"

    def __str__(self) -> str:
        return self.message("en")


class NotFound(PovdeskError):
    """The record asked for does not exist."""


class InvalidValue(PovdeskError):
    """A value does not fit its field (type, code list, range)."""


class Conflict(PovdeskError):
    """The data changed under the caller, or the operation contradicts the current state."""


class NotAllowed(PovdeskError):
    """The user's role does not entitle them to this decision."""


class Cancelled(Exception):
    """Long work was cancelled by the user; nothing was written."""


class BadInput(PovdeskError):
    """A file or argument given by the user cannot be used at all."""


class Busy(PovdeskError):
    """Another job or workstation held the database past the wait; nothing was changed, and the
    same work may simply be tried again (code "db.busy")."""
