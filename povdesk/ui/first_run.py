"""The first run (issue 15 §3): when no database is configured, "open the demo county" (invented
data, marked demo) or "set up my county": its code and names, townships (typed, read from a
roster, or left to the first roster's import), the data folder (per machine, surviving a reinstall), and the first
director's login and password. `povdesk init` does the same headless.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from povdesk.config import machine_data_dir
from povdesk.errors import PovdeskError
from povdesk.services.county_setup import CountyPlan, parse_township, plan_of, townships_from_roster
from povdesk.ui.messages import error_text

DEMO = "demo"
COUNTY = "county"


@dataclass(frozen=True)
class FirstRunChoice:
    kind: str  # DEMO or COUNTY
    plan: CountyPlan | None = None
    folder: Path | None = None
    director: str = ""
    password: str = ""


class FirstRunDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWindowTitle(self.tr("Welcome to povdesk"))
        self.choice: FirstRunChoice | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("No database is set up on this computer yet. What would you like to do?")))
        self.demo = QRadioButton(self.tr("Open the demo county (invented households, for trying povdesk)"))
        self.county = QRadioButton(self.tr("Set up my county"))
        self.demo.setChecked(True)
        layout.addWidget(self.demo)
        layout.addWidget(self.county)
        self.form_box = QWidget()
        form = QFormLayout(self.form_box)
        self.code = QLineEdit()
        self.code.setMaxLength(6)
        self.code.setPlaceholderText("513437")
        self.name = QLineEdit()
        self.prefecture = QLineEdit()
        self.province = QLineEdit()
        self.townships = QPlainTextEdit()
        self.townships.setPlaceholderText(self.tr("One township a line: CODE:NAME (or leave empty: the first "
                                                  "roster's import adds them)"))
        self.townships.setMaximumHeight(90)
        self.from_roster = QPushButton(self.tr("Read townships from a roster…"))
        self.from_roster.setObjectName("townshipsFromRoster")
        self.from_roster.clicked.connect(self._read_roster)
        townships_box = QVBoxLayout()
        townships_box.addWidget(self.townships)
        townships_box.addWidget(self.from_roster)
        self.folder = QLineEdit(str(machine_data_dir()))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.director = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("County code"), self.code)
        form.addRow(self.tr("County"), self.name)
        form.addRow(self.tr("Prefecture"), self.prefecture)
        form.addRow(self.tr("Province"), self.province)
        form.addRow(self.tr("Townships"), townships_box)
        form.addRow(self.tr("Data folder"), folder_row)
        form.addRow(self.tr("Director's login"), self.director)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Password again"), self.repeat)
        layout.addWidget(self.form_box)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.county.toggled.connect(self.form_box.setEnabled)
        self.form_box.setEnabled(False)

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Data folder"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _read_roster(self) -> None:
        """Fill the townships from a provincial roster (the one `povdesk import` will read)."""
        chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Read townships from a roster"), "",
                                                self.tr("Rosters (*.xlsx *.xls *.csv);;All files (*)"))
        if not chosen:
            return
        try:
            found = townships_from_roster(chosen, self.code.text())
        except PovdeskError as exc:
            self.error.setText(error_text(exc))
            return
        self.townships.setPlainText("\n".join(f"{code}:{name}" for code, name in found))
        self.error.setText("")

    def _accept(self) -> None:
        if self.demo.isChecked():
            self.choice = FirstRunChoice(DEMO)
            self.accept()
            return
        try:
            code = self.code.text().strip()
            townships = [parse_township(line, code) for line in self.townships.toPlainText().splitlines()
                         if line.strip()]
            plan = plan_of(code, self.name.text(), self.prefecture.text(), self.province.text(), townships)
        except PovdeskError as exc:
            self.error.setText(error_text(exc))
            return
        if not self.director.text().strip() or not self.password.text():
            self.error.setText(self.tr("Give the director's login and password."))
            return
        if self.password.text() != self.repeat.text():
            self.error.setText(self.tr("The two passwords differ."))
            return
        if not self.folder.text().strip():
            self.error.setText(self.tr("Choose the data folder."))
            return
        self.choice = FirstRunChoice(COUNTY, plan, Path(self.folder.text().strip()),
                                     self.director.text().strip(), self.password.text())
        self.accept()
