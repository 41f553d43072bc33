"""The office's signing key (issue 12 §5): the public key (PEM) and its fingerprint, for the province
to keep and to confirm over the telephone, with Copy and Save as .pem; the director makes the key
here when there is none yet (it is otherwise made by the first export)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain.roles import DIRECTOR
from povdesk.ui.messages import ERROR_STYLE, OK_STYLE, error_text
from povdesk.ui.package_history import local_time
from povdesk.ui.package_wizard import mono_font, package_folder
from povdesk.ui.tasks import Task, run_in_background

if TYPE_CHECKING:  # the service (reportlab, cryptography) loads when the dialog is used
    from povdesk.services.packages import PublicKeyRecord


class OfficeKeyDialog(QDialog):
    def __init__(self, *, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("officeKeyDialog")
        self.setWindowTitle(self.tr("Office signing key"))
        self.services = services
        self.key: PublicKeyRecord | None = None
        self.message: str | None = None
        self.task: Task | None = None
        self.ask_path: Callable[[], Path | None] = self._ask_path
        self.ask_password: Callable[[], str | None] = self._ask_password

        intro = QLabel(self.tr("The province checks the signature of every monthly package with this public "
                               "key. Give it to the province once, and read the fingerprint to them over the "
                               "telephone so that they know the key is this office's."))
        intro.setWordWrap(True)
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("keyFingerprint")
        self.fingerprint.setFont(mono_font())
        self.holder = QLabel()
        self.holder.setObjectName("keyHolder")
        for label in (self.fingerprint, self.holder):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pem = QPlainTextEdit()
        self.pem.setObjectName("keyPem")
        self.pem.setReadOnly(True)
        self.pem.setFont(mono_font())
        self.pem.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.pem.setFixedHeight(self.pem.fontMetrics().lineSpacing() * 5 + 16)
        self.none = QLabel()
        self.none.setObjectName("keyNone")
        self.none.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.hide()

        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setObjectName("keyCopy")
        self.copy_button.clicked.connect(lambda: self.copy())
        self.save_button = QPushButton(self.tr("Save as .pem…"))
        self.save_button.setObjectName("keySave")
        self.save_button.clicked.connect(lambda: self.save())
        self.make_button = QPushButton(self.tr("Make the key…"))
        self.make_button.setObjectName("keyMake")
        self.make_button.clicked.connect(lambda: self.make())
        close = QPushButton(self.tr("Close"))
        close.setAutoDefault(False)
        close.clicked.connect(self.close)

        form = QFormLayout()
        form.addRow(self.tr("Fingerprint (SHA-256)"), self.fingerprint)
        form.addRow(self.tr("Made"), self.holder)
        self.form = QWidget()
        self.form.setLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.make_button)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.none)
        layout.addWidget(self.form)
        layout.addWidget(self.pem)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(720, 300)
        self.load()

    def load(self) -> PublicKeyRecord | None:
        try:
            self.key = self.services.packages.public_key()
        except Exception as exc:
            self.key = None
            self._say(error_text(exc), error=True)
        key = self.key
        director = self.services.users.role_of() == DIRECTOR
        self.form.setVisible(key is not None)
        self.pem.setVisible(key is not None)
        self.copy_button.setVisible(key is not None)
        self.save_button.setVisible(key is not None)
        self.none.setVisible(key is None)
        self.make_button.setVisible(key is None and director)
        if key is None:
            self.none.setText(self.tr("The office has no signing key yet. It is made the first time the director "
                                      "exports a package, or here by the director, sealed with their password."))
            return None
        self.fingerprint.setText(key.fingerprint_shown)
        self.fingerprint.setToolTip(key.fingerprint)
        self.holder.setText(self.tr("{0}, by director {1} (the key opens with their password)").format(
            local_time(key.created_at), key.holder))
        self.pem.setPlainText(key.public_pem.strip())
        return key

    def pem_text(self) -> str:
        return self.key.public_pem if self.key is not None else ""

    def copy(self) -> bool:
        if self.key is None:
            return False
        QGuiApplication.clipboard().setText(self.pem_text())
        self._say(self.tr("The public key is on the clipboard."))
        return True

    def _ask_path(self) -> Path | None:
        start = str(Path(package_folder()) / "office-public-key.pem")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the public key"), start,
                                              self.tr("PEM public key (*.pem)"))
        return Path(path) if path else None

    def save(self, path: Path | None = None) -> Path | None:
        if self.key is None:
            return None
        path = path or self.ask_path()
        if path is None:
            return None
        if not path.suffix:
            path = path.with_suffix(".pem")
        try:
            path.write_text(self.pem_text(), encoding="ascii", newline="\n")
        except OSError as exc:
            self._say(self.tr("The key could not be saved: {0}").format(exc.strerror or str(exc)), error=True)
            return None
        self._say(self.tr("Saved {0}.").format(str(path)))
        return path

    def _ask_password(self) -> str | None:
        text, ok = QInputDialog.getText(self, self.tr("Make the office key"),
                                        self.tr("Your password (it seals the office key):"),
                                        QLineEdit.EchoMode.Password)
        return text if ok and text else None

    def make(self, password: str | None = None) -> Task | None:
        """The director makes the key now (off the GUI thread: the password's key derivation is slow)."""
        password = password or self.ask_password()
        if not password:
            return None
        packages = self.services.packages

        def work(_progress: Any, _cancel: Any) -> PublicKeyRecord:
            return packages.ensure_key(password)

        self.task = run_in_background(work, parent=self, on_done=lambda _k: self._made(),
                                      on_error=lambda exc: self._say(error_text(exc), error=True),
                                      progress_label=self.tr("Making the office key…"), cancellable=False,
                                      writes=True)
        return self.task

    def _made(self) -> None:
        self.load()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message = text
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else OK_STYLE)
        self.status.show()


def open_office_key(window: Any) -> OfficeKeyDialog:
    dialog = OfficeKeyDialog(services=window.services, parent=window)
    window.office_key_dialog = dialog
    dialog.show()
    return dialog
