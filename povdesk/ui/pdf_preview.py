"""Show a PDF inside the application (Qt's PDF module) and send it to a printer page by page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

try:  # QtPdf ships in the pyside6-pdf wheel; without it the preview offers the system viewer
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
except ImportError:  # pragma: no cover - depends on the installation
    _QTPDF = False  # the two names stay unbound: only used where pdf_support() said yes
else:
    _QTPDF = True


def pdf_support() -> bool:
    return _QTPDF


def print_pdf(document: QPdfDocument, printer: QPrinter, *, first: int = 1, last: int | None = None) -> int:
    """Render pages first..last (1-based) onto the printer at its resolution; returns pages sent."""
    count = document.pageCount()
    last = min(last or count, count)
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    sent = 0
    try:
        for page in range(first - 1, last):
            if sent:
                printer.newPage()
            area: QRect = painter.viewport()
            points = document.pagePointSize(page)
            scale = min(area.width() / points.width(), area.height() / points.height())
            size = QSize(max(1, int(points.width() * scale)), max(1, int(points.height() * scale)))
            image = document.render(page, size)
            x = area.x() + (area.width() - size.width()) // 2
            y = area.y() + (area.height() - size.height()) // 2
            painter.drawImage(QPoint(x, y), image)
            sent += 1
    finally:
        painter.end()
    return sent


class PdfPreview(QWidget):
    """The pages of one PDF, scrolled continuously, with Print… and Open buttons."""

    printed = Signal(int)

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pdf_preview")
        self.path: Path | None = None
        self.info = QLabel(self.tr("No PDF yet."))
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.clicked.connect(self.print_with_dialog)
        self.open_button = QPushButton(self.tr("Open in PDF viewer"))
        self.open_button.clicked.connect(self.open_external)
        self.zoom_in = QPushButton("+")
        self.zoom_out = QPushButton("−")
        self.zoom_in.setToolTip(self.tr("Zoom in"))
        self.zoom_out.setToolTip(self.tr("Zoom out"))
        bar = QHBoxLayout()
        bar.addWidget(self.info, 1)
        bar.addWidget(self.zoom_out)
        bar.addWidget(self.zoom_in)
        bar.addWidget(self.open_button)
        bar.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        self.document: QPdfDocument | None
        self.view: QPdfView | None
        if pdf_support():
            self.document = QPdfDocument(self)
            self.view = QPdfView(self)
            self.view.setDocument(self.document)
            self.view.setPageMode(QPdfView.PageMode.MultiPage)
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.view.setPageSpacing(8)
            layout.addWidget(self.view, 1)
            self.zoom_in.clicked.connect(lambda: self._zoom(1.25))
            self.zoom_out.clicked.connect(lambda: self._zoom(0.8))
        else:  # pragma: no cover - depends on the installation
            self.document = None
            self.view = None
            note = QLabel(self.tr("The PDF preview needs Qt's PDF module (package pyside6-pdf). "
                                  "Open the file in a PDF viewer instead."))
            note.setWordWrap(True)
            layout.addWidget(note, 1)
            self.zoom_in.setEnabled(False)
            self.zoom_out.setEnabled(False)
        self._update_buttons()

    def load(self, path: str | Path) -> bool:
        self.path = Path(path)
        ok = True
        if self.document is not None:
            self.document.close()
            ok = self.document.load(str(self.path)) == QPdfDocument.Error.None_
            pages = self.document.pageCount() if ok else 0
            self.info.setText(self.tr("{0} — {1} pages").format(self.path.name, pages))
        else:  # pragma: no cover
            self.info.setText(self.path.name)
        self._update_buttons()
        return ok

    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None else 0

    def _zoom(self, factor: float) -> None:
        assert self.view is not None
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.2, min(5.0, self.view.zoomFactor() * factor)))

    def _update_buttons(self) -> None:
        have = self.path is not None
        self.open_button.setEnabled(have)
        self.print_button.setEnabled(have and self.document is not None and self.page_count() > 0)

    def open_external(self) -> None:
        if self.path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))

    def print_with_dialog(self) -> None:
        """The system print dialog, then each page rendered at the printer's resolution."""
        if self.document is None or self.page_count() == 0:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.path.name if self.path else "povdesk")
        printer.setFullPage(False)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.page_count())
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        first, last = printer.fromPage(), printer.toPage()
        if first == 0:
            first, last = 1, self.page_count()
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            sent = print_pdf(self.document, printer, first=first, last=last)
        finally:
            self.unsetCursor()
        self.printed.emit(sent)
