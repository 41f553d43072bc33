"""The dialogs of the dynamic adjustments (issue 11 §2, §5), opened from the household's detail view:
exit (标注脱贫), return (返贫), member in (自然增加), member out (自然减少), cancel household (自然销户)
and removal (清退). One dialog, built from the type's entry in `domain.changes.TYPES`: each type
shows exactly the inputs it needs (member, new head, cause, year, date, reason, the new member's
fields, the notice record, evidence) and, for an exit, what stops it before anything is submitted.

The dialog only gathers; `ChangeRequestService` makes, edits and submits the request and refuses
what breaks a rule. A refusal is shown in the dialog, in the UI language. The correction (信息更正)
has its own dialog (`ui.change_dialog`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from povdesk.domain import changes as cr
from povdesk.domain import dictionary as dd
from povdesk.domain import values
from povdesk.domain.dictionary import Entity
from povdesk.domain.meanings import is_head
from povdesk.ui.application import lang_key
from povdesk.ui.change_dialog import _editor, _editor_value
from povdesk.ui.code_combo import CodeCombo
from povdesk.ui.messages import error_text
from povdesk.ui.request_dialog import RequestDialog

#: The types that have a dialog here. NEW_HOUSEHOLD (all members in one table) and VILLAGE_EXIT
#: (a village, opened from the places tree, with its incidence) come with their service: add the
#: type here, or `HOOKS[type] = opener` for a dialog of its own.
DIALOG_TYPES = (cr.EXIT, cr.RETURN, cr.MEMBER_IN, cr.MEMBER_OUT, cr.CANCEL_HOUSEHOLD, cr.REMOVAL)
#: type -> opener(window, household_id, request) of a type whose dialog is not this one
HOOKS: dict[str, Callable[[Any, int | None, cr.ChangeRequestRecord | None], QDialog | None]] = {}
#: the types that mark a year (exit year, return year)
YEAR_TYPES = frozenset({cr.EXIT, cr.RETURN})


class DateField(QWidget):
    """A date typed as YYYY-MM-DD or picked from a calendar; blank until given (the service
    refuses a missing, future or malformed date in its own words)."""

    def __init__(self, *, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("YYYY-MM-DD")
        self.edit.setMaximumWidth(130)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.button = QToolButton()
        self.button.setText("…")
        self.button.setToolTip(self.tr("Pick a date"))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setStyleSheet("QToolButton::menu-indicator { image: none; }")
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._opening)
        self.button.setMenu(menu)
        self._menu = menu
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit)
        lay.addWidget(self.button)
        lay.addStretch(1)

    def _opening(self) -> None:
        day = self.date() or dt.date.today()
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _picked(self, day: QDate) -> None:
        self.edit.setText(day.toString("yyyy-MM-dd"))
        self._menu.hide()

    def pick(self, day: dt.date) -> None:
        """What a click on `day` in the calendar does."""
        self._picked(QDate(day.year, day.month, day.day))

    def date(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.edit.text().strip())
        except ValueError:
            return None

    def text(self) -> str | None:
        return self.edit.text().strip() or None

    def set_text(self, text: str | None) -> None:
        self.edit.setText(text or "")


def required_label(text: str) -> QLabel:
    """A label marked as required (a star, and "Required" as its tooltip)."""
    label = QLabel(f"{text} *")
    label.setToolTip(QCoreApplication.translate("AdjustDialog", "Required"))
    return label


# ------------------------------------------------------------------ the notice record
class NoticeRecord(QGroupBox):
    """Village assessment, public notice (at least `cr.NOTICE_DAYS` days), township review."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate(
            "AdjustDialog", "Notice record (village assessment, public notice of at least {0} days, "
                            "township review)").format(cr.NOTICE_DAYS), parent)
        self.setObjectName("noticeRecord")
        lang = lang_key()
        form = QFormLayout(self)
        self.inputs: dict[str, DateField | QLineEdit] = {}
        for key in cr.NOTICE_KEYS:
            zh, en = cr.NOTICE_LABELS[key]
            widget: DateField | QLineEdit
            if key in cr.NOTICE_DATES:
                widget = DateField(object_name=f"notice:{key}")
            else:
                widget = QLineEdit()
                widget.setObjectName(f"notice:{key}")
            self.inputs[key] = widget
            form.addRow(required_label(en.capitalize() if lang == "en" else zh), widget)

    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, widget in self.inputs.items():
            text = widget.text()
            if text:
                out[key] = text.strip()
        return out

    def fill(self, notice: Mapping[str, Any]) -> None:
        for key, widget in self.inputs.items():
            text = str(notice.get(key) or "")
            if isinstance(widget, DateField):
                widget.set_text(text)
            else:
                widget.setText(text)


