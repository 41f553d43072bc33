"""The household list's filter bar: status, attribute, monitoring marker, open problems, cancelled
households too, and the export of the list as filtered.

The criteria are a `HouseholdFilter` (services/registry.py): `criteria()` reads the bar,
`set_criteria(f)` sets it (a dashboard's drill-down: `MainWindow.show_households(f)`), `changed`
fires when the clerk changes one. Rule and severity of problems and the place are kept as given
(the bar shows "with open problems" for either).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QStandardPaths, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain import dictionary as dd
from povdesk.services.facade import Services
from povdesk.services.registry import ANY_MARKER, HouseholdFilter
from povdesk.ui.application import lang_key
from povdesk.ui.messages import show_error
from povdesk.ui.tasks import Task, run_in_background


class ListFilterBar(QWidget):
    """One row of combo boxes and check boxes above the household list."""

    changed = Signal(object)  # the HouseholdFilter the clerk set
    export_requested = Signal()

    def __init__(self, *, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("listFilters")
        self._kept = HouseholdFilter()  # the parts the bar does not show (place, rule, severity)
        books = services.db.codebook()
        lang = lang_key()

        def combo(name: str, everything: str, codelist: str) -> QComboBox:
            box = QComboBox()
            box.setObjectName(name)
            box.addItem(everything, None)
            for item in books[codelist].active_items():
                box.addItem(item.en if lang.startswith("en") else item.zh, item.code)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            return box

        self.status = combo("statusFilter", self.tr("All statuses"),
                            dd.field("household.status").codelist or "poverty_status")
        self.attribute = combo("attributeFilter", self.tr("All attributes"),
                               dd.field("household.attribute").codelist or "household_attribute")
        self.monitoring = combo("monitoringFilter", self.tr("Any monitoring"),
                                dd.field("household.monitoring_type").codelist or "monitoring_type")
        self.monitoring.insertItem(1, self.tr("Marked (either kind)"), ANY_MARKER)
        self.problems = QCheckBox(self.tr("With open problems"))
        self.problems.setObjectName("problemsFilter")
        self.inactive = QCheckBox(self.tr("Cancelled households too"))
        self.inactive.setObjectName("inactiveFilter")
        self.export = QPushButton(self.tr("Export list…"))
        self.export.setObjectName("exportList")
        self.export.setToolTip(self.tr("Save the list as filtered as an Excel workbook"))

        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        for w in (self.status, self.attribute, self.monitoring, self.problems, self.inactive):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(self.export)
        for box in (self.status, self.attribute, self.monitoring):
            box.currentIndexChanged.connect(lambda _i: self._emit())
        for check in (self.problems, self.inactive):
            check.toggled.connect(lambda _c: self._emit())
        self.export.clicked.connect(self.export_requested.emit)

    def criteria(self, base: HouseholdFilter | None = None) -> HouseholdFilter:
        """The bar's criteria over `base`'s place (default: what `set_criteria` was last given)."""
        kept = base if base is not None else self._kept
        problems = self.problems.isChecked()
        return replace(kept, status=self.status.currentData(), attribute=self.attribute.currentData(),
                       monitoring_type=self.monitoring.currentData(), open_problems=problems,
                       problem_rule=kept.problem_rule if problems else None,
                       problem_severity=kept.problem_severity if problems else None,
                       include_inactive=self.inactive.isChecked())

    def set_criteria(self, f: HouseholdFilter) -> None:
        """Show `f` in the bar without emitting `changed` (the caller loads the list)."""
        self._kept = f
        widgets = (self.status, self.attribute, self.monitoring, self.problems, self.inactive)
        for w in widgets:
            w.blockSignals(True)
        try:
            for box, code in ((self.status, f.status), (self.attribute, f.attribute),
                              (self.monitoring, f.monitoring_type)):
                i = box.findData(code) if code is not None else 0
                if i < 0 and code is not None:  # a code the list does not offer (retired): shown as its code
                    box.addItem(code, code)
                    i = box.count() - 1
                box.setCurrentIndex(i)
            self.problems.setChecked(bool(f.open_problems or f.problem_rule or f.problem_severity))
            self.inactive.setChecked(f.include_inactive)
        finally:
            for w in widgets:
                w.blockSignals(False)

    def keep_place(self, township_id: int | None, village_id: int | None) -> None:
        """The tree's place changed: later criteria carry it."""
        self._kept = replace(self._kept, township_id=township_id, village_id=village_id)

    def _emit(self) -> None:
        self._kept = self.criteria()
        self.changed.emit(self._kept)


# ------------------------------------------------------------------ in the main window
def install(window: Any, layout: QVBoxLayout) -> ListFilterBar:
    """Put the bar into the list pane's `layout` of `window` (the main window) and wire it: a
    change reloads the list at the tree's place, Export saves the list as it is filtered."""
    bar = ListFilterBar(services=window.services, parent=window)
    layout.addWidget(bar)

    def changed(f: HouseholdFilter) -> None:
        q = window.table_model.query
        query = q.filtered(replace(f, township_id=q.township_id, village_id=q.village_id))
        if query != q:
            window.table_model.load(query)

    bar.changed.connect(changed)
    bar.export_requested.connect(lambda: export_list(window))
    return bar


def show_households(window: Any, f: HouseholdFilter) -> None:
    """Open the list filtered by `f` (the dashboard's drill-down): the bar shows it, the search
    and the tree's selection are cleared, the list loads `f`'s place and criteria."""
    bar: ListFilterBar = window.list_filters
    bar.set_criteria(f)
    window.search.blockSignals(True)
    window.search.clear()
    window.search.blockSignals(False)
    window.search_timer.stop()
    selection = window.navigator.selectionModel()
    selection.blockSignals(True)
    selection.clearCurrentIndex()
    window.navigator.clearSelection()
    selection.blockSignals(False)
    window.place_label.setText("")
    window.table_model.load(replace(window.table_model.query.filtered(f), text=""))


def export_list(window: Any) -> None:
    """Ask where, then write the list as filtered (`RegistryService.export_list`) off the GUI thread."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
    default = Path(folder) / f"户列表-{dt.date.today():%Y%m%d}.xlsx"
    out, _ = QFileDialog.getSaveFileName(window, QCoreApplication.translate("ListFilterBar", "Export list"),
                                         str(default),
                                         QCoreApplication.translate("ListFilterBar", "Excel workbook (*.xlsx)"))
    if out:
        save_list(window, Path(out))


def save_list(window: Any, out: Path) -> Task:
    """Write the list as filtered to `out` in the background; the status bar says how many."""
    registry = window.services.registry
    query = window.table_model.query

    def done(count: int) -> None:
        window.statusBar().showMessage(QCoreApplication.translate(
            "ListFilterBar", "{0} households exported to {1}").format(f"{count:,}", out), 10_000)

    return run_in_background(lambda _p, _c: registry.export_list(query, out), parent=window,
                             on_done=done, on_error=lambda exc: show_error(window, exc))
