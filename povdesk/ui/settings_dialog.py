"""The settings dialog (File > Settings…): the window's language, the office's settings for printing,
and the users and roles (the director's), one page each, chosen from a list on the left.

Other features add a page with `register_page` (the backup page: ``register_page("backups",
title, factory)``); a page registered is listed after the built-in ones, nothing shows otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from povdesk.config import Settings, system_language
from povdesk.domain.roles import DIRECTOR
from povdesk.ui.application import current_language, set_language
from povdesk.ui.messages import show_error


@dataclass(frozen=True)
class PageSpec:
    """A page another feature adds: its key, its title (called when the dialog opens, so it is
    translated) and a factory making the page's widget for the window's services."""

    key: str
    title: Callable[[], str]
    factory: Callable[[Any, QWidget], QWidget]
    director_only: bool = False


_registered: list[PageSpec] = []


def register_page(key: str, title: Callable[[], str], factory: Callable[[Any, QWidget], QWidget], *,
                  director_only: bool = False) -> None:
    """Add a page to every settings dialog opened from now on (registering a key again replaces it)."""
    _registered[:] = [p for p in _registered if p.key != key]
    _registered.append(PageSpec(key, title, factory, director_only))


def registered_pages() -> list[PageSpec]:
    return list(_registered)


class SettingsDialog(QDialog):
    """Pages on the left, the chosen page on the right; OK saves the app settings (settings.json)."""


    def __init__(self, *, services: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.services = services
        self.settings = Settings.load()
        self.pages = QListWidget()
        self.pages.setObjectName("settingsPages")
        self.stack = QStackedWidget()
        self.page_keys: list[str] = []
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        self._add("general", self.tr("Language"), self._general_page())
        self._add("office", self.tr("Office and printing"), self._office_page())
        is_director = self._is_director()
        self._add("users", self.tr("Users and roles"), self._users_page(is_director))
        for spec in registered_pages():
            if spec.director_only and not is_director:
                continue
            try:
                page = spec.factory(services, self)
            except Exception as exc:  # one broken page shows its error; the others still open
                show_error(self, exc)
                continue
            self._add(spec.key, spec.title(), page)
        fm = self.pages.fontMetrics()
        self.pages.setFixedWidth(max(fm.horizontalAdvance(self.pages.item(i).text())
                                     for i in range(self.pages.count())) + 40)
        self.pages.setCurrentRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.pages)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.resize(820, 560)

    def _add(self, key: str, title: str, page: QWidget) -> None:
        self.page_keys.append(key)
        self.pages.addItem(title)
        self.stack.addWidget(page)

    def show_page(self, key: str) -> None:
        self.pages.setCurrentRow(self.page_keys.index(key))

    def page(self, key: str) -> QWidget:
        page = self.stack.widget(self.page_keys.index(key))
        assert page is not None  # every key listed has its page
        return page

    def _is_director(self) -> bool:
        try:
            return (not self.services.db.has_logins()) or self.services.users.role_of() == DIRECTOR
        except Exception:
            return False

    # ------------------------------------------------------------------ pages
    def _general_page(self) -> QWidget:
        page = QWidget()
        self.language = QComboBox()
        self.language.setObjectName("languageCombo")
        for code, label in (("", self.tr("Follow the system")), ("zh_CN", "中文（简体）"), ("en", "English")):
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(0, self.language.findData(self.settings.language)))
        note = QLabel(self.tr("The window switches to the new language when you press OK. Printed forms "
                              "and exports are always in Chinese."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        form = QFormLayout(page)
        form.addRow(self.tr("Language of the window"), self.language)
        form.addRow("", note)
        return page

    def _office_page(self) -> QWidget:
        page = QWidget()
        counties = []
        try:
            counties = [f"{c.name} ({c.code})" for c in self.services.registry.navigator()]
        except Exception:  # the county is shown when it can be read
            counties = []
        self.county = QLabel("、".join(counties) or self.tr("(no county imported yet)"))
        self.county.setObjectName("countyLabel")
        self.county.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        county_note = QLabel(self.tr("The county comes from the imported roster; it changes with a new import."))
        county_note.setWordWrap(True)
        county_note.setStyleSheet("color: #555;")
        self.mask_ids = QCheckBox(self.tr("Partly mask ID numbers on printed forms"))
        self.mask_ids.setObjectName("maskIds")
        self.mask_ids.setChecked(self.settings.mask_id_on_print)
        self.print_folder = QLineEdit(self.settings.print_folder)
        self.print_folder.setObjectName("printFolder")
        self.print_folder.setPlaceholderText(self.tr("the Documents folder"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_folder)
        row = QHBoxLayout()
        row.addWidget(self.print_folder, 1)
        row.addWidget(browse)
        form = QFormLayout(page)
        form.addRow(self.tr("County"), self.county)
        form.addRow("", county_note)
        form.addRow(self.tr("Printed forms"), self.mask_ids)
        form.addRow(self.tr("Save printed PDFs in"), row)
        return page

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for printed forms"),
                                                  self.print_folder.text() or str(Path.home()))
        if folder:
            self.print_folder.setText(folder)

    def _users_page(self, is_director: bool) -> QWidget:
        if not is_director:
            label = QLabel(self.tr("Only the director manages users and roles."))
            label.setObjectName("usersRefused")
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            return label
        from povdesk.ui.login import UsersDialog

        users = UsersDialog(services=self.services, parent=self)
        users.setWindowFlags(Qt.WindowType.Widget)  # the dialog's content, as a page
        for box in users.findChildren(QDialogButtonBox):
            box.hide()  # this dialog's OK/Cancel close it, not the page's Close
        self.users = users
        return users

    # ------------------------------------------------------------------ saving
    def chosen(self) -> Settings:
        return replace(self.settings, language=str(self.language.currentData() or ""),
                       mask_id_on_print=self.mask_ids.isChecked(),
                       print_folder=self.print_folder.text().strip())

    def accept(self) -> None:
        chosen = self.chosen()
        try:
            chosen.save()
        except OSError as exc:
            show_error(self, exc)
            return
        switched = (chosen.language or system_language()) != current_language()
        self.settings = chosen
        super().accept()
        window, app = self.parent(), QCoreApplication.instance()
        reopen = getattr(window, "reopen", None)
        if switched and app is not None and window is not None and reopen is not None:
            set_language(app, chosen.language or system_language())
            QTimer.singleShot(0, window, reopen)  # after this dialog has closed; not if the window has gone


def install_settings(window: Any) -> QAction:
    """File > Settings… (Ctrl+,)."""
    action = QAction(QCoreApplication.translate("SettingsDialog", "&Settings…"), window)
    action.setObjectName("settingsAction")
    action.setShortcut(QKeySequence("Ctrl+,"))
    action.setMenuRole(QAction.MenuRole.PreferencesRole)

    def open_dialog() -> SettingsDialog:
        dialog = SettingsDialog(services=window.services, parent=window)
        dialog.show()
        window._settings_dialog = dialog  # kept alive while open; tests reach it here
        return dialog

    action.triggered.connect(lambda: open_dialog())
    menu = window.menus["file"]
    actions = menu.actions()
    menu.insertAction(actions[-2] if len(actions) >= 2 else None, action)  # above the Quit separator
    window.actions_by_name["settings"] = action
    return action
