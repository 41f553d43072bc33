"""The login dialog, who is logged in, and the director's Users dialog (issue 11 §4)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog

from povdesk.services.database import Database
from povdesk.services.facade import Services
from povdesk.services.users import UserService
from povdesk.ui.login import LoginDialog, UsersDialog, log_in, user_status


def _with_director(db: Database) -> Services:
    UserService(db=db).save("zhang", role="director", display_name="张主任", password="pw")
    return Services(db=Database.open(db.url, user="zhang"))


def test_a_database_without_logins_needs_no_dialog(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    services = Services(db=db)
    assert log_in(services)
    assert user_status(services) == "User: tester"


def test_the_dialog_refuses_a_wrong_password_in_place_and_logs_in(qtbot, db: Database, ui_language) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    services = _with_director(db)
    try:
        dialog = LoginDialog(services=services)
        qtbot.addWidget(dialog)
        assert dialog.login.text() == "zhang" and not dialog.hint.isVisibleTo(dialog)
        dialog.password.setText("wrong")
        assert not dialog.try_login()
        assert "密码错误" in dialog.error.text() and dialog.password.text() == ""
        assert dialog.result() != QDialog.DialogCode.Accepted
        dialog.password.setText("pw")
        assert dialog.try_login() and services.db.authenticated
        assert user_status(services) == "已登录：张主任（zhang，签发人）"
    finally:
        services.close()


def test_a_demo_database_names_its_demo_users(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    from povdesk.demo.service import DemoService

    DemoService(db=db).build(households=5, seed=1)
    services = Services(db=Database.open(db.url, user="visitor"))
    try:
        dialog = LoginDialog(services=services)
        qtbot.addWidget(dialog)
        assert dialog.hint.isVisibleTo(dialog)
        assert dialog.hint.text() == "Demo users: clerk / reviewer / director, password demo"
        assert user_status(services) == "Not logged in (read only)"
        dialog.login.setText("reviewer")
        dialog.password.setText("demo")
        assert dialog.try_login()
    finally:
        services.close()


def test_the_director_adds_a_user_sets_a_role_and_a_password(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    services = _with_director(db)
    try:
        services.users.authenticate("zhang", "pw")
        dialog = UsersDialog(services=services)
        qtbot.addWidget(dialog)
        assert dialog.table.rowCount() == 2  # tester (no password) and zhang
        dialog.login.setText("li")
        dialog.name.setText("李文书")
        dialog.role.setCurrentIndex(dialog.role.findData("reviewer"))
        dialog.password.setText("li-pw")
        assert dialog.save()
        roles = {u.login: (u.role, u.has_password) for u in services.users.list()}
        assert roles["li"] == ("reviewer", True)
        assert dialog.table.rowCount() == 3
        UserService(db=services.db).authenticate("li", "li-pw")  # the session is li's from here
        dialog.login.setText("tester")
        dialog.role.setCurrentIndex(dialog.role.findData("director"))
        assert not dialog.save()  # a reviewer may not: refused by the service, shown
    finally:
        services.close()


def test_the_window_shows_who_is_logged_in(qtbot, db: Database, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services = _with_director(db)
    services.users.authenticate("zhang", "pw")
    window = make_window(services, language="en")
    assert window.user_label.text() == "Logged in: 张主任 (zhang, director)"
    assert window.findChild(type(window.menus["file"].actions()[0]), "usersAction").isEnabled()
    window.grab().save(str(tmp_path / "window.png"))
