"""The data dictionary: every field described once, for import, editors, checks, forms and exports.

A field's `key` is `entity.column`; the column is the attribute of the database model with the
same name, and a test holds the two together.

Every field also says what it can hold, the same on every database engine: text its maximum length
(the column's `String(n)`; a test holds the two together, so they cannot drift), numbers their
range. These are the bounds of a value that can be stored and means something (a format error at
import, a refused edit); whether a value is plausible (务工时间 over 12 months, 50 亩 a head) is
for the check rules, which must still see it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any


class FieldType(StrEnum):
    TEXT = "text"
    INT = "int"
    NUMBER = "number"  # areas, distances: non-money decimals
    MONEY = "money"  # yuan, 2 decimals
    DATE = "date"
    YEAR = "year"
    BOOL = "bool"  # stored as True/False; files carry 1/0 or 是/否
    CODE = "code"  # one code of `codelist`
    CODES = "codes"  # several codes, stored comma-separated
    ID_NUMBER = "id_number"
    PHONE = "phone"


class Entity(StrEnum):
    LOCATION = "location"
    HOUSEHOLD = "household"
    MEMBER = "member"
    INCOME = "income"
    CONDITIONS = "conditions"
    MEASURE = "measure"
    CADRE = "cadre"
    PAIRING = "pairing"


#: What each entity is called where a field needs its context ("成员 · 证件号码").
ENTITY_LABELS: dict[Entity, tuple[str, str]] = {
    Entity.LOCATION: ("所在地", "Place"),
    Entity.HOUSEHOLD: ("户", "Household"),
    Entity.MEMBER: ("成员", "Member"),
    Entity.INCOME: ("收入", "Income"),
    Entity.CONDITIONS: ("生产生活条件", "Conditions"),
    Entity.MEASURE: ("帮扶措施", "Assistance measure"),
    Entity.CADRE: ("帮扶责任人", "Assistance cadre"),
    Entity.PAIRING: ("结对帮扶", "Pairing"),
}


def entity_label(entity: Entity | str, lang: str = "zh") -> str:
    zh, en = ENTITY_LABELS[Entity(entity)]
    return en if lang.startswith("en") else zh


@dataclass(frozen=True)
class Field:
    entity: Entity
    column: str
    zh: str
    en: str
    type: FieldType
    codelist: str | None = None
    unit: str | None = None  # Chinese unit as printed: 元, 亩, 平方米, 公里, 月
    unit_en: str | None = None
    national: str | None = None  # field code in the national tables (AAB006 …)
    synonyms: tuple[str, ...] = ()  # other header texts seen in exports
    required: bool = False  # an empty value is a data-quality problem
    editable: bool = True
    #: text: most characters the column holds (numbers, codes, flags and dates: None)
    max_length: int | None = None
    #: numbers: the smallest and largest value the field can hold (text, codes, dates: None)
    minimum: float | None = None
    maximum: float | None = None
    #: descriptive text where a line break is only layout (names and numbers are not)
    free_text: bool = False
    #: numbers: the decimals a value keeps (a GPS position needs six: about 0.1 m)
    decimals: int = 2

    @property
    def key(self) -> str:
        return f"{self.entity}.{self.column}"

    def label(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh

    def label_with_unit(self, lang: str = "zh") -> str:
        if lang.startswith("en"):
            return f"{self.en} ({self.unit_en})" if self.unit_en else self.en
        return f"{self.zh}({self.unit})" if self.unit else self.zh


T = FieldType
E = Entity


def _f(entity: Entity, column: str, zh: str, en: str, type_: FieldType, **kw: Any) -> Field:
    return Field(entity, column, zh, en, type_, **kw)


#: Excel keeps at most this many characters in a cell and silently cuts the rest.
EXCEL_CELL_LIMIT = 32_767
#: Yuan per household and year: negative values are allowed (a rule reports them), 1e30 is not.
MONEY_LIMIT = 100_000_000
_MONEY = {"unit": "元", "unit_en": "yuan", "minimum": -MONEY_LIMIT, "maximum": MONEY_LIMIT}
_MU = {"unit": "亩", "unit_en": "mu", "minimum": 0, "maximum": 100_000}
_YEAR = {"minimum": 1949, "maximum": 2100}
#: A count of people or months: two digits (the rules judge 0–12 months and the household size).
_COUNT = {"minimum": 0, "maximum": 99}

FIELDS: tuple[Field, ...] = (
    # --- where the household lives (village table; printed and imported with the household)
    _f(E.LOCATION, "province", "省", "Province", T.TEXT, synonyms=("省份",), editable=False, max_length=40),
    _f(E.LOCATION, "prefecture", "市", "Prefecture", T.TEXT, synonyms=("市(州)", "地市"), editable=False, max_length=40),
    _f(E.LOCATION, "county", "县(市、区、旗)", "County", T.TEXT, synonyms=("县", "县(市、区)", "旗区", "县区"), editable=False, max_length=40),
    _f(E.LOCATION, "township", "乡(镇)", "Township", T.TEXT, synonyms=("乡", "乡镇", "苏木乡", "乡(镇、街道)"), editable=False, max_length=40),
    _f(E.LOCATION, "village", "行政村", "Village", T.TEXT, synonyms=("村", "所在村", "噶查村"), national="AAR008", editable=False, max_length=40),
    _f(E.LOCATION, "village_code", "村代码", "Village code", T.TEXT, synonyms=("行政区划代码", "村行政区划代码"), editable=False, max_length=12),
    # --- household (AC01)
    _f(E.HOUSEHOLD, "household_no", "户编号", "Household number", T.TEXT, national="AAC001",
       synonyms=("家庭编号", "户号"), required=True, editable=False, max_length=32),
    _f(E.HOUSEHOLD, "group_name", "自然村", "Villager group", T.TEXT, national="AAR007",
       synonyms=("所在组", "村民小组", "组"), max_length=40),
    _f(E.HOUSEHOLD, "head_name", "户主姓名", "Head's name", T.TEXT, national="AAC029", required=True, max_length=40),
    _f(E.HOUSEHOLD, "head_id_number", "户主证件号码", "Head's ID number", T.ID_NUMBER, national="AAC031",
       synonyms=("户主身份证号", "户主身份证号码"), max_length=24),
    _f(E.HOUSEHOLD, "phone", "户联系电话", "Household phone", T.PHONE, national="AAR012",
       synonyms=("联系电话", "户主联系电话"), max_length=20),
    _f(E.HOUSEHOLD, "size", "家庭人口数", "Household size", T.INT, national="AAC017",
       synonyms=("人数", "家庭人数"), unit="人", unit_en="persons", required=True, **_COUNT),
    _f(E.HOUSEHOLD, "first_identified_year", "首次识别时间", "Year first identified", T.YEAR,
       national="AAR041", synonyms=("识别年度", "首次识别年度"), **_YEAR),
    _f(E.HOUSEHOLD, "standard", "识别标准", "Identification standard", T.CODE, codelist="identification_standard"),
    _f(E.HOUSEHOLD, "attribute", "贫困户属性", "Household attribute", T.CODE, national="AAC006",
       codelist="household_attribute", synonyms=("户类型", "户属性"), required=True),
    _f(E.HOUSEHOLD, "status", "脱贫状态", "Poverty status", T.CODE, national="AAR010",
       codelist="poverty_status", synonyms=("脱贫属性", "脱贫标志"), required=True),
    _f(E.HOUSEHOLD, "exit_year", "脱贫年度", "Exit year", T.YEAR, national="AAC023", **_YEAR),
    _f(E.HOUSEHOLD, "return_year", "返贫年度", "Year of return to poverty", T.YEAR, national="AAC024", **_YEAR),
    _f(E.HOUSEHOLD, "main_cause", "主要致贫原因", "Main cause of poverty", T.CODE, national="AAC007",
       codelist="poverty_cause", synonyms=("致贫原因1", "致贫原因"), required=True),
    _f(E.HOUSEHOLD, "other_causes", "其他致贫原因", "Other causes of poverty", T.CODES, national="AAC008",
       codelist="poverty_cause", synonyms=("次要致贫原因", "致贫原因2"), max_length=64),
    _f(E.HOUSEHOLD, "return_cause", "返贫原因", "Cause of return to poverty", T.CODE, national="AAC009",
       codelist="return_cause"),
    _f(E.HOUSEHOLD, "military_family", "是否军烈属", "Military or martyr family", T.BOOL, national="AAC012",
       codelist="yes_no"),
    _f(E.HOUSEHOLD, "bank_name", "开户银行名称", "Bank", T.TEXT, synonyms=("开户银行",), max_length=60, free_text=True),
    _f(E.HOUSEHOLD, "bank_account", "银行卡号", "Bank account", T.TEXT, synonyms=("银行账号",), max_length=40),
    _f(E.HOUSEHOLD, "relocation_wish", "是否有搬迁意愿", "Wishes to relocate", T.BOOL, national="ACR077",
       codelist="yes_no"),
    _f(E.HOUSEHOLD, "relocation_mode", "安置方式", "Resettlement mode", T.CODE, national="ACR078",
       codelist="relocation_mode"),
    _f(E.HOUSEHOLD, "relocation_moved_in", "搬迁是否已入住", "Relocation: moved in", T.BOOL, codelist="yes_no"),
    _f(E.HOUSEHOLD, "is_relocated", "是否易地扶贫搬迁户", "Relocated household", T.BOOL, codelist="yes_no",
       synonyms=("易地扶贫搬迁户", "是否易地搬迁户", "是否搬迁户")),
    _f(E.HOUSEHOLD, "is_renovated", "是否危房改造户", "Dangerous-house renovation household", T.BOOL,
       codelist="yes_no", synonyms=("危房改造户", "是否危改户")),
    # GPS position collected in 2019 (WGS-84 degrees)
    _f(E.HOUSEHOLD, "longitude", "经度", "Longitude", T.NUMBER, synonyms=("GPS经度", "户经度", "位置经度"),
       minimum=-180, maximum=180, decimals=6),
    _f(E.HOUSEHOLD, "latitude", "纬度", "Latitude", T.NUMBER, synonyms=("GPS纬度", "户纬度", "位置纬度"),
       minimum=-90, maximum=90, decimals=6),
    # 边缘户 / 脱贫监测户 (the 2019 campaign's households at risk), with the date set and the reason
    _f(E.HOUSEHOLD, "monitoring_type", "监测对象类型", "Monitoring marker", T.CODE, codelist="monitoring_type",
       synonyms=("易返贫致贫户(监测对象)类型", "边缘户/脱贫监测户", "监测户类型")),
    _f(E.HOUSEHOLD, "monitoring_date", "纳入监测时间", "Marked for monitoring on", T.DATE,
       synonyms=("风险识别时间", "纳入监测日期")),
    _f(E.HOUSEHOLD, "monitoring_reason", "风险类型", "Risk", T.CODE, codelist="monitoring_reason",
       synonyms=("纳入监测原因", "致贫返贫风险", "风险原因")),
    # 户状态: 自然销户 and 清退 are set by their change requests, with the date
    _f(E.HOUSEHOLD, "record_status", "户状态", "Household record status", T.CODE,
       codelist="household_record_status", synonyms=("户有效状态",), editable=False),
    _f(E.HOUSEHOLD, "cancel_date", "销户日期", "Cancelled on", T.DATE, synonyms=("销户时间", "清退日期"),
       editable=False),
    # --- member (AB01)
    _f(E.MEMBER, "person_no", "人编号", "Person number", T.TEXT, national="AAB001",
       synonyms=("人口编号", "个人编号"), editable=False, max_length=32),
    _f(E.MEMBER, "name", "姓名", "Name", T.TEXT, national="AAB002", required=True, max_length=40),
    _f(E.MEMBER, "sex", "性别", "Sex", T.CODE, national="AAB003", codelist="sex", required=True),
    _f(E.MEMBER, "id_type", "证件类型", "ID document type", T.CODE, national="AAB018", codelist="id_type"),
    _f(E.MEMBER, "id_number", "证件号码", "ID number", T.ID_NUMBER, national="AAB004",
       synonyms=("身份证号", "身份证号码", "公民身份号码"), required=True, max_length=24),
    _f(E.MEMBER, "birth_date", "出生日期", "Date of birth", T.DATE, national="AAB005"),
    _f(E.MEMBER, "relation", "与户主关系", "Relation to head", T.CODE, national="AAB006",
       codelist="relation", required=True),
    _f(E.MEMBER, "ethnicity", "民族", "Ethnicity", T.CODE, national="AAB007", codelist="ethnicity", required=True),
    _f(E.MEMBER, "phone", "成员联系电话", "Member phone", T.PHONE, national="AAB031",
       synonyms=("人联系电话", "个人联系电话"), max_length=20),
    _f(E.MEMBER, "education", "文化程度", "Education level", T.CODE, national="AAB008", codelist="education"),
    _f(E.MEMBER, "school_status", "在校生状况", "School status", T.CODE, national="AAB009",
       codelist="school_status", synonyms=("在校生情况",)),
    # One coded field replacing the former 免于入学说明 + free-text 失学或辍学原因 (migration 0009).
    # 失学或辍学原因 is not a synonym: older files carry free text there, which would not be a code.
    _f(E.MEMBER, "out_of_school_reason", "义务教育阶段未上学原因", "Reason for not attending school", T.CODE,
       codelist="out_of_school_reason", synonyms=("未上学原因", "免于入学说明")),
    _f(E.MEMBER, "health", "健康状况", "Health", T.CODE, national="AAB017", codelist="health", required=True),
    _f(E.MEMBER, "disability_category", "残疾类别", "Disability category", T.CODE, codelist="disability_category"),
    _f(E.MEMBER, "disability_cert_no", "残疾证号", "Disability certificate number", T.TEXT,
       synonyms=("残疾人证号",), max_length=24),
    _f(E.MEMBER, "disability_grade", "残疾等级", "Disability grade", T.CODE, codelist="disability_grade",
       synonyms=("残疾级别",)),
    _f(E.MEMBER, "disability_cert_year", "残疾证办证年度", "Disability certificate year", T.YEAR,
       synonyms=("残疾证办证年份", "办证年度"), **_YEAR),
    _f(E.MEMBER, "labour_skill", "劳动技能", "Labour capacity", T.CODE, national="AAB010",
       codelist="labour_skill", synonyms=("劳动能力",)),
    _f(E.MEMBER, "work_status", "务工状况", "Migrant work", T.CODE, codelist="work_status",
       synonyms=("务工所在地",)),
    _f(E.MEMBER, "work_months", "务工时间(月)", "Months worked away", T.INT, unit="月", unit_en="months",
       synonyms=("务工时间",), **_COUNT),
    _f(E.MEMBER, "work_company", "务工企业名称", "Employer", T.TEXT, max_length=100, free_text=True),
    _f(E.MEMBER, "public_post_type", "公益性岗位类型", "Public-welfare post", T.CODE, codelist="public_post_type",
       synonyms=("公益性岗位", "公益岗位类型")),
    _f(E.MEMBER, "public_post_from", "公益性岗位聘用开始时间", "Post held from", T.DATE,
       synonyms=("公益性岗位聘用时间", "公益性岗位开始时间", "聘用开始时间")),
    _f(E.MEMBER, "public_post_to", "公益性岗位聘用结束时间", "Post held to", T.DATE,
       synonyms=("公益性岗位结束时间", "聘用结束时间")),
    _f(E.MEMBER, "public_post_months", "公益性岗位(月数)", "Months in the post", T.INT, unit="月",
       unit_en="months", synonyms=("公益性岗位月数", "公益性岗位时间(月)"), **_COUNT),
    _f(E.MEMBER, "political_status", "政治面貌", "Political status", T.CODE, national="AAK033",
       codelist="political_status"),
    _f(E.MEMBER, "is_soldier", "是否现役军人", "Serving soldier", T.BOOL, national="AAB019", codelist="yes_no"),
    _f(E.MEMBER, "speaks_mandarin", "是否会讲普通话", "Speaks Mandarin", T.BOOL, codelist="yes_no"),
    _f(E.MEMBER, "dibao", "是否享受低保", "Receives minimum living allowance", T.BOOL, national="AAB030",
       codelist="yes_no", synonyms=("是否享受农村居民最低生活保障",)),
    _f(E.MEMBER, "tekun", "是否特困供养人员", "Destitute-support person", T.BOOL, codelist="yes_no"),
    _f(E.MEMBER, "ins_medical", "是否参加城乡居民基本医疗保险", "Resident basic medical insurance", T.BOOL,
       national="AAB013", codelist="yes_no",
       synonyms=("是否参加新型农村合作医疗", "是否参加新农合",
                 "是否参加新型农村合作医疗(城乡居民基本医疗保险)")),
    _f(E.MEMBER, "ins_employee_medical", "是否参加城镇职工基本医疗保险", "Employee medical insurance",
       T.BOOL, codelist="yes_no"),
    _f(E.MEMBER, "ins_major_illness", "是否参加大病保险", "Major-illness insurance", T.BOOL, national="AAB022",
       codelist="yes_no", synonyms=("参加大病医疗", "是否参加大病医疗保险")),
    _f(E.MEMBER, "ins_pension", "是否参加城乡居民基本养老保险", "Resident pension insurance", T.BOOL,
       national="AAB014", codelist="yes_no", synonyms=("是否参加新型养老保险",)),
    _f(E.MEMBER, "ins_employee_pension", "是否参加城镇职工基本养老保险", "Employee pension insurance",
       T.BOOL, national="AAB021", codelist="yes_no"),
    _f(E.MEMBER, "ins_commercial", "是否参加商业补充医疗保险", "Commercial supplementary insurance", T.BOOL,
       national="AAB067", codelist="yes_no"),
    _f(E.MEMBER, "medical_assistance", "是否接受大病医疗救助", "Receives major-illness assistance", T.BOOL,
       codelist="yes_no"),
    _f(E.MEMBER, "family_doctor", "是否家庭医生签约", "Family-doctor contract", T.BOOL, codelist="yes_no",
       synonyms=("家庭医生签约", "是否签约家庭医生", "是否签订家庭医生服务协议")),
    _f(E.MEMBER, "chronic_card", "是否办理门诊特殊病/慢性病卡", "Outpatient special/chronic illness card", T.BOOL,
       codelist="yes_no", synonyms=("门诊特殊病/慢性病卡", "门诊特殊病慢性病卡", "是否办理慢性病卡", "慢性病卡")),
    _f(E.MEMBER, "status", "人员状态", "Member status", T.CODE, national="AAB015", codelist="member_status",
       editable=False),
    _f(E.MEMBER, "change_reason", "变动原因", "Reason of change", T.TEXT, editable=False, max_length=100, free_text=True),
    _f(E.MEMBER, "change_date", "变动日期", "Date of change", T.DATE, editable=False),
    # --- yearly income (AC07)
    _f(E.INCOME, "year", "年度", "Year", T.YEAR, national="AAR040", synonyms=("分区年度", "数据年度"), editable=False, **_YEAR),
    _f(E.INCOME, "total_income", "年收入", "Annual income", T.MONEY, national="AAC081", **_MONEY),
    _f(E.INCOME, "wage", "工资性收入", "Wage income", T.MONEY, national="AAC073", **_MONEY),
    _f(E.INCOME, "business", "生产经营性收入", "Business income", T.MONEY, national="AAC071", **_MONEY),
    _f(E.INCOME, "property", "财产性收入", "Property income", T.MONEY, national="AAC072", **_MONEY),
    _f(E.INCOME, "transfer", "转移性收入", "Transfer income", T.MONEY, national="AAC085", **_MONEY),
    _f(E.INCOME, "business_cost", "生产经营性支出", "Business costs", T.MONEY, national="AAC074",
       synonyms=("生产(经营)性支出",), **_MONEY),
    _f(E.INCOME, "net_income", "纯收入", "Net income", T.MONEY, national="AAC079", synonyms=("年纯收入",), **_MONEY),
    _f(E.INCOME, "per_capita_net", "人均纯收入", "Per-capita net income", T.MONEY, national="AAC082",
       synonyms=("年人均纯收入",), required=True, **_MONEY),
    _f(E.INCOME, "dibao_money", "低保金", "Minimum living allowance", T.MONEY, national="AAC077",
       synonyms=("一年期以上低保金",), **_MONEY),
    _f(E.INCOME, "tekun_money", "五保金", "Destitute-support payment", T.MONEY, national="AAC086",
       synonyms=("特困供养金",), **_MONEY),
    _f(E.INCOME, "family_planning", "计划生育金", "Family-planning payment", T.MONEY, national="AAC076", **_MONEY),
    _f(E.INCOME, "pension", "养老保险金", "Pension", T.MONEY, national="AAC087", **_MONEY),
    _f(E.INCOME, "eco_compensation", "生态补偿金", "Ecological compensation", T.MONEY, national="AAC078", **_MONEY),
    _f(E.INCOME, "other_transfer", "其他转移性收入", "Other transfer income", T.MONEY, **_MONEY),
    _f(E.INCOME, "dividend", "资产收益扶贫分红收入", "Asset-income dividend", T.MONEY, **_MONEY),
    _f(E.INCOME, "other_property", "其他财产性收入", "Other property income", T.MONEY, **_MONEY),
    _f(E.INCOME, "public_post_income", "公益性岗位收入", "Public-welfare post income", T.MONEY, **_MONEY),
    # --- production and living conditions (AC30)
    _f(E.CONDITIONS, "farmland", "耕地面积", "Farmland", T.NUMBER, national="AAC301", required=True, **_MU),
    _f(E.CONDITIONS, "irrigated", "有效灌溉面积", "Irrigated land", T.NUMBER, national="AAC302", **_MU),
    _f(E.CONDITIONS, "forest", "林地面积", "Forest land", T.NUMBER, national="AAC303", **_MU),
    _f(E.CONDITIONS, "grain_for_green", "退耕还林面积", "Grain-for-green land", T.NUMBER, national="AAC304",
       synonyms=("退耕还林(草)面积",), **_MU),
    _f(E.CONDITIONS, "orchard", "林果面积", "Orchard", T.NUMBER, national="AAC305", **_MU),
    _f(E.CONDITIONS, "pasture", "牧草地面积", "Pasture", T.NUMBER, national="AAC306", **_MU),
    _f(E.CONDITIONS, "water_area", "水面面积", "Water surface", T.NUMBER, national="AAC307", **_MU),
    _f(E.CONDITIONS, "electricity", "是否通生活用电", "Household electricity", T.BOOL, national="AAC308",
       codelist="yes_no", required=True),
    _f(E.CONDITIONS, "production_power", "是否通生产用电", "Production electricity", T.BOOL, codelist="yes_no",
       required=True),
    _f(E.CONDITIONS, "radio_tv", "是否通广播电视", "Radio and TV", T.BOOL, national="AAC314", codelist="yes_no",
       required=True),
    _f(E.CONDITIONS, "cooperative", "是否加入农民专业合作社", "Member of a cooperative", T.BOOL,
       national="AAC084", codelist="yes_no",
       synonyms=("是否加入农民专业合作组织", "是否加入农民合作社", "加入合作社"), required=True),
    _f(E.CONDITIONS, "road_distance", "与村主干路距离", "Distance to main road", T.NUMBER, national="AAC315",
       unit="公里", unit_en="km", required=True, minimum=0, maximum=1000),
    _f(E.CONDITIONS, "road_type", "入户路类型", "Access road", T.CODE, national="AAC316", codelist="road_type",
       required=True),
    _f(E.CONDITIONS, "house_area", "住房面积", "Floor area", T.NUMBER, national="AAC317",
       unit="平方米", unit_en="m²", required=True, minimum=0, maximum=10_000),
    # derived from the floor area and the household size where the file does not give it
    _f(E.CONDITIONS, "house_area_per_capita", "人均住房面积", "Floor area per person", T.NUMBER,
       unit="平方米", unit_en="m²", synonyms=("人均住房面积(平方米)",), minimum=0, maximum=10_000),
    _f(E.CONDITIONS, "house_structure", "房屋结构", "House structure", T.CODE, codelist="house_structure",
       synonyms=("住房结构", "房屋结构类型")),
    _f(E.CONDITIONS, "drinking_difficult", "饮水是否困难", "Difficult access to water", T.BOOL,
       national="AAC311", codelist="yes_no", synonyms=("饮水困难",), required=True),
    _f(E.CONDITIONS, "drinking_safe", "饮水是否安全", "Safe drinking water", T.BOOL, national="AAC312",
       codelist="yes_no", synonyms=("饮水安全", "是否解决安全饮用水"), required=True),
    _f(E.CONDITIONS, "dangerous_house", "是否危房户", "Dangerous house", T.BOOL, national="AAC318",
       codelist="yes_no", synonyms=("危房户",), required=True),
    _f(E.CONDITIONS, "house_grade", "危房等级", "House safety grade", T.CODE, national="AAC322",
       codelist="house_grade", synonyms=("危房级别",)),
    _f(E.CONDITIONS, "fuel", "主要燃料类型", "Main fuel", T.CODE, national="AAC320", codelist="fuel", required=True),
    _f(E.CONDITIONS, "toilet", "有无卫生厕所", "Sanitary toilet", T.BOOL, national="AAC319", codelist="yes_no",
       synonyms=("是否有卫生厕所",), required=True),
    _f(E.CONDITIONS, "leading_enterprise", "是否有龙头企业带动", "Led by a leading enterprise", T.BOOL,
       codelist="yes_no"),
    _f(E.CONDITIONS, "entrepreneur_help", "是否有创业致富带头人带动", "Led by an entrepreneur", T.BOOL,
       codelist="yes_no"),
    # --- assistance measures (one generic row per measure, domain.md §2.2)
    _f(E.MEASURE, "year", "年度", "Year", T.YEAR, **_YEAR),
    _f(E.MEASURE, "category", "措施类别", "Category", T.CODE, codelist="measure_category"),
    _f(E.MEASURE, "item", "措施内容", "Measure", T.TEXT, synonyms=("帮扶措施", "项目名称"), max_length=100, free_text=True),
    _f(E.MEASURE, "amount", "金额", "Amount", T.MONEY, **_MONEY),
    _f(E.MEASURE, "quantity", "数量", "Quantity", T.NUMBER, minimum=0, maximum=MONEY_LIMIT),
    _f(E.MEASURE, "unit", "单位", "Unit", T.TEXT, max_length=20),
    _f(E.MEASURE, "start_date", "开始日期", "Start date", T.DATE),
    _f(E.MEASURE, "end_date", "结束日期", "End date", T.DATE),
    _f(E.MEASURE, "implementer", "实施单位", "Implementing unit", T.TEXT, max_length=100, free_text=True),
    _f(E.MEASURE, "scale", "规模", "Scale", T.TEXT, synonyms=("项目规模", "建设规模"), max_length=60, free_text=True),
    _f(E.MEASURE, "completed_on", "完成时间", "Completed on", T.DATE, synonyms=("完成日期", "竣工时间")),
    _f(E.MEASURE, "benefit", "帮扶成效", "Benefit", T.MONEY, synonyms=("帮扶成效(元)", "增收金额", "受益金额"),
       **_MONEY),
    _f(E.MEASURE, "note", "备注", "Note", T.TEXT, max_length=200, free_text=True),
    # --- assistance cadres (帮扶责任人) and their pairings
    _f(E.CADRE, "name", "帮扶责任人姓名", "Cadre's name", T.TEXT, national="AAB002", required=True, max_length=40),
    _f(E.CADRE, "sex", "性别", "Sex", T.CODE, national="AAB003", codelist="sex"),
    _f(E.CADRE, "id_number", "证件号码", "ID number", T.ID_NUMBER, national="AAB004", max_length=24),
    _f(E.CADRE, "phone", "联系电话", "Phone", T.PHONE, national="AAR012", max_length=20),
    _f(E.CADRE, "org_name", "帮扶单位名称", "Assisting unit", T.TEXT, national="AAP001", max_length=100, free_text=True),
    _f(E.CADRE, "org_type", "帮扶单位类型", "Assisting unit type", T.CODE, codelist="cadre_org_type"),
    _f(E.CADRE, "affiliation", "隶属关系", "Affiliation level", T.CODE, national="AAP004", codelist="cadre_affiliation"),
    _f(E.CADRE, "position", "派出单位职务", "Position", T.TEXT, national="AAK888", max_length=60, free_text=True),
    _f(E.CADRE, "rank", "职务级别", "Rank", T.CODE, codelist="cadre_rank"),
    _f(E.CADRE, "political_status", "政治面貌", "Political status", T.CODE, national="AAK033",
       codelist="political_status"),
    _f(E.CADRE, "education", "学历", "Education", T.CODE, national="AAK036", codelist="cadre_education"),
    _f(E.CADRE, "specialty", "技术特长", "Specialty", T.TEXT, national="AAK037", max_length=60, free_text=True),
    _f(E.CADRE, "is_first_secretary", "是否第一书记", "First secretary", T.BOOL, codelist="yes_no"),
    _f(E.CADRE, "is_team_leader", "是否工作队队长", "Work-team leader", T.BOOL, codelist="yes_no"),
    _f(E.CADRE, "is_resident", "是否驻村队员", "Resident team member", T.BOOL, national="AAK039", codelist="yes_no"),
    _f(E.PAIRING, "start_date", "帮扶开始时间", "Pairing start", T.DATE, national="AAR020"),
    _f(E.PAIRING, "end_date", "帮扶结束时间", "Pairing end", T.DATE, national="AAR021"),
)


@cache
def _by_key() -> dict[str, Field]:
    return {f.key: f for f in FIELDS}


def field(key: str) -> Field:
    """The field with this key (`member.relation`); KeyError names the unknown key."""
    return _by_key()[key]


def fields_of(entity: Entity | str) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.entity == entity)


def normalise_header(text: object) -> str:
    """Fold a spreadsheet header so that spelling variants meet: widths, brackets, spaces, breaks."""
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = s.replace("（", "(").replace("）", ")").replace("【", "(").replace("】", ")")
    s = "".join(s.split())  # spaces and line breaks inside a cell
    return s.strip("*：: ").casefold()


@cache
def header_index() -> dict[str, tuple[Field, ...]]:
    """Normalised header text -> fields it may name (more than one where labels coincide)."""
    index: dict[str, list[Field]] = {}
    for f in FIELDS:
        names = {f.zh, f.label_with_unit("zh"), *f.synonyms}
        for name in names:
            bucket = index.setdefault(normalise_header(name), [])
            if f not in bucket:
                bucket.append(f)
    return {k: tuple(v) for k, v in index.items()}
