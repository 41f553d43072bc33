"""Evidence files in the window (issue 11 §5): attaching them to a request (a file dialog, or
dropped on the box) before or after its draft is saved, and the review view's list with name, type,
size, a thumbnail for images and "Open" (a temporary copy opened by the desktop).

The size limit and duplicates are the service's: the same file twice is stored once, a file over
the limit is refused and the refusal is shown in the UI language.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain import changes as cr
from povdesk.domain.filenames import path_inside, safe_file_name

THUMBNAIL = 64
#: a file's id in a list row (stored files), or its position in the pending list (not yet stored)
FILE_ROLE = Qt.ItemDataRole.UserRole


def size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


def _safe_name(name: str) -> str:
    path = Path(name)
    ext = path.suffix.lower()
    try:
        return safe_file_name(path.stem, ext=ext, fallback="evidence")
    except ValueError:  # not a plain extension: keep the whole name as the stem
        return safe_file_name(name, fallback="evidence")


def open_copy(name: str, sha256: str, data: bytes) -> Path:
    """A temporary copy of an evidence file for the desktop to open (one folder per file content,
    the file under its own name made safe)."""
    folder = Path(tempfile.gettempdir()) / "povdesk-evidence" / sha256[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = path_inside(folder, _safe_name(name))
    if not path.exists() or path.stat().st_size != len(data):
        path.write_bytes(data)
    return path


def _thumbnail(data: bytes, media_type: str) -> QIcon | None:
    if not media_type.startswith("image/"):
        return None
    pixmap = QPixmap()
    if not pixmap.loadFromData(data):
        return None
    return QIcon(pixmap.scaled(THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                               Qt.TransformationMode.SmoothTransformation))


class EvidenceBox(QWidget):
    """The evidence of the request a dialog makes or edits. Files attached before the draft exists
    wait in `pending` and go with `make(evidence=...)`; once `request_id` is set each file is
    stored at once (`add_evidence`). Files may be dropped on the box."""

    changed = Signal()
    refused = Signal(object)  # the service's exception

    def __init__(self, *, services: Any, request: cr.ChangeRequestRecord | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidenceBox")
        self.services = services
        self.request_id: int | None = None
        self.pending: list[tuple[str, bytes]] = []
        self._stored: tuple[cr.EvidenceRecord, ...] = ()
        self.setAcceptDrops(True)
        self.label = QLabel(self.tr("Evidence"))
        self.list = QListWidget()
        self.list.setObjectName("evidenceFiles")
        self.list.setMaximumHeight(64)
        self.list.setToolTip(self.tr("Drop files here, or use “Attach files…”"))
        self.attach_button = QPushButton(self.tr("Attach files…"))
        self.attach_button.setObjectName("attachEvidence")
        self.attach_button.setAutoDefault(False)
        self.attach_button.clicked.connect(self.choose)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.label)
        top.addStretch(1)
        top.addWidget(self.attach_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.list)
        if request is not None:
            self.attach_to(request)
        else:
            self._fill()

    # ------------------------------------------------------------------ content
    def attach_to(self, record: cr.ChangeRequestRecord) -> None:
        """The request now exists (its pending files went with it): show what it holds."""
        self.request_id = record.id
        self.pending = []
        self._stored = record.evidence
        self._fill()

    def names(self) -> list[str]:
        return [e.name for e in self._stored] + [name for name, _ in self.pending]

    def _fill(self) -> None:
        self.list.clear()
        for e in self._stored:
            item = QListWidgetItem(f"{e.name}  ({size_text(e.size)}, {e.media_type})")
            item.setData(FILE_ROLE, e.file_id)
            self.list.addItem(item)
        for i, (name, data) in enumerate(self.pending):
            item = QListWidgetItem(self.tr("{0}  ({1}, attached when the request is saved)").format(
                name, size_text(len(data))))
            item.setData(FILE_ROLE, -1 - i)
            self.list.addItem(item)
        if not self._stored and not self.pending:
            hint = QListWidgetItem(self.tr("No files yet: drop scans here or use “Attach files…”."))
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(hint)
        self.label.setText(self.tr("Evidence ({0})").format(len(self._stored) + len(self.pending)))

    # ------------------------------------------------------------------ adding
    def choose(self) -> None:
        dialog = QFileDialog(self, self.tr("Attach evidence files"))
        dialog.setObjectName("evidenceFileDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters([self.tr("Scans and documents (*.jpg *.jpeg *.png *.pdf *.tif *.tiff)"),
                               self.tr("All files (*)")])
        dialog.filesSelected.connect(lambda files: self.add_paths(files))
        dialog.open()
        self._dialog = dialog

    def add_paths(self, paths: Iterable[str | Path]) -> bool:
        """Attach the files (stored at once when the request exists); False when one was refused."""
        ok = True
        for raw in paths:
            path = Path(raw)
            try:
                data = path.read_bytes()
            except OSError as exc:
                self.refused.emit(exc)
                ok = False
                continue
            if self.request_id is None:
                self.pending.append((path.name, data))
                continue
            try:
                record = self.services.changes.add_evidence(self.request_id, path.name, data)
            except Exception as exc:
                self.refused.emit(exc)
                ok = False
                continue
            self._stored = record.evidence
        self._fill()
        self.changed.emit()
        return ok

    # ------------------------------------------------------------------ drag and drop
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.add_paths(files)


class EvidenceList(QWidget):
    """The review view's evidence: one row per file (thumbnail for an image, name, type, size) and
    "Open" (a temporary copy opened by the desktop's program for that type)."""

    refused = Signal(object)

    def __init__(self, *, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._records: list[cr.EvidenceRecord] = []
        self.opener: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.label = QLabel(self.tr("Evidence"))
        self.list = QListWidget()
        self.list.setObjectName("reviewEvidence")
        self.list.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.list.setSpacing(2)
        self.list.itemDoubleClicked.connect(lambda _item: self.open_current())
        self.list.currentRowChanged.connect(lambda _row: self._update())
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("openEvidence")
        self.open_button.clicked.connect(lambda: self.open_current())
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.label, 1)
        top.addWidget(self.open_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.list)
        self.show_files(())

    def show_files(self, records: Sequence[cr.EvidenceRecord]) -> None:
        self.list.clear()
        self._records = list(records)
        generic = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        for e in self._records:
            icon = None
            if e.media_type.startswith("image/"):
                try:
                    icon = _thumbnail(self.services.changes.evidence_bytes(e.file_id), e.media_type)
                except Exception as exc:  # the row is listed without its picture rather than not at all
                    self.refused.emit(exc)
            item = QListWidgetItem(icon or generic, f"{e.name}\n{e.media_type} · {size_text(e.size)}")
            item.setToolTip(f"{e.name}\n{e.media_type}, {e.size:,} B\nSHA-256 {e.sha256}")
            item.setData(FILE_ROLE, e.file_id)
            self.list.addItem(item)
        if not self._records:
            none = QListWidgetItem(self.tr("(no evidence files)"))
            none.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(none)
        else:
            self.list.setCurrentRow(0)
        self.label.setText(self.tr("Evidence ({0})").format(len(self._records)))
        self._update()

    def records(self) -> list[cr.EvidenceRecord]:
        return list(self._records)

    def has_thumbnail(self, row: int) -> bool:
        item = self.list.item(row)
        return item is not None and not item.icon().isNull() and self._records[row].media_type.startswith("image/")

    def _update(self) -> None:
        self.open_button.setEnabled(0 <= self.list.currentRow() < len(self._records))

    def open_current(self) -> Path | None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._records):
            return None
        e = self._records[row]
        try:
            path = open_copy(e.name, e.sha256, self.services.changes.evidence_bytes(e.file_id))
        except Exception as exc:
            self.refused.emit(exc)
            return None
        self.opener(QUrl.fromLocalFile(str(path)))
        return path
