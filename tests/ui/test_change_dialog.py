"""The correction dialog: rows per field, input cells, drafts, 核实无误, refusals, as printed (issue 11 §5)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from povdesk.domain import changes as cr
from povdesk.services.printing import PrintSelection
from povdesk.ui.change_dialog import ChangeDialog, CodeCombo


def _first_household(services) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """A household with at least two current members: (household id, first member id)."""
    for hid in range(1, 50):
        detail = services.registry.household(hid)
        if len(detail.current_members) >= 2:
            return hid, detail.current_members[0].id
    raise AssertionError("no household with two members")


def test_a_correction_made_in_the_dialog_lands_as_a_draft(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    hid, member_id = _first_household(clerk)
    dialog = ChangeDialog(services=clerk, household_id=hid)
    qtbot.addWidget(dialog)
    assert dialog.table.isColumnHidden(2)  # no printed column when not opened from a form
    phone = dialog.editor("household.phone")
    assert isinstance(phone, QLineEdit)
    qtbot.keyClicks(phone, "13800001111")
    education = dialog.editor("member.education", member_id)
    assert isinstance(education, CodeCombo)
    item = clerk.db.codebook()["education"].active_items()[3]
    education.setEditText(item.en)  # typing opens the completer popup, which offscreen Qt warns about
    dialog.reason.setText("home visit")
    qtbot.mouseClick(dialog.draft_button, Qt.MouseButton.LeftButton)
    record = dialog.result_record
    assert record is not None and record.status == cr.DRAFT and record.maker == "clerk"
    fields = {(f.key, f.member_id): f.after for f in record.fields}
    assert fields[("household.phone", None)] == "13800001111"
    assert fields[("member.education", member_id)] == item.code
    assert [r.id for r in clerk.changes.list(status=cr.DRAFT)] == [record.id]


def test_enter_moves_down_and_combo_boxes_filter_as_you_type(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    hid, _ = _first_household(clerk)
    dialog = ChangeDialog(services=clerk, household_id=hid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()  # focus moves only within the active window (earlier tests' windows may linger)
    qtbot.waitActive(dialog)
    first = dialog._editors[0]
    first.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first or first.isAncestorOf(QApplication.focusWidget()))
    qtbot.keyClick(first, Qt.Key.Key_Return)
    second = (dialog._editors[1], getattr(dialog._editors[1], "lineEdit", lambda: None)())
    qtbot.waitUntil(lambda: QApplication.focusWidget() in second)
    assert dialog.isVisible()  # Enter never presses a button
    combo = next(e for e in dialog._editors if isinstance(e, CodeCombo) and e.field.codelist == "education")
    completer = combo.completer()
    completer.setCompletionPrefix("school")
    shown = {completer.completionModel().index(i, 0).data() for i in range(completer.completionCount())}
    assert shown and all("school" in s.lower() for s in shown)


def test_verified_records_the_visit_as_a_correction_without_fields(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    hid, _ = _first_household(clerk)
    dialog = ChangeDialog(services=clerk, household_id=hid)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.verified_button, Qt.MouseButton.LeftButton)
    record = dialog.result_record
    assert record is not None
    assert (record.type, record.status, record.fields, record.reason) == (cr.CORRECT, cr.SUBMITTED, (), "核实无误")


def test_a_refusal_is_shown_in_the_ui_language_and_nothing_is_saved(qtbot, login_as, ui_language) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    clerk = login_as("clerk")
    hid, _ = _first_household(clerk)
    dialog = ChangeDialog(services=clerk, household_id=hid)
    qtbot.addWidget(dialog)
    dialog.editor("household.size").setText("很多")  # type: ignore[attr-defined]
    assert not dialog.save(submit=True)
    assert dialog.message is not None and "不是整数" in dialog.message
    assert dialog.result_record is None and clerk.changes.list() == []


def test_opened_as_printed_a_field_changed_since_printing_is_a_conflict(qtbot, login_as, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    hid, _ = _first_household(clerk)
    no = clerk.registry.household(hid).household["household_no"]
    clerk.printing.print_batch(PrintSelection(household_ids=(hid,)), pdf=tmp_path / "forms.pdf")
    batch = clerk.printing.batches()[0]
    payload = f"PD1-B{batch.id}-H{no}-V{clerk.registry.household(hid).version}"
    clerk.registry.update_field(entity="household", entity_id=hid, key="household.phone", value="13900002222")
    dialog = ChangeDialog(services=clerk, household_id=hid)
    qtbot.addWidget(dialog)
    assert dialog.open_code(payload.lower())  # a scanner may type lower case
    assert not dialog.table.isColumnHidden(2)
    row = dialog.row_of("household.phone")
    assert dialog.conflict_rows() == [row]
    current = dialog.table.item(row, 3)
    assert current.data(Qt.ItemDataRole.UserRole) == "conflict" and "13900002222" in current.toolTip()
    assert dialog.table.item(row, 2).text() not in ("", "13900002222")
    name_row = dialog.row_of("household.head_name")
    assert dialog.table.item(name_row, 2).text() == clerk.registry.household(hid).household["head_name"]
    qtbot.keyClicks(dialog.editor("household.phone"), "13900003333")
    assert dialog.save(submit=False)
    record = dialog.result_record
    assert record is not None and record.source == "form" and record.source_ref == payload.upper()


def test_an_unknown_code_is_refused_in_place(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    hid, _ = _first_household(clerk)
    dialog = ChangeDialog(services=clerk, household_id=hid)
    qtbot.addWidget(dialog)
    assert not dialog.open_code("PD1-B999-H1-V1")
    assert dialog.message and "999" in dialog.message and dialog.table.isColumnHidden(2)


def test_ticking_empty_clears_a_value_an_untouched_cell_changes_nothing(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    hid, member_id = _first_household(clerk)
    clerk.registry.update_field(entity="household", entity_id=hid, key="household.phone", value="13833334444")
    dialog = ChangeDialog(services=clerk, household_id=hid)
    qtbot.addWidget(dialog)
    assert dialog.entered() == {}
    phone = dialog.editor("household.phone")
    assert isinstance(phone, QLineEdit)
    phone.setText("139")
    dialog.set_cleared("household.phone")
    assert not phone.isEnabled() and phone.text() == ""
    education = dialog.editor("member.education", member_id)
    assert isinstance(education, CodeCombo)
    dialog.set_cleared("member.education", member_id)
    dialog.set_cleared("member.education", member_id, False)  # ticked and unticked: untouched again
    assert education.isEnabled()
    assert dialog.entered() == {"household.phone": ""}
    assert dialog.save(submit=False)
    record = dialog.result_record
    assert [(f.key, f.before, f.after) for f in record.fields] == [("household.phone", "13833334444", None)]
    again = ChangeDialog(services=clerk, household_id=hid, request=record)
    qtbot.addWidget(again)
    assert again.is_cleared(again.row_of("household.phone"))
    assert again.entered() == {"household.phone": ""}
    clerk.changes.submit(record.id)
    login_as("reviewer").changes.approve(record.id)
    assert clerk.registry.household(hid).household["phone"] is None


def test_a_household_changed_at_another_desk_is_refused_and_offered_to_reload(qtbot, login_as) -> None:  # type: ignore[no-untyped-def]
    clerk = login_as("clerk")
    hid, _ = _first_household(clerk)
    dialog = ChangeDialog(services=clerk, household_id=hid)
    qtbot.addWidget(dialog)
    seen = dialog.detail.household["version"]
    # another desk changes the household after the dialog read it
    clerk.registry.update_field(entity="household", entity_id=hid, key="household.phone", value="13800002222")
    phone = dialog.editor("household.phone")
    assert isinstance(phone, QLineEdit)
    qtbot.keyClicks(phone, "13800001111")
    dialog.reason.setText("home visit")
    qtbot.mouseClick(dialog.draft_button, Qt.MouseButton.LeftButton)
    assert dialog.result_record is None and clerk.changes.list(status=cr.DRAFT) == []
    box = dialog._box
    assert box is not None and box.objectName() == "staleReload"
    assert f"{seen} → {seen + 1}" in (dialog.message or "")
    qtbot.mouseClick(box.findChild(QPushButton, "reload"), Qt.MouseButton.LeftButton)
    assert dialog.detail.household["version"] == seen + 1  # reloaded: the other desk's change shown
