"""Evidence from the window: attached in the dialogs (file dialog, drag and drop) before and after a
draft is saved, listed in the review view with thumbnails, opened by the desktop (issue 11 §5)."""

from __future__ import annotations

import warnings
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from povdesk.domain import changes as cr
from povdesk.ui.change_dialog import ChangeDialog
from povdesk.ui.changes_panel import TO_REVIEW, ChangesPanel


def _png(path: Path) -> Path:
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 40, 40))
    assert image.save(str(path), "PNG")
    return path


def _drop(widget, paths: list[Path]) -> bool:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    with warnings.catch_warnings():  # PySide6 flags QDragEnterEvent's only constructor as deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return True


def test_files_dropped_before_the_draft_go_with_it_and_duplicates_are_stored_once(qtbot, login_as, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    dialog = ChangeDialog(services=clerk, household_id=1)
    qtbot.addWidget(dialog)
    scan = _png(tmp_path / "户口本.png")
    copy = tmp_path / "copy.png"
    copy.write_bytes(scan.read_bytes())
    assert _drop(dialog.evidence, [scan])
    assert dialog.evidence.add_paths([copy])  # the same bytes under another name
    assert dialog.evidence.names() == ["户口本.png", "copy.png"]
    assert clerk.changes.list() == []  # nothing stored before the request is saved
    dialog.editor("household.phone").setText("13822223333")  # type: ignore[attr-defined]
    assert dialog.save(submit=False)
    record = clerk.changes.get(dialog.result_record.id)
    assert [e.name for e in record.evidence] == ["户口本.png"]  # the same file twice is kept once
    assert [e.name for e in dialog.evidence._stored] == ["户口本.png"]


def test_an_oversized_file_is_refused_by_the_service_in_the_ui_language(qtbot, login_as, ui_language, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    clerk = login_as("clerk")
    draft = clerk.changes.make(cr.CORRECT, household_id=1, sets={"household.phone": "13822224444"})
    dialog = ChangeDialog(services=clerk, household_id=1, request=draft)
    qtbot.addWidget(dialog)
    big = tmp_path / "big.tif"
    with big.open("wb") as f:
        f.truncate(20 * 1024 * 1024 + 1)
    assert not dialog.evidence.add_paths([big])
    assert dialog.message is not None and "最大 20 MB" in dialog.message
    assert clerk.changes.get(draft.id).evidence == ()


def test_the_review_view_lists_evidence_with_thumbnails_and_opens_a_copy(qtbot, login_as, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    picture = _png(tmp_path / "死亡证明.png")
    pdf = b"%PDF-1.4 signed form"
    request = clerk.changes.make(cr.CORRECT, household_id=1, sets={"household.phone": "13822225555"},
                                 evidence=[(picture.name, picture.read_bytes()), ("签字表.pdf", pdf)])
    clerk.changes.submit(request.id)
    reviewer = login_as("reviewer")
    panel = ChangesPanel(services=reviewer)
    qtbot.addWidget(panel)
    assert panel.select(request.id, TO_REVIEW)
    files = panel.evidence
    assert [e.name for e in files.records()] == ["死亡证明.png", "签字表.pdf"]
    assert files.has_thumbnail(0) and not files.has_thumbnail(1)
    assert "application/pdf" in files.list.item(1).text() and "KB" in files.list.item(1).text()
    opened: list[QUrl] = []
    files.opener = lambda url: opened.append(url) or True
    files.list.setCurrentRow(1)
    qtbot.mouseClick(files.open_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1
    path = Path(opened[0].toLocalFile())
    assert path.name == "签字表.pdf" and path.read_bytes() == pdf
