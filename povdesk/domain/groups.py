"""Named groups of dictionary fields: every ordered list of fields a screen, form, file or rule reads.

A list of field keys is written once, here: the household list's columns, the printed form's
tables, the national person-list layout, the income parts that add up to a total. The models,
the list, the form, the export, the importer and the rules read these groups instead of spelling
their own copy (`tests/domain/test_groups.py` looks for copies). Every key is checked against the
data dictionary when this module is imported: a misspelt key fails at once, not on paper.

A few values are shown among the fields but never stored (a member's age, a household's count of
current members); they are described here as `COMPUTED` fields with the same key form, so a group
can place them, and a reader asks `is_computed(key)` before it looks for a stored value.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from povdesk.domain import dictionary as dd
from povdesk.domain.dictionary import Entity, Field, FieldType

#: A member's age on the form's age date (from the date of birth or the ID number).
AGE = "member.age"
#: A household's count of current members (against the stated household size).
CURRENT_MEMBERS = "household.members"
#: Who an assistance measure benefits: a member's name, or the whole household.
BENEFICIARY = "measure.beneficiary"

#: Values computed from stored fields: described like fields, never stored, imported or edited.
COMPUTED: dict[str, Field] = {
    f.key: f for f in (
        Field(Entity.MEMBER, "age", "年龄", "Age", FieldType.INT, unit="岁", unit_en="years", editable=False),
        Field(Entity.HOUSEHOLD, "members", "在册人数", "Current members", FieldType.INT, unit="人",
              unit_en="persons", editable=False),
        Field(Entity.MEASURE, "beneficiary", "受益对象", "Beneficiary", FieldType.TEXT, editable=False),
    )
}
if set(COMPUTED) & {f.key for f in dd.FIELDS}:
    raise ValueError(f"computed fields shadow stored ones: {sorted(set(COMPUTED) & {f.key for f in dd.FIELDS})}")
_NUMBERS = (FieldType.INT, FieldType.NUMBER, FieldType.MONEY, FieldType.YEAR)


def is_computed(key: str) -> bool:
    return key in COMPUTED


def field(key: str) -> Field:
    """The dictionary's field, or the computed one; KeyError names an unknown key."""
    return COMPUTED[key] if key in COMPUTED else dd.field(key)


def column(key: str) -> str:
    """`household.size` -> `size`: the record attribute or database column a key names."""
    return key.split(".", 1)[1]


def is_number(key: str) -> bool:
    """Shown right-aligned and sorted as a number."""
    return field(key).type in _NUMBERS


@dataclass(frozen=True)
class FieldGroup:
    """An ordered list of field keys with a name and a title (Chinese, English)."""

    name: str
    zh: str
    en: str
    keys: tuple[str, ...]
    #: A file layout's own header texts, one per key (the national system's spelling); empty
    #: where the dictionary's labels are printed.
    headers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for key in self.keys:
            try:
                field(key)
            except KeyError:
                raise KeyError(f"field group {self.name}: {key!r} is not in the data dictionary") from None
        if len(set(self.keys)) != len(self.keys):
            raise ValueError(f"field group {self.name}: a key is listed twice")
        if self.headers and len(self.headers) != len(self.keys):
            raise ValueError(f"field group {self.name}: {len(self.headers)} headers for {len(self.keys)} keys")
        index = dd.header_index()
        for header, key in zip(self.headers, self.keys, strict=False):
            if field(key) not in index.get(dd.normalise_header(header), ()):
                raise ValueError(f"field group {self.name}: the import would not read header "
                                 f"{header!r} as {key}")

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(field(k) for k in self.keys)

    @property
    def columns(self) -> tuple[str, ...]:
        """The keys without their entity (for groups of one entity: the record's attributes)."""
        return tuple(column(k) for k in self.keys)

    def title(self, lang: str = "zh") -> str:
        return self.en if lang.startswith("en") else self.zh


