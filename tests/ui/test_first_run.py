"""The first-run dialog: the demo county, or a real county checked before it is accepted."""

from __future__ import annotations


def test_the_first_run_offers_the_demo_and_checks_a_county(qtbot, ui_language, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from povdesk.ui.first_run import COUNTY, DEMO, FirstRunDialog

    ui_language("zh_CN")
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.choice is not None and dialog.choice.kind == DEMO
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.county.setChecked(True)
    dialog.code.setText("99343")
    dialog._accept()
    assert dialog.choice is None and "513437" in dialog.error.text()
    dialog.code.setText("513437")
    dialog.townships.setPlainText("513437100:锦城镇\n")
    dialog.folder.setText(str(tmp_path))
    dialog.director.setText("boss")
    dialog.password.setText("pw")
    dialog.repeat.setText("px")
    dialog._accept()
    assert dialog.choice is None and dialog.error.text() == "两次输入的密码不一致。"
    dialog.repeat.setText("pw")
    dialog._accept()
    choice = dialog.choice
    assert choice is not None and choice.kind == COUNTY and choice.plan is not None
    assert choice.plan.name == "雷波县" and choice.plan.townships == (("513437100", "锦城镇"),)


def test_the_townships_are_read_from_a_roster(qtbot, ui_language, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    from povdesk.ui.first_run import FirstRunDialog
    from tests.services.test_county_setup_roster import CODES, township_roster

    ui_language("zh_CN")
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    dialog.county.setChecked(True)
    dialog.code.setText("513437")
    chosen = [str(township_roster(tmp_path / "别县.xlsx", [*CODES[:5], "513436205102", "513436205102"]))]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (chosen[0], ""))
    dialog.from_roster.click()
    assert "别县.xlsx" in dialog.error.text() and "513436205" in dialog.error.text()
    assert dialog.townships.toPlainText() == ""
    chosen[0] = str(township_roster(tmp_path / "雷波.xlsx"))
    dialog.from_roster.click()
    assert dialog.error.text() == ""
    assert dialog.townships.toPlainText() == "513437204:帕哈乡\n513437205:西宁镇"
    chosen[0] = ""  # cancelled: nothing changes
    dialog.from_roster.click()
    assert dialog.townships.toPlainText() == "513437204:帕哈乡\n513437205:西宁镇"
