"""The same product on both engines (issue 16 §1): one office's month run on SQLite and on
PostgreSQL side by side (imports with the bulk path, a check run, change requests through sign-off,
the monthly package and a print batch) gives the same digest of each result.

Digests leave out only what is not data: the moments things happened (DateTime columns, printed
dates), and what is random by design (password salts, the office's key pair, the package's
signature, the audit chain's hashes, which cover those moments). Everything else, ids included,
must be equal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import DateTime, select

from benchmarks.findings_digest import findings
from povdesk.db.models import Base, OfficeKey
from povdesk.services.database import Database
from povdesk.services.importer import ImportService
from povdesk.services.printing import PrintSelection, PrintService
from tests.exchange.rosters import col, person_rows, person_xlsx
from tests.factories import build_small_county
from tests.helpers.databases import DatabaseFactory
from tests.services.changes_setup import office
from tests.services.package_setup import PASSWORD, PERIOD, as_director, signed_month

#: what is random by design, left out: password salts, hashes over moments (the audit chain, a
#: package's manifest and file, which hold the time of export, so its compressed size too), the
#: office's key pair; a search key's surrogate id (the listener's insert order is the session's)
RANDOM = {"password_hash", "hash", "prev_hash", "sha256", "manifest_sha256", "change_package.size", "search_key.id",
          "office_key.public_pem", "office_key.params", "office_key.encrypted_private"}
#: SQLite's change counter, which a second window on the same machine polls; PostgreSQL desks are
#: told through LISTEN/NOTIFY instead (services/notify.py)
ENGINE_OWN = {"change_counter"}
#: printed moments on forms and sheets: 2026-12-02 08:15, 2026年12月2日
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?|\d{4}年\d{1,2}月\d{1,2}日\s*\d{0,2}:?\d{0,2}")

HEX = re.compile(r"[0-9a-f]{32}")


def table_digests(db: Database, folder: Path) -> dict[str, str]:
    """Each table's rows in key order, moments and random columns left out, `folder` (where this
    engine's files were written) read as "<out>"."""
    out: dict[str, str] = {}
    with db.reading() as s:
        keys = list(s.scalars(select(OfficeKey.fingerprint)))
        for table in Base.metadata.sorted_tables:
            if table.name in ENGINE_OWN:
                continue
            cols = [c for c in table.columns if not isinstance(c.type, DateTime)
                    and c.name not in RANDOM and f"{table.name}.{c.name}" not in RANDOM]
            rows = sorted(json.dumps([_plain(v) for v in row], ensure_ascii=False, sort_keys=True)
                          for row in s.execute(select(*cols)))
            text = "\n".join(rows).replace(json.dumps(str(folder))[1:-1], "<out>")
            for key in keys:
                text = text.replace(key, "<office key>")
            out[table.name] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):  # a job's summary: its duration is the machine's, not the data's
        return {k: _plain(v) for k, v in value.items() if k not in ("seconds", "sha256")}
    if isinstance(value, str) and value.startswith("{"):
        try:
            return _plain(json.loads(value))
        except ValueError:
            return value
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, (str, int, float, bool, type(None), dict, list)) else str(value)


def _moments(value: Any) -> Any:
    """`value` (JSON) with its moments (ISO times) read as "<moment>"."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return json.loads(MOMENT.sub("<moment>", text))


def pdf_text(data: bytes) -> list[str]:
    return [MOMENT.sub("<moment>", page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


def xlsx_values(data: bytes) -> dict[str, list[list[Any]]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {ws.title: [[MOMENT.sub("<moment>", v) if isinstance(v, str) else _plain(v) for v in row]
                           for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def month(db: Database, out: Path) -> dict[str, Any]:
    """What one office's month produces, in comparable form."""
    out.mkdir(parents=True)
    build_small_county(db)
    o = office(db)
    signed_month(o)
    done = as_director(o).export(PERIOD, out / "package", password=PASSWORD)
    assert done.file is not None
    with zipfile.ZipFile(done.file) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
    manifest = json.loads(files["manifest.json"])
    # the files' digests cover changes.jsonl, which holds the moments of each step
    for volatile in ("exported_at", "signed_off", "files", "public_key", "previous_sha256", "content_sha256",
                     "key_fingerprint"):
        manifest.pop(volatile, None)
    package = {"names": list(files), "manifest": _moments(manifest),
               "changes": _moments([json.loads(x) for x in files["changes.jsonl"].decode().splitlines()]),
               "sheet": xlsx_values(files["调整明细.xlsx"]), "sign_off": [HEX.sub("<digest>", page) for page in pdf_text(files["签发单.pdf"])]}
    lines, problems = findings(db)
    printed = PrintService(db=db).print_batch(PrintSelection(village="513437204201"), pdf=out / "forms.pdf",
                                              xlsx=out / "forms.xlsx")
    assert printed.households > 0
    forms = {"pdf": pdf_text((out / "forms.pdf").read_bytes()), "xlsx": xlsx_values((out / "forms.xlsx").read_bytes())}
    return {"tables": table_digests(db, out), "package": package, "findings": lines, "problems": problems, "forms": forms}


def imports(db: Database, out: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A first import into an empty database through the bulk path, then a newer export."""
    from povdesk.db import fast

    out.mkdir(parents=True)
    monkeypatch.setattr(fast, "REBUILD_MIN", 1)  # the bulk path of a large first import
    service = ImportService(db=db)
    first = service.run(person_xlsx(out / "first.xlsx"))
    rows = person_rows()
    rows[3][col("人均纯收入")] = 6200
    rows[2][col("文化程度")] = "初中"
    del rows[1]
    second = service.run(person_xlsx(out / "second.xlsx", rows))
    return {"tables": table_digests(db, out),
            "results": [(r.households_new, r.members_new, r.fields_changed,
                         sorted((c.household_no, c.field_key, c.old, c.new) for c in r.changes))
                        for r in (first, second)]}


@pytest.fixture
def engines(sqlite_db: Database, pg_factory: DatabaseFactory, tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    """The two engines, opened by the same user (the journal records who)."""
    target = pg_factory.new(tmp_path, "pg")
    pg = Database.open(target, user=sqlite_db.user)
    yield sqlite_db, pg
    pg.close()
    pg_factory.drop(target)


def test_an_office_month_gives_the_same_results_on_both_engines(engines: tuple[Database, Database],
                                                                tmp_path: Path) -> None:
    lite, pg = (month(db, tmp_path / name) for db, name in zip(engines, ("sqlite", "postgresql"), strict=True))
    assert lite["tables"] == pg["tables"]
    assert lite["findings"] == pg["findings"] and lite["problems"] == pg["problems"]
    assert lite["package"] == pg["package"]
    assert lite["forms"] == pg["forms"]
    assert lite["package"]["changes"] and lite["findings"] and any("户主" in p for p in lite["forms"]["pdf"])


def test_imports_give_the_same_database_on_both_engines(engines: tuple[Database, Database], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    lite, pg = (imports(db, tmp_path / name, monkeypatch)
                for db, name in zip(engines, ("sqlite", "postgresql"), strict=True))
    assert lite["results"] == pg["results"]
    assert lite["tables"] == pg["tables"]
    assert lite["results"][1][2] > 0