def _group(name: str, zh: str, en: str, keys: Sequence[str]) -> FieldGroup:
    return FieldGroup(name, zh, en, tuple(keys))


def _layout(name: str, zh: str, en: str, pairs: Sequence[tuple[str, str]]) -> FieldGroup:
    """A file layout written as (header as the file prints it, field key) pairs."""
    return FieldGroup(name, zh, en, tuple(k for _, k in pairs), tuple(h for h, _ in pairs))


def _money_of(entity: Entity) -> tuple[str, ...]:
    return tuple(f.key for f in dd.fields_of(entity) if f.type == FieldType.MONEY)


# ------------------------------------------------------------------ the household list
#: The household list's columns, in order: the window's table, its sort keys and the registry's
#: row query (`HouseholdRow` has one attribute per column).
HOUSEHOLD_LIST = _group("household_list", "户列表", "Household list", (
    "household.household_no", "household.head_name", "location.township", "location.village",
    "household.group_name", "household.size", CURRENT_MEMBERS, "household.attribute",
    "household.status", "income.per_capita_net"))

# ------------------------------------------------------------------ income
#: Every amount of the yearly income record, in the dictionary's order (the form's income table;
#: INC-004 holds them non-negative).
INCOME_AMOUNTS = _group("income_amounts", "家庭收入", "Household income", _money_of(Entity.INCOME))
#: The four incomes that add up to the annual income (INC-007); less the business costs they
#: make the net income (INC-002).
INCOME_PARTS = _group("income_parts", "四项收入", "The four incomes", (
    "income.wage", "income.business", "income.property", "income.transfer"))
#: The named transfers that transfer income holds at least (INC-009).
TRANSFER_PARTS = _group("transfer_parts", "转移性收入分项", "Parts of transfer income", (
    "income.dibao_money", "income.tekun_money", "income.family_planning", "income.pension",
    "income.eco_compensation", "income.other_transfer"))
#: The named property incomes that property income holds at least (INC-010).
PROPERTY_PARTS = _group("property_parts", "财产性收入分项", "Parts of property income", (
    "income.dividend", "income.other_property"))

# ------------------------------------------------------------------ the printed form
FORM_HEADER = _group("form_header", "表头", "Form header", (
    "location.county", "location.township", "location.village", "household.group_name",
    "household.household_no", "household.head_name", "household.attribute", "household.status"))
FORM_FACTS = _group("form_facts", "家庭基本情况", "Household facts", (
    "household.head_id_number", "household.phone", "household.size", "household.first_identified_year",
    "household.standard", "household.main_cause", "household.other_causes", "household.exit_year",
    "household.return_year", "household.return_cause", "household.military_family",
    "household.relocation_wish", "household.relocation_mode", "household.relocation_moved_in",
    "household.bank_name", "household.bank_account"))
FORM_MEMBERS = _group("form_members", "家庭成员", "Household members", (
    "member.name", "member.id_number", "member.relation", "member.sex", AGE, "member.ethnicity",
    "member.education", "member.school_status", "member.health", "member.disability_grade",
    "member.labour_skill", "member.work_status", "member.work_months", "member.public_post_type"))
FORM_INSURANCE = _group("form_insurance", "参保及社会保障", "Insurance and social security", (
    "member.ins_medical", "member.ins_major_illness", "member.ins_pension", "member.ins_employee_medical",
    "member.ins_employee_pension", "member.ins_commercial", "member.dibao", "member.tekun"))
FORM_DECREASED = _group("form_decreased", "已减少成员", "Members who left", (
    "member.name", "member.id_number", "member.relation", "member.status", "member.change_reason",
    "member.change_date"))
FORM_INCOME = INCOME_AMOUNTS
FORM_CONDITIONS = _group("form_conditions", "生产生活条件", "Production and living conditions",
                         tuple(f.key for f in dd.fields_of(Entity.CONDITIONS)))
