"""The form's pure table builders: what each row says, before anything is drawn."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from povdesk.domain.codelists import CodeItemOverride, builtin_codebook
from povdesk.domain.records import (
    CadreRecord,
    HouseholdDetail,
    Location,
    MemberRecord,
    ProblemRecord,
    Row,
    YearSettingRecord,
    frozen_map,
)
from povdesk.reports import form_pdf
from povdesk.reports.forms import (
    CONFIRMATION,
    CORRECTION,
    FormOptions,
    HouseholdForm,
    build_form,
    form_payload,
    group_key,
    key_value_table,
    mask_id,
    measure_rows,
    member_rows,
    parse_payload,
)

SETTINGS = YearSettingRecord(year=2019, exit_income_line=3750, national_line=3218, source="test",
                             school_age_from=6, school_age_to=15, reference_date=dt.date(2019, 12, 31))
OPTS = FormOptions(settings=SETTINGS)


def _member(mid: int, name: str, relation: str, born: dt.date, **kw: object) -> MemberRecord:
    values = dict(name=name, relation=relation, sex="1", birth_date=born, ethnicity="07",
                  id_number="51343719700312001" + str(mid % 10), education="02", school_status="01",
                  health="01", labour_skill="01", work_status="04", ins_medical=True,
                  ins_major_illness=True, status="1")
    values.update(kw)
    return MemberRecord(mid, frozen_map(values), 1)


def detail(*, members: tuple[MemberRecord, ...] | None = None, measures: tuple[Row, ...] = ()) -> HouseholdDetail:
    members = members or (
        _member(1, "沙马拉则", "01", dt.date(1970, 3, 12)),
        _member(2, "沙马阿依莫", "02", dt.date(1972, 5, 1), sex="2"),
        _member(3, "沙马子0", "03", dt.date(2008, 9, 1), school_status="01", education=None),
        _member(4, "沙马老人", "11", dt.date(1940, 1, 1), status="2", change_reason="死亡",
                change_date=dt.date(2019, 3, 1)),
    )
    household = Row(1, frozen_map(dict(household_no="51343720420100001", head_name="沙马拉则",
                                       group_name="一组", attribute="01", status="0", main_cause="07",
                                       head_id_number="513437197003120016", size=3, version=4)))
    income = Row(1, frozen_map(dict(year=2019, per_capita_net=3000.0, wage=9000.0)))
    cond = Row(1, frozen_map(dict(year=2019, dangerous_house=False, house_grade="3", drinking_safe=True,
                                  drinking_difficult=False, electricity=True, radio_tv=True)))
    cadre = CadreRecord(9, frozen_map(dict(name="王建国", org_name="雷波县农业农村局", phone="13800000001")),
                        dt.date(2016, 1, 1))
    loc = Location("513437", "雷波县", "513437204", "帕哈乡", "513437204201", "八合村")
    return HouseholdDetail(household, loc, members, (income,), (cond,), measures, (cadre,), ())


def test_masking_keeps_region_and_last_four() -> None:
    assert mask_id("51343719700312001X") == "513437********001X"
    assert mask_id(None) == ""


def test_payload_round_trips_and_tolerates_scanner_case_and_spaces() -> None:
    payload = form_payload(12, "51343720420100001", 7)
    assert payload == "PD1-B12-H51343720420100001-V7"
    key = parse_payload(f"  {payload.lower()}\n")
    assert key is not None and (key.batch_id, key.household_no, key.version) == (12, "51343720420100001", 7)
    assert parse_payload("hello") is None


def test_member_rows_show_code_labels_age_and_an_empty_correction_cell() -> None:
    rows = member_rows(detail().current_members, builtin_codebook(), OPTS)
    assert len(rows) == 3  # the decreased member is not among the current ones
    head = rows[0]
    assert head[:4] == ("1", "沙马拉则", "513437197003120011", "户主")
    assert "49" in head  # age on 2019-12-31
    assert "彝族" in head and "省外务工" in head
    assert head[-1] == ""


def test_masking_applies_to_member_and_head_id_numbers() -> None:
    form = build_form(detail(), books=builtin_codebook(), opts=FormOptions(settings=SETTINGS, mask_ids=True),
                      batch_id=1, serial="B1-0001")
    texts = list(form.texts())
    assert "513437197003120016" not in texts
    assert "513437********0016" in texts
    members = form.table("members")
    assert members is not None and members.rows[0][2] == "513437********0011"


def test_key_value_table_pairs_two_items_per_row_each_with_a_correction_cell() -> None:
    table = key_value_table("t", "", [("甲", "1"), ("乙", "2"), ("丙", "3")])
    assert [c.title for c in table.columns].count(CORRECTION) == 2
    assert table.rows == (("甲", "1", "", "乙", "2", ""), ("丙", "3", "", "", "", ""))


def test_indicators_flag_the_child_out_of_school_low_income_and_unsafe_house() -> None:
    form = build_form(detail(), books=builtin_codebook(), opts=OPTS, batch_id=1, serial="B1-0001")
    table = form.table("indicators")
    assert table is not None
    assert [c.title for c in table.columns] == ["指标", "验收标准", "登记情况(未达标原因)", "达标情况", CORRECTION]
    by_name = {r[0]: r for r in table.rows}
    assert by_name["义务教育有保障"][3] == "未达标" and "沙马子0" in by_name["义务教育有保障"][2]
    assert by_name["一超(人均纯收入)"][1:4] == ("2019 年人均纯收入超过 3,750 元", "人均纯收入 3,000.00 元 ≤ 3,750 元",
                                          "未达标")  # 3,000 is below the 3,750 line
    assert by_name["住房安全有保障"][3] == "未达标"  # grade C counts as unsafe
    assert by_name["基本医疗有保障"][3] == "达标"


def test_income_and_food_and_clothing_are_separate_rows_each_with_its_standard() -> None:
    form = build_form(detail(), books=builtin_codebook(), opts=OPTS, batch_id=1, serial="B1-0001")
    table = form.table("indicators")
    assert table is not None
    titles = [r[0] for r in table.rows]
    assert titles[:3] == ["一超(人均纯收入)", "两不愁(不愁吃穿)", "义务教育有保障"]
    food = table.rows[1]
    assert "不愁吃" in food[1] and "不愁穿" in food[1] and food[3] == "待核实"  # no field records it
    assert all(r[1] for r in table.rows)  # every row states its 验收标准


def test_member_measure_and_cadre_tables_show_the_2019_fields() -> None:
    members = (_member(1, "沙马拉则", "01", dt.date(1970, 3, 12), work_months=10, public_post_type="01"),
               _member(2, "沙马阿依莫", "02", dt.date(1972, 5, 1), sex="2", health="04", disability_grade="2",
                       work_status=None))
    measures = (Row(1, frozen_map(dict(year=2019, category="01", item="花椒", amount=2000.0, benefit=2400.0))),)
    earlier = CadreRecord(8, frozen_map(dict(name="李明", org_name="雷波县教育局", affiliation="51")),
                          dt.date(2016, 1, 1), dt.date(2018, 12, 31))
    current = CadreRecord(9, frozen_map(dict(name="王建国", org_name="雷波县农业农村局", affiliation="62")),
                          dt.date(2019, 1, 1))
    d = dataclasses.replace(detail(members=members, measures=measures), cadres=(earlier, current))
    form = build_form(d, books=builtin_codebook(), opts=OPTS, batch_id=1, serial="B1-0001")
    table = form.table("members")
    assert table is not None
    titles = [c.title for c in table.columns]
    assert {"务工时间(月)", "残疾等级", "公益性岗位类型"} <= set(titles)
    head, spouse = (dict(zip(titles, r, strict=True)) for r in table.rows)
    assert (head["务工时间(月)"], head["公益性岗位类型"], head["残疾等级"]) == ("10", "护林员", "")
    assert (spouse["残疾等级"], spouse["健康状况"]) == ("二级", "残疾")
    measures_table = form.table("measures")
    assert measures_table is not None
    row = dict(zip([c.title for c in measures_table.columns], measures_table.rows[0], strict=True))
    assert row["帮扶成效(元)"] == "2,400.00"
    cadres = form.table("cadres")
    assert cadres is not None and "历任" in cadres.title
    rows = [dict(zip([c.title for c in cadres.columns], r, strict=True)) for r in cadres.rows]
    assert [(r["帮扶责任人姓名"], r["隶属关系"], r["帮扶开始时间"], r["帮扶结束时间"]) for r in rows] == [
        ("王建国", "乡", "2019-01-01", "至今"), ("李明", "县", "2016-01-01", "2018-12-31")]  # current first


def test_signatures_are_two_verifiers_the_date_and_the_head_after_the_confirmation() -> None:
    form = build_form(detail(), books=builtin_codebook(), opts=OPTS, batch_id=1, serial="B1-0001")
    assert form.signatures == ("核实人签字(一)", "核实人签字(二)", "核实日期", "户主签字或按手印", "确认日期")
    assert CONFIRMATION == "以上信息已向户主宣读并确认"


def test_measures_sorted_by_category_then_year_with_office_labels() -> None:
    measures = (Row(1, frozen_map(dict(year=2019, category="05", item="助学金", amount=1000.0, member_id=3))),
                Row(2, frozen_map(dict(year=2018, category="01", item="花椒", amount=2000.0, quantity=1.5,
                                       unit="亩"))),
                Row(3, frozen_map(dict(year=2017, category="05", item="营养餐", amount=300.0))))
    books = builtin_codebook().with_overrides([CodeItemOverride("measure_category", "05", "教育帮扶", "Edu")])
    rows = measure_rows(detail(measures=measures), books)
    assert [(r[0], r[1], r[2]) for r in rows] == [("2018", "产业扶贫", "花椒"), ("2017", "教育帮扶", "营养餐"),
                                                  ("2019", "教育帮扶", "助学金")]
    assert rows[0][4] == "1.5亩" and rows[0][5] == "2,000.00"
    assert rows[2][3] == "沙马子0"


def test_open_problems_come_first_under_please_verify() -> None:
    problem = ProblemRecord(id=1, rule="EDU", category="edu", severity="error", household_id=1,
                            household_no="x", member_id=3, member_name="沙马子0", id_number=None,
                            fields=(), message_zh="适龄未在校", message_en="", status="open",
                            opened_at=dt.datetime(2019, 1, 1))
    form = build_form(detail(), problems=[problem], books=builtin_codebook(), opts=OPTS, batch_id=1,
                      serial="B1-0001")
    assert form.sections[0].title == "请重点核实"
    assert form.sections[0].tables[0].rows == (("1", "适龄未在校", "沙马子0", ""),)
    assert form.open_problems == 1


def test_snapshot_round_trips_to_an_equal_form() -> None:
    form = build_form(detail(), books=builtin_codebook(), opts=OPTS, batch_id=3, serial="B3-0001")
    again = HouseholdForm.from_snapshot(form.snapshot())
    assert again == form
    assert form.snapshot()["payload"] == "PD1-B3-H51343720420100001-V4"


@pytest.mark.parametrize("text", ["513437197003120016 沙马拉则", "适龄儿童阿苏子3未在校，疑似辍学" * 3])
def test_wrapping_keeps_every_line_inside_the_cell(text: str) -> None:
    width = 60.0
    lines = form_pdf.wrap(text, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(form_pdf.fonts.text_width(line, form_pdf.FONT_SIZE) <= width for line in lines)


def test_long_household_repeats_headers_and_keeps_signature_with_last_table() -> None:
    many = tuple(_member(10 + k, f"成员{k}", "03", dt.date(1990, 1, 1)) for k in range(60))
    form = build_form(detail(members=many), books=builtin_codebook(), opts=OPTS, batch_id=1, serial="s")
    pages = form_pdf.paginate(form)
    assert len(pages) >= 3
    member_header_pages = [n for n, ops in enumerate(pages) for op in ops
                           if op.kind == "rows" and op.table is not None
                           and op.table.table.key == "members" and op.rows[0].header]
    assert len(member_header_pages) >= 2  # the header is repeated on the continuation page
    last = pages[-1]
    kinds = [op.kind for op in last]
    assert kinds[-1] == "signature"
    assert last[-2].kind == "rows" and last[-2].table is not None and last[-2].table.table.key == "cadres"
    for ops in pages:  # nothing runs into the footer
        for op in ops:
            height = sum(r.height for r in op.rows) if op.kind == "rows" else 0
            assert op.y - height >= form_pdf.BODY_BOTTOM - 0.01


def test_a_small_household_is_one_page_with_every_row_and_the_signature() -> None:
    """Three members, one cadre: one A4 page with the 2019 rows and the whole signature block."""
    d = detail()
    form = build_form(dataclasses.replace(d, members=d.members[:3]), books=builtin_codebook(), opts=OPTS,
                      batch_id=1, serial="B1-0001")
    [page] = form_pdf.paginate(form)
    assert [op.kind for op in page][-1] == "signature"
    drawn = {op.table.table.key for op in page if op.table is not None}
    assert {"facts", "members", "insurance", "income", "indicators", "conditions", "cadres"} <= drawn
    assert all(op.y - sum(r.height for r in op.rows) >= form_pdf.BODY_BOTTOM - 0.01 for op in page if op.rows)
    # the key-value tables are drawn three fields to a line, every field kept, in order
    facts = form.table("facts")
    assert facts is not None
    laid = form_pdf.layout_table(facts)
    assert len(laid.table.columns) == 9
    assert [c for r in laid.table.rows for c in r[0::3] if c] == [c for r in facts.rows for c in r[0::3] if c]


def test_villager_groups_sort_by_their_number() -> None:
    names = ["七组", "一组", "十一组", "三组", "二组", "10组", "十组", "", "大坪子"]
    assert sorted(names, key=group_key) == ["一组", "二组", "三组", "七组", "10组", "十组", "十一组", "",
                                            "大坪子"]
