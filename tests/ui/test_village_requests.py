"""The new-household (新识别) and village-exit (贫困村退出) dialogs, driven against the demo county's
services (issue 11 §5), and how the queues' review view shows the two types."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from povdesk.domain import changes as cr
from povdesk.domain import idnumber
from povdesk.domain.meanings import EXITED_STATUSES
from povdesk.ui.adjust_dialog import DateField
from povdesk.ui.changes_panel import ChangesPanel
from povdesk.ui.code_combo import CodeCombo
from povdesk.ui.navigator import KIND_VILLAGE
from povdesk.ui.village_requests import NewHouseholdDialog, VillageExitDialog, village_menu

TODAY = dt.date.today()
QINGGANG = "513437101201"  # 青杠村: no households in the 6-household demo county, not exited
HEAD_ID = idnumber.make("513437", dt.date(1985, 2, 3), 901)
WIFE_ID = idnumber.make("513437", dt.date(1987, 6, 7), 902)
CURRENT_ID = "513437195809278219"  # 黑来拉哈, a current member of the demo's household 1
SHOTS = Path("/tmp/povdesk-shots")


def notice() -> dict[str, str]:
    days = {cr.ASSESSMENT_DATE: 20, cr.NOTICE_START: 19, cr.NOTICE_END: 10, cr.TOWNSHIP_REVIEW_DATE: 8}
    out = {k: (TODAY - dt.timedelta(days=d)).isoformat() for k, d in days.items()}
    out[cr.TOWNSHIP_REVIEWER] = "李乡长"
    return out


def fill_notice(dialog: NewHouseholdDialog | VillageExitDialog) -> None:
    for key, text in notice().items():
        widget = dialog.notice.inputs[key]
        if isinstance(widget, DateField):
            widget.pick(dt.date.fromisoformat(text))  # what a click in the calendar does
        else:
            assert isinstance(widget, QLineEdit)
            widget.setText(text)


def type_into(qtbot: Any, widget: QLineEdit, text: str) -> None:
    qtbot.keyClicks(widget, text)


def village_pos(window: Any, code: str) -> Any:
    """Where the village is in the navigator (expanded, scrolled to)."""
    for county in window.places():
        for t in county.townships:
            for v in t.villages:
                if v.code == code:
                    index = window.navigator_model.index_of(KIND_VILLAGE, v.id)
                    window.navigator.scrollTo(index)
                    window.navigator.setCurrentIndex(index)
                    return window.navigator.visualRect(index).center()
    raise AssertionError(code)


def test_new_household_from_a_village_all_members_in_one_table_refusals_point_at_the_row(  # type: ignore[no-untyped-def]
        qtbot, login_as, make_window) -> None:
    clerk = login_as("clerk")
    window = make_window(clerk, language="zh_CN")
    menu = village_menu(window, village_pos(window, QINGGANG))
    assert menu is not None
    assert [a.text() for a in menu.actions()] == ["新识别…", "贫困村退出…"]
    next(a for a in menu.actions() if a.objectName() == f"village:{cr.NEW_HOUSEHOLD}").trigger()
    dialog = window._village_dialog
    assert isinstance(dialog, NewHouseholdDialog) and dialog.village.code() == QINGGANG
    # the mandatory household fields are marked; the derived ones are not asked for
    labels = {k: label.text() for k, label in dialog._household_labels.items()}
    assert labels["household.attribute"].endswith(" *") and labels["household.main_cause"].endswith(" *")
    assert "household.head_name" not in labels and "household.size" not in labels
    header = [dialog.members.horizontalHeaderItem(i).text() for i in range(dialog.members.columnCount())]
    assert "姓名 *" in header and "证件号码 *" in header and "与户主关系 *" in header and "民族 *" in header
    household = dialog.household_editor("household.attribute")
    assert isinstance(household, CodeCombo)
    household.set_value("01")
    cause = dialog.household_editor("household.main_cause")
    assert isinstance(cause, CodeCombo)
    assert cause.matches("qjs") == ["缺技术"]  # by its pinyin initials
    cause.setEditText(cause.matches("qjs")[0])
    assert cause.value() == "07"

    table = dialog.members
    assert table.rowCount() == 1 and table.value(0, "member.relation") == "01"  # the first row is the head
    table.set_value(0, "member.name", "阿苦日哈")
    id_cell = table.editor(0, "member.id_number")
    type_into(qtbot, id_cell, HEAD_ID[:10])
    assert table.id_state(0) == "invalid" and "18" in id_cell.toolTip()  # checked as typed
    type_into(qtbot, id_cell, HEAD_ID[10:])
    assert table.id_state(0) == "valid"
    assert table.value(0, "member.sex") == idnumber.sex_code(HEAD_ID)  # taken from the number
    assert table.value(0, "member.birth_date") == "1985-02-03"
    ethnicity = table.editor(0, "member.ethnicity")
    assert isinstance(ethnicity, CodeCombo) and "彝族" in ethnicity.matches("yz")
    ethnicity.set_value("07")
    table.set_value(0, "member.health", "01")
    qtbot.mouseClick(dialog.findChild(type(dialog.draft_button), "addMember"), Qt.MouseButton.LeftButton)
    assert table.rowCount() == 2 and table.value(1, "member.relation") is None
    table.set_value(1, "member.name", "吉克阿芝")
    type_into(qtbot, table.editor(1, "member.id_number"), WIFE_ID)
    table.set_value(1, "member.relation", "02")
    table.add_row()  # a third row, then removed again
    table.selectRow(2)
    qtbot.mouseClick(dialog.findChild(type(dialog.draft_button), "removeMember"), Qt.MouseButton.LeftButton)
    assert table.rowCount() == 2
    fill_notice(dialog)
    dialog.reason.setText("2019年动态调整新识别")

    # the second member lacks ethnicity and health: refused in Chinese, pointing at row 2
    assert not dialog.save(submit=False)
    assert dialog.message is not None and "成员2（吉克阿芝）缺少民族、健康状况" in dialog.message
    assert dialog.error.isVisibleTo(dialog) and table.marked == {1}
    assert table.verticalHeaderItem(1).text() == "⚠ 2" and clerk.changes.list() == []
    SHOTS.mkdir(exist_ok=True)
    qtbot.wait(20)
    dialog.grab().save(str(SHOTS / "new_household_refused.png"))
    table.set_value(1, "member.ethnicity", "彝族")
    table.set_value(1, "member.health", "健康")
    assert dialog.save(submit=False)  # a draft; the dialog stays open
    assert table.marked == set() and not dialog.error.isVisibleTo(dialog)
    assert window.changes_panel.counts()["drafts"] == 1
    draft = clerk.changes.get(dialog.request.id)
    assert draft.type == cr.NEW_HOUSEHOLD and draft.status == cr.DRAFT
    assert {(f.key, f.member_index): f.after for f in draft.fields}[("member.ethnicity", 1)] == "07"
    assert dialog.save(submit=True)
    assert dialog.result_record.status == cr.SUBMITTED
    done = login_as("reviewer").changes.approve(dialog.result_record.id)
    detail = clerk.registry.household(done.household_id, history_limit=0)
    assert [m["name"] for m in detail.current_members] == ["阿苦日哈", "吉克阿芝"]
    assert detail.location.village_code == QINGGANG


def test_new_household_refuses_an_id_number_current_elsewhere_and_edits_its_draft(  # type: ignore[no-untyped-def]
        qtbot, login_as, make_window) -> None:
    clerk = login_as("clerk")
    window = make_window(clerk, language="en")
    actions = {a.objectName(): a for a in window.new_request_menu.actions()}
    assert f"newRequest:{cr.NEW_HOUSEHOLD}" in actions and f"newRequest:{cr.VILLAGE_EXIT}" in actions
    actions[f"newRequest:{cr.NEW_HOUSEHOLD}"].trigger()
    dialog = window._village_dialog
    assert isinstance(dialog, NewHouseholdDialog)
    home = clerk.registry.household(window.current_household_id(), history_limit=0).location.village_code
    assert dialog.village.code() == home  # the current household's village, until another is chosen
    dialog.village.set_code(QINGGANG)
    t = dialog.members
    for row, (name, number, relation) in enumerate([("阿苦日哈", HEAD_ID, "01"), ("黑来拉哈", CURRENT_ID, "02")]):
        if row:
            t.add_row()
        t.set_value(row, "member.name", name)
        t.set_value(row, "member.id_number", number)
        t.set_value(row, "member.relation", relation)
        t.set_value(row, "member.ethnicity", "07")
        t.set_value(row, "member.health", "01")
    fill_notice(dialog)
    dialog.household_editor("household.main_cause").set_value("07")
    assert not dialog.save(submit=False)  # the household's attribute is mandatory: that field is marked
    assert dialog.message is not None and "household lacks" in dialog.message
    assert dialog.marked_fields() == ["household.attribute"] and t.marked == set()
    dialog.household_editor("household.attribute").set_value("01")
    assert not dialog.save(submit=False)
    assert dialog.message is not None and "already a current member elsewhere" in dialog.message
    assert t.marked == {1}  # the row holding that ID number
    t.set_value(1, "member.id_number", WIFE_ID)
    assert dialog.save(submit=False)
    request = dialog.request
    dialog.close()
    panel = window.changes_panel
    assert panel.select(request.id) and panel.edit_button.isEnabled()
    panel.edit()
    edited = window._village_dialog
    assert isinstance(edited, NewHouseholdDialog) and edited is not dialog
    assert not edited.village.isEnabled() and edited.village.code() == QINGGANG
    assert edited.members.rowCount() == 2 and edited.members.value(1, "member.id_number") == WIFE_ID
    assert edited.notice.inputs[cr.TOWNSHIP_REVIEWER].text() == "李乡长"
    edited.members.set_value(1, "member.education", "初中")
    assert edited.save(submit=True)
    fields = {(f.key, f.member_index): f.after for f in clerk.changes.get(request.id).fields}
    assert fields[("member.education", 1)] == "03"


def test_village_exit_shows_the_incidence_updates_with_the_year_and_shows_the_refusal(  # type: ignore[no-untyped-def]
        qtbot, login_as, make_window) -> None:
    clerk = login_as("clerk")
    reviewer = login_as("reviewer")
    made = []
    for number, name in ((HEAD_ID, "阿苦日哈"), (WIFE_ID, "吉克阿芝")):
        r = clerk.changes.make(cr.NEW_HOUSEHOLD, village_code=QINGGANG, notice=notice(), reason="新识别",
                               household={"household.attribute": "01", "household.main_cause": "07"},
                               members=[{"member.name": name, "member.id_number": number, "member.relation": "01",
                                         "member.ethnicity": "07", "member.health": "01"}])
        clerk.changes.submit(r.id)
        made.append(reviewer.changes.approve(r.id))
    clerk.registry.update_field(entity="household", entity_id=made[0].household_id, key="household.status",
                                value=min(EXITED_STATUSES))  # 青杠村 now has 1 poor of 2
    login_as("director").year_settings.update(2020, village_exit_incidence=60.0)
    window = make_window(clerk, language="zh_CN")
    menu = village_menu(window, village_pos(window, QINGGANG))
    assert menu is not None
    next(a for a in menu.actions() if a.objectName() == f"village:{cr.VILLAGE_EXIT}").trigger()
    dialog = window._village_dialog
    assert isinstance(dialog, VillageExitDialog) and dialog.year.value() == 2019
    assert dialog.incidence_label.text() == "1 / 2 = 50.00 %" and dialog.threshold_label.text() == "3 %"
    assert "不能退出" in dialog.verdict.text()
    fill_notice(dialog)
    assert not dialog.save(submit=False)
    assert dialog.message is not None and "高于标准 3%" in dialog.message and dialog.error.isVisibleTo(dialog)
    SHOTS.mkdir(exist_ok=True)
    qtbot.wait(20)
    dialog.grab().save(str(SHOTS / "village_exit_refused.png"))
    dialog.year.setValue(2020)  # the preview follows the year
    assert dialog.threshold_label.text() == "60 %" and "可以在 2020 年退出" in dialog.verdict.text()
    dialog.reason.setText("2020年贫困村退出")
    assert dialog.save(submit=True)
    record = dialog.result_record
    assert record.type == cr.VILLAGE_EXIT and record.year == 2020 and record.status == cr.SUBMITTED
    assert record.detail["incidence"] == 50.0


def test_the_review_view_shows_a_new_households_members_and_a_village_exits_incidence(  # type: ignore[no-untyped-def]
        qtbot, login_as, make_window) -> None:
    clerk = login_as("clerk")
    household = {"household.attribute": "01", "household.main_cause": "07", "household.phone": "13900001111"}
    members = [{"member.name": "阿苦日哈", "member.id_number": HEAD_ID, "member.relation": "户主",
                "member.ethnicity": "彝族", "member.health": "健康"},
               {"member.name": "吉克阿芝", "member.id_number": WIFE_ID, "member.relation": "配偶",
                "member.ethnicity": "彝族", "member.health": "健康"}]
    new = clerk.changes.make(cr.NEW_HOUSEHOLD, village_code=QINGGANG, household=household, members=members,
                             notice=notice(), reason="新识别")
    clerk.changes.submit(new.id)
    exit_ = clerk.changes.make(cr.VILLAGE_EXIT, village_code="513437103201", year=2019, notice=notice(),
                               reason="贫困村退出")
    clerk.changes.submit(exit_.id)
    window = make_window(login_as("reviewer"), language="zh_CN")
    panel = window.changes_panel
    window.changes_dock.show()
    window.changes_dock.raise_()
    assert panel.select(new.id, "review")
    model = panel.queues["review"].model
    assert model.data(model.index(model.row_of(new.id), 2)) == "青杠村"
    assert "青杠村" in panel.title.text() and "新识别" in panel.title.text()
    assert "2 名成员" in panel.info.text() or "2 members" in panel.info.text()
    rows = [[panel.fields.item(r, c).text() for c in range(4)] for r in range(panel.fields.rowCount())]
    assert ["民族", "成员2（吉克阿芝）", "", "彝族"] in rows
    assert ["与户主关系", "成员1（阿苦日哈）", "", "户主"] in rows
    assert "建户" in panel.problems_label.text()
    shot = ChangesPanel(services=window.services)  # the same view, as large as a window, to look at
    qtbot.addWidget(shot)
    shot.resize(1440, 640)
    shot.show()
    SHOTS.mkdir(exist_ok=True)
    assert shot.select(new.id, "review")
    qtbot.wait(20)  # the layout settles, as it does between a click and the next paint
    shot.grab().save(str(SHOTS / "review_new_household.png"))
    assert shot.select(exit_.id, "review")
    qtbot.wait(20)
    shot.grab().save(str(SHOTS / "review_village_exit.png"))
    assert panel.select(exit_.id, "review")
    assert "贫困发生率" in panel.info.text() and "可以退出" in panel.info.text()
    rows = [[panel.fields.item(r, c).text() for c in range(4)] for r in range(panel.fields.rowCount())]
    assert rows == [["贫困村退出年度", "", "", "2019"], ["贫困人口 / 总人口", "", "", "0 / 0"],
                    ["贫困发生率", "", "", "0.00 %"], ["本年度退出标准", "", "", "3 %"]]
    done = panel.approve()
    assert done is not None and done.status == cr.APPROVED


def test_a_village_exit_draft_is_edited_from_my_drafts(qtbot, login_as, make_window) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    draft = clerk.changes.make(cr.VILLAGE_EXIT, village_code="513437103201", year=2019, notice=notice())
    window = make_window(clerk, language="en")
    panel = window.changes_panel
    assert panel.select(draft.id, "drafts") and panel.edit_button.isEnabled()
    panel.edit()
    dialog = window._village_dialog
    assert isinstance(dialog, VillageExitDialog) and not dialog.village.isEnabled()
    assert dialog.village.code() == "513437103201" and dialog.year.value() == 2019
    assert dialog.notice.inputs[cr.NOTICE_END].text() == notice()[cr.NOTICE_END]
    assert dialog.preview is not None and dialog.preview.may_exit and "may exit" in dialog.verdict.text()
    dialog.reason.setText("2019年贫困村退出")
    assert dialog.save(submit=True)
    assert clerk.changes.get(draft.id).reason == "2019年贫困村退出" and panel.ids("drafts") == []
