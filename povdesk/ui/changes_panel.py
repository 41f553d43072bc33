"""The change-request queues (issue 11 §5): my drafts, returned to me, awaiting my review, awaiting
sign-off, with counts; the review view of the selected request (old and new side by side, the
household's open problems, the evidence files) with Approve / Return / Reject; the director's
"Sign off month…".

Buttons are enabled by role and stage only as a courtesy: `ChangeRequestService` decides every act
(maker-checker, stage order, conflicts) and its refusals are shown in the UI language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain import changes as cr
from povdesk.domain.roles import DIRECTOR, REVIEWER
from povdesk.ui.application import lang_key
from povdesk.ui.evidence import EvidenceList
from povdesk.ui.household_detail import _journal_texts
from povdesk.ui.messages import error_text, show_error, show_info
from povdesk.ui.people import display_names, person
from povdesk.ui.table_models import ReadOnlyTableModel

Index = QModelIndex | QPersistentModelIndex
MUTED = QColor(120, 120, 120)
_ROOT = QModelIndex()

MY_DRAFTS, RETURNED_TO_ME, TO_REVIEW, TO_SIGN_OFF = "drafts", "returned", "review", "signoff"
QUEUES = (MY_DRAFTS, RETURNED_TO_ME, TO_REVIEW, TO_SIGN_OFF)
#: the types whose requests the window edits (a dialog each; see ui.adjust_dialog.DIALOG_TYPES)
EDITABLE_TYPES = frozenset({cr.CORRECT, cr.EXIT, cr.RETURN, cr.MEMBER_IN, cr.MEMBER_OUT, cr.CANCEL_HOUSEHOLD,
                            cr.REMOVAL, cr.NEW_HOUSEHOLD, cr.VILLAGE_EXIT})
#: the village exit's one field (not a data-dictionary key)
VILLAGE_EXIT_YEAR = "village.exit_year"


def place_of(r: cr.ChangeRequestRecord) -> str:
    """What a request is of: its household's number; a new household's or a village exit's village."""
    if r.household_no:
        return r.household_no
    return str(r.detail.get("village") or r.detail.get("village_code") or "")


