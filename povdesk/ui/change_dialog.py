"""Entering a correction (信息更正) after a home visit: one row per field of the household and of
each current member, with the current value and an input cell; opened from the household's detail
view, from Changes > Correct household…, or "as printed" from a form's QR code (`PD1-…`), when each
row also shows what the form printed and a row that changed since is marked as a conflict.

The dialog only gathers what the clerk typed: `ChangeRequestService` makes, edits and submits the
request and refuses what breaks a rule (shown in the UI language). Field and code labels come from
the data dictionary and the code book (already bilingual, not tr()'d).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain import changes as cr
from povdesk.domain import dictionary as dd
from povdesk.domain import groups, values
from povdesk.domain.codelists import CodeBook
from povdesk.domain.dictionary import Entity, FieldType
from povdesk.domain.records import HouseholdDetail, MemberRecord
from povdesk.errors import Conflict
from povdesk.reports.forms import HouseholdForm, mask_id, short_label
from povdesk.ui.application import lang_key
from povdesk.ui.code_combo import CodeCombo
from povdesk.ui.evidence import EvidenceBox
from povdesk.ui.messages import ask_reload, error_text, show_error

CONFLICT = QColor(255, 205, 190)
MUTED = QColor(120, 120, 120)
#: what a verified visit with nothing to change records as its reason
VERIFIED_REASON = "核实无误"
COL_FIELD, COL_MEMBER, COL_PRINTED, COL_CURRENT, COL_NEW, COL_CLEAR = range(6)


# ------------------------------------------------------------------ the form as printed
def printed_values(form: HouseholdForm, detail: HouseholdDetail) -> dict[tuple[str, int | None], str]:
    """What the printed form said, per (field key, member id): the header, the household facts, the
    member and insurance tables (members found by ID number, masked or not, else by name)."""
    out: dict[tuple[str, int | None], str] = {}
    by_label = {dd.field(k).label_with_unit("zh"): k for k in groups.FORM_FACTS}
    by_label.update({dd.field(k).zh: k for k in groups.FORM_HEADER if k.startswith("household.")})
    for label, value in form.header:
        if label in by_label:
            out[(by_label[label], None)] = value
    facts = form.table("facts")
    for row in facts.rows if facts is not None else ():
        for i in range(0, len(row) - 1, 3):
            key = by_label.get(row[i])
            if key is not None:
                out[(key, None)] = row[i + 1]
    members = detail.current_members

    def member_of(name: str, id_text: str | None) -> MemberRecord | None:
        if id_text:
            for m in members:
                number = m["id_number"] or ""
                if number and id_text in (number, mask_id(number)):
                    return m
        named = [m for m in members if (m["name"] or "") == name]
        return named[0] if len(named) == 1 else None

    table = form.table("members")
    if table is not None:
        titles = [c.title for c in table.columns]
        keys = {dd.field(k).zh: k for k in groups.FORM_MEMBERS if k != groups.AGE}
        name_col = titles.index(dd.field("member.name").zh) if dd.field("member.name").zh in titles else None
        id_col = titles.index(dd.field("member.id_number").zh) if dd.field("member.id_number").zh in titles else None
        for row in table.rows:
            if name_col is None:
                break
            m = member_of(row[name_col], row[id_col] if id_col is not None else None)
            if m is None:
                continue
            for col, title in enumerate(titles):
                if title in keys and col < len(row):
                    out[(keys[title], m.id)] = row[col]
    table = form.table("insurance")
    if table is not None:
        fields = groups.FORM_INSURANCE.fields
        titles = [c.title for c in table.columns]
        for row in table.rows:
            m = member_of(row[0], None)
            if m is None:
                continue
            for f in fields:
                title = short_label(f)
                if title in titles and titles.index(title) < len(row):
                    out[(f.key, m.id)] = row[titles.index(title)]
    return out


def printed_text(f: dd.Field, value: Any, books: CodeBook, printed: str) -> str:
    """The current value as the form would print it now (masked like the printed one)."""
    text = values.display(f, value, "zh", books)
    if f.type == FieldType.ID_NUMBER and "*" in printed:
        return mask_id(value)
    return text


# ------------------------------------------------------------------ rows
@dataclass(frozen=True)
class EntryRow:
    field: dd.Field
    member_id: int | None
    member_name: str
    current: str  # in the UI language
    printed: str | None  # as on paper (Chinese), None when not printed or not opened as printed
    conflict: bool

    @property
    def set_key(self) -> str:
        """The key `ChangeRequestService.make(sets=...)` takes."""
        return self.field.key if self.member_id is None else f"{self.field.key}@{self.member_id}"


def entry_rows(detail: HouseholdDetail, books: CodeBook, lang: str,
               printed: Mapping[tuple[str, int | None], str] | None = None) -> list[EntryRow]:
    """The household's editable fields, then each current member's."""
    rows: list[EntryRow] = []

    def add(f: dd.Field, value: Any, member_id: int | None, name: str) -> None:
        was = None if printed is None else printed.get((f.key, member_id))
        conflict = was is not None and printed_text(f, value, books, was) != was
        rows.append(EntryRow(f, member_id, name, values.display(f, value, lang, books), was, conflict))

    for f in dd.fields_of(Entity.HOUSEHOLD):
        if f.editable:
            add(f, detail.household[f.column], None, "")
    for m in detail.current_members:
        for f in dd.fields_of(Entity.MEMBER):
            if f.editable:
                add(f, m[f.column], m.id, m["name"] or "")
    return rows


# ------------------------------------------------------------------ input cells
def _editor(f: dd.Field, books: CodeBook, lang: str) -> QWidget:
    if f.type in (FieldType.CODE, FieldType.BOOL):
        return CodeCombo(f, books, lang)
    edit = QLineEdit()
    if f.type == FieldType.CODES and f.codelist:
        edit.setPlaceholderText("、".join(i.label(lang) for i in books[f.codelist].active_items()[:3]) + "…")
    elif f.type == FieldType.DATE:
        edit.setPlaceholderText("YYYY-MM-DD")
    return edit


def _editor_value(editor: QWidget) -> str | None:
    if isinstance(editor, CodeCombo):
        return editor.value()
    assert isinstance(editor, QLineEdit)
    return editor.text().strip() or None


# ------------------------------------------------------------------ the dialog
class ChangeDialog(QDialog):
    """A correction of one household. `snapshot` (a `PrintedSnapshot`) adds the printed column;
    `request` (a draft or returned `ChangeRequestRecord` of the user's) is edited instead of a new
    request made. `saved` is emitted with the request once made or edited (and submitted)."""

    saved = Signal(object)

    def __init__(self, *, services: Any, household_id: int, snapshot: Any = None,
                 request: cr.ChangeRequestRecord | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changeDialog")
        self.services = services
        self.request = request
        self.result_record: cr.ChangeRequestRecord | None = None
        self.message: str | None = None  # the last refusal shown, in the UI language
        self._box: Any = None
        self._editors: list[QWidget] = []
        self._rows: list[EntryRow] = []
        self.setWindowTitle(self.tr("Correction"))

        self.scan = QLineEdit()
        self.scan.setObjectName("scanCode")
        self.scan.setClearButtonEnabled(True)
        self.scan.setPlaceholderText(self.tr("Scan the form's QR code or type PD1-…"))
        self.scan.returnPressed.connect(self._scanned)
        self.title = QLabel()
        self.title.setObjectName("changeTitle")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("changeSubtitle")
        self.subtitle.setStyleSheet("color: #555;")
        self.subtitle.setWordWrap(True)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("changeRows")
        self.table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Member"), self.tr("Printed"),
                                              self.tr("Current"), self.tr("New value"), self.tr("Empty")])
        empty_header = self.table.horizontalHeaderItem(COL_CLEAR)
        assert empty_header is not None
        empty_header.setToolTip(self.tr("Tick to make the field empty (an untouched cell changes nothing)"))
        self.table.itemChanged.connect(self._clear_toggled)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_NEW, QHeaderView.ResizeMode.Stretch)

        self.reason = QLineEdit()
        self.reason.setObjectName("changeReason")
        self.reason.setPlaceholderText(self.tr("Why: home visit, household register, …"))
        self.note = QLineEdit()
        self.note.setObjectName("changeNote")
        form = QFormLayout()
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Note"), self.note)
        self.evidence = EvidenceBox(services=services, request=request)
        self.evidence.refused.connect(lambda exc: self._refused(exc))

        self.verified_button = QPushButton(self.tr("Verified, no change"))
        self.verified_button.setObjectName("verifiedButton")
        self.verified_button.setToolTip(self.tr("Record the visit: a correction request with no fields, submitted"))
        self.draft_button = QPushButton(self.tr("Save as draft"))
        self.draft_button.setObjectName("draftButton")
        self.submit_button = QPushButton(self.tr("Submit"))
        self.submit_button.setObjectName("submitButton")
        cancel = QPushButton(self.tr("Cancel"))
        for button in (self.verified_button, self.draft_button, self.submit_button, cancel):
            button.setAutoDefault(False)  # Enter moves down the rows, never presses a button
            button.setDefault(False)
        self.verified_button.clicked.connect(lambda: self.verified())
        self.draft_button.clicked.connect(lambda: self.save(submit=False))
        self.submit_button.clicked.connect(lambda: self.save(submit=True))
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verified_button)
        buttons.addStretch(1)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(cancel)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Form code")))
        top.addWidget(self.scan, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.evidence)
        layout.addLayout(buttons)
        self.resize(980, 720)
        self.load(household_id, snapshot)
        if request is not None:
            self._fill_request(request)

    # ------------------------------------------------------------------ content
    def load(self, household_id: int, snapshot: Any = None) -> None:
        """Show the household (as printed when `snapshot` is given)."""
        lang = lang_key()
        books = self.services.db.codebook()
        self.detail = self.services.registry.household(household_id, history_limit=0)
        self.snapshot = snapshot
        printed = printed_values(snapshot.form, self.detail) if snapshot is not None else None
        self._rows = entry_rows(self.detail, books, lang, printed)
        h = self.detail.household
        self.title.setText(f"{h['head_name'] or ''}  ·  {h['household_no'] or ''}")
        parts = [" ".join(x for x in (self.detail.location.township, self.detail.location.village,
                                     h["group_name"] or "") if x)]
        if snapshot is not None:
            self.scan.setText(snapshot.form.payload)
            conflicts = sum(r.conflict for r in self._rows)
            parts.append(self.tr("printed {0} (batch {1}, version {2})").format(
                f"{snapshot.printed_at:%Y-%m-%d}", snapshot.batch_id, snapshot.version))
            if conflicts:
                parts.append(self.tr("{0} fields changed since printing").format(conflicts))
        if self.request is not None:
            parts.append(self.tr("editing request #{0}").format(self.request.id))
        self.subtitle.setText("  ·  ".join(p for p in parts if p))
        self._fill_table(books, lang)

    def _fill_table(self, books: CodeBook, lang: str) -> None:
        table = self.table
        table.blockSignals(True)  # itemChanged: only the user's ticks in the Empty column
        table.setUpdatesEnabled(False)
        table.clearContents()
        table.setRowCount(len(self._rows))
        self._editors = []
        conflict_brush = QBrush(CONFLICT)
        for i, row in enumerate(self._rows):
            label = QTableWidgetItem(row.field.label_with_unit(lang))
            label.setToolTip(row.field.key)
            label.setForeground(QBrush(MUTED))
            table.setItem(i, COL_FIELD, label)
            table.setItem(i, COL_MEMBER, QTableWidgetItem(row.member_name))
            printed = QTableWidgetItem(row.printed or "")
            current = QTableWidgetItem(row.current)
            if row.conflict:
                tip = self.tr("Changed since the form was printed: printed “{0}”, now “{1}”").format(
                    row.printed or "", row.current)
                for item in (printed, current):
                    item.setBackground(conflict_brush)
                    item.setToolTip(tip)
                    item.setData(Qt.ItemDataRole.UserRole, "conflict")
            table.setItem(i, COL_PRINTED, printed)
            table.setItem(i, COL_CURRENT, current)
            editor = _editor(row.field, books, lang)
            editor.setObjectName(f"new:{row.set_key}")
            editor.installEventFilter(self)
            line = editor.lineEdit() if isinstance(editor, QComboBox) else None
            if line is not None:
                line.installEventFilter(self)
            table.setCellWidget(i, COL_NEW, editor)
            self._editors.append(editor)
            empty = QTableWidgetItem()
            empty.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            empty.setCheckState(Qt.CheckState.Unchecked)
            empty.setToolTip(self.tr("Make {0} empty").format(row.field.label(lang)))
            table.setItem(i, COL_CLEAR, empty)
        table.setColumnHidden(COL_PRINTED, self.snapshot is None)
        table.setColumnHidden(COL_MEMBER, not any(r.member_id for r in self._rows))
        for col in (COL_FIELD, COL_MEMBER, COL_PRINTED, COL_CURRENT, COL_CLEAR):
            table.resizeColumnToContents(col)
            table.setColumnWidth(col, min(table.columnWidth(col) + 8, 260))
        table.setUpdatesEnabled(True)
        table.blockSignals(False)
        if self._editors:
            self._editors[0].setFocus()

    def _fill_request(self, request: cr.ChangeRequestRecord) -> None:
        by_key = {(f.key, f.member_id): f.after for f in request.fields}
        for row, editor in zip(self._rows, self._editors, strict=True):
            if (row.field.key, row.member_id) not in by_key:
                continue
            after = by_key[(row.field.key, row.member_id)]
            if after is None:  # the request empties the field
                self.set_cleared(row.field.key, row.member_id)
                continue
            if isinstance(editor, CodeCombo):
                editor.set_value(after)
            elif isinstance(editor, QLineEdit):
                editor.setText(after)
        self.reason.setText(request.reason or "")
        self.note.setText(request.note or "")

    # ------------------------------------------------------------------ rows and keys
    def rows(self) -> list[EntryRow]:
        return list(self._rows)

    def row_of(self, key: str, member_id: int | None = None) -> int:
        return next(i for i, r in enumerate(self._rows) if r.field.key == key and r.member_id == member_id)

    def editor(self, key: str, member_id: int | None = None) -> QWidget:
        return self._editors[self.row_of(key, member_id)]

    def conflict_rows(self) -> list[int]:
        return [i for i, r in enumerate(self._rows) if r.conflict]

    def entered(self) -> dict[str, str]:
        """What the clerk typed, by the service's `sets` key: an untouched cell changes nothing, a
        row ticked "Empty" makes the field empty ("", which the service stores as no value)."""
        out: dict[str, str] = {}
        for i, (row, editor) in enumerate(zip(self._rows, self._editors, strict=True)):
            if self.is_cleared(i):
                out[row.set_key] = ""
                continue
            value = _editor_value(editor)
            if value is not None:
                out[row.set_key] = value
        return out

    # ------------------------------------------------------------------ emptying a field
    def is_cleared(self, row: int) -> bool:
        item = self.table.item(row, COL_CLEAR)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def set_cleared(self, key: str, member_id: int | None = None, cleared: bool = True) -> None:
        """What ticking the row's "Empty" box does."""
        item = self.table.item(self.row_of(key, member_id), COL_CLEAR)
        assert item is not None
        item.setCheckState(Qt.CheckState.Checked if cleared else Qt.CheckState.Unchecked)

    def _clear_toggled(self, item: QTableWidgetItem) -> None:
        if item.column() != COL_CLEAR or not 0 <= item.row() < len(self._editors):
            return
        editor = self._editors[item.row()]
        cleared = item.checkState() == Qt.CheckState.Checked
        if cleared:
            if isinstance(editor, CodeCombo):
                editor.setCurrentIndex(0)
                editor.setEditText("")
            elif isinstance(editor, QLineEdit):
                editor.clear()
        editor.setEnabled(not cleared)
        line = editor.lineEdit() if isinstance(editor, QComboBox) else editor
        if isinstance(line, QLineEdit):
            line.setPlaceholderText(self.tr("(empty)") if cleared else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            editor = watched if watched in self._editors else watched.parent()
            if editor in self._editors:
                self._move_down(self._editors.index(editor))
                return True
        return super().eventFilter(watched, event)

    def _move_down(self, row: int) -> None:
        nxt = row + 1 if row + 1 < len(self._editors) else row
        self.table.setCurrentCell(nxt, COL_NEW)
        self.table.scrollTo(self.table.model().index(nxt, COL_NEW))
        editor = self._editors[nxt]
        editor.setFocus()
        if isinstance(editor, QLineEdit):
            editor.selectAll()

    # ------------------------------------------------------------------ scanning
    def _scanned(self) -> None:
        self.open_code(self.scan.text())

    def open_code(self, code: str) -> bool:
        """Open the household of a printed form (its QR payload) as printed."""
        try:
            snapshot = self.services.printing.find_snapshot(code)
            if self.request is not None and snapshot.household_id != self.request.household_id:
                self.request = None
                self.evidence.request_id = None  # the files go with the new request
            self.load(snapshot.household_id, snapshot)
        except Exception as exc:
            self._refused(exc)
            return False
        return True

    # ------------------------------------------------------------------ saving
    def _source(self) -> dict[str, Any]:
        if self.snapshot is not None:
            return {"source": "form", "source_ref": self.snapshot.form.payload}
        return {}

    def save(self, *, submit: bool) -> bool:
        """Make (or edit) the request from the rows, then submit it when asked."""
        sets = self.entered()
        changes = self.services.changes
        if not sets:
            self._refused(None, self.tr("Nothing was entered. If the household is as recorded, "
                                        "use “Verified, no change”."))
            return False
        household_id = self.detail.household.id
        try:
            if self.request is not None:
                record = changes.edit(self.request.id, sets=sets, reason=self.reason.text(),
                                      note=self.note.text())
            else:
                seen = None if self.snapshot is not None else self.detail.household["version"]
                record = changes.make(cr.CORRECT, household_id=household_id, sets=sets,
                                      reason=self.reason.text(), note=self.note.text(),
                                      evidence=list(self.evidence.pending), expected_version=seen,
                                      **self._source())
            self.request = record
            self.evidence.attach_to(record)
            if submit:
                record = changes.submit(record.id)
        except Exception as exc:
            self._refused(exc)
            return False
        self._done(record)
        return True

    def verified(self) -> bool:
        """核实无误: the visit on record, a correction with no fields, submitted for review."""
        changes = self.services.changes
        try:
            record = changes.make(cr.CORRECT, household_id=self.detail.household.id,
                                  reason=self.reason.text().strip() or VERIFIED_REASON,
                                  note=self.note.text(), evidence=list(self.evidence.pending),
                                  **self._source())
            self.request = record
            self.evidence.attach_to(record)
            record = changes.submit(record.id)
        except Exception as exc:
            self._refused(exc)
            return False
        self._done(record)
        return True

    def _done(self, record: cr.ChangeRequestRecord) -> None:
        self.result_record = record
        self.saved.emit(record)
        self.accept()

    def _refused(self, exc: BaseException | None, text: str | None = None) -> None:
        if isinstance(exc, Conflict) and exc.code == "household.version":  # changed at another desk
            self.message = error_text(exc)
            self._box = ask_reload(self, exc, on_reload=lambda: self.load(self.detail.household.id))
            return
        if exc is not None:
            self.message = error_text(exc)
            self._box = show_error(self, exc)
        else:
            from povdesk.ui.messages import show_info

            self.message = text
            self._box = show_info(self, self.tr("Correction"), text or "")


def open_correction(window: Any, household_id: int | None = None, *, snapshot: Any = None,
                    request: cr.ChangeRequestRecord | None = None) -> ChangeDialog | None:
    """Open the dialog (non-modal) over the main window; refresh the window when a request is saved."""
    if household_id is None:
        household_id = snapshot.household_id if snapshot is not None else window.current_household_id()
    if household_id is None:
        return None
    try:
        dialog = ChangeDialog(services=window.services, household_id=household_id, snapshot=snapshot,
                              request=request, parent=window)
    except Exception as exc:
        show_error(window, exc)
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.saved.connect(lambda _r: _after_save(window))
    window._change_dialog = dialog  # kept alive while open; tests reach it here
    dialog.show()
    return dialog


def _after_save(window: Any) -> None:
    panel = getattr(window, "changes_panel", None)
    if panel is not None:
        panel.reload()


def open_printed(window: Any, code: str) -> ChangeDialog | None:
    """A scanner's input (or a typed PD1-… code): the household as printed."""
    try:
        snapshot = window.services.printing.find_snapshot(code)
    except Exception as exc:
        show_error(window, exc)
        return None
    return open_correction(window, snapshot=snapshot)


def install_correction_actions(window: Any) -> QMenu:
    """The Changes menu (Correct household…), the detail view's "New correction…" button and the
    toolbar field that takes a scanner's input."""
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QToolBar

    menu: QMenu = window.menus["changes"]
    correct = QAction(QCoreApplication.translate("Changes", "&Correct household…"), window)
    correct.setObjectName("correctHousehold")
    correct.setShortcut(QKeySequence("Ctrl+E"))
    correct.triggered.connect(lambda: open_correction(window))
    menu.addAction(correct)
    window.detail.correction_requested.connect(lambda hid: open_correction(window, hid))

    scan = QLineEdit()
    scan.setObjectName("toolbarScan")
    scan.setClearButtonEnabled(True)
    scan.setPlaceholderText(QCoreApplication.translate("Changes", "Scan a form's QR code or type PD1-…"))
    scan.setMaximumWidth(320)

    def scanned() -> None:
        if open_printed(window, scan.text()) is not None:
            scan.clear()

    scan.returnPressed.connect(scanned)
    bar = QToolBar(QCoreApplication.translate("Changes", "Form code"), window)
    bar.setObjectName("scanToolbar")
    bar.addWidget(QLabel(QCoreApplication.translate("Changes", "Printed form:") + " "))
    bar.addWidget(scan)
    window.addToolBar(bar)
    window.scan_field = scan
    printed = QAction(QCoreApplication.translate("Changes", "Open a &printed form…"), window)
    printed.setObjectName("openPrinted")
    printed.setShortcut(QKeySequence("Ctrl+Shift+E"))

    def focus_scan() -> None:
        scan.setFocus()
        scan.selectAll()

    printed.triggered.connect(focus_scan)
    menu.addAction(printed)
    return menu
