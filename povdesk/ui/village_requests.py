"""The two requests made on a village, not on a household (issue 11 §2, §5): a new household (新识别:
the household's fields and ALL its members in one table) and a village exit (贫困村退出: the year and
the village's incidence of poverty against the year's threshold). Opened from a village in the
navigator (right click), from Changes > New request (a village chooser in the dialog, set to the
village selected or the current household's), and from the queues to edit a draft.

The dialogs only gather: `ChangeRequestService.make("new-household" | "village-exit", ...)`/`edit`
check everything and refuse what breaks a rule; a refusal is shown in the dialog in the UI
language, and the member rows (or household fields) it names are marked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain import changes as cr
from povdesk.domain import dictionary as dd
from povdesk.domain import idnumber
from povdesk.domain.dictionary import Entity
from povdesk.domain.meanings import HEAD
from povdesk.domain.records import CountyNode
from povdesk.ui.adjust_dialog import HOOKS, NoticeRecord, required_label
from povdesk.ui.application import lang_key
from povdesk.ui.change_dialog import _editor, _editor_value
from povdesk.ui.code_combo import SEARCH_ROLE, CodeCombo, pinyin_keys
from povdesk.ui.messages import ERROR_STYLE, error_text, show_error
from povdesk.ui.request_dialog import RequestDialog

HOUSEHOLD_NO = "household.household_no"
#: what a newly identified household (not exited, never returned) has no use for
NOT_OF_A_NEW_HOUSEHOLD = frozenset({"household.exit_year", "household.return_year", "household.return_cause"})
#: the household fields a new household's dialog asks for (the rest come from its members)
HOUSEHOLD_FIELDS = tuple(f for f in dd.fields_of(Entity.HOUSEHOLD)
                         if f.key == HOUSEHOLD_NO or (f.editable and f.key not in cr.DERIVED_HOUSEHOLD
                                                      and f.key not in NOT_OF_A_NEW_HOUSEHOLD))
#: the member columns: every editable member field, in the dictionary's order
MEMBER_FIELDS = tuple(f for f in dd.fields_of(Entity.MEMBER) if f.editable)
#: filled from a valid ID number, so not marked required in the table
FROM_ID_NUMBER = frozenset({"member.sex", "member.birth_date"})
MARKED = "background-color: #ffd8d0;"
INVALID = "background-color: #ffe4dc; color: #b02020;"
VALID = "background-color: #e4f6e4;"
_MEMBER_REF = re.compile(r"(?:成员|member )(\d+)")


# ------------------------------------------------------------------ choosing a village
def village_items(places: Sequence[CountyNode]) -> list[tuple[str, str]]:
    """(code, "township village (code)") of every village, in the tree's order."""
    out: list[tuple[str, str]] = []
    for county in places:
        for t in county.townships:
            for v in t.villages:
                out.append((v.code, f"{t.name} {v.name}  ({v.code})"))
    return out


