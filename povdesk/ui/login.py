"""Logging in and the office's users: the login dialog shown before the main window when the
database has logins, who is logged in (status bar), and the director's Users dialog."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from povdesk.domain.roles import DIRECTOR, ROLES, role_label
from povdesk.errors import PovdeskError
from povdesk.ui.messages import error_text, show_error, ui_language

#: the demo county's meta key (`povdesk.demo.service.META_KEY`): its login dialog names the demo users
DEMO_META_KEY = "demo"


def _lang() -> str:
    return "zh" if ui_language().startswith("zh") else "en"


class LoginDialog(QDialog):
    """Login and password; a refusal (wrong password, locked login) is shown in the dialog, which
    stays open. Accepted once `services.users.authenticate` succeeded."""

    def __init__(self, *, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.services = services
        self.setWindowTitle(self.tr("Log in to povdesk"))
        db = services.db
        self.login = QLineEdit()
        self.login.setObjectName("loginName")
        self.password = QLineEdit()
        self.password.setObjectName("loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        known = {u.login for u in services.users.list() if u.has_password}
        if db.user in known:
            self.login.setText(db.user)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        self.hint = QLabel(self.tr("Demo users: clerk / reviewer / director, password demo"))
        self.hint.setObjectName("loginDemoHint")
        self.hint.setStyleSheet("color: #555;")
        self.hint.setVisible(db.meta(DEMO_META_KEY) is not None)
        where = QLabel(self.tr("Database: {0}").format(db.display_name))
        where.setStyleSheet("color: #555;")
        where.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Login"), self.login)
        form.addRow(self.tr("Password"), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log in"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if self.login.text() else self.login).setFocus()
        self.resize(420, 0)

    def try_login(self) -> bool:
        try:
            self.services.users.authenticate(self.login.text(), self.password.text())
        except PovdeskError as exc:
            self.error.setText(error_text(exc))
            self.error.show()
            self.password.clear()
            self.password.setFocus()
            return False
        self.accept()
        return True


def log_in(services: Any, parent: QWidget | None = None) -> bool:
    """Ask for a login when the database has logins (else nothing to do). False: the user gave up."""
    if not services.db.has_logins() or services.db.authenticated:
        return True
    return LoginDialog(services=services, parent=parent).exec() == QDialog.DialogCode.Accepted


def user_status(services: Any) -> str:
    """Who works on the database, for the status bar."""
    db = services.db
    lang = _lang()
    if not db.has_logins():
        return QCoreApplication.translate("Login", "User: {0}").format(db.user)
    if not db.authenticated:
        return QCoreApplication.translate("Login", "Not logged in (read only)")
    name = services.users.names().get(db.user, db.user)
    role = role_label(services.users.role_of(), lang)
    return QCoreApplication.translate("Login", "Logged in: {0} ({1}, {2})").format(name, db.user, role)


class UsersDialog(QDialog):
    """The office's users: the list, and a form to add one or set a role, a name or a password
    (the services refuse anyone but the director once the database has logins)."""

    def __init__(self, *, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("usersDialog")
        self.services = services
        self.setWindowTitle(self.tr("Users"))
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("usersTable")
        self.table.setHorizontalHeaderLabels([self.tr("Login"), self.tr("Name"), self.tr("Role"),
                                              self.tr("Can log in")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.currentCellChanged.connect(lambda row, *_: self._fill(row))
        self.login = QLineEdit()
        self.login.setObjectName("userLogin")
        self.name = QLineEdit()
        self.name.setObjectName("userName")
        self.role = QComboBox()
        self.role.setObjectName("userRole")
        for role in ROLES:
            self.role.addItem(role_label(role, _lang()), role)
        self.password = QLineEdit()
        self.password.setObjectName("userPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("leave empty to keep the password"))
        self.save_button = QPushButton(self.tr("Save user"))
        self.save_button.setObjectName("saveUser")
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow(self.tr("Login"), self.login)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("New password"), self.password)
        note = QLabel(self.tr("Only the director manages users and roles. The first user given a "
                              "password becomes the director; from then on every change needs a login."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, 480)
        self.load()

    def load(self) -> None:
        users = self.services.users.list()
        self.table.setRowCount(len(users))
        for row, u in enumerate(users):
            cells = (u.login, u.display_name, role_label(u.role, _lang()),
                     self.tr("yes") if u.has_password else self.tr("no"))
            for col, text in enumerate(cells):
                self.table.setItem(row, col, QTableWidgetItem(text))

    def _fill(self, row: int) -> None:
        item = self.table.item(row, 0) if row >= 0 else None
        if item is None:
            return
        login = item.text()
        user = next((u for u in self.services.users.list() if u.login == login), None)
        if user is None:
            return
        self.login.setText(user.login)
        self.name.setText(user.display_name)
        self.role.setCurrentIndex(max(0, self.role.findData(user.role)))
        self.password.clear()

    def save(self) -> bool:
        try:
            self.services.users.save(self.login.text(), role=self.role.currentData(),
                                     display_name=self.name.text().strip() or None,
                                     password=self.password.text() or None)
        except PovdeskError as exc:
            show_error(self, exc)
            return False
        self.password.clear()
        self.load()
        return True


def install_users(window: Any) -> QAction:
    """The logged-in user in the status bar, and File > Users… (the director's)."""
    label = QLabel(user_status(window.services))
    label.setObjectName("userLabel")
    window.statusBar().addPermanentWidget(label)
    window.user_label = label
    action = QAction(QCoreApplication.translate("Login", "&Users…"), window)
    action.setObjectName("usersAction")
    services = window.services
    action.setEnabled(not services.db.has_logins() or services.users.role_of() == DIRECTOR)

    def open_dialog() -> UsersDialog:
        dialog = UsersDialog(services=services, parent=window)
        dialog.show()
        window._users_dialog = dialog  # kept alive while open; tests reach it here
        return dialog

    action.triggered.connect(lambda: open_dialog())
    menu = window.menus["file"]
    menu.insertAction(menu.actions()[1] if len(menu.actions()) > 1 else None, action)
    return action