class RequestTableModel(ReadOnlyTableModel):
    """One change request per row."""

    def __init__(self, *, parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self._records: list[cr.ChangeRequestRecord] = []
        self.set_headers([self.tr("No."), self.tr("Type"), self.tr("Household"), self.tr("Maker"),
                          self.tr("Status"), self.tr("Updated"), self.tr("Reason")])

    def set_records(self, records: Sequence[cr.ChangeRequestRecord]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def record(self, row: int) -> cr.ChangeRequestRecord | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def row_of(self, request_id: int) -> int | None:
        return next((i for i, r in enumerate(self._records) if r.id == request_id), None)

    def ids(self) -> list[int]:
        return [r.id for r in self._records]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._records)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        r = self._records[index.row()]
        lang = lang_key()
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == 0:
                return f"#{r.id}"
            if col == 1:
                return cr.TYPES[r.type].label(lang) if r.type in cr.TYPES else r.type
            if col == 2:
                return place_of(r)
            if col == 3:
                return r.maker
            if col == 4:
                return cr.status_label(r.status, lang)
            if col == 5:
                return _local(r.updated_at)
            if col == 6:
                return r.review_comment if r.status == cr.RETURNED and r.review_comment else (r.reason or "")
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 6 and r.review_comment:
            return self.tr("Reviewer's comment: {0}").format(r.review_comment)
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        return None


def _local(at: dt.datetime | None) -> str:
    if at is None:
        return ""
    return at.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass
class _Queue:
    key: str
    model: RequestTableModel
    view: QTableView
    load: Callable[[], Sequence[cr.ChangeRequestRecord]]
    title: Callable[[int], str]
    allowed: bool


class ChangesPanel(QWidget):
    """The queues on the left, the selected request on the right."""

    changed = Signal()  # a request was approved (the registry changed) or moved between queues

    def __init__(self, *, services: Any, parent: QWidget | None = None, load: bool = True) -> None:
        """`load=False`: the owner calls `reload()` when it is time (the window, once its list shows)."""
        super().__init__(parent)
        self.setObjectName("changesPanel")
        self.services = services
        self.current: cr.ChangeRequestRecord | None = None
        self.message: str | None = None  # the last refusal shown, in the UI language
        self._box: Any = None
        self.role = services.users.role_of()
        me = services.db.user
        reviews = self.role in (REVIEWER, DIRECTOR)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("changeQueues")
        self.tabs.setDocumentMode(True)
        specs: list[tuple[str, Callable[[], Sequence[cr.ChangeRequestRecord]], Callable[[int], str], bool]] = [
            (MY_DRAFTS, lambda: services.changes.queue(cr.DRAFT, maker=me),
             lambda n: self.tr("My drafts ({0})").format(n), True),
            (RETURNED_TO_ME, lambda: services.changes.queue(cr.RETURNED, maker=me),
             lambda n: self.tr("Returned to me ({0})").format(n), True),
            (TO_REVIEW, lambda: services.changes.queue(cr.SUBMITTED, not_maker=me),
             lambda n: self.tr("Awaiting my review ({0})").format(n), reviews),
            (TO_SIGN_OFF, lambda: services.changes.queue(cr.APPROVED),
             lambda n: self.tr("Awaiting sign-off ({0})").format(n), self.role == DIRECTOR),
        ]
        self.queues: dict[str, _Queue] = {}
        for key, read, title, allowed in specs:
            model = RequestTableModel(parent=self)
            view = QTableView()
            view.setObjectName(f"queue_{key}")
            view.setModel(model)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setAlternatingRowColors(True)
            view.verticalHeader().setVisible(False)
            view.horizontalHeader().setStretchLastSection(True)
            view.selectionModel().currentRowChanged.connect(
                lambda current, _prev, m=model: self._selected(m, current))
            view.doubleClicked.connect(lambda index, m=model: self._activated(m, index))
            self.tabs.addTab(view, title(0))
            self.tabs.setTabEnabled(self.tabs.count() - 1, allowed)
            self.queues[key] = _Queue(key, model, view, read, title, allowed)
        self.tabs.currentChanged.connect(lambda _i: self._tab_changed())

        # ---------------------------------------------------------------- the review view
        self.title = QLabel(self.tr("Select a request to see it."))
        self.title.setObjectName("reviewTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.info = QLabel()
        self.info.setObjectName("reviewInfo")
        self.info.setWordWrap(True)
        self.info.setStyleSheet("color: #444;")
        self.fields = QTableWidget(0, 4)
        self.fields.setObjectName("reviewFields")
        self.fields.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Member"), self.tr("Old value"),
                                               self.tr("New value")])
        self.fields.verticalHeader().setVisible(False)
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for col in (0, 1):  # the field and member names in full; the values share the rest
            self.fields.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.problems = QListWidget()
        self.problems.setObjectName("reviewProblems")
        self.evidence = EvidenceList(services=services)
        self.evidence.refused.connect(self._refused)
        self.problems_label = QLabel(self.tr("Open problems of the household"))
        side = QWidget()
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(0, 0, 0, 0)
        side_lay.addWidget(self.problems_label)
        side_lay.addWidget(self.problems, 1)
        side_lay.addWidget(self.evidence, 1)
        middle = QSplitter(Qt.Orientation.Horizontal)
        middle.addWidget(self.fields)
        middle.addWidget(side)
        middle.setStretchFactor(0, 3)
        middle.setStretchFactor(1, 2)

        self.comment = QLineEdit()
        self.comment.setObjectName("reviewComment")
        self.comment.setPlaceholderText(self.tr("Comment (required to return a request)"))
        self.approve_button = QPushButton(self.tr("Approve"))
        self.approve_button.setObjectName("approveButton")
        self.return_button = QPushButton(self.tr("Return"))
        self.return_button.setObjectName("returnButton")
        self.reject_button = QPushButton(self.tr("Reject"))
        self.reject_button.setObjectName("rejectButton")
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setObjectName("editButton")
        self.submit_button = QPushButton(self.tr("Submit"))
        self.submit_button.setObjectName("submitRequestButton")
        self.signoff_button = QPushButton(self.tr("Sign off month…"))
        self.signoff_button.setObjectName("signoffButton")
        self.signoff_button.setVisible(self.role == DIRECTOR)
        self.approve_button.clicked.connect(lambda: self.approve())
        self.return_button.clicked.connect(lambda: self.return_())
        self.reject_button.clicked.connect(lambda: self.reject())
        self.submit_button.clicked.connect(lambda: self.submit())
        self.edit_button.clicked.connect(lambda: self.edit())
        self.signoff_button.clicked.connect(lambda: self.ask_sign_off())
        buttons = QHBoxLayout()
        buttons.addWidget(self.comment, 1)
        for b in (self.approve_button, self.return_button, self.reject_button, self.edit_button,
                  self.submit_button, self.signoff_button):
            buttons.addWidget(b)

        review = QWidget()
        review.setObjectName("reviewView")
        lay = QVBoxLayout(review)
        lay.setContentsMargins(6, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.info)
        lay.addWidget(middle, 1)
        lay.addLayout(buttons)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("changesSplitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(review)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([540, 760])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.splitter)
        self.on_edit: Callable[[cr.ChangeRequestRecord], Any] | None = None  # the window opens the dialog
        self._counts = dict.fromkeys(self.queues, 0)
        self._stale = set(self.queues)
        if load:
            self.reload()
        else:
            self._update_buttons()

    # ------------------------------------------------------------------ the queues
    def reload(self) -> None:
        """The tabs' counts from one query; the rows of the queue on show only (the others load
        when their tab is shown, or when a request is looked for in them)."""
        keep = self.current.id if self.current is not None else None
        try:
            counted = self.services.changes.queue_counts()
            numbers = {MY_DRAFTS: counted.my_drafts, RETURNED_TO_ME: counted.returned_to_me,
                       TO_REVIEW: counted.awaiting_review, TO_SIGN_OFF: counted.awaiting_signoff}
        except Exception as exc:
            numbers = {}
            self._refused(exc)
        self._counts = {k: numbers.get(k, 0) if q.allowed else 0 for k, q in self.queues.items()}
        self._stale = set(self.queues)
        for i, q in enumerate(self.queues.values()):
            self.tabs.setTabText(i, q.title(self._counts[q.key]))
        shown = self._shown_queue()
        if shown is not None:
            self._load(shown)
        if keep is not None and not self.select(keep):
            self.show_request(None)
        elif keep is None:
            self._update_buttons()

    def _shown_queue(self) -> _Queue | None:
        view = self.tabs.currentWidget()
        return next((q for q in self.queues.values() if q.view is view), None)

    def _load(self, q: _Queue) -> None:
        if q.key not in self._stale:
            return
        self._stale.discard(q.key)
        try:
            records = q.load() if q.allowed else []
        except Exception as exc:
            records = []
            self._refused(exc)
        q.model.set_records(records)
        self._counts[q.key] = len(records)
        self.tabs.setTabText(list(self.queues).index(q.key), q.title(len(records)))
        q.view.resizeColumnsToContents()

    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def ids(self, queue: str) -> list[int]:
        self._load(self.queues[queue])
        return self.queues[queue].model.ids()

    def select(self, request_id: int, queue: str | None = None) -> bool:
        """Show the request's queue and select it there; False when no queue holds it."""
        for i, q in enumerate(self.queues.values()):
            if queue is not None and q.key != queue:
                continue
            self._load(q)
            row = q.model.row_of(request_id)
            if row is not None:
                self.tabs.setCurrentIndex(i)
                q.view.selectRow(row)
                self.show_request(q.model.record(row))
                return True
        return False

    def _selected(self, model: RequestTableModel, current: QModelIndex) -> None:
        self.show_request(model.record(current.row()) if current.isValid() else None)

    def _activated(self, model: RequestTableModel, index: QModelIndex) -> None:
        record = model.record(index.row())
        if record is not None and record.status in cr.EDITABLE and record.maker == self.services.db.user:
            self.edit()

    def _tab_changed(self) -> None:
        q = self._shown_queue()
        if q is not None:
            self._load(q)
        index = q.view.currentIndex() if q is not None else QModelIndex()
        self.show_request(q.model.record(index.row()) if q is not None and index.isValid() else None)

    # ------------------------------------------------------------------ the review view
    def show_request(self, record: cr.ChangeRequestRecord | None) -> None:
        lang = lang_key()
        self.fields.setRowCount(0)
        self.problems.clear()
        self.evidence.show_files(())
        if record is None:
            self.current = None
            self.title.setText(self.tr("Select a request to see it."))
            self.info.setText("")
            self._update_buttons()
            return
        try:
            record = self.services.changes.get(record.id)  # with its fields, history and evidence
        except Exception as exc:
            self._refused(exc)
            return
        self.current = record
        kind = cr.TYPES[record.type].label(lang) if record.type in cr.TYPES else record.type
        self.title.setText(f"#{record.id}  {kind}  ·  {place_of(record)}  ·  "
                           f"{cr.status_label(record.status, lang)}")
        lines = [self.tr("Made by {0} on {1}").format(person(display_names(self.services), record.maker),
                                                      _local(record.created_at))]
        if record.reason:
            lines.append(self.tr("Reason: {0}").format(record.reason))
        if record.note:
            lines.append(self.tr("Note: {0}").format(record.note))
        if record.review_comment:
            lines.append(self.tr("Reviewer's comment: {0}").format(record.review_comment))
        if record.source == "form" and record.source_ref:
            lines.append(self.tr("From the printed form {0}").format(record.source_ref))
        facts = []
        if record.event_date:
            facts.append(self.tr("Date: {0}").format(record.event_date.isoformat()))
        if record.year:
            facts.append(self.tr("Year: {0}").format(record.year))
        if record.cause and record.type in cr.TYPES and cr.TYPES[record.type].cause_list:
            book = self.services.db.codebook()[cr.TYPES[record.type].cause_list]
            facts.append(self.tr("Cause: {0}").format(book.label(record.cause, lang)))
        if facts:
            lines.append("  ·  ".join(facts))
        if record.notice:
            n = record.notice
            lines.append(self.tr("Notice record: assessment {0}, public notice {1} to {2}, township review {3} "
                                 "by {4}").format(*(n.get(k) or "-" for k in cr.NOTICE_KEYS)))
        preview = cr.preview_from_detail(record.detail) if record.type == cr.VILLAGE_EXIT else None
        if preview is not None:
            lines.append(self.tr("Incidence of poverty in {0}: {1} poor of {2} = {3:.2f} %, threshold {4:g} %: {5}")
                         .format(preview.year, preview.poor, preview.population, preview.incidence,
                                 preview.threshold,
                                 self.tr("may exit") if preview.may_exit else self.tr("may not exit")))
        if record.type == cr.NEW_HOUSEHOLD:
            proposed = {f.member_index for f in record.fields if f.member_index is not None}
            number = next((f.after for f in record.fields if f.key == "household.household_no"), None)
            lines.append(self.tr("A new household of {0} members in {1}, number {2} (created when approved)")
                         .format(len(proposed), record.detail.get("village") or "", number or "-"))
        if not record.fields:
            lines.append(self.tr("No field changes: the household was verified as recorded."))
        self.info.setText("\n".join(lines))
        # a wrapped label in a short dock is squeezed to its first line: keep every line visible
        self.info.setMinimumHeight(self.info.heightForWidth(max(self.info.width(), 480)))
        books = self.services.db.codebook()
        names: dict[int, str] = {}
        if record.household_id is not None and any(f.member_id for f in record.fields):
            try:
                detail = self.services.registry.household(record.household_id, history_limit=0)
                names = {m.id: m["name"] or "" for m in detail.members}
            except Exception:  # the ID numbers the request names are shown instead
                names = {}
        # a new household's proposed members are named as the service's messages name them
        proposed_names = {f.member_index: f.after for f in record.fields
                          if f.member_index is not None and f.key == "member.name"}
        self.fields.setRowCount(len(record.fields))
        bold = QFont(self.fields.font())
        bold.setBold(True)
        for i, f in enumerate(record.fields):
            label, old, new = _journal_texts(f.key, f.before, f.after, books, lang)
            if f.key == VILLAGE_EXIT_YEAR:
                label = self.tr("Village exit year")
            who = names.get(f.member_id or 0) or f.member or ""
            if f.member_index is not None:
                who = cr.member_label(f.member_index, proposed_names.get(f.member_index), lang)
            for col, text in enumerate((label, who, old, new)):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setToolTip(f.key)
                    item.setForeground(QBrush(MUTED))
                if col == 3:
                    item.setFont(bold)
                    if f.after is None:  # the request empties the field
                        item.setText(self.tr("(empty)"))
                        item.setForeground(QBrush(MUTED))
                if col == 2 and f.changed_since_printing:
                    item.setToolTip(self.tr("Printed “{0}”; the registry held “{1}” when the request was made").format(
                        old, f.current or ""))
                self.fields.setItem(i, col, item)
        if preview is not None:  # what the village exit is judged on, beside its one field
            for label, text in ((self.tr("Poor population / population"), f"{preview.poor} / {preview.population}"),
                                (self.tr("Incidence of poverty"), f"{preview.incidence:.2f} %"),
                                (self.tr("Threshold of the year"), f"{preview.threshold:g} %")):
                row = self.fields.rowCount()
                self.fields.insertRow(row)
                for col, value in enumerate((label, "", "", text)):
                    item = QTableWidgetItem(value)
                    item.setForeground(QBrush(MUTED if col == 0 else
                                              QColor(24, 120, 48) if preview.may_exit else QColor(176, 32, 32)))
                    self.fields.setItem(row, col, item)
        self.fields.resizeRowsToContents()
        if record.household_id is not None:
            try:
                for p in self.services.checks.open_problems(record.household_id):
                    who = f"{p.member_name}: " if p.member_name else ""
                    self.problems.addItem(who + (p.message_en if lang == "en" else p.message_zh))
            except Exception as exc:  # the request is shown without the problems rather than not at all
                self._refused(exc)
        count = self.problems.count()
        self.problems_label.setText(self.tr("Open problems of the household ({0})").format(count))
        if record.household_id is None:
            self.problems_label.setText(self.tr("Open problems: none yet (the household is created when approved)")
                                        if record.type == cr.NEW_HOUSEHOLD else
                                        self.tr("Open problems: a village's request, of no household"))
        if not count:
            none = QListWidgetItem(self.tr("None"))
            none.setFlags(Qt.ItemFlag.NoItemFlags)
            self.problems.addItem(none)
        self.evidence.show_files(record.evidence)
        self._update_buttons()

    def _update_buttons(self) -> None:
        r = self.current
        reviews = self.role in (REVIEWER, DIRECTOR)
        submitted = r is not None and r.status == cr.SUBMITTED
        mine_editable = r is not None and r.status in cr.EDITABLE and r.maker == self.services.db.user
        for b in (self.approve_button, self.return_button, self.reject_button):
            b.setEnabled(reviews and submitted)
        self.comment.setEnabled(reviews and submitted)
        self.edit_button.setEnabled(mine_editable and r is not None and r.type in EDITABLE_TYPES)
        self.submit_button.setEnabled(mine_editable)
        # a reviewer sees the acts of a reviewer, a maker those of a maker (hidden, not only disabled)
        for w in (self.approve_button, self.return_button, self.reject_button, self.comment):
            w.setVisible(reviews)
        mine = r is not None and r.maker == self.services.db.user
        for b in (self.edit_button, self.submit_button):
            b.setVisible(not reviews or mine)

    # ------------------------------------------------------------------ acts (the service decides)
    def _act(self, act: Callable[[int], cr.ChangeRequestRecord]) -> cr.ChangeRequestRecord | None:
        if self.current is None:
            return None
        try:
            record = act(self.current.id)
        except Exception as exc:
            self._refused(exc)
            return None
        self.comment.clear()
        self.current = record
        self.reload()
        self.changed.emit()
        return record

    def approve(self) -> cr.ChangeRequestRecord | None:
        comment = self.comment.text()
        return self._act(lambda i: self.services.changes.approve(i, comment or None))

    def return_(self) -> cr.ChangeRequestRecord | None:
        comment = self.comment.text()
        return self._act(lambda i: self.services.changes.return_(i, comment))

    def reject(self) -> cr.ChangeRequestRecord | None:
        comment = self.comment.text()
        return self._act(lambda i: self.services.changes.reject(i, comment or None))

    def submit(self) -> cr.ChangeRequestRecord | None:
        return self._act(lambda i: self.services.changes.submit(i))

    def edit(self) -> None:
        if self.current is not None and self.on_edit is not None:
            self.on_edit(self.current)

    def default_period(self) -> str:
        """The oldest month holding approved requests, else this month."""
        periods = sorted({r.period for r in self.queues[TO_SIGN_OFF].model._records if r.period})
        return periods[0] if periods else cr.period_of(dt.date.today())

    def ask_sign_off(self) -> QInputDialog:
        dialog = QInputDialog(self)
        dialog.setObjectName("signoffDialog")
        dialog.setWindowTitle(self.tr("Sign off month"))
        dialog.setLabelText(self.tr("Sign off every approved request of the month (YYYY-MM) and close it:"))
        dialog.setTextValue(self.default_period())
        dialog.textValueSelected.connect(lambda text: self.sign_off(text))
        dialog.open()
        self._signoff_dialog = dialog
        return dialog

    def sign_off(self, period: str) -> cr.SignOffResult | None:
        try:
            result = self.services.changes.sign_off(period)
        except Exception as exc:
            self._refused(exc)
            return None
        self.reload()
        self.changed.emit()
        self._box = show_info(self, self.tr("Month signed off"),
                              self.tr("{0}: {1} requests signed off; the month is closed.").format(
                                  result.period, len(result.request_ids)))
        return result

    def _refused(self, exc: BaseException) -> None:
        self.message = error_text(exc)
        self._box = show_error(self, exc)


def install_changes_panel(window: Any) -> ChangesPanel:
    """The queues dock (View menu toggles it) and the director's Changes > Sign off month…."""
    from povdesk.ui.adjust_dialog import open_adjustment
    from povdesk.ui.change_dialog import open_correction

    panel = ChangesPanel(services=window.services, parent=window, load=False)
    window.after_list_shown(panel.reload)  # the queues' counts once the list shows
    panel.changed.connect(window.refresh)

    def edit(record: cr.ChangeRequestRecord) -> Any:
        if record.type == cr.CORRECT:
            return open_correction(window, record.household_id, request=record)
        return open_adjustment(window, record.type, record.household_id, request=record)

    panel.on_edit = edit
    window.changes_panel = panel
    others = [d for d in window._docks
              if window.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea]
    window.changes_dock = window.add_dock(panel, QCoreApplication.translate("Changes", "Change requests"),
                                          Qt.DockWidgetArea.BottomDockWidgetArea)
    if others:  # a tab beside the problems list: each needs the window's whole width
        window.tabifyDockWidget(others[0], window.changes_dock)
        others[0].raise_()
    menu = window.menus["changes"]
    menu.addSeparator()
    signoff = QAction(QCoreApplication.translate("Changes", "&Sign off month…"), window)
    signoff.setObjectName("signoffAction")
    signoff.setEnabled(panel.role == DIRECTOR)
    signoff.triggered.connect(lambda: panel.ask_sign_off())
    menu.addAction(signoff)
    reload = QAction(QCoreApplication.translate("Changes", "&Reload queues"), window)
    reload.triggered.connect(panel.reload)
    menu.addAction(reload)
    return panel