class AdjustDialog(RequestDialog):
    """One request of `type_` for a household: made anew, or `request` (a draft or returned request
    of the user's) edited. "Save as draft" keeps the dialog open, so evidence can be attached to the
    saved draft; "Submit" saves, submits and closes. `saved` is emitted with each saved record."""

    def __init__(self, *, services: Any, household_id: int, type_: str,
                 request: cr.ChangeRequestRecord | None = None, parent: QWidget | None = None) -> None:
        if type_ not in DIALOG_TYPES:
            raise ValueError(f"no dialog here for {type_}")
        super().__init__(services=services, kind=cr.TYPES[type_], request=request, error_name="adjustError",
                         parent=parent)
        self.setObjectName("adjustDialog")
        lang = lang_key()
        books = services.db.codebook()
        self.detail = services.registry.household(household_id, history_limit=0)
        h = self.detail.household
        self.setWindowTitle(self.kind.label(lang))

        title = QLabel(f"{self.kind.label(lang)}  ·  {h['head_name'] or ''}  ·  {h['household_no'] or ''}")
        title.setObjectName("adjustTitle")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        loc = self.detail.location
        status = values.display(dd.field("household.status"), h["status"], lang, books)
        subtitle = QLabel("  ·  ".join(x for x in (" ".join(p for p in (loc.township, loc.village,
                                                                          h["group_name"] or "") if p),
                                                  status) if x))
        subtitle.setStyleSheet("color: #555;")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.member: QComboBox | None = None
        self.new_head: QComboBox | None = None
        self.cause: CodeCombo | None = None
        self.year: QSpinBox | None = None
        self.date: DateField | None = None
        current = self.detail.current_members
        relation = dd.field("member.relation")

        def member_combo(name: str, blank: bool) -> QComboBox:
            combo = QComboBox()
            combo.setObjectName(name)
            if blank:
                combo.addItem("", None)
            for m in current:
                combo.addItem(f"{m['name'] or ''}  ({values.display(relation, m['relation'], lang, books)})",
                              m.id)
            return combo

        if self.kind.needs_member:
            self.member = member_combo("adjustMember", False)
            form.addRow(self._required(self.tr("Member leaving")), self.member)
        if type_ == cr.MEMBER_OUT:
            self.new_head = member_combo("adjustNewHead", True)
            self.new_head_label = QLabel(self.tr("New head"))
            form.addRow(self.new_head_label, self.new_head)
            assert self.member is not None
            self.member.currentIndexChanged.connect(lambda _i: self._head_leaving())
        if self.kind.cause_list:
            self.cause = CodeCombo(None, books, lang, codelist=self.kind.cause_list)
            self.cause.setObjectName("adjustCause")
            book = books[self.kind.cause_list]
            form.addRow(self._required(book.en if lang == "en" else book.zh), self.cause)
        if type_ in YEAR_TYPES:
            self.year = QSpinBox()
            self.year.setObjectName("adjustYear")
            self.year.setRange(2013, 2100)
            self.year.setValue(services.db.data_year)
            form.addRow(self.tr("Exit year") if type_ == cr.EXIT else self.tr("Return year"), self.year)
        if self.kind.needs_date:
            self.date = DateField(object_name="adjustDate")
            self.date.set_text(dt.date.today().isoformat())
            form.addRow(self._required(self.tr("Date")), self.date)
        self.reason = QLineEdit()
        self.reason.setObjectName("adjustReason")
        form.addRow(self._required(self.tr("Reason")) if self.kind.needs_reason else QLabel(self.tr("Reason")),
                    self.reason)
        self.note = QLineEdit()
        self.note.setObjectName("adjustNote")
        form.addRow(self.tr("Note"), self.note)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        self.blockers: QListWidget | None = None
        if type_ == cr.EXIT:
            layout.addWidget(self._exit_blockers(household_id, lang))
        layout.addLayout(form)

        # the new member's fields (member in)
        self._field_editors: dict[str, QWidget] = {}
        if self.kind.takes_fields:
            box = QGroupBox(self.tr("The new member"))
            fields_form = QFormLayout(box)
            for f in dd.fields_of(Entity.MEMBER):
                if not f.editable:
                    continue
                editor = _editor(f, books, lang)
                editor.setObjectName(f"field:{f.key}")
                self._field_editors[f.key] = editor
                label = f.label_with_unit(lang)
                fields_form.addRow(self._required(label) if f.key == "member.name" else QLabel(label), editor)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(box)
            layout.addWidget(scroll, 1)

        # the notice record
        self.notice_box = NoticeRecord() if self.kind.needs_notice else None
        self.notice: dict[str, DateField | QLineEdit] = self.notice_box.inputs if self.notice_box else {}
        if self.notice_box is not None:
            layout.addWidget(self.notice_box)

        if self.kind.needs_evidence:
            self.evidence.label.setText(self.evidence.label.text() + " *")
            self.evidence.setToolTip(self.tr("A removal needs evidence"))
        layout.addWidget(self.evidence)

        layout.addWidget(self.error)

        self.draft_button = QPushButton(self.tr("Save as draft"))
        self.draft_button.setObjectName("draftButton")
        self.submit_button = QPushButton(self.tr("Submit"))
        self.submit_button.setObjectName("submitButton")
        close = QPushButton(self.tr("Close"))
        for button in (self.draft_button, self.submit_button, close):
            button.setAutoDefault(False)
        self.draft_button.clicked.connect(lambda: self.save(submit=False))
        self.submit_button.clicked.connect(lambda: self.save(submit=True))
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.draft_button)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        if request is not None:
            self._fill_request(request)
        self._head_leaving()
        self.resize(720, 760 if self.kind.takes_fields else 0)

    # ------------------------------------------------------------------ parts
    @staticmethod
    def _required(text: str) -> QLabel:
        return required_label(text)

    def _exit_blockers(self, household_id: int, lang: str) -> QGroupBox:
        """What stops the exit, as the checks and the assessment see it now (the service checks
        again at submit and approval)."""
        box = QGroupBox(self.tr("What stops the exit"))
        lay = QVBoxLayout(box)
        self.blockers = QListWidget()
        self.blockers.setObjectName("exitBlockers")
        self.blockers.setMaximumHeight(120)
        lay.addWidget(self.blockers)
        found: list[str] = []
        try:
            for p in self.services.checks.exit_blockers(household_id):
                found.append(f"{p.rule}  {p.message(lang)}")
            for v in self.services.registry.assessment(household_id).verdicts:
                if v.met is False:
                    found.append(self.tr("{0}: not met ({1})").format(v.title(lang), v.basis(lang)))
        except Exception as exc:
            found.append(error_text(exc))
        for text in found:
            self.blockers.addItem(text)
        if found:
            box.setStyleSheet("QGroupBox { color: #b02020; }")
        else:
            self.blockers.addItem(self.tr("Nothing stops the exit: no exit-blocking problem, every indicator met."))
            self.blockers.hide()
            clear = QLabel(self.blockers.item(0).text())
            clear.setObjectName("exitClear")
            clear.setStyleSheet("color: #187830;")
            lay.addWidget(clear)
        self.blocker_count = len(found)
        return box

    def _head_leaving(self) -> None:
        if self.new_head is None or self.member is None:
            return
        leaving = self.member.currentData()
        head = next((m for m in self.detail.current_members if m.id == leaving and is_head(m["relation"])), None)
        self.new_head.setEnabled(head is not None)
        self.new_head_label.setText(self.tr("New head *") if head is not None else self.tr("New head"))
        self.new_head.setToolTip(self.tr("The head of household leaves: name the new head")
                                 if head is not None else self.tr("Only when the head of household leaves"))

    def _fill_request(self, r: cr.ChangeRequestRecord) -> None:
        self.reason.setText(r.reason or "")
        self.note.setText(r.note or "")
        if self.member is not None and r.member_id is not None:
            self.member.setCurrentIndex(max(0, self.member.findData(r.member_id)))
        if self.new_head is not None and r.new_head_member_id is not None:
            self.new_head.setCurrentIndex(max(0, self.new_head.findData(r.new_head_member_id)))
        if self.cause is not None:
            self.cause.set_value(r.cause)
        if self.year is not None and r.year:
            self.year.setValue(r.year)
        if self.date is not None:
            self.date.set_text(r.event_date.isoformat() if r.event_date else None)
        if self.notice_box is not None:
            self.notice_box.fill(r.notice)
        for f in r.fields:
            editor = self._field_editors.get(f.key)
            if editor is None or f.after is None:
                continue
            if isinstance(editor, CodeCombo):
                editor.set_value(f.after)
            elif isinstance(editor, QLineEdit):
                editor.setText(f.after)

    # ------------------------------------------------------------------ reading the inputs
    def field_editor(self, key: str) -> QWidget:
        return self._field_editors[key]

    def notice_input(self, key: str) -> DateField | QLineEdit:
        return self.notice[key]

    def collected(self) -> dict[str, Any]:
        """The keyword arguments `make`/`edit` take, from the inputs this type shows."""
        out: dict[str, Any] = {"reason": self.reason.text(), "note": self.note.text()}
        if self.member is not None:
            data = self.member.currentData()
            out["member"] = None if data is None else str(data)
        if self.new_head is not None and self.new_head.isEnabled():
            data = self.new_head.currentData()
            out["new_head"] = None if data is None else str(data)
        if self.cause is not None:
            out["cause"] = self.cause.value() or ""
        if self.year is not None:
            out["year"] = self.year.value()
        if self.date is not None:
            out["date"] = self.date.text()
        if self.notice_box is not None:
            out["notice"] = self.notice_box.values()
        if self.kind.takes_fields:
            sets: dict[str, str] = {}
            for key, editor in self._field_editors.items():
                value = _editor_value(editor)
                if value is not None:
                    sets[key] = value
            out["sets"] = sets
        return out

    # ------------------------------------------------------------------ saving
    def _write(self) -> cr.ChangeRequestRecord:
        changes = self.services.changes
        if self.request is None:
            return changes.make(self.kind.code, household_id=self.detail.household.id,
                                evidence=list(self.evidence.pending), **self.collected())
        return changes.edit(self.request.id, **self.collected())


