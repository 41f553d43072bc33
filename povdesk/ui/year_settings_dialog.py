"""The per-year settings (exit income line, school ages, reference date) with their source and
confidence, editable by the clerk: the checks read them, nothing is a constant."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from povdesk.errors import InvalidValue
from povdesk.ui.messages import show_error

COLUMNS = ("year", "exit_income_line", "national_line", "school_age_from", "school_age_to",
           "reference_date", "source")


class YearSettingsDialog(QDialog):
    """A table of years; edited cells are checked and saved on OK. `saved(list)` names the years."""

    saved = Signal(list)

    def __init__(self, *, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("yearSettingsDialog")
        self.setWindowTitle(self.tr("Year settings"))
        self.services = services
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("yearSettingsTable")
        self.table.setHorizontalHeaderLabels([
            self.tr("Year"), self.tr("Exit income line (yuan)"), self.tr("National line (yuan)"),
            self.tr("School age from"), self.tr("School age to"), self.tr("Reference date"),
            self.tr("Source and confidence")])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        note = QLabel(self.tr("How sure each source is: [H] high (an official notice, or several sources "
                              "agree), [M] medium (one good source), [L] low: an estimate, check it against "
                              "the province's notice. Run the checks again after a change."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(980, 360)
        self.load()

    def load(self) -> None:
        rows = self.services.year_settings.list()
        self.table.setRowCount(len(rows))
        self._original: dict[int, dict[str, Any]] = {}
        for r, rec in enumerate(rows):
            values = {"year": rec.year, "exit_income_line": rec.exit_income_line,
                      "national_line": rec.national_line, "school_age_from": rec.school_age_from,
                      "school_age_to": rec.school_age_to, "reference_date": rec.reference_date,
                      "source": rec.source or ""}
            self._original[rec.year] = values
            for c, key in enumerate(COLUMNS):
                value = values[key]
                text = "" if value is None else (value.isoformat() if isinstance(value, dt.date)
                                                 else f"{value:g}" if isinstance(value, float) else str(value))
                item = QTableWidgetItem(text)
                if key == "year":
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                elif key != "source":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)

    def _parse(self, key: str, text: str) -> Any:
        text = text.strip()
        if key == "source":
            return text or None
        if key == "national_line" and not text:
            return None
        try:
            if key in ("exit_income_line", "national_line"):
                return float(text.replace(",", ""))
            if key in ("school_age_from", "school_age_to"):
                return int(text)
            if key == "reference_date":
                return dt.date.fromisoformat(text)
        except ValueError:
            raise InvalidValue("settings.value", f"'{text}' is not a valid value here.",
                               f"“{text}”不是有效的值。") from None
        raise AssertionError(key)

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)  # `load` gives every cell an item
        return item.text() if item is not None else ""

    def changes(self) -> dict[int, dict[str, Any]]:
        """Edited values by year (only what differs from what was loaded)."""
        out: dict[int, dict[str, Any]] = {}
        for r in range(self.table.rowCount()):
            year = int(self._text(r, 0))
            original = self._original[year]
            for c, key in enumerate(COLUMNS[1:], start=1):
                try:
                    value = self._parse(key, self._text(r, c))
                except InvalidValue as exc:  # say which cell: the year and the column
                    head = self.table.horizontalHeaderItem(c)
                    column = head.text() if head is not None else key
                    raise InvalidValue(exc.code, f"{year}, {column}: {exc.en}",
                                       f"{year} 年“{column}”：{exc.zh}") from None
                if value != original[key]:
                    out.setdefault(year, {})[key] = value
        return out

    def save(self) -> None:
        try:
            changes = self.changes()
            for year, values in changes.items():
                self.services.year_settings.update(year, **values)
        except Exception as exc:
            show_error(self, exc)
            return
        self.saved.emit(sorted(changes))
        self.accept()
