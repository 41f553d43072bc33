"""The data-quality faults the demo county injects on purpose, so the checks can be measured against them.

Stable vocabulary: a kind's name never changes once committed (the check catalogue maps its rules to
these names to measure recall). The demo generator writes one `demo_fault` row per injected fault:
household, member (when the fault sits on a person), kind, the data-dictionary field key it touched
and a short detail. A household without any `demo_fault` row is clean: it passes every rule of
domain.md §5.3 (no error-severity finding is expected on it).

Conventions shared by all kinds:

* Ages are completed years on 31 December of the data year (2019); the generator keeps clean
  children away from the 31 August / 31 December boundary so either reference date gives the same
  verdict.
* Unless a kind says otherwise, the generator keeps the rest of the faulted household consistent
  (it recomputes totals after an income change, recomputes the check digit after an ID change),
  so the fault is the only thing wrong with it. Some faults unavoidably trip a neighbouring rule
  too (a deceased head also means "no current head"); recall is measured per household.
* The 2019 rows (income, conditions) are the ones faulted; 2018 income rows stay clean.
"""

from __future__ import annotations

#: kind -> (Chinese description, English description)
FAULT_KINDS: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ ID numbers (§5.1, §5.3.1)
    "id_check_digit": (
        "成员证件号码校验位错误（MOD 11-2 不符）",
        "Member ID number fails the MOD 11-2 check digit (last character altered)"),
    "id_15_digit": (
        "成员证件号码为15位旧号码，未升级为18位",
        "Member ID number is an old 15-digit number, not upgraded to 18 digits"),
    "id_bad_birth_date": (
        "成员证件号码中的出生日期不是真实日期（如13月、32日），校验位本身正确",
        "Member ID number carries an impossible birth date (month 13, day 32); check digit is valid"),
    "id_sex_mismatch": (
        "成员证件号码第17位所示性别与“性别”字段不符（校验位正确）",
        "Sex from the ID number's 17th digit contradicts the member's sex field (check digit valid)"),
    "id_birth_date_mismatch": (
        "成员“出生日期”与证件号码中的出生日期不一致",
        "Member's birth date field differs from the birth date in the ID number"),
    "id_duplicate_other_household": (
        "同一证件号码出现在本县另一户（人员重复）；两户都记录此错误",
        "The same ID number appears in another household of the county (duplicate person); "
        "both households carry this fault"),
    # ------------------------------------------------------------------ household structure (§5.3.2)
    "no_head": (
        "户内没有“户主”（原户主的与户主关系被改为“其他”）",
        "No member has relation 户主 (the head's relation was changed to 其他)"),
    "two_heads": (
        "户内有两名“户主”",
        "Two members have relation 户主"),
    "two_spouses": (
        "户内有两名“配偶”",
        "Two members have relation 配偶"),
    "relation_sex_mismatch": (
        "与户主关系与性别矛盾（如男性为“之女”、女性为“之子”）",
        "Relation to head contradicts sex (a male 之女, a female 之子, …)"),
    "spouses_same_sex": (
        "户主与配偶同性别（性别字段与证件号码一致地被改）",
        "Head and spouse have the same sex (sex field and ID number changed consistently)"),
    "child_older_than_head": (
        "之子/之女的年龄大于户主（出生日期与证件号码一致）",
        "A son or daughter is older than the head (birth date and ID number agree)"),
    "size_mismatch": (
        "家庭人口数与在册成员人数不符（人均纯收入按错误人口数计算）",
        "Household size differs from the count of current members (per-capita income uses the "
        "wrong size)"),
    "head_mismatch": (
        "户表的户主姓名与户主成员的姓名不一致",
        "The household's head name differs from the name of the member whose relation is 户主"),
    "deceased_is_head": (
        "户主已自然减少（死亡）但仍为户主，未重新指定户主",
        "The head has been naturally decreased (died) but is still the head; no new head named"),
    # ------------------------------------------------------------------ education (§5.3.3)
    "dropout_compulsory_age": (
        "7–14岁儿童为“非在校生”且无免于入学说明（辍学）",
        "A child aged 7-14 is not in school and has no documented exemption (dropout)"),
    "grade_age_mismatch": (
        "年龄与在校生状况不符（13岁及以下在读高中/中职）",
        "Age and school status disagree (aged 13 or under in senior or vocational secondary)"),
    "education_and_school_both_filled": (
        "在校生同时填写了文化程度",
        "A student has an education level filled in as well as a school status"),
    # ------------------------------------------------------------------ labour and work (§5.3.4)
    "working_age_no_labour": (
        "20–55岁健康非在校生劳动技能为“无劳动力”",
        "A healthy non-student aged 20-55 is marked 无劳动力 (no labour capacity)"),
    "minor_with_labour": (
        "16岁以下在校生劳动技能为“普通劳动力”",
        "A student under 16 is marked 普通劳动力 (ordinary labour)"),
    "work_months_out_of_range": (
        "务工时间超出0–12个月（13或14）",
        "Migrant-work months outside 0-12 (13 or 14)"),
    "work_place_without_months": (
        "填写了务工状况（地点）但务工时间为0",
        "Migrant-work place filled in but months = 0"),
    "worker_without_labour": (
        "丧失劳动力或无劳动力的成员填有务工状况和务工时间",
        "A member with lost or no labour capacity is listed as a migrant worker"),
    "wage_without_worker": (
        "户内无务工成员，却有工资性收入（收入合计已相应重算）",
        "Wage income although no member works (totals recomputed to match)"),
    "worker_without_wage": (
        "户内有务工成员，工资性收入却为0（收入合计已相应重算）",
        "A member works but wage income is 0 (totals recomputed to match)"),
    # ------------------------------------------------------------------ health and insurance (§5.3.5)
    "not_insured_medical": (
        "成员未参加城乡居民基本医疗保险，也未参加职工医保",
        "Member in neither resident basic medical insurance nor employee medical insurance"),
    "medical_insurance_both": (
        "成员同时参加城乡居民基本医疗保险和城镇职工基本医疗保险",
        "Member in both resident and employee basic medical insurance"),
    "no_major_illness_insurance": (
        "已脱贫户成员未参加大病保险",
        "A member of an exited household is not in major-illness insurance"),
    "disabled_no_certificate": (
        "健康状况为残疾，但无残疾证号",
        "Health says disabled but there is no disability certificate number"),
    # ------------------------------------------------------------------ causes of poverty (§5.2 A.4)
    "cause_illness_all_healthy": (
        "主要致贫原因为“因病”，但全部成员健康",
        "Main cause 因病 (illness) but every member is healthy"),
    "cause_disability_no_disabled": (
        "主要致贫原因为“因残”，但无残疾成员",
        "Main cause 因残 (disability) but no member is disabled"),
    "cause_school_no_student": (
        "主要致贫原因为“因学”，但无在校生",
        "Main cause 因学 (schooling) but no member is a student"),
    "other_cause_repeats_main": (
        "其他致贫原因重复了主要致贫原因",
        "Other causes repeat the main cause"),
    # ------------------------------------------------------------------ income (§5.3.6)
    "net_income_arithmetic": (
        "纯收入 ≠ 工资性+生产经营性+财产性+转移性−生产经营性支出（人均按错误纯收入计算）",
        "Net income != wage + business + property + transfer - business cost (per capita follows "
        "the wrong net)"),
    "per_capita_arithmetic": (
        "人均纯收入 ≠ 纯收入 ÷ 家庭人口数（差额大于1元）",
        "Per-capita net income != net income / household size (off by more than 1 yuan)"),
    "negative_income": (
        "财产性收入为负数（其他财产性收入为负，合计已重算）",
        "Property income is negative (other property income negative; totals recomputed)"),
    "dibao_money_without_dibao_member": (
        "一般贫困户无享受低保的成员，却有低保金（合计已重算）",
        "Ordinary household with no member on 低保 receives 低保金 (totals recomputed)"),
    "dibao_household_no_money": (
        "低保贫困户的低保金为0（合计已重算）",
        "A 低保 household's 低保金 is 0 (totals recomputed)"),
    "tekun_household_no_money": (
        "特困供养贫困户的五保金（特困供养金）为0（合计已重算）",
        "A destitute-support household's support money is 0 (totals recomputed)"),
    "business_income_no_cost": (
        "有生产经营性收入，生产经营性支出却为0（合计已重算）",
        "Business income > 0 but business cost = 0 (totals recomputed)"),
    # ------------------------------------------------------------------ exit standard 一超六有 (§3.2, §5.3.7)
    "exited_below_line": (
        "已脱贫户2019年人均纯收入低于当年退出标准（合计一致）",
        "Exited household's 2019 per-capita net income is below that year's exit line "
        "(arithmetic consistent)"),
    "exited_dangerous_house": (
        "已脱贫户为危房户（C/D级）",
        "Exited household lives in a dangerous house (grade C/D)"),
    "exited_unsafe_water": (
        "已脱贫户饮水不安全",
        "Exited household has no safe drinking water"),
    "exited_no_electricity": (
        "已脱贫户未通生活用电",
        "Exited household has no domestic electricity"),
    "exited_no_radio_tv": (
        "已脱贫户未通广播电视",
        "Exited household has no radio/TV"),
    # ------------------------------------------------------------------ status history (§5.3.8)
    "exit_year_before_identification": (
        "脱贫年度早于首次识别年度",
        "Exit year is before the year of first identification"),
    "return_year_before_exit": (
        "返贫户的返贫年度早于脱贫年度",
        "A returned household's return year is before its exit year"),
    # ------------------------------------------------------------------ completeness and plausibility (§5.2 A.3, A.10)
    "empty_mandatory": (
        "必填项为空（字段见 field）",
        "A mandatory field is empty (the field key is in `field`)"),
    "phone_not_11_digits": (
        "户联系电话不是11位",
        "Household phone number is not 11 digits"),
    "farmland_per_capita_absurd": (
        "人均耕地面积超过50亩",
        "Farmland per head above 50 mu"),
    "road_distance_absurd": (
        "与村主干路距离超过50公里",
        "Distance to the village main road above 50 km"),
    # ------------------------------------------------------------------ cadres (§2.1, §5.2 A.9)
    "no_cadre": (
        "贫困户无帮扶责任人（无有效结对）",
        "Household has no assistance cadre (no valid pairing)"),
    "cadre_is_poor_person": (
        "帮扶责任人本人是贫困人口（证件号码与本户成员相同）；该责任人只结对本户",
        "The assistance cadre is a poor person (same ID number as a member of this household); "
        "that cadre is paired with this household only"),
}

#: Fields that `empty_mandatory` blanks, in a fixed order (data-dictionary keys).
EMPTY_MANDATORY_FIELDS: tuple[str, ...] = (
    "member.ethnicity",
    "member.health",
    "household.main_cause",
    "conditions.road_type",
    "conditions.fuel",
    "conditions.toilet",
    "conditions.road_distance",
    "conditions.cooperative",
    "conditions.house_area",
)


def describe(kind: str, lang: str = "zh") -> str:
    """The description of a fault kind in a language ("zh…" Chinese, else English)."""
    zh, en = FAULT_KINDS[kind]
    return zh if lang.startswith("zh") else en
