"""Issue 13 §5: one settings dialog: language, office settings, users and roles, pages others add."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel

from povdesk.config import Settings
from povdesk.services.database import Database
from povdesk.ui import settings_dialog
from povdesk.ui.application import current_language
from povdesk.ui.settings_dialog import SettingsDialog, register_page


def test_file_menu_opens_settings_and_ok_stores_language_masking_and_folder(qtbot, make_window,  # type: ignore[no-untyped-def]
                                                                          county_db: Database,
                                                                          tmp_path: Path) -> None:
    window = make_window(county_db)
    action = next(a for a in window.menus["file"].actions() if a.objectName() == "settingsAction")
    assert action.shortcut().toString() == "Ctrl+,"
    action.trigger()
    dialog = window._settings_dialog
    qtbot.addWidget(dialog)
    assert dialog.page_keys[:3] == ["general", "office", "users"]
    assert dialog.page_keys[-1] == "backups"  # the window registers its backup page (issue 15 §4)
    assert type(dialog.page("backups")).__name__ == "BackupPage"
    assert "雷波县" in dialog.county.text()
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.mask_ids.setChecked(True)
    dialog.print_folder.setText(str(tmp_path / "forms"))
    assert window.menus["file"].title() == "文件(&F)"
    dialog.accept()
    saved = Settings.load()
    assert (saved.language, saved.mask_id_on_print, saved.print_folder) == ("en", True, str(tmp_path / "forms"))
    # the window switches at once: a new window in English on the same database and login
    from povdesk.ui import main_window

    qtbot.waitUntil(lambda: not window.isVisible())
    switched = next(w for w in reversed(main_window._windows) if w.services is window.services and w is not window)
    assert switched.isVisible()
    qtbot.addWidget(switched)
    assert switched.services is window.services
    assert switched.menus["file"].title() == "&File" and current_language() == "en"
    switched.close()


def test_users_page_is_the_users_dialog_for_the_director(qtbot, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    from povdesk.services.facade import Services

    dialog = SettingsDialog(services=Services(db=county_db))
    qtbot.addWidget(dialog)
    dialog.show_page("users")
    assert dialog.users.table.rowCount() >= 0 and dialog.users.isVisibleTo(dialog)


def test_a_registered_page_is_listed_after_the_built_in_ones(qtbot, county_db: Database,  # type: ignore[no-untyped-def]
                                                             monkeypatch) -> None:
    from povdesk.services.facade import Services

    monkeypatch.setattr(settings_dialog, "_registered", [])
    dialog = SettingsDialog(services=Services(db=county_db))
    qtbot.addWidget(dialog)
    assert "backups" not in dialog.page_keys  # nothing shows before a page is registered

    def make(_services, parent):  # type: ignore[no-untyped-def]
        page = QLabel("backups here", parent)
        page.setObjectName("backupPage")
        return page

    register_page("backups", lambda: "Backup and restore", make)
    dialog = SettingsDialog(services=Services(db=county_db))
    qtbot.addWidget(dialog)
    assert dialog.page_keys[-1] == "backups"
    assert dialog.page("backups").objectName() == "backupPage"
