"""Issue 13 §5: the whole window in the user's language: Qt's own texts, people by name, the About
box in words."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from povdesk.services.database import Database
from povdesk.ui.main_window import server_place


def test_qt_own_dialog_texts_are_chinese_in_the_chinese_window(ui_language) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    ui_language("en")
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "Look in:"


def test_about_box_names_the_file_plainly_and_explains_the_two_member_counts(make_window,  # type: ignore[no-untyped-def]
                                                                           county_db: Database) -> None:
    window = make_window(county_db, language="en")
    text = window.about_text()
    assert "sqlite:" not in text and "://" not in text
    assert str(county_db.path) in text
    assert "Members: 23 current (" in text and "recorded" in text
    assert "sqlite:" not in window.db_label.text()
    chinese = make_window(county_db)
    assert "sqlite:" not in chinese.about_text() and "当前" in chinese.about_text()


def test_a_server_database_is_named_by_database_and_server_without_login_or_password() -> None:
    place = server_place("postgresql+psycopg://clerk:secret@db.office.local:5432/leibo")
    assert place == "leibo on db.office.local:5432"
    assert "secret" not in place and "clerk" not in place
    assert server_place("postgresql+psycopg:///leibo?host=/run/pg") == "leibo on /run/pg"


def test_history_tab_names_the_person_not_the_login(make_window, county_db: Database) -> None:  # type: ignore[no-untyped-def]
    from povdesk.services.facade import Services

    services = Services(db=county_db)
    hid = services.registry.household_ids()[0]
    services.registry.update_field(entity="household", entity_id=hid, key="household.phone",
                                   value="13900000009", reason="电话变更")
    services.users.save(county_db.user, role="clerk", display_name="阿约会计")
    window = make_window(services)
    window.open_household(hid)
    model = window.detail.history_model
    who = {model.index(r, 1).data() for r in range(model.rowCount())}
    assert "阿约会计" in who and county_db.user not in who
