"""Property: no workbook povdesk writes holds a formula made from data, and what was stored reads back.

Every writer (problem lists, comparison tables, roster export, import error report) is driven with
generated text: formula starters, control characters, sheet-title characters, long strings. Read
back with openpyxl, no cell is a formula, every text that a spreadsheet would take for one carries
the quote prefix, and every value equals what was stored less the characters a workbook cannot hold.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from povdesk import workbook
from povdesk.domain import dictionary as dd
from povdesk.domain.codelists import builtin_codebook
from povdesk.domain.records import ProblemRecord
from povdesk.exchange import error_report
from povdesk.exchange.roster_export import PERSON_LIST, write_person_list
from povdesk.reports.form_xlsx import write_xlsx
from povdesk.reports.forms import BatchInfo, Column, FormSection, FormTable, HouseholdForm
from povdesk.reports.problem_lists import write_lists_by, write_problem_list

FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_SPECIAL = st.sampled_from([*"=+-@\t\r\n/\\*[]:?'\"&#.", "\x0b", "\x00", "\x1f", "\ufffe", "\uffff", "𠮷"])
_PIECE = st.text(alphabet=st.one_of(st.characters(), _SPECIAL), max_size=30)
_STARTS = st.sampled_from(["", "=", "+", "-", "@", "\t", "\r", "\r\n=", "=HYPERLINK(\"http://x\",\"c\")",
                           "=cmd|' /C calc'!A0", "#N/A", "'=", "CON", "/../../"])
TEXT = st.one_of(
    st.builds(str.__add__, _STARTS, _PIECE),
    st.builds(lambda s, n: s * n, _PIECE, st.integers(1, 100)),  # long strings
)


def _cells(path: Path) -> list[Any]:
    wb = load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    formulas = [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"]
    assert not formulas, formulas
    for c in cells:
        if isinstance(c.value, str) and c.value.startswith(workbook.FORMULA_STARTS):
            assert c.quotePrefix, (c.coordinate, c.value)
    return cells


def _stored(texts: Iterable[str | None]) -> set[str]:
    """What the writer is to keep of each text: all but the unwritable characters."""
    return {workbook.clean(t) for t in texts if t and workbook.clean(t)}


def _assert_read_back(path: Path, texts: Iterable[str | None]) -> list[Any]:
    cells = _cells(path)
    values = {c.value for c in cells}
    missing = _stored(texts) - values
    assert not missing, missing
    return cells


def _problem(n: int, texts: list[str]) -> ProblemRecord:
    t = (texts * 8)[n:n + 8]
    return ProblemRecord(id=n, rule=f"R-{n}", category=t[0], severity="error", household_id=n,
                         household_no=t[1], member_id=None, member_name=t[2], id_number=t[3], fields=(),
                         message_zh=t[4], message_en="", status="open",
                         opened_at=dt.datetime(2019, 11, 21, 9, 30), remark=t[5], township=t[6],
                         village=t[7], head_name=t[0])


@FEW
@given(st.lists(TEXT, min_size=1, max_size=4), TEXT)
def test_problem_lists(texts: list[str], title: str) -> None:
    problems = [_problem(n, texts) for n in range(len(texts))]
    with tempfile.TemporaryDirectory() as folder:
        path = write_problem_list(Path(folder) / "list.xlsx", problems, title=title, places=texts[:3])
        _assert_read_back(path, [title, *texts])
        out = Path(folder) / "split"
        paths = write_lists_by(out, problems, level="village")
        assert {p.name for p in out.iterdir()} == {p.name for p in paths}  # all inside, no subfolder
        assert len({p.name.casefold() for p in paths}) == len(paths)
        for p in paths:
            assert p.parent == out.resolve()
            _cells(p)


@FEW
@given(st.lists(st.tuples(TEXT, st.lists(TEXT, min_size=4, max_size=4)), min_size=1, max_size=4), TEXT)
def test_comparison_tables(households: list[tuple[str, list[str]]], user: str) -> None:
    forms = []
    for n, (number, texts) in enumerate(households, start=1):
        table = FormTable(key="t", title=texts[0], columns=(Column(texts[1], 1.0), Column("核实", 1.0, correction=True)),
                          rows=((texts[2], ""), (texts[-1], "")))
        forms.append(HouseholdForm(household_id=n, household_no=number, version=1, batch_id=1, serial=f"B1-{n:04d}",
                                   year=2019, header=((texts[0], texts[1]), ("户主", texts[2])),
                                   sections=(FormSection(texts[-1], (table,)),), title=texts[1]))
    batch = BatchInfo(batch_id=1, printed_at=dt.datetime(2019, 12, 1), user=user, year=2019)
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder) / "forms.xlsx", forms, batch=batch)
        _assert_read_back(path, [t for _, texts in households for t in texts])
        titles = load_workbook(path, read_only=True).sheetnames
        assert len(titles) == len(forms) and len({t.casefold() for t in titles}) == len(titles)
        assert all(0 < len(t) <= 31 and not set(t) & set("\\/*?:[]") for t in titles)


@FEW
@given(st.lists(st.lists(TEXT, min_size=len(PERSON_LIST), max_size=len(PERSON_LIST)), min_size=1, max_size=5))
def test_roster_export(members: list[list[str]]) -> None:
    textual = [(k, key) for k, (_, key, _) in enumerate(PERSON_LIST)
               if dd.field(key).type in (dd.FieldType.TEXT, dd.FieldType.ID_NUMBER, dd.FieldType.PHONE,
                                         dd.FieldType.CODE)]
    rows = [{column: texts[k] for k, column in textual} for texts in members]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.xlsx"
        assert write_person_list(path, rows, builtin_codebook()) == len(rows)
        cells = _assert_read_back(path, [])
        by_place = {(c.row, c.column): c.value for c in cells}
        for r, row in enumerate(rows, start=2):
            for k, column in textual:
                f = dd.field(PERSON_LIST[k][1])
                shown = builtin_codebook()[f.codelist].label(row[column]) if f.type == dd.FieldType.CODE else row[column]
                assert by_place.get((r, k + 1)) == (workbook.clean(shown) or None), (r, column)


@FEW
@given(st.lists(st.lists(st.one_of(TEXT, st.integers(-2**53, 2**53), st.floats(-1e300, 1e300),
                                   st.none()), max_size=6), min_size=1, max_size=6),
       st.lists(TEXT, min_size=1, max_size=3), TEXT)
def test_import_error_report(rows: list[list[Any]], messages: list[str], file_name: str) -> None:
    numbered = list(enumerate(rows, start=1))
    issues = [error_report.CellIssue(row, col, messages[(row + (col or 0)) % len(messages)])
              for row, cells in numbered for col in [*range(len(cells)), None] if (row + (col or 0)) % 2]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.xlsx"
        error_report.write(path, numbered, issues, header_row=1, file_name=file_name, summary=messages)
        cells = _assert_read_back(path, [*messages])
        by_place = {(c.parent.title, c.row, c.column): c.value for c in cells}
        for row, values in numbered:
            for col, value in enumerate(values, start=1):
                got = by_place.get(("错误报告", row, col))
                if isinstance(value, float):  # openpyxl writes 16 significant digits
                    assert got == pytest.approx(value, rel=1e-15, abs=1e-300)
                else:
                    assert got == ((workbook.clean(value) or None) if isinstance(value, str) else value)
        only = Path(folder) / "only.xlsx"
        error_report.write_message_only(only, file_name, messages[0], error_report.Where(file=file_name))
        _cells(only)
