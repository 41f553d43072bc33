"""The window for the monthly package (issue 12 §5): the director's export wizard, the package history
with verify and open folder, the office key's public key; each against the real services."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from povdesk.db.models import Household, Problem
from povdesk.domain import changes as cr
from povdesk.services.facade import Services
from povdesk.services.packages import PackageRecord
from povdesk.ui import package_history
from povdesk.ui.office_key_dialog import OfficeKeyDialog
from povdesk.ui.package_history import PackageHistoryModel, PackageHistoryWindow
from povdesk.ui.package_wizard import ExportWizard
from tests.ui.conftest import DEMO_PASSWORD


def _signed_month(login_as: Any) -> tuple[Services, int, str]:
    """One correction of a household with no open error, approved and signed off: (director, hid, month)."""
    clerk = login_as("clerk")
    hid = next(h for h in range(1, 50) if clerk.registry.household(h).current_members
               and not [p for p in clerk.checks.open_problems(h) if p.severity == "error"])
    request = clerk.changes.make(cr.CORRECT, household_id=hid, sets={"household.phone": "13811117777"},
                                 reason="走访核实")
    clerk.changes.submit(request.id)
    login_as("reviewer").changes.approve(request.id)
    director = login_as("director")
    period = director.changes.get(request.id).period
    assert period is not None
    director.changes.sign_off(period)
    return director, hid, period


def _blocker(services: Services, hid: int) -> None:
    with services.db.transaction() as s:
        h = s.scalar(select(Household).where(Household.id == hid))
        assert h is not None
        s.add(Problem(rule="TST-001", category="test", severity="error", household_id=hid, fingerprint="TST-001:x",
                      fields="household.phone", message_zh="测试错误", message_en="a test error", status="open"))


def _wait(qtbot: Any, task: Any) -> None:
    if task.running or task.retry_box is not None:
        with qtbot.waitSignal(task.ended, timeout=20_000):
            pass


def _export(qtbot: Any, wizard: ExportWizard, folder: Path, password: str) -> None:
    wizard.write.folder.setText(str(folder))
    wizard.write.password.setText(password)
    assert wizard.write.isComplete()
    wizard.next()
    assert wizard.write.task is not None
    _wait(qtbot, wizard.write.task)


def test_the_director_exports_the_month_from_the_wizard(qtbot, login_as, make_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    director, _hid, period = _signed_month(login_as)
    window = make_window(director, language="zh_CN")
    actions = {a.objectName() for a in window.menus["changes"].actions()}
    assert {"exportPackageAction", "packageHistoryAction", "officeKeyAction"} <= actions
    window.actions_by_name["export_package"].trigger()
    wizard = window.export_wizard
    month = wizard.month
    assert month.current_period() == period and period in month.pending_note.text()
    assert month.preview is not None and month.preview.changes == 1 and month.isComplete()
    assert [month.counts.item(r, 0).text() for r in range(month.counts.rowCount())] == ["信息更正", "合计"]
    assert "001" in month.summary.text() and not month.blockers.isVisible()
    wizard.next()
    assert wizard.currentPage() is wizard.write
    assert wizard.write.password_label.text() == "您的密码" and "尚无签名密钥" in wizard.write.key_note.text()

    _export(qtbot, wizard, tmp_path / "out", "not-the-password")
    assert wizard.currentPage() is wizard.write and wizard.write.message
    assert "密码" in wizard.write.message and not list((tmp_path / "out").glob("*.zip"))
    assert director.packages.public_key() is None and director.packages.history() == []

    _export(qtbot, wizard, tmp_path / "out", DEMO_PASSWORD)
    assert wizard.currentPage() is wizard.done_page
    result = wizard.write.result
    assert result is not None and result.file is not None and result.file.is_file()
    assert result.file.name == f"{result.file.name[:6]}-{period}-001.zip" and result.changes == 1
    done = wizard.done_page
    assert done.sequence.text() == "001" and done.sha.toolTip() == result.sha256
    assert done.file.text() == str(result.file)
    opened: list[QUrl] = []
    done.opener = lambda url: opened.append(url) or True
    assert done.open_folder() and Path(opened[0].toLocalFile()) == tmp_path / "out"
    assert wizard.write.password.text() == ""  # not kept once used
    assert [r.sha256 for r in director.packages.history()] == [result.sha256]
    assert director.packages.verify(result.file).ok


def test_blocking_problems_are_listed_and_each_opens_its_household(qtbot, login_as, make_window) -> None:  # type: ignore[no-untyped-def]
    director, hid, _period = _signed_month(login_as)
    _blocker(director, hid)
    window = make_window(director, language="en")
    other = next(h for h in (1, 2, 3) if h != hid)
    window.open_household(other)
    wizard = window.actions_by_name["export_package"].trigger() or window.export_wizard
    month = wizard.month
    assert month.preview is not None and month.preview.blocked and not month.isComplete()
    assert month.blockers.isVisible() and month.blockers.rowCount() == 1
    assert month.blockers.item(0, 1).text() == "TST-001" and month.blockers.item(0, 2).text() == "a test error"
    assert "block the export" in month.blockers_title.text()
    month.blockers.selectRow(0)
    assert month.jump_button.isEnabled()
    month.jump_button.click()
    assert window.detail.household_id() == hid
    problem = month.preview.blockers[0].problem_id
    login_as("reviewer").checks.accept(problem, "核实为例外")
    month.refresh_button.click()
    assert month.preview is not None and not month.preview.blocked and month.isComplete()
    assert not month.blockers.isVisible() and "No open error-level problem" in month.blockers_title.text()


def test_a_non_director_sees_why_they_cannot_export(qtbot, login_as, ui_language) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    _director, _hid, period = _signed_month(login_as)
    reviewer = login_as("reviewer")
    wizard = ExportWizard(services=reviewer)
    qtbot.addWidget(wizard)
    wizard.show()
    month = wizard.month
    assert month.not_allowed.isVisible()
    assert "签发人" in month.not_allowed.text() and "reviewer" in month.not_allowed.text()
    assert month.preview is not None and month.preview.changes == 1 and not month.isComplete()
    assert month.current_period() == period


def test_a_cancelled_export_writes_and_marks_nothing(qtbot, login_as, ui_language, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ui_language("en")
    director, _hid, _period = _signed_month(login_as)
    gate = threading.Event()
    real = director.packages.export

    def held(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(director.packages, "export", held)
    wizard = ExportWizard(services=director)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    wizard.write.folder.setText(str(tmp_path / "out"))
    wizard.write.password.setText(DEMO_PASSWORD)
    wizard.next()
    task = wizard.write.task
    assert task is not None and task.running and not wizard.write.isComplete()
    task.cancel()
    gate.set()
    _wait(qtbot, task)
    assert wizard.currentPage() is wizard.write and "cancelled" in (wizard.write.message or "")
    assert director.packages.history() == [] and not list((tmp_path / "out").glob("*.zip"))
    assert wizard.write.isComplete()  # it can be started again


def test_the_history_lists_packages_verifies_them_and_opens_their_folder(qtbot, login_as, make_window,  # type: ignore[no-untyped-def]
                                                                         tmp_path: Path) -> None:
    director, _hid, period = _signed_month(login_as)
    window = make_window(director, language="zh_CN")
    wizard = window.actions_by_name["export_package"].trigger() or window.export_wizard
    wizard.next()
    _export(qtbot, wizard, tmp_path / "out", DEMO_PASSWORD)
    result = wizard.write.result
    assert result is not None and result.file is not None
    window.actions_by_name["package_history"].trigger()
    history: PackageHistoryWindow = window.package_history
    m = history.model
    assert m.rowCount() == 1
    row = [m.index(0, c).data() for c in range(m.columnCount())]
    assert row[m.FILE] == result.file.name and row[m.PERIOD] == period and row[m.SEQUENCE] == "001"
    assert row[m.CHANGES] == "1" and row[m.TYPES] == "信息更正 1" and row[m.BY] == "director"
    assert m.index(0, m.SHA).data(0x03) == result.sha256  # the whole hash in the tooltip
    assert row[m.FEEDBACK] == row[m.ACCEPTED] == row[m.REJECTED] == ""  # no feedback yet
    assert history.current() is not None and history.verify_button.isEnabled()

    task = history.verify()
    assert task is not None
    _wait(qtbot, task)
    dialog = history.verify_dialog
    assert dialog is not None and dialog.ok and dialog.findings == []

    opened: list[QUrl] = []
    history.opener = lambda url: opened.append(url) or True
    assert history.open_folder() and Path(opened[0].toLocalFile()) == tmp_path / "out"

    tampered = tmp_path / "elsewhere" / result.file.name
    tampered.parent.mkdir()
    with zipfile.ZipFile(result.file) as src, zipfile.ZipFile(tampered, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "changes.jsonl":
                data = data.replace(b"13811117777", b"13811118888")
            dst.writestr(info, data)
    task = history.verify(tampered)
    assert task is not None
    _wait(qtbot, task)
    dialog = history.verify_dialog
    assert dialog is not None and not dialog.ok and dialog.list.count() >= 2
    assert any("SHA-256" in f for f in dialog.findings)

    result.file.unlink()  # moved away: the window asks where it is
    asked: list[str] = []
    history.ask_file = lambda record: asked.append(record.file_name) or None
    assert history.verify() is None and asked == [result.file.name]
    history.ask_file = lambda record: tampered
    assert history.file_of(history.current()) == tampered  # and remembers it  # type: ignore[arg-type]
    assert history.file_of(history.current(), ask=False) == tampered  # type: ignore[arg-type]


def test_the_history_shows_the_feedback_its_records_carry(qtbot) -> None:  # type: ignore[no-untyped-def]
    at = dt.datetime(2020, 2, 3, 4, 5)
    fields = [f.name for f in dataclasses.fields(PackageRecord)]
    base = dict.fromkeys(fields)
    base.update(id=1, period="2020-01", sequence=2, file_name="513437-2020-01-002.zip", sha256="ab" * 32, size=10,
                changes=5, by_type={"correct": 3, "exit": 2}, exported_at=at, signed_off_at=at, exported_by="dina")
    base.update(feedback_at=None, feedback_by=None, feedback_sha256=None, feedback_files=0, accepted=0, rejected=0)
    record = PackageRecord(**base)  # type: ignore[arg-type]
    answered = dataclasses.replace(record, feedback_at=at, feedback_by="rita", feedback_files=1, accepted=4, rejected=1)
    model = PackageHistoryModel()
    model.set_records([record])
    assert model.index(0, model.FEEDBACK).data() == model.index(0, model.ACCEPTED).data() == ""  # none yet
    model.set_records([answered])
    assert model.index(0, model.FEEDBACK).data() == package_history.local_time(at)
    assert model.index(0, model.ACCEPTED).data() == "4" and model.index(0, model.REJECTED).data() == "1"
    assert model.index(0, model.SEQUENCE).data() == "002"


def test_the_office_key_is_shown_copied_and_saved(qtbot, login_as, ui_language, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ui_language("zh_CN")
    director = login_as("director")
    clerk = login_as("clerk")
    seen = OfficeKeyDialog(services=clerk)
    qtbot.addWidget(seen)
    seen.show()
    assert seen.key is None and seen.none.isVisible() and not seen.make_button.isVisible()
    assert not seen.copy_button.isVisible()

    dialog = OfficeKeyDialog(services=director)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.make_button.isVisible()
    assert dialog.make("wrong") is not None
    _wait(qtbot, dialog.task)
    assert dialog.key is None and dialog.message and "密码" in dialog.message
    task = dialog.make(DEMO_PASSWORD)
    assert task is not None
    _wait(qtbot, task)
    key = director.packages.public_key()
    assert key is not None and dialog.key == key
    assert dialog.fingerprint.text() == key.fingerprint_shown and dialog.pem.isVisible()
    assert dialog.pem.toPlainText() == key.public_pem.strip() and not dialog.make_button.isVisible()
    assert dialog.copy() and QApplication.clipboard().text() == key.public_pem
    saved = dialog.save(tmp_path / "office-key")
    assert saved == tmp_path / "office-key.pem" and saved.read_text(encoding="ascii") == key.public_pem
    dialog.ask_path = lambda: None
    assert dialog.save() is None

    seen.load()
    assert seen.key == key and seen.copy_button.isVisible()


def test_the_provinces_feedback_is_imported_from_the_history(qtbot, login_as, make_window,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    import json

    director, _hid, period = _signed_month(login_as)
    request_id = director.changes.list(period=period)[0].id
    assert director.packages.export(period, tmp_path / "out", password=DEMO_PASSWORD).file is not None
    window = make_window(login_as("reviewer"), language="zh_CN")
    window.actions_by_name["package_history"].trigger()
    history: PackageHistoryWindow = window.package_history
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "povdesk-province-feedback", "format_version": 1, "results": [{"request_id": 99999, "result": "通过"}]}), encoding="utf-8")
    _wait(qtbot, history.import_feedback(bad))
    assert history.error.isVisibleTo(history) and "bad.json" in (history.message or "")
    assert history.model.index(0, history.model.FEEDBACK).data() == ""  # a refused file writes nothing
    good = tmp_path / "fb.json"
    good.write_text(json.dumps({"format": "povdesk-province-feedback", "format_version": 1,
                               "results": [{"request_id": request_id, "result": "退回", "reason": "电话号码有误"}]},
                               ensure_ascii=False), encoding="utf-8")
    history.ask_feedback_file = lambda: good
    _wait(qtbot, history.import_feedback())
    assert history.info.isVisibleTo(history) and "0 accepted" not in (history.message or "")
    m = history.model
    assert m.index(0, m.ACCEPTED).data() == "0" and m.index(0, m.REJECTED).data() == "1"
    returned = login_as("clerk").changes.queue(cr.RETURNED, maker="clerk")
    assert [r.type for r in returned] == [cr.CORRECT]  # back in its maker's queue
    _wait(qtbot, history.import_feedback(good))
    assert "已" in (history.message or "") or "already" in (history.message or "")  # nothing new
