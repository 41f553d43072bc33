"""The window starts without the heavy modules of features not yet used (issue 17 §3: a usable list in
1.5 s): openpyxl, reportlab, pypdf and cryptography load when an export, a print or a package needs them.
Measured in a fresh interpreter, as the desk starts; not a timing test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from povdesk.services.database import Database
from tests.ui.conftest import ROOT

HEAVY = ("openpyxl", "reportlab", "pypdf", "cryptography", "PySide6.QtPdf",
         # and the services of the import wizard and the backup page, imported when first used
         "povdesk.services.importer", "povdesk.services.backups")

CHILD = r"""
import json, sys
from PySide6.QtCore import QTimer
from povdesk.services.database import Database
from povdesk.services.facade import Services
from povdesk.ui.application import create_application
from povdesk.ui.main_window import MainWindow

app = create_application([sys.argv[0]], language="zh_CN")
window = MainWindow(services=Services(db=Database.open(sys.argv[1], user="tester")))
window.show()
out = {}

def detail_shown():
    if window.detail_due:
        QTimer.singleShot(10, detail_shown)
        return
    out["detail"] = window.detail.household_id()
    out["precision"] = window.table.horizontalHeader().resizeContentsPrecision()
    out["loaded"] = sorted(m for m in HEAVY if m in sys.modules)
    print("RESULT", json.dumps(out), flush=True)
    app.quit()

def loaded(count):
    out["rows"] = count
    QTimer.singleShot(0, detail_shown)

HEAVY = json.loads(sys.argv[2])
window.table_model.loaded.connect(loaded)
QTimer.singleShot(20_000, app.quit)
app.exec()
window.services.db.close()
"""


def test_window_starts_without_heavy_modules(county_db: Database, db_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "POVDESK_DATA_DIR": str(tmp_path),
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", CHILD, db_url, json.dumps(HEAVY)], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, proc.stderr[-2000:]
    result = json.loads(lines[0].split(" ", 1)[1])
    assert result["rows"] == 6
    assert result["detail"] is not None  # the first household's detail follows the list
    assert result["loaded"] == []  # imported only when their menu action is used
    # columns fit the first rows only: 0 ("the visible ones") means every row while the dashboard's tab hides the list
    assert result["precision"] > 0
