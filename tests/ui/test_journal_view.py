"""The county-wide change journal view: filters, paging from SQL, the menu (issue 11 §5)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from povdesk.domain import changes as cr
from povdesk.ui import journal_view
from povdesk.ui.journal_view import JournalModel, JournalWindow


def _approved(login_as) -> tuple[object, cr.ChangeRequestRecord]:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    clerk.registry.update_field(entity="household", entity_id=3, key="household.bank_name", value="邮储银行")
    request = clerk.changes.make(cr.CORRECT, household_id=2, sets={"household.phone": "13866667777"},
                                 reason="home visit")
    clerk.changes.submit(request.id)
    return clerk, login_as("reviewer").changes.approve(request.id)


def test_filtered_by_request_the_journal_shows_who_what_old_and_new(qtbot, login_as, ui_language) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    clerk, request = _approved(login_as)
    window = JournalWindow(services=clerk)
    qtbot.addWidget(window)
    assert window.message is None and window.model.total > 1
    window.reference.setText(str(request.id))
    qtbot.mouseClick(window.apply_button, Qt.MouseButton.LeftButton)
    assert window.model.total == 1 and window.count.text() == "共 1 条"
    row = [window.model.index(0, c).data() for c in range(window.model.columnCount())]
    household_no = clerk.registry.household(2).household["household_no"]
    assert row[1:3] == ["王审核", household_no]  # the person by name, not the login
    assert row[4] == "联系电话" or "电话" in row[4]
    assert row[6] == "13866667777" and row[8] == f"CR-{request.id}"
    window.reference.clear()
    user = window.user.findData("reviewer")
    window.user.setCurrentIndex(user)
    window.field.setCurrentIndex(window.field.findData("household.phone"))
    window.place.setText(household_no[:12])
    assert window.apply() and window.model.total == 1
    window.since.set_text("2999-01-01")
    assert window.apply() and window.model.total == 0
    window.since.set_text("tomorrow")
    assert not window.apply() and window.message
    window.clear_filters()
    assert window.model.total > 1


def test_the_model_pages_as_the_view_scrolls(qtbot, login_as, monkeypatch: pytest.MonkeyPatch, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    clerk, _ = _approved(login_as)
    for i in range(5):
        clerk.registry.update_field(entity="household", entity_id=1, key="household.phone", value=f"1300000000{i}")
    monkeypatch.setattr(journal_view, "PAGE", 2)
    model = JournalModel(services=clerk)
    model.load(journal_view.JournalQuery(field="household.phone"))
    assert model.total == 6 and model.rowCount() == 2 and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 6
    values = [model.index(r, 6).data() for r in range(6)]
    assert values[:5] == [f"1300000000{i}" for i in reversed(range(5))] and values[5] == "13866667777"


def test_the_journal_is_in_the_changes_menu_and_opens_the_household(qtbot, login_as, make_window) -> None:  # type: ignore[no-untyped-def]
    clerk, request = _approved(login_as)
    window = make_window(clerk, language="en")
    action = next(a for a in window.menus["changes"].actions() if a.objectName() == "changeJournal")
    action.trigger()
    journal = window.journal_window
    assert journal.isVisible() and journal.windowTitle() == "Change journal"
    journal.reference.setText(f"CR-{request.id}")
    assert journal.apply() and journal.model.total == 1
    journal.view.doubleClicked.emit(journal.model.index(0, 0))
    assert window.detail.household_id() == 2
    assert window.detail.highlighted_field() == "household.phone"
