"""The rule, the printed form (read back from the PDF) and the assessment judge every edge of every
indicator alike, against the office's edited year settings (exit line 9,000; school from age 7)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from povdesk.config import Settings
from povdesk.domain.assessment import INDICATORS, Assessment, food_and_clothing
from povdesk.services.checks import CheckService
from povdesk.services.database import Database
from povdesk.services.printing import PrintSelection, PrintService
from povdesk.services.registry import RegistryService
from tests.helpers.assessment_cases import CASES, PRINTED, RULES, household_no
from tests.helpers.assessment_cases import build_cases as build
from tests.helpers.databases import DatabaseFactory

_BLOCK = re.compile(r"“一超”“两不愁三保障”及饮水、用电、广播电视\s*指标 验收标准 登记情况\(未达标原因\) 达标情况 "
                    r"核实情况/更正\n(.*?)\n生产生活条件", re.S)
_HOUSEHOLD = re.compile(r"户编号 (\d{17}) · 记录版本")


@dataclass(frozen=True)
class Judged:
    ids: dict[str, int]
    found: dict[int, set[str]]
    printed: dict[str, dict[str, tuple[str, str]]]  # household number -> title -> (row text, verdict)
    assessed: dict[str, Assessment]


def printed_indicators(pdf: Path, titles: list[str]) -> dict[str, dict[str, tuple[str, str]]]:
    """Each household's indicator rows as printed: title -> (the row's text, its 达标/未达标/待核实)."""
    pages: dict[str, list[str]] = defaultdict(list)
    for page in PdfReader(pdf).pages:
        text = page.extract_text()
        number = _HOUSEHOLD.search(text)
        if number is not None:  # not the village's cover list
            pages[number[1]].append(text)
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for number, texts in pages.items():
        block = _BLOCK.search("\n".join(texts))
        assert block is not None, number
        joined = block[1].replace("\n", "")  # a long title wraps inside its cell
        starts = [joined.index(t) for t in titles]
        rows = {}
        for k, title in enumerate(titles):
            rest = joined[starts[k] + len(title):starts[k + 1] if k + 1 < len(titles) else None].strip()
            ends = [v for v in sorted(PRINTED.values(), key=len, reverse=True) if rest.endswith(v)]
            rows[title] = (rest, ends[0] if ends else "")
        out[number] = rows
    return out


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory, db_factory: DatabaseFactory) -> Iterator[Judged]:
    folder = tmp_path_factory.mktemp("edges")
    target = db_factory.new(folder, "edges")
    db = Database.open(target, user="clerk", backups=folder)
    ids = build(db)
    found: dict[int, set[str]] = defaultdict(set)
    for f in CheckService(db=db).evaluate():
        found[f.household_id].add(f.rule.code)
    registry = RegistryService(db=db)
    assessed = {case.id: registry.assessment(ids[case.id]) for case in CASES}
    titles = [v.title_zh for v in next(iter(assessed.values())).verdicts]
    titles.insert(1, food_and_clothing().title_zh)  # the form's 两不愁 row, after 一超
    result = PrintService(db=db, settings=Settings()).print_batch(PrintSelection(village="513437204201"),
                                                                  pdf=folder / "edges.pdf")
    yield Judged(ids, found, printed_indicators(result.pdf, titles), assessed)
    db.close()
    db_factory.drop(target)


@pytest.mark.parametrize("indicator", INDICATORS)
def test_rule_printed_form_and_assessment_agree_at_each_edge(judged: Judged, indicator: str) -> None:
    for n, case in enumerate(CASES, start=1):
        if case.indicator != indicator:
            continue
        hid = judged.ids[case.id]
        assert judged.found[hid] & RULES[indicator] == case.found, case.id
        verdict = judged.assessed[case.id].verdict(indicator)
        assert verdict.met is case.met, (case.id, verdict.basis_en)
        text, printed = judged.printed[household_no(n)][verdict.title_zh]
        assert printed == PRINTED[case.met], (case.id, text)
        assert verdict.basis_zh.replace(" ", "") in text.replace(" ", ""), (case.id, text)
        assert verdict.standard_zh.replace(" ", "") in text.replace(" ", ""), (case.id, text)


def test_the_printed_basis_names_the_office_line_and_school_ages(judged: Judged) -> None:
    at_line = judged.printed[household_no(1)]
    assert at_line["一超(人均纯收入)"][0].replace(" ", "") == "2019年人均纯收入超过9,000元人均纯收入9,000.00元≤9,000元未达标"
    assert at_line["两不愁(不愁吃穿)"][1] == "待核实"
    assessment = judged.assessed[CASES[5].id]  # a child of 7, out of school
    # school ages are counted on the year setting school_age_date (1 September), not the reference date
    assert assessment.school_age_date == dt.date(2019, 9, 1) != assessment.reference_date
    assert assessment.verdict("education").basis_en.startswith("1 aged 7–15; out of school: 子女06")
    assert assessment.verdict("education").members == (max(assessment.current_members),)
