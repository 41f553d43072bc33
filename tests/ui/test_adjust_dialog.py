"""The dialogs of exit, return, member in/out, cancel household and removal, driven end to end
against the demo county's services (issue 11 §5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from povdesk.domain import changes as cr
from povdesk.domain.meanings import NOT_EXITED, RETURNED_TO_POVERTY
from povdesk.ui.adjust_dialog import DIALOG_TYPES, AdjustDialog, DateField
from povdesk.ui.code_combo import CodeCombo

TODAY = dt.date.today()


def _fill_notice(dialog: AdjustDialog) -> None:
    """A complete notice record that has run its full length."""
    days = {cr.ASSESSMENT_DATE: 20, cr.NOTICE_START: 19, cr.NOTICE_END: 10, cr.TOWNSHIP_REVIEW_DATE: 8}
    for key, back in days.items():
        widget = dialog.notice_input(key)
        assert isinstance(widget, DateField)
        widget.pick(TODAY - dt.timedelta(days=back))  # what a click in the calendar does
    reviewer = dialog.notice_input(cr.TOWNSHIP_REVIEWER)
    assert isinstance(reviewer, QLineEdit)
    reviewer.setText("李乡长")


def _dialog(qtbot, services, hid: int, type_: str) -> AdjustDialog:  # type: ignore[no-untyped-def]
    dialog = AdjustDialog(services=services, household_id=hid, type_=type_)
    qtbot.addWidget(dialog)
    return dialog


def test_each_type_shows_exactly_what_it_needs(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    shown = {}
    for type_ in DIALOG_TYPES:
        d = _dialog(qtbot, clerk, 1, type_)
        shown[type_] = (d.member is not None, d.new_head is not None, d.cause.codelist if d.cause else None,
                        d.year is not None, d.date is not None, bool(d.notice), d.blockers is not None)
    assert shown == {
        cr.EXIT: (False, False, None, True, False, True, True),
        cr.RETURN: (False, False, "return_cause", True, False, True, False),
        cr.MEMBER_IN: (False, False, "increase_reason", False, True, False, False),
        cr.MEMBER_OUT: (True, True, "decrease_reason", False, True, False, False),
        cr.CANCEL_HOUSEHOLD: (False, False, None, False, True, False, False),
        cr.REMOVAL: (False, False, None, False, False, True, False),
    }
    assert cr.NEW_HOUSEHOLD not in DIALOG_TYPES and cr.VILLAGE_EXIT not in DIALOG_TYPES
    with pytest.raises(ValueError):
        AdjustDialog(services=clerk, household_id=1, type_=cr.NEW_HOUSEHOLD)


def test_exit_shows_its_blockers_before_submitting_and_the_refusal_in_chinese(qtbot, login_as, ui_language) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    clerk = login_as("clerk")
    clerk.registry.update_field(entity="household", entity_id=2, key="household.status", value=NOT_EXITED)
    clerk.registry.update_field(entity="member", entity_id=6, key="member.ins_medical", value=False)
    dialog = _dialog(qtbot, clerk, 2, cr.EXIT)
    assert dialog.blockers is not None and dialog.blocker_count >= 1
    shown = [dialog.blockers.item(i).text() for i in range(dialog.blockers.count())]
    assert any("未达标" in s or "not met" in s or "基本医疗" in s for s in shown), shown
    _fill_notice(dialog)
    assert not dialog.save(submit=True)
    assert dialog.message is not None and "不能标注脱贫" in dialog.message
    assert dialog.error.isVisibleTo(dialog) and dialog.error.text() == dialog.message
    drafts = clerk.changes.list(status=cr.DRAFT)
    assert [r.type for r in drafts] == [cr.EXIT]  # saved as a draft; the submit was refused


def test_exit_needs_a_complete_notice_record_then_submits(qtbot, login_as, ui_language) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    clerk = login_as("clerk")
    clerk.registry.update_field(entity="household", entity_id=3, key="household.status", value=NOT_EXITED)
    dialog = _dialog(qtbot, clerk, 3, cr.EXIT)
    assert dialog.blocker_count == 0
    assert "Nothing stops" in dialog.blockers.item(0).text() or "无" in dialog.blockers.item(0).text()
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert dialog.message is not None and "公示记录不完整" in dialog.message
    assert clerk.changes.list() == []
    _fill_notice(dialog)
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    record = dialog.result_record
    assert record is not None and (record.type, record.status) == (cr.EXIT, cr.SUBMITTED)
    assert record.year == clerk.db.data_year
    assert record.notice[cr.NOTICE_END] == (TODAY - dt.timedelta(days=10)).isoformat()
    assert record.notice[cr.TOWNSHIP_REVIEWER] == "李乡长"


def test_return_takes_its_cause_typed_by_pinyin_and_is_applied_when_approved(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    dialog = _dialog(qtbot, clerk, 1, cr.RETURN)
    assert dialog.cause is not None
    label = clerk.db.codebook()["return_cause"].label("01", "en")
    assert dialog.cause.matches("yb") == [label]  # 因病: its pinyin initials
    dialog.cause.setEditText(label)
    _fill_notice(dialog)
    dialog.reason.setText("大病")
    assert dialog.save(submit=True), dialog.message
    record = dialog.result_record
    assert record is not None and record.cause == "01"
    login_as("reviewer").changes.approve(record.id)
    h = clerk.registry.household(1).household
    assert (h["status"], h["return_cause"], h["return_year"]) == (RETURNED_TO_POVERTY, "01", clerk.db.data_year)


def test_member_in_takes_the_new_members_fields_reason_and_date(qtbot, login_as, ui_language) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    clerk = login_as("clerk")
    dialog = _dialog(qtbot, clerk, 3, cr.MEMBER_IN)
    dialog.cause.set_value("01")  # 出生
    dialog.reason.setText("新生儿")
    assert not dialog.save(submit=False)
    assert dialog.message is not None and "姓名" in dialog.message  # the service's refusal
    name = dialog.field_editor("member.name")
    assert isinstance(name, QLineEdit)
    name.setText("吉克阿衣")
    sex = dialog.field_editor("member.sex")
    assert isinstance(sex, CodeCombo)
    sex.set_value("2")
    relation = dialog.field_editor("member.relation")
    assert isinstance(relation, CodeCombo)
    relation.set_value("03")
    dialog.date.set_text((TODAY - dt.timedelta(days=3)).isoformat())
    assert dialog.save(submit=True), dialog.message
    record = dialog.result_record
    assert record is not None and record.status == cr.SUBMITTED and record.cause == "01"
    login_as("reviewer").changes.approve(record.id)
    members = clerk.registry.household(3).current_members
    assert [m["name"] for m in members][-1] == "吉克阿衣" and len(members) == 2


def test_member_out_of_the_head_needs_a_new_head(qtbot, login_as, ui_language) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    clerk = login_as("clerk")
    dialog = _dialog(qtbot, clerk, 1, cr.MEMBER_OUT)
    assert dialog.member is not None and dialog.new_head is not None
    dialog.member.setCurrentIndex(dialog.member.findData(2))  # the spouse: no new head needed
    assert not dialog.new_head.isEnabled()
    dialog.member.setCurrentIndex(dialog.member.findData(1))  # the head
    assert dialog.new_head.isEnabled() and dialog.new_head_label.text().endswith("*")
    dialog.cause.set_value("01")
    dialog.reason.setText("病故")
    assert not dialog.save(submit=True)
    assert dialog.message is not None and "新户主" in dialog.message
    dialog.new_head.setCurrentIndex(dialog.new_head.findData(2))
    assert dialog.save(submit=True), dialog.message
    login_as("reviewer").changes.approve(dialog.result_record.id)
    detail = clerk.registry.household(1)
    assert 1 not in [m.id for m in detail.current_members]
    assert detail.household["head_name"] == next(m["name"] for m in detail.members if m.id == 2)


def test_cancel_household_is_refused_while_members_are_current(qtbot, login_as, ui_language) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    clerk = login_as("clerk")
    dialog = _dialog(qtbot, clerk, 6, cr.CANCEL_HOUSEHOLD)
    dialog.reason.setText("户主去世")
    assert not dialog.save(submit=False)
    assert dialog.message is not None and "仍有在册成员" in dialog.message
    assert clerk.changes.list() == []


def test_removal_needs_evidence_attached_to_the_saved_draft(qtbot, login_as, ui_language, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    clerk = login_as("clerk")
    dialog = _dialog(qtbot, clerk, 6, cr.REMOVAL)
    dialog.reason.setText("识别不精准")
    _fill_notice(dialog)
    assert not dialog.save(submit=True)
    assert dialog.message is not None and "必须附证明材料" in dialog.message
    draft = dialog.request
    assert draft is not None and draft.status == cr.DRAFT
    scan = tmp_path / "评议记录.pdf"
    scan.write_bytes(b"%PDF-1.4 minutes of the village meeting")
    assert dialog.evidence.add_paths([scan])
    assert [e.name for e in clerk.changes.get(draft.id).evidence] == ["评议记录.pdf"]
    assert dialog.save(submit=True), dialog.message
    assert dialog.result_record is not None and dialog.result_record.id == draft.id
    assert dialog.result_record.status == cr.SUBMITTED


def test_the_detail_view_opens_each_types_dialog_and_drafts_are_edited_in_it(qtbot, login_as, make_window) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    window = make_window(clerk, language="en")
    hid = window.current_household_id()
    menu = window.detail.request_button.menu()
    names = [a.objectName() for a in menu.actions()]
    assert names[:len(DIALOG_TYPES)] == [f"newRequest:{t}" for t in DIALOG_TYPES]
    next(a for a in menu.actions() if a.objectName() == f"newRequest:{cr.CANCEL_HOUSEHOLD}").trigger()
    dialog = window._adjust_dialog
    assert dialog.kind.code == cr.CANCEL_HOUSEHOLD and dialog.detail.household.id == hid
    dialog.close()
    next(a for a in menu.actions() if a.objectName() == f"newRequest:{cr.RETURN}").trigger()
    dialog = window._adjust_dialog
    dialog.cause.set_value("04")
    _fill_notice(dialog)
    assert dialog.save(submit=False)
    assert window.changes_panel.counts()["drafts"] == 1  # the queues reload on save
    dialog.close()
    panel = window.changes_panel
    assert panel.select(dialog.request.id)
    assert panel.edit_button.isEnabled()
    panel.edit()
    edited = window._adjust_dialog
    assert edited is not dialog and edited.request.id == dialog.request.id
    assert edited.cause.value() == "04" and edited.notice_input(cr.TOWNSHIP_REVIEWER).text() == "李乡长"
    edited.reason.setText("因灾返贫")
    assert edited.save(submit=True)
    assert clerk.changes.get(dialog.request.id).reason == "因灾返贫"
