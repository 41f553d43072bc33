"""The print dialog: choose households, create the comparison tables off the GUI thread, preview and
print them, and find a printed form again from its scanned QR code."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QAction, QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from povdesk.config import Settings
from povdesk.domain.filenames import safe_file_name
from povdesk.errors import PovdeskError
from povdesk.ui.application import lang_key
from povdesk.ui.messages import error_text
from povdesk.ui.people import display_names, person
from povdesk.ui.tasks import Task, run_in_background

if TYPE_CHECKING:  # the print service and its forms are imported when a batch is made
    from povdesk.services.printing import PrintResult, PrintSelection

TAB_CHOOSE, TAB_PREVIEW, TAB_FIND = 0, 1, 2


def default_print_folder() -> Path:
    """The office's print folder (settings), else the user's Documents, else the home folder."""
    configured = Settings.load().print_folder
    if configured:
        return Path(configured).expanduser()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def default_pdf_path(place_name: str = "", folder: Path | None = None) -> Path:
    """村名-对照表-YYYYMMDD.pdf in the print folder; -2, -3 ... when that name is taken."""
    folder = folder if folder is not None else default_print_folder()
    stem = f"{place_name or '全县'}-对照表-{dt.date.today():%Y%m%d}"
    path = folder / safe_file_name(stem, ext=".pdf")
    n = 2
    while path.exists():
        path = folder / safe_file_name(f"{stem}-{n}", ext=".pdf")
        n += 1
    return path


class PrintDialog(QDialog):
    """Same choices as `povdesk forms`; the result is previewed here and printed from here."""

    batch_created = Signal(object)  # PrintResult

    def __init__(self, *, services: Any, place: tuple[str, int] | None = None,
                 selected_ids: Sequence[int] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("print_dialog")
        self.setWindowTitle(self.tr("Print comparison tables"))
        self.services = services
        self.selected_ids = list(selected_ids)
        # a place chosen in the tree wins over the one row the list selected by itself on arriving
        # there; several rows the clerk selected win over the place
        self._prefer_place = place is not None and place[0] in ("township", "village") \
            and len(self.selected_ids) <= 1
        self._place_names: dict[tuple[str, int | None], str] = {}
        self._auto_path = ""
        self.pages_estimate = 0
        self.task: Task | None = None
        self.printed: PrintResult | None = None
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(150)
        self._count_timer.timeout.connect(self.update_count)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._choose_tab(), self.tr("Households"))
        from povdesk.ui.pdf_preview import PdfPreview  # QtPdf: loaded when the dialog opens

        self.preview = PdfPreview(parent=self)
        self.tabs.addTab(self.preview, self.tr("Preview and print"))
        self.tabs.addTab(self._find_tab(), self.tr("Find printed form"))
        self.tabs.setTabEnabled(TAB_PREVIEW, False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self._load_places(place)
        self._set_default_path()
        self.update_count()
        self.resize(max(760, self.sizeHint().width()), self.sizeHint().height())

    # ------------------------------------------------------------------ tab: households
    def _choose_tab(self) -> QWidget:
        page = QWidget()
        scope = QGroupBox(self.tr("Which households"))
        self.use_selection = QRadioButton(self.tr("The {0} households selected in the list")
                                          .format(len(self.selected_ids)))
        self.use_filters = QRadioButton(self.tr("Households chosen below"))
        self.use_selection.setEnabled(bool(self.selected_ids))
        use_selection = bool(self.selected_ids) and not self._prefer_place
        (self.use_selection if use_selection else self.use_filters).setChecked(True)
        form = QFormLayout()
        self.township = QComboBox()
        self.village = QComboBox()
        self.group = QLineEdit()
        self.group.setPlaceholderText(self.tr("any villager group"))
        self.status = QComboBox()
        self.status.addItem(self.tr("any status"), None)
        for item in self.services.db.codebook()["poverty_status"].active_items():
            self.status.addItem(item.label(lang_key()), item.code)
        self.open_problems = QCheckBox(self.tr("Only households with open problems"))
        self.numbers = QLineEdit()
        self.numbers.setPlaceholderText(self.tr("household numbers, separated by commas"))
        self.sample = QCheckBox(self.tr("Random sample"))
        self.sample_pct = QDoubleSpinBox()
        self.sample_pct.setRange(0.1, 100)
        self.sample_pct.setValue(10)
        self.sample_pct.setSuffix(" %")
        self.seed = QSpinBox()
        self.seed.setRange(0, 999_999)
        self.seed.setSpecialValueText(self.tr("new seed"))
        self.seed.setToolTip(self.tr("The same seed picks the same households again; it is logged "
                                     "with the print batch."))
        sample_row = QHBoxLayout()
        sample_row.addWidget(self.sample)
        sample_row.addWidget(self.sample_pct)
        sample_row.addWidget(QLabel(self.tr("Seed")))
        sample_row.addWidget(self.seed)
        sample_row.addStretch(1)
        form.addRow(self.tr("Township"), self.township)
        form.addRow(self.tr("Village"), self.village)
        form.addRow(self.tr("Villager group"), self.group)
        form.addRow(self.tr("Poverty status"), self.status)
        form.addRow("", self.open_problems)
        form.addRow(self.tr("Household numbers"), self.numbers)
        form.addRow(self.tr("Sample"), sample_row)
        scope_layout = QVBoxLayout(scope)
        scope_layout.addWidget(self.use_selection)
        scope_layout.addWidget(self.use_filters)
        scope_layout.addLayout(form)

        output = QGroupBox(self.tr("Output"))
        out_form = QFormLayout(output)
        self.pdf_path = QLineEdit()
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_pdf)
        pdf_row = QHBoxLayout()
        pdf_row.addWidget(self.pdf_path, 1)
        pdf_row.addWidget(browse)
        out_form.addRow(self.tr("PDF file"), pdf_row)
        self.with_xlsx = QCheckBox(self.tr("Also write an Excel workbook (one sheet per household)"))
        out_form.addRow("", self.with_xlsx)
        self.mask_ids = QCheckBox(self.tr("Partly mask ID numbers"))
        self.mask_ids.setChecked(Settings.load().mask_id_on_print)
        out_form.addRow("", self.mask_ids)

        self.count_label = QLabel()
        self.create_button = QPushButton(self.tr("Create PDF"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_batch)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.create_button)
        layout = QVBoxLayout(page)
        layout.addWidget(scope)
        layout.addWidget(output)
        layout.addLayout(bottom)
        layout.addWidget(self.status_label)
        for signal in (self.use_selection.toggled, self.township.currentIndexChanged,
                       self.village.currentIndexChanged, self.group.textChanged,
                       self.status.currentIndexChanged, self.open_problems.toggled,
                       self.numbers.textChanged, self.sample.toggled, self.sample_pct.valueChanged,
                       self.seed.valueChanged):
            signal.connect(lambda *_: self._count_timer.start())
        self.township.currentIndexChanged.connect(self._fill_villages)
        self.use_selection.toggled.connect(self._enable_filters)
        for signal in (self.use_selection.toggled, self.township.currentIndexChanged,
                       self.village.currentIndexChanged):
            signal.connect(lambda *_: self._set_default_path())
        self._enable_filters()
        return page

    def _load_places(self, place: tuple[str, int] | None) -> None:
        counties = self.services.registry.navigator()
        self._towns = [t for c in counties for t in c.townships]
        self._place_names[("county", None)] = counties[0].name if len(counties) == 1 else ""
        for t in self._towns:
            self._place_names[("township", t.id)] = t.name
            for v in t.villages:
                self._place_names[("village", v.id)] = v.name
        self.township.blockSignals(True)
        self.township.addItem(self.tr("all townships"), None)
        for t in self._towns:
            self.township.addItem(f"{t.name} ({t.households})", t.id)
        self.township.blockSignals(False)
        town_id = village_id = None
        if place is not None and place[0] == "township":
            town_id = place[1]
        elif place is not None and place[0] == "village":
            village_id = place[1]
            town_id = next((t.id for t in self._towns for v in t.villages if v.id == village_id), None)
        if town_id is not None:
            self.township.setCurrentIndex(max(0, self.township.findData(town_id)))
        self._fill_villages()
        if village_id is not None:
            self.village.setCurrentIndex(max(0, self.village.findData(village_id)))

    def _fill_villages(self) -> None:
        town_id = self.township.currentData()
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(self.tr("all villages"), None)
        for t in self._towns:
            if t.id == town_id:
                for v in t.villages:
                    self.village.addItem(f"{v.name} ({v.households})", v.id)
        self.village.setEnabled(town_id is not None and not self.use_selection.isChecked())
        self.village.blockSignals(False)

    def _enable_filters(self) -> None:
        on = not self.use_selection.isChecked()
        for w in (self.township, self.group, self.status, self.open_problems, self.numbers):
            w.setEnabled(on)
        self.village.setEnabled(on and self.township.currentData() is not None)

    def place_name(self) -> str:
        """The chosen place's name for the file name: the village, else the township, else the county."""
        if not self.use_selection.isChecked():
            if self.village.currentData() is not None:
                return self._place_names.get(("village", self.village.currentData()), "")
            if self.township.currentData() is not None:
                return self._place_names.get(("township", self.township.currentData()), "")
        return self._place_names.get(("county", None), "")

    def _set_default_path(self) -> None:
        """The default name follows the chosen place until the clerk types or browses another."""
        current = self.pdf_path.text()
        if current and current != self._auto_path:
            return
        self._auto_path = str(default_pdf_path(self.place_name()))
        self.pdf_path.setText(self._auto_path)

    def _browse_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save comparison tables"), self.pdf_path.text(),
                                              self.tr("PDF files (*.pdf)"))
        if path:
            self.pdf_path.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    def selection(self) -> PrintSelection:
        from povdesk.services.printing import PrintSelection

        sample = self.sample_pct.value() if self.sample.isChecked() else None
        seed = (self.seed.value() or None) if sample is not None else None
        if self.use_selection.isChecked():
            return PrintSelection(household_ids=tuple(self.selected_ids), sample_pct=sample, seed=seed)
        numbers = tuple(n.strip() for n in self.numbers.text().replace("，", ",").split(",") if n.strip())
        return PrintSelection(township_id=self.township.currentData(), village_id=self.village.currentData(),
                              group_name=self.group.text().strip() or None, status=self.status.currentData(),
                              open_problems_only=self.open_problems.isChecked(), household_nos=numbers,
                              sample_pct=sample, seed=seed)

    def update_count(self) -> int:
        try:
            ids = self.services.printing.select(self.selection())
            self.pages_estimate = self.services.printing.estimate_pages(ids)
        except PovdeskError as exc:
            self.count_label.setText(error_text(exc))
            self.create_button.setEnabled(False)
            return 0
        count = len(ids)
        self.count_label.setText(self.tr("{0} households will be printed, about {1} pages").format(
            f"{count:,}", f"{self.pages_estimate:,}") if count else self.tr("No household matches these choices."))
        self.create_button.setEnabled(count > 0 and self.task is None)
        return count

    # ------------------------------------------------------------------ creating the PDF
    def create_batch(self) -> Task | None:
        """Create the batch and its files on a worker thread, with progress and Cancel."""
        if self.task is not None:
            return None
        selection = self.selection()
        pdf = Path(self.pdf_path.text()).expanduser()
        with contextlib.suppress(OSError):  # the run refuses the path in words
            pdf.parent.mkdir(parents=True, exist_ok=True)
        xlsx = pdf.with_suffix(".xlsx") if self.with_xlsx.isChecked() else None
        mask = self.mask_ids.isChecked()
        printing = self.services.printing

        def work(progress: Any, cancel: Any) -> PrintResult:
            return printing.print_batch(selection, pdf=pdf, xlsx=xlsx, mask_ids=mask,
                                        progress=progress, cancel=cancel)

        self.create_button.setEnabled(False)
        self.status_label.setText(self.tr("Creating the comparison tables…"))
        self.task = run_in_background(work, parent=self, on_done=self._created, on_error=self._failed,
                                      on_cancelled=self._cancelled,
                                      progress_label=self.tr("Creating the comparison tables…"),
                                      cancellable=True, writes=True)
        self.task.ended.connect(self._task_ended)
        return self.task

    def _task_ended(self) -> None:
        self.task = None
        self.update_count()

    def _created(self, result: PrintResult) -> None:
        self.printed = result
        text = self.tr("Print batch {0}: {1} households, {2} pages, saved as {3}.").format(
            result.batch_id, result.households, result.pages, str(result.pdf))
        if result.seed is not None:
            text += " " + self.tr("Sample seed: {0}.").format(result.seed)
        self.status_label.setText(text)
        self.preview.load(result.pdf)
        self.tabs.setTabEnabled(TAB_PREVIEW, True)
        self.tabs.setCurrentIndex(TAB_PREVIEW)
        self.resize(max(self.width(), 900), max(self.height(), 760))  # room for the pages
        self._auto_path = ""
        self.pdf_path.clear()
        self._set_default_path()
        self.batch_created.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.status_label.setText(error_text(exc))

    def _cancelled(self) -> None:
        self.status_label.setText(self.tr("Cancelled; no batch was recorded."))

    # ------------------------------------------------------------------ tab: find a printed form
    def _find_tab(self) -> QWidget:
        page = QWidget()
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("Scan the QR code of a printed form, or type its code"))
        self.code.returnPressed.connect(self.find_form)
        find = QPushButton(self.tr("Find"))
        find.clicked.connect(self.find_form)
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(find)
        self.found_label = QLabel()
        self.found_label.setWordWrap(True)
        self.found_text = QPlainTextEdit()
        self.found_text.setReadOnly(True)
        self.found_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addWidget(self.found_label)
        layout.addWidget(self.found_text, 1)
        return page

    def show_find(self) -> None:
        self.tabs.setCurrentIndex(TAB_FIND)
        self.code.setFocus()

    def find_form(self) -> None:
        try:
            snap = self.services.printing.find_snapshot(self.code.text())
        except PovdeskError as exc:
            self.found_label.setText(error_text(exc))
            self.found_text.clear()
            return
        text = self.tr("Printed in batch {0} on {1} (UTC) by {2}; form {3}, record version {4}.").format(
            snap.batch_id, f"{snap.printed_at:%Y-%m-%d %H:%M}", person(display_names(self.services), snap.printed_by), snap.serial, snap.version)
        if snap.changed_since:
            text += " " + self.tr("The record has changed since (now version {0}).").format(snap.current_version)
        else:
            text += " " + self.tr("The record has not changed since.")
        self.found_label.setText(text)
        self.found_text.setPlainText(snap.text)
        self.code.selectAll()


def install_print_actions(window: Any) -> tuple[QAction, QAction]:
    """Add 'Print comparison tables…' and 'Find printed form…' to the main window's print menu."""
    menu = window.menus["print"]
    print_action = QAction(QCoreApplication.translate("PrintDialog", "Print comparison tables…"), window)
    print_action.setShortcut(QKeySequence.StandardKey.Print)
    find_action = QAction(QCoreApplication.translate("PrintDialog", "Find printed form…"), window)

    def open_dialog(find: bool = False) -> PrintDialog:
        dialog = PrintDialog(services=window.services, place=window.current_place(),
                             selected_ids=window.selected_household_ids() if not find else (),
                             parent=window)
        if find:
            dialog.show_find()
        dialog.show()
        window._print_dialog = dialog  # kept alive while open; tests reach it here
        return dialog

    print_action.triggered.connect(lambda: open_dialog())
    find_action.triggered.connect(lambda: open_dialog(find=True))
    menu.addAction(print_action)
    menu.addAction(find_action)
    find_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
    window.actions_by_name.update(print=print_action, find_form=find_action)
    return print_action, find_action
