#!/usr/bin/env python3
"""Screenshots of the window for the user guide (docs/用户手册.md) and the README, made offscreen
from the demo county, so they stay current with the window.

    .venv/bin/python tools/screenshots.py                 # every shot into docs/images/
    .venv/bin/python tools/screenshots.py --out /tmp/s --households 300 --only main-zh

Each shot runs in its own process (the language and the screen scaling are fixed when Qt starts):
the Chinese window at 1366x768, the English one at 1920x1080 with 150 % scaling (a 1280x720
logical window drawn at 1.5 device pixels per pixel), and the dialogs of the daily tasks. The demo
county is built once, in a temporary folder; nothing touches the user's profile.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: name -> (language, logical width, height, scale factor, what to show)
SHOTS: dict[str, tuple[str, int, int, float, str]] = {
    "dashboard-zh": ("zh_CN", 1366, 768, 1.0, "dashboard"),
    "dashboard-en": ("en", 1920, 1080, 1.0, "dashboard"),
    "main-zh": ("zh_CN", 1366, 768, 1.0, "main"),
    "main-en-150": ("en", 1280, 720, 1.5, "main"),
    "village-zh": ("zh_CN", 1366, 768, 1.0, "village"),
    "print-zh": ("zh_CN", 1366, 768, 1.0, "print"),
    "import-zh": ("zh_CN", 1366, 768, 1.0, "import"),
    "settings-zh": ("zh_CN", 1366, 768, 1.0, "settings"),
    "shortcuts-zh": ("zh_CN", 1366, 768, 1.0, "shortcuts"),
}


def build(folder: Path, households: int) -> Path:
    from povdesk.services.database import Database
    from povdesk.services.facade import Services

    path = folder / "demo-county.sqlite"
    db = Database.open(path, user="clerk")
    services = Services(db=db)
    services.demo.build(households=households, seed=2019)
    services.checks.run()  # the problems panel shows what the checks found
    # the dashboard's exits by year against a plan: the demo has no plan, an office sets its own
    years = services.year_settings.by_year()
    for year, planned in {2014: 120, 2015: 200, 2016: 260, 2017: 300, 2018: 420, 2019: 520}.items():
        if year in years:
            services.year_settings.update(year, exit_plan_households=planned, source="演示：县脱贫攻坚规划")
    db.close()
    return path


def _opened(window: Any, name: str) -> Any:
    """The dialog an action just opened (the window keeps it in an attribute while it is open)."""
    return getattr(window, name)


def _spoil(roster: Path) -> None:
    """A few changes the province's next roster might bring: a new ethnicity, months away, a
    phone, and one changed ID number (an identity change), so the preview has something to show."""
    import openpyxl

    from povdesk.domain import idnumber

    book = openpyxl.load_workbook(roster)
    sheet = book.worksheets[0]
    header = {str(c.value): c.column for c in sheet[1] if c.value}

    def column(*names: str) -> int | None:
        return next((header[n] for n in names if n in header), None)

    ethnicity, months, phone, id_col = (column("民族"), column("务工时间（月）", "务工时间"),
                                        column("联系电话"), column("证件号码", "身份证号码"))
    for row in range(2, 14):
        if ethnicity and row % 3 == 0:
            sheet.cell(row, ethnicity).value = "汉族"
        if months and row % 4 == 0:
            sheet.cell(row, months).value = 14
        if phone and row % 5 == 0:
            sheet.cell(row, phone).value = "13800000000"
    if id_col:
        old = str(sheet.cell(3, id_col).value or "")
        born = idnumber.birth_date(old) if idnumber.well_formed(old) else None
        if born is not None:
            sheet.cell(3, id_col).value = idnumber.make(old[:6], born, 977)
    book.save(roster)


def shoot(name: str, db_path: Path, out: Path) -> None:
    """In this process: open the window on the demo county and save one picture."""
    language, width, height, _scale, what = SHOTS[name]
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QApplication, QWidget

    from povdesk.services.database import Database
    from povdesk.services.facade import Services
    from povdesk.ui.application import create_application
    from povdesk.ui.main_window import MainWindow
    from povdesk.ui.tasks import wait_for_tasks

    app = create_application([], language=language)
    # each shot starts from the first-start layout, not the one the previous shot's window saved
    (Path(os.environ["POVDESK_DATA_DIR"]) / "ui-state.ini").unlink(missing_ok=True)
    services = Services(db=Database.open(db_path, user="clerk"))
    window = MainWindow(services=services)
    window.resize(width, height)
    window.show()

    def settle(ms: int = 300) -> None:
        wait_for_tasks()
        for _ in range(max(1, ms // 20)):
            app.processEvents()
            QApplication.instance().thread().msleep(20)  # type: ignore[union-attr]

    if what == "dashboard":  # the first view, once its compliance chart has filled in
        while window.dashboard.board is None or window.dashboard.board.compliance is None:
            settle(100)
    else:
        window.show_list()
    while window.table_model.loading:
        settle(50)
    settle()
    target: QWidget = window
    if what in ("village", "print"):
        nav = window.navigator_model
        county = nav.index(0, 0)
        township = nav.index(0, 0, county)
        window.navigator.expand(township)
        village = nav.index(0, 0, township)
        window.navigator.selectionModel().setCurrentIndex(
            village, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        settle(600)
        while window.table_model.loading:
            settle(50)
    if what == "print":
        window.actions_by_name["print"].trigger()
        target = _opened(window, "_print_dialog")
    elif what == "import":
        from povdesk.ui.import_wizard import ImportWizard

        roster = Path(os.environ["POVDESK_DATA_DIR"]) / "花名册.xlsx"  # the run's temporary folder
        services.importer.export_roster(roster)
        _spoil(roster)
        wizard = ImportWizard(services=services, path=roster, parent=window)
        wizard.show()
        wizard.next()
        wizard.next()
        settle(500)
        while wizard.preview_page.task is not None and wizard.preview_page.task.running:
            settle(100)
        target = wizard
    elif what == "settings":
        window.actions_by_name["settings"].trigger()
        target = _opened(window, "_settings_dialog")
    elif what == "shortcuts":
        window.actions_by_name["shortcuts"].trigger()
        target = _opened(window, "_shortcuts_dialog")
    settle(600)
    target.grab().save(str(out))
    print(f"{out}  {target.width()}x{target.height()} ({language})")
    window.close()
    services.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--households", type=int, default=2000)
    parser.add_argument("--only", action="append", choices=sorted(SHOTS))
    parser.add_argument("--shoot", help=argparse.SUPPRESS)  # internal: one shot in this process
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.shoot:
        shoot(args.shoot, args.db, args.out / f"{args.shoot}.png")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="povdesk-shots-") as tmp:
        env = {**os.environ, "POVDESK_DATA_DIR": tmp, "QT_QPA_PLATFORM": "offscreen"}
        os.environ["POVDESK_DATA_DIR"] = tmp
        db = build(Path(tmp), args.households)
        for name in args.only or list(SHOTS):
            scale = SHOTS[name][3]
            shot_env = {**env, "QT_SCALE_FACTOR": str(scale)} if scale != 1.0 else env
            subprocess.run([sys.executable, __file__, "--shoot", name, "--db", str(db), "--out", str(args.out)],
                           env=shot_env, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