FORM_MEASURES = _group("form_measures", "帮扶措施", "Assistance measures", (
    "measure.year", "measure.category", "measure.item", BENEFICIARY, "measure.quantity", "measure.amount",
    "measure.benefit", "measure.implementer"))
FORM_CADRES = _group("form_cadres", "帮扶责任人", "Assistance cadres", (
    "cadre.name", "cadre.org_name", "cadre.affiliation", "cadre.position", "cadre.phone", "pairing.start_date",
    "pairing.end_date"))

# ------------------------------------------------------------------ file layouts
#: The national system's person list (domain.md §7 (a)): one row per current member, its header
#: texts as that system prints them. The export writes it; the import reads it back unchanged.
NATIONAL_PERSON_LIST = _layout("national_person_list", "贫困人口花名册", "National person list", (
    ("县(市、区、旗)", "location.county"),
    ("乡(镇)", "location.township"),
    ("行政村", "location.village"),
    ("自然村", "household.group_name"),
    ("户编号", "household.household_no"),
    ("人编号", "member.person_no"),
    ("姓名", "member.name"),
    ("证件号码", "member.id_number"),
    ("人数", "household.size"),
    ("与户主关系", "member.relation"),
    ("民族", "member.ethnicity"),
    ("文化程度", "member.education"),
    ("在校生状况", "member.school_status"),
    ("健康状况", "member.health"),
    ("劳动技能", "member.labour_skill"),
    ("务工状况", "member.work_status"),
    ("务工时间（月）", "member.work_months"),
    ("参加大病医疗", "member.ins_major_illness"),
    ("脱贫属性", "household.status"),
    ("脱贫年度", "household.exit_year"),
    ("贫困户属性", "household.attribute"),
    ("主要致贫原因", "household.main_cause"),
    ("危房户", "conditions.dangerous_house"),
    ("饮水安全", "conditions.drinking_safe"),
    ("饮水困难", "conditions.drinking_difficult"),
    ("人均纯收入", "income.per_capita_net"),
    ("联系电话", "household.phone"),
))

#: The fields of the 2019 record (issue 14) the person list carries after the national columns, one
#: row per current member: headed by the dictionary's Chinese labels, which the import reads back.
PERSON_LIST_2019 = _layout("person_list_2019", "2019年建档新增项", "Fields of the 2019 record", [
    (dd.field(key).zh, key) for key in (
        "member.out_of_school_reason", "member.disability_grade", "member.disability_cert_year",
        "member.public_post_type", "member.public_post_from", "member.public_post_to",
        "member.public_post_months", "member.family_doctor", "member.chronic_card",
        "conditions.house_structure", "conditions.house_area_per_capita", "household.is_renovated",
        "household.is_relocated", "household.relocation_mode", "household.longitude", "household.latitude",
        "household.monitoring_type", "household.monitoring_date", "household.monitoring_reason")])
#: What the roster export writes: the national person list, then the 2019 record's fields.
ROSTER_EXPORT = _layout("roster_export", NATIONAL_PERSON_LIST.zh, NATIONAL_PERSON_LIST.en, [
    *zip(NATIONAL_PERSON_LIST.headers, NATIONAL_PERSON_LIST.keys, strict=True),
    *zip(PERSON_LIST_2019.headers, PERSON_LIST_2019.keys, strict=True)])

#: Every group, by name.
GROUPS: dict[str, FieldGroup] = {g.name: g for g in (
    HOUSEHOLD_LIST, INCOME_AMOUNTS, INCOME_PARTS, TRANSFER_PARTS, PROPERTY_PARTS, FORM_HEADER, FORM_FACTS,
    FORM_MEMBERS, FORM_INSURANCE, FORM_DECREASED, FORM_CONDITIONS, FORM_MEASURES, FORM_CADRES,
    NATIONAL_PERSON_LIST, PERSON_LIST_2019, ROSTER_EXPORT)}
