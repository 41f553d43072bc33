"""The per-year settings (exit income line, school ages and the day they are counted on, working
age, the village exit incidence, the thresholds of the 2019 rules, reference date) with their source
and confidence, editable by the clerk: the checks read them, nothing is a constant."""

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

#: (record field, kind): float, float? (may be empty), int, date, date? (may be empty), text
SPEC = (("year", "int"), ("exit_income_line", "float"), ("national_line", "float?"),
        ("village_exit_incidence", "float"), ("school_age_from", "int"), ("school_age_to", "int"),
        ("school_age_date", "date?"), ("working_age_from", "int"), ("working_age_to", "int"),
        ("monitoring_income_threshold", "float"), ("labour_shortage_share", "float"),
        ("public_post_age_limit", "int"), ("reference_date", "date"), ("source", "text"))
COLUMNS = tuple(key for key, _kind in SPEC)
KINDS = dict(SPEC)


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
        headers = {
            "year": self.tr("Year"), "exit_income_line": self.tr("Exit income line (yuan)"),
            "national_line": self.tr("National line (yuan)"),
            "village_exit_incidence": self.tr("Village exit incidence (%)"),
            "school_age_from": self.tr("School age from"), "school_age_to": self.tr("School age to"),
            "school_age_date": self.tr("School ages counted on"),
            "working_age_from": self.tr("Working age from"), "working_age_to": self.tr("Working age to"),
            "monitoring_income_threshold": self.tr("Monitoring line (yuan)"),
            "labour_shortage_share": self.tr("Labour shortage share"),
            "public_post_age_limit": self.tr("Public post age limit"),
            "reference_date": self.tr("Reference date"), "source": self.tr("Source and confidence")}
        self.table.setHorizontalHeaderLabels([headers[key] for key in COLUMNS])
        tips = {"school_age_date": self.tr("Empty: 1 September of the year (the school year's start)"),
                "monitoring_income_threshold": self.tr("Per-capita income above which a household marked "
                                                       "边缘户 needs a recorded risk"),
                "labour_shortage_share": self.tr("Share of able members above which 缺劳力 as main cause "
                                                 "is doubtful"),
                "public_post_age_limit": self.tr("A public-welfare post holder this old or older is doubtful"),
                "village_exit_incidence": self.tr("A poor village may exit at or below this incidence of "
                                                  "poverty")}
        for c, key in enumerate(COLUMNS):
            item = self.table.horizontalHeaderItem(c)
            if item is not None and key in tips:
                item.setToolTip(tips[key])
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
        self.resize(1400, 380)
        self.load()

    def load(self) -> None:
        rows = self.services.year_settings.list()
        self.table.setRowCount(len(rows))
        self._original: dict[int, dict[str, Any]] = {}
        for r, rec in enumerate(rows):
            values = {key: getattr(rec, key) for key in COLUMNS}
            values["source"] = rec.source or ""
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
        kind = KINDS[key]
        if kind == "text":
            return text or None
        if kind.endswith("?") and not text:
            return None
        try:
            if kind.startswith("float"):
                return float(text.replace(",", ""))
            if kind == "int":
                return int(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise InvalidValue("settings.value", f"'{text}' is not a valid value here.",
                               f"“{text}”不是有效的值。") from None

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
