"""The part every dialog that makes a change request shares: the request it edits (or None for a
new one), its evidence, the refusal shown in place, and "Save as draft" / "Submit".

A dialog says how its request is written (`_write`: `make` for a new one, `edit` for a draft) and,
if it can, where a refusal points (`_mark`, `_clear_marks`); saving, submitting, the draft's
title and the refusal's text are the same for all of them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from povdesk.domain import changes as cr
from povdesk.ui.application import lang_key
from povdesk.ui.evidence import EvidenceBox
from povdesk.ui.messages import ERROR_STYLE, error_text


class RequestDialog(QDialog):
    """`saved` is emitted with each saved record (the draft, then the submitted request)."""

    saved = Signal(object)

    def __init__(self, *, services: Any, kind: cr.ChangeType, request: cr.ChangeRequestRecord | None,
                 error_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.kind = kind
        self.request = request
        self.result_record: cr.ChangeRequestRecord | None = None
        self.message: str | None = None  # the last refusal, in the UI language
        self.evidence = EvidenceBox(services=services, request=request)
        self.evidence.refused.connect(self._refused)
        self.error = QLabel()
        self.error.setObjectName(error_name)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()

    def _write(self) -> cr.ChangeRequestRecord:
        """Make the request (`self.request` is None) or edit the draft; the service refuses."""
        raise NotImplementedError

    def _mark(self, exc: BaseException) -> None:
        """Point at what a refusal names (the new household's dialog marks rows and fields)."""

    def _clear_marks(self) -> None:
        """Take the marks of the last refusal away."""

    def draft_title(self, record: cr.ChangeRequestRecord) -> str:
        return QCoreApplication.translate("RequestDialog", "{0} - draft #{1}").format(
            self.kind.label(lang_key()), record.id)

    def save(self, *, submit: bool) -> bool:
        """Make (or edit) the request, then submit it when asked; a refusal stays in the dialog."""
        self.error.hide()
        self.message = None
        self._clear_marks()
        try:
            record = self._write()
            self.request = record
            self.evidence.attach_to(record)
            self.saved.emit(record)
            if submit:
                record = self.services.changes.submit(record.id)
                self.saved.emit(record)
        except Exception as exc:
            self._refused(exc)
            return False
        self.result_record = record
        if submit:
            self.accept()
        else:
            self.setWindowTitle(self.draft_title(record))
        return True

    def _refused(self, exc: BaseException) -> None:
        self.message = error_text(exc)
        self.error.setText(self.message)
        self.error.show()
        self._mark(exc)
