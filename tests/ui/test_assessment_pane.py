"""The detail pane's 两不愁三保障 box says what the rules find, at every edge of every indicator,
against the office's edited year settings; and it follows a changed setting."""

from __future__ import annotations

from collections import defaultdict

from povdesk.domain.assessment import INCOME, INDICATORS
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from tests.helpers.assessment_cases import CASES, RULES, build_cases

SHOWN = {True: "达标", False: "未达标", None: "无法判断"}


def _pane(window, indicator: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    model = window.detail.assurance_model
    row = INDICATORS.index(indicator)
    return model.index(row, 1).data(), model.index(row, 2).data()


def test_the_pane_judges_each_edge_as_the_rule_does(qtbot, make_window, db: Database) -> None:  # type: ignore[no-untyped-def]
    ids = build_cases(db)
    found: dict[int, set[str]] = defaultdict(set)
    for f in CheckService(db=db).evaluate():
        found[f.household_id].add(f.rule.code)
    window = make_window(db)
    for case in CASES:
        window.open_household(ids[case.id])
        assert found[ids[case.id]] & RULES[case.indicator] == case.found, case.id
        assert window.detail.assurance_model.rowCount() == len(INDICATORS)
        shown, basis = _pane(window, case.indicator)
        assert shown == SHOWN[case.met], (case.id, basis)
    window.open_household(ids[CASES[0].id])  # at the office's line
    assert _pane(window, INCOME)[1] == "人均纯收入 9,000.00 元 ≤ 9,000 元"


def test_a_changed_year_setting_changes_the_pane(qtbot, make_window, db: Database) -> None:  # type: ignore[no-untyped-def]
    ids = build_cases(db)
    window = make_window(db, "en")
    above = ids[CASES[2].id]  # 9,000.01 yuan a head
    window.open_household(above)
    assert _pane(window, INCOME) == ("Met", "per-capita net income 9,000.01 yuan > 9,000 yuan")

    window.services.year_settings.update(2019, exit_income_line=9000.01)  # through the service
    window.refresh()
    assert _pane(window, INCOME) == ("Not met", "per-capita net income 9,000.01 yuan ≤ 9,000.01 yuan")

    dialog = window.actions_by_name["year_settings"].trigger() or window._year_settings_dialog
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == "2019")
    dialog.table.item(row, 1).setText("8000")
    dialog.save()  # saving refreshes the window
    assert _pane(window, INCOME) == ("Met", "per-capita net income 9,000.01 yuan > 8,000 yuan")