# ------------------------------------------------------------------ opening from the window
def open_adjustment(window: Any, type_: str, household_id: int | None = None,
                    request: cr.ChangeRequestRecord | None = None) -> QDialog | None:
    """The dialog of `type_` (non-modal) over the window; the queues reload when it saves."""
    from povdesk.ui.change_dialog import _after_save
    from povdesk.ui.messages import show_error

    if household_id is None:
        household_id = request.household_id if request is not None else window.current_household_id()
    if type_ in HOOKS:
        return HOOKS[type_](window, household_id, request)
    if household_id is None or type_ not in DIALOG_TYPES:
        return None
    try:
        dialog = AdjustDialog(services=window.services, household_id=household_id, type_=type_, request=request,
                              parent=window)
    except Exception as exc:
        show_error(window, exc)
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.saved.connect(lambda _r: _after_save(window))
    window._adjust_dialog = dialog  # kept alive while open; tests reach it here
    dialog.show()
    return dialog


def request_menu(parent: QWidget, on_type: Callable[[str], Any]) -> QMenu:
    """One entry per type with a dialog (labels from the type table, in the UI language)."""
    lang = lang_key()
    menu = QMenu(parent)
    menu.setObjectName("newRequestMenu")
    for code in (*DIALOG_TYPES, *(c for c in HOOKS if c not in DIALOG_TYPES)):
        action = QAction(f"{cr.TYPES[code].label(lang)}…", menu)
        action.setObjectName(f"newRequest:{code}")
        action.triggered.connect(lambda _checked=False, c=code: on_type(c))
        menu.addAction(action)
    return menu


def install_adjust_actions(window: Any) -> None:
    """Changes > New request > (each type), and the detail view's "New request" button."""
    menu = request_menu(window, lambda code: open_adjustment(window, code))
    menu.setTitle(QCoreApplication.translate("Changes", "New &request"))
    window.menus["changes"].addMenu(menu)
    window.new_request_menu = menu
    button = window.detail.request_button
    button.setMenu(request_menu(button, lambda code: open_adjustment(window, code, window.detail.household_id())))
