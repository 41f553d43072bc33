"""The change-request queues and the review view (issue 11 §5)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from povdesk.domain import changes as cr
from povdesk.ui.changes_panel import MY_DRAFTS, RETURNED_TO_ME, TO_REVIEW, TO_SIGN_OFF, ChangesPanel


def _household(services) -> int:  # type: ignore[no-untyped-def]
    return next(hid for hid in range(1, 50) if services.registry.household(hid).current_members)


def test_a_submitted_request_is_approved_from_the_reviewers_queue(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    hid = _household(clerk)
    draft = clerk.changes.make(cr.CORRECT, household_id=hid, sets={"household.phone": "13811112222"},
                               reason="home visit")
    submitted = clerk.changes.make(cr.CORRECT, household_id=hid, sets={"household.bank_name": "农村信用社"},
                                   reason="bank book")
    clerk.changes.submit(submitted.id)

    mine = ChangesPanel(services=clerk)
    qtbot.addWidget(mine)
    assert mine.ids(MY_DRAFTS) == [draft.id] and mine.ids(TO_REVIEW) == []
    assert not mine.tabs.isTabEnabled(2) and not mine.tabs.isTabEnabled(3)  # a clerk reviews nothing
    assert mine.tabs.tabText(0).endswith("(1)")

    reviewer = login_as("reviewer")
    panel = ChangesPanel(services=reviewer)
    qtbot.addWidget(panel)
    assert panel.counts() == {MY_DRAFTS: 0, RETURNED_TO_ME: 0, TO_REVIEW: 1, TO_SIGN_OFF: 0}
    assert panel.select(submitted.id, TO_REVIEW)
    assert panel.fields.rowCount() == 1
    assert panel.fields.item(0, 2).text() != "农村信用社" and panel.fields.item(0, 3).text() == "农村信用社"
    assert panel.approve_button.isEnabled() and panel.return_button.isEnabled()
    assert not panel.signoff_button.isVisible()
    qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
    assert panel.message is None
    assert reviewer.changes.get(submitted.id).status == cr.APPROVED
    assert reviewer.registry.household(hid).household["bank_name"] == "农村信用社"
    assert panel.counts()[TO_REVIEW] == 0


def test_returning_needs_a_comment_and_lands_in_the_makers_returned_queue(qtbot, login_as, ui_language) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    clerk = login_as("clerk")
    hid = _household(clerk)
    request = clerk.changes.make(cr.CORRECT, household_id=hid, sets={"household.phone": "13811113333"})
    clerk.changes.submit(request.id)
    reviewer = login_as("reviewer")
    panel = ChangesPanel(services=reviewer)
    qtbot.addWidget(panel)
    assert panel.select(request.id)
    assert panel.return_() is None
    assert panel.message is not None and "必须填写意见" in panel.message  # the service's refusal, in Chinese
    panel.comment.setText("号码位数不对")
    record = panel.return_()
    assert record is not None and record.status == cr.RETURNED
    mine = ChangesPanel(services=clerk)
    qtbot.addWidget(mine)
    assert mine.ids(RETURNED_TO_ME) == [request.id]
    assert mine.select(request.id) and mine.submit_button.isEnabled() and mine.edit_button.isEnabled()
    assert "号码位数不对" in mine.info.text()
    assert not mine.approve_button.isEnabled()


def test_nobody_approves_their_own_request_the_service_decides(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    reviewer = login_as("reviewer")
    hid = _household(reviewer)
    own = reviewer.changes.make(cr.CORRECT, household_id=hid, sets={"household.phone": "13811114444"})
    reviewer.changes.submit(own.id)
    panel = ChangesPanel(services=reviewer)
    qtbot.addWidget(panel)
    assert panel.ids(TO_REVIEW) == []  # one's own requests are not in one's review queue
    panel.show_request(reviewer.changes.get(own.id))
    assert panel.approve() is None
    assert panel.message is not None and "made" in panel.message
    assert reviewer.changes.get(own.id).status == cr.SUBMITTED


def test_the_director_signs_off_the_month(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    hid = _household(clerk)
    request = clerk.changes.make(cr.CORRECT, household_id=hid, sets={"household.phone": "13811115555"})
    clerk.changes.submit(request.id)
    login_as("reviewer").changes.approve(request.id)
    director = login_as("director")
    panel = ChangesPanel(services=director)
    qtbot.addWidget(panel)
    assert panel.ids(TO_SIGN_OFF) == [request.id]
    assert panel.default_period() == cr.period_of(dt.date.today())
    dialog = panel.ask_sign_off()
    dialog.setTextValue(panel.default_period())
    dialog.accept()
    assert director.changes.get(request.id).status == cr.SIGNED_OFF
    assert panel.ids(TO_SIGN_OFF) == []
    assert panel.sign_off(panel.default_period()) is None and panel.message  # closed already


def test_the_window_has_the_queues_dock_and_the_correction_button(qtbot, login_as, make_window) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    window = make_window(clerk, language="en")
    assert window.changes_dock.windowTitle() == "Change requests"
    hid = window.current_household_id()
    assert hid is not None
    qtbot.mouseClick(window.detail.correct_button, Qt.MouseButton.LeftButton)
    dialog = window._change_dialog
    assert dialog.detail.household.id == hid
    dialog.editor("household.phone").setText("13811116666")
    assert dialog.save(submit=False)
    assert window.changes_panel.counts()[MY_DRAFTS] == 1


def test_the_tabs_count_from_one_query_and_only_the_queue_on_show_loads(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    made = clerk.changes.make(cr.CORRECT, household_id=_household(clerk), sets={"household.phone": "13811112222"}, reason="走访")
    reviewer = login_as("reviewer")
    clerk.changes.submit(made.id)
    loads: list[str] = []
    panel = ChangesPanel(services=reviewer)
    qtbot.addWidget(panel)
    for q in panel.queues.values():
        q.load = (lambda f, k: lambda: loads.append(k) or f())(q.load, q.key)
    panel.reload()
    assert panel.counts()[TO_REVIEW] == 1 and loads == [MY_DRAFTS]  # the first tab, the others counted
    assert panel.ids(TO_REVIEW) == [made.id] and loads == [MY_DRAFTS, TO_REVIEW]
    assert panel.tabs.tabText(2).endswith("(1)") or panel.tabs.tabText(2).endswith("（1）")
