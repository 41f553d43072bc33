"""The data dictionary is the single description of every field; code lists and columns agree."""

from __future__ import annotations

import pytest

from povdesk.domain import dictionary as dd
from povdesk.domain.codelists import CodeItemOverride, builtin_codebook


def test_keys_are_unique_and_labels_bilingual() -> None:
    keys = [f.key for f in dd.FIELDS]
    assert len(keys) == len(set(keys))
    for f in dd.FIELDS:
        assert f.zh and f.en and f.zh != f.en, f.key


def test_every_code_field_names_an_existing_list() -> None:
    book = builtin_codebook()
    for f in dd.FIELDS:
        if f.type in (dd.FieldType.CODE, dd.FieldType.CODES, dd.FieldType.BOOL):
            assert f.codelist in book, f.key


@pytest.mark.parametrize("entity", ["household", "member", "income", "conditions"])
def test_domain_md_core_fields_are_described(entity: str) -> None:
    wanted = {
        "household": {"户编号", "户主姓名", "家庭人口数", "贫困户属性", "脱贫状态", "主要致贫原因", "脱贫年度"},
        "member": {"姓名", "证件号码", "与户主关系", "民族", "文化程度", "在校生状况", "健康状况", "劳动技能",
                   "是否参加大病保险"},
        "income": {"工资性收入", "生产经营性收入", "财产性收入", "转移性收入", "生产经营性支出", "纯收入",
                   "人均纯收入", "低保金"},
        "conditions": {"是否危房户", "饮水是否安全", "是否通生活用电", "是否通广播电视", "住房面积",
                       "入户路类型", "主要燃料类型"},
    }[entity]
    assert wanted <= {f.zh for f in dd.fields_of(entity)}


def test_header_variants_meet() -> None:
    index = dd.header_index()
    for variant in ("务工时间（月）", "务工时间 (月)", "务工时间\n(月)", " 务工时间(月) "):
        assert index[dd.normalise_header(variant)][0].key == "member.work_months"
    assert index[dd.normalise_header("人数")][0].key == "household.size"


def test_code_lists_accept_codes_labels_and_synonyms() -> None:
    book = builtin_codebook()
    assert book["relation"].code_for("01") == "01"
    assert book["relation"].code_for("1") == "01"
    assert book["relation"].code_for("户主") == "01"
    assert book["labour_skill"].code_for("弱劳动力") == "05"
    assert book["work_status"].code_for("乡（镇）内务工") == "01"
    assert book["yes_no"].code_for("否") == "0"
    assert book["relation"].code_for("邻居") is None


def test_office_overrides_relabel_and_extend_without_code_changes() -> None:
    book = builtin_codebook().with_overrides([
        CodeItemOverride("education", "05", "大专", "College", True),
        CodeItemOverride("education", "07", "本科及以上", "Bachelor or above", True),
    ])
    edu = book["education"]
    assert edu.label("05") == "大专"
    assert edu.code_for("大专及以上") == "05"  # the old label still reads
    assert edu.code_for("本科及以上") == "07"
    assert builtin_codebook()["education"].label("05") == "大专及以上"


def test_every_entity_has_a_name_for_people() -> None:
    for entity in dd.Entity:
        assert dd.entity_label(entity, "zh") and dd.entity_label(entity, "en")
    assert dd.entity_label("member", "zh") == "成员"


def test_every_field_says_what_it_can_hold() -> None:
    text = (dd.FieldType.TEXT, dd.FieldType.PHONE, dd.FieldType.ID_NUMBER, dd.FieldType.CODES)
    numbers = (dd.FieldType.INT, dd.FieldType.YEAR, dd.FieldType.NUMBER, dd.FieldType.MONEY)
    for f in dd.FIELDS:
        if f.type in text:
            assert f.max_length and f.max_length <= dd.EXCEL_CELL_LIMIT, f.key
            assert f.minimum is None and f.maximum is None, f.key
        elif f.type in numbers:
            assert f.minimum is not None and f.maximum is not None and f.minimum < f.maximum, f.key
            assert f.max_length is None, f.key
            if f.type in (dd.FieldType.INT, dd.FieldType.YEAR):  # fits PostgreSQL's integer
                assert f.minimum >= -(2**31) and f.maximum < 2**31, f.key
        else:
            assert f.max_length is None and f.minimum is None and f.maximum is None, f.key
    assert (dd.field("member.work_months").minimum, dd.field("member.work_months").maximum) == (0, 99)
    assert dd.field("member.name").max_length == 40
