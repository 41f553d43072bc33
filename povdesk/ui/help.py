"""Help menu: the keyboard shortcuts (read from the window's menus, so the list is always the one
the window has) and the user guide (docs/用户手册.md, shown in the window with its pictures)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # povdesk/
GUIDE_NAME = "用户手册.md"


def guide_path() -> Path | None:
    """docs/用户手册.md of the source tree, or of a bundle (next to the executable)."""
    folders = [PACKAGE_DIR.parent / "docs", PACKAGE_DIR / "docs"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        folders.insert(0, Path(frozen) / "docs")
    return next((f / GUIDE_NAME for f in folders if (f / GUIDE_NAME).is_file()), None)


def _plain(text: str) -> str:
    """A menu text without its & marker and trailing dots."""
    text = re.sub(r"\s*\(&\w\)", "", text)  # 文件(&F) -> 文件
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".")


def shortcut_rows(window: Any) -> list[tuple[str, str, str]]:
    """(action, key, menu) for every action of the window that has a shortcut, menu by menu; the
    window's own actions without a menu (Find) last."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                sub = action.menu()
                assert isinstance(sub, QMenu)
                walk(sub, f"{path} › {_plain(sub.title())}")
                continue
            if action.isSeparator() or action.shortcut().isEmpty() or id(action) in seen:
                continue
            seen.add(id(action))
            rows.append((_plain(action.text()),
                         action.shortcut().toString(QKeySequence.SequenceFormat.NativeText), path))

    for menu in window.menus.values():
        walk(menu, _plain(menu.title()))
    for action in window.actions():
        if not action.shortcut().isEmpty() and id(action) not in seen:
            seen.add(id(action))
            rows.append((_plain(action.text()),
                         action.shortcut().toString(QKeySequence.SequenceFormat.NativeText), ""))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, *, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys"), self.tr("Menu")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        note = QLabel(self.tr("In lists and tables: arrow keys move, Enter opens, Ctrl+A selects all, "
                              "Ctrl+C copies."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(620, min(760, 120 + 26 * len(rows)))


class GuideDialog(QDialog):
    """The user guide, read from docs/用户手册.md with its screenshots beside it."""

    def __init__(self, *, path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideDialog")
        self.setWindowTitle(self.tr("User guide"))
        self.browser = QTextBrowser()
        self.browser.setObjectName("guideBrowser")
        self.browser.setOpenExternalLinks(True)
        if path is None:
            self.browser.setPlainText(self.tr("The user guide (docs/用户手册.md) is not installed."))
        else:
            self.browser.setSearchPaths([str(path.parent)])
            self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(path.parent) + "/"))
            self.browser.setMarkdown(path.read_text(encoding="utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(980, 760)


def install_help(window: Any) -> tuple[QAction, QAction]:
    """Help > User guide (F1) and Help > Keyboard shortcuts (Ctrl+F1), above About."""
    guide = QAction(QCoreApplication.translate("Help", "&User guide"), window)
    guide.setObjectName("guideAction")
    guide.setShortcut(QKeySequence(Qt.Key.Key_F1))
    keys = QAction(QCoreApplication.translate("Help", "&Keyboard shortcuts"), window)
    keys.setObjectName("shortcutsAction")
    keys.setShortcut(QKeySequence("Ctrl+F1"))

    def open_guide() -> GuideDialog:
        dialog = GuideDialog(path=guide_path(), parent=window)
        dialog.show()
        window._guide_dialog = dialog
        return dialog

    def open_keys() -> ShortcutsDialog:
        dialog = ShortcutsDialog(window=window, parent=window)
        dialog.show()
        window._shortcuts_dialog = dialog
        return dialog

    guide.triggered.connect(lambda: open_guide())
    keys.triggered.connect(lambda: open_keys())
    menu = window.menus["help"]
    first = menu.actions()[0] if menu.actions() else None
    menu.insertAction(first, guide)
    menu.insertAction(first, keys)
    if first is not None:
        menu.insertSeparator(first)
    window.actions_by_name.update(guide=guide, shortcuts=keys)
    return guide, keys