class VillageCombo(QComboBox):
    """The villages, filtering as you type: by name, code or the name's pinyin (like `CodeCombo`)."""

    def __init__(self, places: Sequence[CountyNode], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItem("", None)
        for code, label in village_items(places):
            self.addItem(label, code)
            self.setItemData(self.count() - 1, f"{label} {pinyin_keys(label)}".lower(), SEARCH_ROLE)
        completer = QCompleter(self.model(), self)
        completer.setCompletionRole(SEARCH_ROLE)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompleter(completer)
        self.setMinimumWidth(320)

    def code(self) -> str | None:
        index = self.findText(self.currentText().strip(), Qt.MatchFlag.MatchFixedString)
        if index > 0:
            return str(self.itemData(index))
        text = self.currentText().strip()
        return text or None  # a typed code: the service finds it or refuses it

    def set_code(self, code: str | None) -> None:
        index = self.findData(code) if code else 0
        self.setCurrentIndex(max(0, index))


# ------------------------------------------------------------------ the members table
class MemberTable(QTableWidget):
    """One row per proposed member, one column per editable member field; coded columns are code
    combos, the ID number is checked as it is typed (and gives sex and birth date)."""

    def __init__(self, *, books: Any, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(0, len(MEMBER_FIELDS), parent)
        self.setObjectName("memberTable")
        self.books = books
        self.lang = lang
        self.columns = {f.key: i for i, f in enumerate(MEMBER_FIELDS)}
        for i, f in enumerate(MEMBER_FIELDS):
            required = f.required and f.key not in FROM_ID_NUMBER
            item = QTableWidgetItem(f.label_with_unit(lang) + (" *" if required else ""))
            item.setToolTip(f.key)
            self.setHorizontalHeaderItem(i, item)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setDefaultSectionSize(120)
        self.setColumnWidth(self.columns["member.id_number"], 190)
        self.verticalHeader().setDefaultSectionSize(30)
        self.setMinimumHeight(190)
        self.marked: set[int] = set()

    def editor(self, row: int, key: str) -> QWidget:
        widget = self.cellWidget(row, self.columns[key])
        assert widget is not None
        return widget

    def add_row(self, values: Mapping[str, str | None] | None = None) -> int:
        row = self.rowCount()
        self.insertRow(row)
        for f in MEMBER_FIELDS:
            editor = _editor(f, self.books, self.lang)
            editor.setObjectName(f"member{row}:{f.key}")
            editor.setToolTip(f.label(self.lang))
            self.setCellWidget(row, self.columns[f.key], editor)
            if f.key == "member.id_number":
                assert isinstance(editor, QLineEdit)
                editor.textChanged.connect(lambda _t, e=editor: self._id_typed(e))
        given = dict(values or {})
        if values is None and row == 0:
            given["member.relation"] = HEAD  # the first member is the head, until changed
        for key, value in given.items():
            if key in self.columns and value is not None:
                self.set_value(row, key, value)
        self._renumber()
        return row

    def remove_rows(self, rows: Iterable[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < self.rowCount():
                self.removeRow(row)
        self.clear_marks()
        self._renumber()

    def selected_rows(self) -> list[int]:
        rows = {i.row() for i in self.selectedIndexes()}
        if not rows and self.currentRow() >= 0:
            rows = {self.currentRow()}
        return sorted(rows)

    def set_value(self, row: int, key: str, value: str) -> None:
        editor = self.editor(row, key)
        if isinstance(editor, CodeCombo):
            editor.set_value(value)
        elif isinstance(editor, QLineEdit):
            editor.setText(value)

    def value(self, row: int, key: str) -> str | None:
        return _editor_value(self.editor(row, key))

    def rows(self) -> list[dict[str, str]]:
        """Each row's given values ({dictionary key: code or text}), rows left wholly blank dropped."""
        out: list[dict[str, str]] = []
        for row in range(self.rowCount()):
            given = {f.key: v for f in MEMBER_FIELDS if (v := self.value(row, f.key)) is not None}
            if given:
                out.append(given)
        return out

    def _renumber(self) -> None:
        for row in range(self.rowCount()):
            self.setVerticalHeaderItem(row, QTableWidgetItem(str(row + 1)))

    def _row_of(self, editor: QWidget) -> int:
        for row in range(self.rowCount()):
            if self.cellWidget(row, self.columns["member.id_number"]) is editor:
                return row
        return -1

    def _id_typed(self, editor: QLineEdit) -> None:
        """Checked as typed: green when valid (sex and birth date filled from it), red with the
        problem in the tooltip otherwise; blank is neither."""
        text = editor.text().strip()
        row = self._row_of(editor)
        if not text:
            editor.setStyleSheet("")
            editor.setToolTip(dd.field("member.id_number").label(self.lang))
            return
        found = idnumber.problems(text)
        if found:
            editor.setStyleSheet(INVALID)
            editor.setToolTip("; ".join(id_problem_text(p) for p in found))
            return
        editor.setStyleSheet(VALID)
        editor.setToolTip(QCoreApplication.translate("MemberTable", "A valid ID number"))
        if row >= 0:
            sex = idnumber.sex_code(text)
            born = idnumber.birth_date(text)
            if sex:
                self.set_value(row, "member.sex", sex)
            if born:
                self.set_value(row, "member.birth_date", born.isoformat())

    def id_state(self, row: int) -> str:
        """"valid", "invalid" or "" (blank), as the ID cell of `row` shows it."""
        editor = self.editor(row, "member.id_number")
        sheet = editor.styleSheet()
        return "valid" if sheet == VALID else "invalid" if sheet == INVALID else ""

    # ------------------------------------------------------------------ marking refused rows
    def mark_rows(self, rows: Iterable[int]) -> None:
        self.clear_marks()
        self.marked = {r for r in rows if 0 <= r < self.rowCount()}
        for row in sorted(self.marked):
            item = QTableWidgetItem(f"⚠ {row + 1}")
            item.setToolTip(QCoreApplication.translate("MemberTable", "Named in the refusal below"))
            self.setVerticalHeaderItem(row, item)
            for col in range(self.columnCount()):
                widget = self.cellWidget(row, col)
                if widget is not None and widget.styleSheet() not in (VALID, INVALID):
                    widget.setStyleSheet(MARKED)
        if self.marked:
            first = min(self.marked)
            self.selectRow(first)
            self.scrollTo(self.model().index(first, 0), QAbstractItemView.ScrollHint.EnsureVisible)

    def clear_marks(self) -> None:
        for row in self.marked:
            if row >= self.rowCount():
                continue
            for col in range(self.columnCount()):
                widget = self.cellWidget(row, col)
                if widget is not None and widget.styleSheet() == MARKED:
                    widget.setStyleSheet("")
        self.marked = set()
        self._renumber()


def id_problem_text(p: idnumber.IdProblem) -> str:
    texts = {
        idnumber.IdProblem.EMPTY: QCoreApplication.translate("MemberTable", "No ID number"),
        idnumber.IdProblem.LENGTH: QCoreApplication.translate("MemberTable", "An ID number has 18 characters"),
        idnumber.IdProblem.NOT_UPGRADED: QCoreApplication.translate(
            "MemberTable", "A 15-digit number: give the 18-digit one"),
        idnumber.IdProblem.CHARACTERS: QCoreApplication.translate(
            "MemberTable", "Only digits, and X as the last character"),
        idnumber.IdProblem.BIRTH_DATE: QCoreApplication.translate(
            "MemberTable", "The birth date in the number is not a real past day"),
        idnumber.IdProblem.CHECK_DIGIT: QCoreApplication.translate(
            "MemberTable", "The check digit does not fit (a digit mistyped?)"),
    }
    return texts[p]


def rows_named(message: str, id_numbers: Sequence[str | None]) -> set[int]:
    """The member rows (0-based) a refusal names: "成员2（…）" / "member 2", or by an ID number."""
    rows = {int(n) - 1 for n in _MEMBER_REF.findall(message)}
    for row, number in enumerate(id_numbers):
        if number and number in message:
            rows.add(row)
    return rows


# ------------------------------------------------------------------ the common frame
class _VillageRequestDialog(RequestDialog):
    """What both dialogs share: the village, reason, note, notice record, evidence, the refusal and
    the buttons; "Save as draft" keeps the dialog open, "Submit" saves, submits and closes."""

    type_code = ""

    def __init__(self, *, services: Any, village_code: str | None, request: cr.ChangeRequestRecord | None,
                 places: Sequence[CountyNode] | None, parent: QWidget | None) -> None:
        super().__init__(services=services, kind=cr.TYPES[self.type_code], request=request,
                         error_name="requestError", parent=parent)
        self.lang = lang_key()
        self.books = services.db.codebook()
        self.setWindowTitle(self.kind.label(self.lang))
        self.village = VillageCombo(places if places is not None else services.registry.navigator())
        self.village.setObjectName("villageChooser")
        if request is not None:
            village_code = str(request.detail.get("village_code") or village_code or "")
            self.village.setEnabled(False)  # a request stays with its village
            self.village.setToolTip(QCoreApplication.translate(
                "VillageRequest", "A request stays with the village it was made for"))
        self.village.set_code(village_code)
        self.reason = QLineEdit()
        self.reason.setObjectName("requestReason")
        self.note = QLineEdit()
        self.note.setObjectName("requestNote")
        self.notice = NoticeRecord()
        self.draft_button = QPushButton(QCoreApplication.translate("VillageRequest", "Save as draft"))
        self.draft_button.setObjectName("draftButton")
        self.submit_button = QPushButton(QCoreApplication.translate("VillageRequest", "Submit"))
        self.submit_button.setObjectName("submitButton")
        close = QPushButton(QCoreApplication.translate("VillageRequest", "Close"))
        for button in (self.draft_button, self.submit_button, close):
            button.setAutoDefault(False)
        self.draft_button.clicked.connect(lambda: self.save(submit=False))
        self.submit_button.clicked.connect(lambda: self.save(submit=True))
        close.clicked.connect(self.reject)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        for button in (self.draft_button, self.submit_button, close):
            self.buttons.addWidget(button)

    def _title(self) -> QLabel:
        title = QLabel(self.kind.label(self.lang))
        title.setObjectName("requestTitle")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        return title

    def _fill_common(self, r: cr.ChangeRequestRecord) -> None:
        self.reason.setText(r.reason or "")
        self.note.setText(r.note or "")
        self.notice.fill(r.notice)
        self.setWindowTitle(self.draft_title(r))

    # ------------------------------------------------------------------ saving
    def _make(self) -> cr.ChangeRequestRecord:
        raise NotImplementedError

    def _edit(self, request_id: int) -> cr.ChangeRequestRecord:
        raise NotImplementedError

    def _write(self) -> cr.ChangeRequestRecord:
        return self._make() if self.request is None else self._edit(self.request.id)


# ------------------------------------------------------------------ new household (新识别)
class NewHouseholdDialog(_VillageRequestDialog):
    """A new household with all its members, proposed for a village."""

    type_code = cr.NEW_HOUSEHOLD

    def __init__(self, *, services: Any, village_code: str | None = None,
                 request: cr.ChangeRequestRecord | None = None, places: Sequence[CountyNode] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(services=services, village_code=village_code, request=request, places=places,
                         parent=parent)
        self.setObjectName("newHouseholdDialog")
        lang = self.lang
        top = QFormLayout()
        top.addRow(required_label(self.tr("Village")), self.village)

        # the household's own fields, three pairs a line
        box = QGroupBox(self.tr("Household (head's name and number, size, status and first year come from the "
                                "members and the data year)"))
        grid = QGridLayout(box)
        self._household: dict[str, QWidget] = {}
        self._household_labels: dict[str, QLabel] = {}
        for i, f in enumerate(HOUSEHOLD_FIELDS):
            editor = _editor(f, self.books, lang)
            editor.setObjectName(f"field:{f.key}")
            label_text = f.label_with_unit(lang)
            label = required_label(label_text) if f.required and f.key != HOUSEHOLD_NO else QLabel(label_text)
            if f.key == HOUSEHOLD_NO:
                assert isinstance(editor, QLineEdit)
                editor.setPlaceholderText(self.tr("blank: the village's next free number"))
            self._household[f.key] = editor
            self._household_labels[f.key] = label
            row, col = divmod(i, 3)
            grid.addWidget(label, row, col * 2)
            grid.addWidget(editor, row, col * 2 + 1)
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 1)

        # the members
        members_box = QGroupBox(self.tr("Members (one row each; the first is usually the head)"))
        members_lay = QVBoxLayout(members_box)
        self.members = MemberTable(books=self.books, lang=lang)
        add = QPushButton(self.tr("Add member"))
        add.setObjectName("addMember")
        remove = QPushButton(self.tr("Remove selected"))
        remove.setObjectName("removeMember")
        for b in (add, remove):
            b.setAutoDefault(False)
        add.clicked.connect(lambda: self.members.add_row())
        remove.clicked.connect(lambda: self.members.remove_rows(self.members.selected_rows()))
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(add)
        row_buttons.addWidget(remove)
        hint = QLabel(self.tr("Sex and birth date are taken from a valid ID number."))
        hint.setStyleSheet("color: #555;")
        row_buttons.addWidget(hint)
        row_buttons.addStretch(1)
        members_lay.addLayout(row_buttons)
        members_lay.addWidget(self.members)

        more = QFormLayout()
        more.addRow(QLabel(self.tr("Reason")), self.reason)
        more.addRow(QLabel(self.tr("Note")), self.note)

        body = QWidget()
        body_lay = QVBoxLayout(body)
        body_lay.addLayout(top)
        body_lay.addWidget(box)
        body_lay.addWidget(members_box, 1)
        body_lay.addWidget(self.notice)
        body_lay.addLayout(more)
        body_lay.addWidget(self.evidence)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title())
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addLayout(self.buttons)
        if request is not None:
            self._fill_request(request)
        else:
            self.members.add_row()
        self.resize(1180, 900)

    def household_editor(self, key: str) -> QWidget:
        return self._household[key]

    def _fill_request(self, r: cr.ChangeRequestRecord) -> None:
        self._fill_common(r)
        rows: dict[int, dict[str, str | None]] = {}
        for f in r.fields:
            if f.member_index is not None:
                rows.setdefault(f.member_index, {})[f.key] = f.after
                continue
            editor = self._household.get(f.key)
            if editor is None or f.after is None:
                continue
            if isinstance(editor, CodeCombo):
                editor.set_value(f.after)
            elif isinstance(editor, QLineEdit):
                editor.setText(f.after)
        for i in sorted(rows):
            self.members.add_row(rows[i])
        if not rows:
            self.members.add_row()

    def collected(self) -> dict[str, Any]:
        household: dict[str, str] = {}
        for key, editor in self._household.items():
            value = _editor_value(editor)
            if value is not None:
                household[key] = value
        return {"household": household, "members": self.members.rows(), "notice": self.notice.values(),
                "reason": self.reason.text(), "note": self.note.text()}

    def _make(self) -> cr.ChangeRequestRecord:
        return self.services.changes.make(cr.NEW_HOUSEHOLD, village_code=self.village.code(),
                                          evidence=list(self.evidence.pending), **self.collected())

    def _edit(self, request_id: int) -> cr.ChangeRequestRecord:
        return self.services.changes.edit(request_id, **self.collected())

    # ------------------------------------------------------------------ pointing at what is refused
    def _mark(self, exc: BaseException) -> None:
        texts = [self.message or ""]
        for attr in ("en", "zh"):
            extra = getattr(exc, attr, None)
            if isinstance(extra, str):
                texts.append(extra)
        message = "\n".join(texts)
        count = self.members.rowCount()
        numbers = [self.members.value(r, "member.id_number") for r in range(count)]
        # rows left wholly blank are dropped before the service numbers the members: map back
        given = [r for r in range(count) if any(self.members.value(r, f.key) is not None for f in MEMBER_FIELDS)]
        named = {given[i] for i in rows_named(message, ()) if 0 <= i < len(given)}
        named |= {r for r, number in enumerate(numbers) if number and number in message}
        self.members.mark_rows(named)
        for part in re.split(r"[;；]", message):
            part = part.strip()
            if not (part.startswith("household") or "户信息" in part):
                continue
            for key, f in ((k, dd.field(k)) for k in self._household):
                if f.zh in part or f.en in part:
                    self._household[key].setStyleSheet(MARKED)
                    self._household_labels[key].setStyleSheet(ERROR_STYLE)

    def _clear_marks(self) -> None:
        self.members.clear_marks()
        for key, editor in self._household.items():
            if editor.styleSheet() == MARKED:
                editor.setStyleSheet("")
            self._household_labels[key].setStyleSheet("")

    def marked_fields(self) -> list[str]:
        return [k for k, e in self._household.items() if e.styleSheet() == MARKED]


# ------------------------------------------------------------------ village exit (贫困村退出)
class VillageExitDialog(_VillageRequestDialog):
    """A village marked exited in a year, with its incidence of poverty against the threshold."""

    type_code = cr.VILLAGE_EXIT

    def __init__(self, *, services: Any, village_code: str | None = None,
                 request: cr.ChangeRequestRecord | None = None, places: Sequence[CountyNode] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(services=services, village_code=village_code, request=request, places=places,
                         parent=parent)
        self.setObjectName("villageExitDialog")
        self.year = QSpinBox()
        self.year.setObjectName("exitYear")
        self.year.setRange(2013, 2100)
        self.year.setValue(request.year if request is not None and request.year else services.db.data_year)
        form = QFormLayout()
        form.addRow(required_label(self.tr("Village")), self.village)
        form.addRow(required_label(self.tr("Exit year")), self.year)

        box = QGroupBox(self.tr("Incidence of poverty"))
        box.setObjectName("incidenceBox")
        figures = QFormLayout(box)
        self.poor_label = QLabel()
        self.population_label = QLabel()
        self.incidence_label = QLabel()
        self.incidence_label.setObjectName("incidence")
        font = self.incidence_label.font()
        font.setBold(True)
        self.incidence_label.setFont(font)
        self.threshold_label = QLabel()
        self.verdict = QLabel()
        self.verdict.setObjectName("exitVerdict")
        self.verdict.setWordWrap(True)
        figures.addRow(self.tr("Poor population"), self.poor_label)
        figures.addRow(self.tr("Population"), self.population_label)
        figures.addRow(self.tr("Incidence"), self.incidence_label)
        figures.addRow(self.tr("Threshold of the year"), self.threshold_label)
        figures.addRow(self.verdict)
        basis = QLabel(self.tr("Population: {0}; poor: those of households not exited.").format(
            cr.POPULATION_BASIS[1] if self.lang == "en" else cr.POPULATION_BASIS[0]))
        basis.setWordWrap(True)
        basis.setStyleSheet("color: #555;")
        figures.addRow(basis)
        self.preview: cr.VillageExitPreview | None = None

        more = QFormLayout()
        more.addRow(QLabel(self.tr("Reason")), self.reason)
        more.addRow(QLabel(self.tr("Note")), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title())
        layout.addLayout(form)
        layout.addWidget(box)
        layout.addWidget(self.notice)
        layout.addLayout(more)
        layout.addWidget(self.evidence)
        layout.addWidget(self.error)
        layout.addLayout(self.buttons)
        if request is not None:
            self._fill_common(request)
        self.village.currentIndexChanged.connect(lambda _i: self.refresh_preview())
        self.year.valueChanged.connect(lambda _v: self.refresh_preview())
        self.refresh_preview()
        self.resize(680, 0)

    def refresh_preview(self) -> cr.VillageExitPreview | None:
        """The incidence of the chosen village in the chosen year (read only; the service judges
        again when the request is saved and approved)."""
        code = self.village.code()
        self.preview = None
        for label in (self.poor_label, self.population_label, self.incidence_label, self.threshold_label):
            label.setText("-")
        if not code:
            self.verdict.setText(self.tr("Choose a village."))
            self.verdict.setStyleSheet("color: #555;")
            return None
        try:
            p = self.services.changes.village_exit_preview(code, self.year.value())
        except Exception as exc:
            self.verdict.setText(error_text(exc))
            self.verdict.setStyleSheet(ERROR_STYLE)
            return None
        self.preview = p
        self.poor_label.setText(self.tr("{0} persons").format(p.poor))
        self.population_label.setText(self.tr("{0} persons").format(p.population))
        self.incidence_label.setText(f"{p.poor} / {p.population} = {p.incidence:.2f} %")
        self.threshold_label.setText(f"{p.threshold:g} %")
        if p.exit_year is not None:
            self.verdict.setText(self.tr("{0} already exited in {1}.").format(p.village_name, p.exit_year))
        elif p.may_exit:
            self.verdict.setText(self.tr("At or below the threshold: {0} may exit in {1}.").format(
                p.village_name, p.year))
        else:
            self.verdict.setText(self.tr("Above the threshold: {0} may not exit in {1}.").format(
                p.village_name, p.year))
        self.verdict.setStyleSheet("color: #187830;" if p.may_exit else ERROR_STYLE)
        return p

    def _make(self) -> cr.ChangeRequestRecord:
        return self.services.changes.make(cr.VILLAGE_EXIT, village_code=self.village.code(),
                                          year=self.year.value(), notice=self.notice.values(),
                                          reason=self.reason.text(), note=self.note.text(),
                                          evidence=list(self.evidence.pending))

    def _edit(self, request_id: int) -> cr.ChangeRequestRecord:
        return self.services.changes.edit(request_id, year=self.year.value(), notice=self.notice.values(),
                                          reason=self.reason.text(), note=self.note.text())


# ------------------------------------------------------------------ opening from the window
def village_code_of(window: Any, household_id: int | None = None) -> str | None:
    """The village selected in the navigator, else the village of the household given (or current)."""
    from povdesk.ui.navigator import KIND_VILLAGE

    place = window.current_place()
    if place is not None and place[0] == KIND_VILLAGE:
        for county in window.places():
            for t in county.townships:
                for v in t.villages:
                    if v.id == place[1]:
                        return str(v.code)
    hid = household_id if household_id is not None else window.current_household_id()
    if hid is None:
        return None
    try:
        return str(window.services.registry.household(hid, history_limit=0).location.village_code) or None
    except Exception:  # no household to take the village from: the clerk chooses it
        return None


def open_village_request(window: Any, type_: str, household_id: int | None = None,
                         request: cr.ChangeRequestRecord | None = None,
                         village_code: str | None = None) -> _VillageRequestDialog | None:
    """The dialog of a new household or a village exit (non-modal) over the window."""
    from povdesk.ui.change_dialog import _after_save

    cls = NewHouseholdDialog if type_ == cr.NEW_HOUSEHOLD else VillageExitDialog
    if village_code is None and request is None:
        village_code = village_code_of(window, household_id)
    try:
        dialog = cls(services=window.services, village_code=village_code, request=request,
                     places=window.places(), parent=window)
    except Exception as exc:
        show_error(window, exc)
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.saved.connect(lambda _r: _after_save(window))
    window._village_dialog = dialog  # kept alive while open; tests reach it here
    dialog.show()
    return dialog


def village_menu(window: Any, pos: QPoint) -> QMenu | None:
    """The navigator's menu on a village: New household…, Village exit…."""
    from povdesk.ui.navigator import KIND_VILLAGE

    index = window.navigator.indexAt(pos)
    place = window.navigator_model.place(index) if index.isValid() else None
    if place is None or place[0] != KIND_VILLAGE:
        return None
    node = window.navigator_model.node(index)
    if node is None:
        return None
    lang = lang_key()
    menu = QMenu(window.navigator)
    menu.setObjectName("villageMenu")
    for code in (cr.NEW_HOUSEHOLD, cr.VILLAGE_EXIT):
        action = QAction(f"{cr.TYPES[code].label(lang)}…", menu)
        action.setObjectName(f"village:{code}")
        action.triggered.connect(lambda _c=False, t=code, v=node.code: open_village_request(window, t, village_code=v))
        menu.addAction(action)
    return menu


def install_village_requests(window: Any) -> None:
    """The two types in Changes > New request (and the detail view's button), through
    `adjust_dialog.HOOKS`; the navigator's right-click menu on a village. Runs before
    `install_adjust_actions`, which builds those menus."""
    HOOKS[cr.NEW_HOUSEHOLD] = lambda w, hid, r: open_village_request(w, cr.NEW_HOUSEHOLD, hid, r)
    HOOKS[cr.VILLAGE_EXIT] = lambda w, hid, r: open_village_request(w, cr.VILLAGE_EXIT, hid, r)
    nav = window.navigator
    nav.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show_menu(pos: QPoint) -> None:
        menu = village_menu(window, pos)
        if menu is not None:
            window._village_menu = menu
            menu.popup(nav.viewport().mapToGlobal(pos))

    nav.customContextMenuRequested.connect(show_menu)
