"""Which rules should find each fault the demo generator injects (demo/faults.py), for recall."""

from __future__ import annotations

from povdesk.demo.faults import EMPTY_MANDATORY_FIELDS, FAULT_KINDS
from povdesk.domain import dictionary as dd
from povdesk.domain.rules.required import code_for

FAULT_RULES: dict[str, tuple[str, ...]] = {
    "id_check_digit": ("ID-004",),
    "id_15_digit": ("ID-002",),
    "id_bad_birth_date": ("ID-005",),
    "id_sex_mismatch": ("ID-006",),
    "id_birth_date_mismatch": ("ID-007",),
    "id_duplicate_other_household": ("ID-009",),
    "no_head": ("HH-002",),
    "two_heads": ("HH-003",),
    "two_spouses": ("HH-004",),
    "relation_sex_mismatch": ("HH-007",),
    "spouses_same_sex": ("HH-005",),
    "child_older_than_head": ("HH-008",),
    "size_mismatch": ("HH-006",),
    "head_mismatch": ("ID-011",),
    "deceased_is_head": ("HH-012",),
    "dropout_compulsory_age": ("EDU-001",),
    "grade_age_mismatch": ("EDU-002",),
    "education_and_school_both_filled": ("EDU-009",),
    "working_age_no_labour": ("LAB-001",),
    "minor_with_labour": ("LAB-003", "LAB-004"),
    "work_months_out_of_range": ("LAB-006",),
    "work_place_without_months": ("LAB-007",),
    "worker_without_labour": ("LAB-009",),
    "wage_without_worker": ("LAB-010",),
    "worker_without_wage": ("LAB-011",),
    "not_insured_medical": ("HLT-001",),
    "medical_insurance_both": ("HLT-002",),
    "no_major_illness_insurance": ("EXIT-007", "HLT-003"),
    "disabled_no_certificate": ("HLT-008",),
    "cause_illness_all_healthy": ("HLT-004",),
    "cause_disability_no_disabled": ("HLT-005",),
    "cause_school_no_student": ("HLT-006",),
    "other_cause_repeats_main": ("HLT-010",),
    "net_income_arithmetic": ("INC-002",),
    "per_capita_arithmetic": ("INC-003",),
    "negative_income": ("INC-004",),
    "dibao_money_without_dibao_member": ("INC-012",),
    "dibao_household_no_money": ("INC-013",),
    "tekun_household_no_money": ("INC-016",),
    "business_income_no_cost": ("INC-006",),
    "exited_below_line": ("EXIT-001",),
    "exited_dangerous_house": ("EXIT-002",),
    "exited_unsafe_water": ("EXIT-003",),
    "exited_no_electricity": ("EXIT-004",),
    "exited_no_radio_tv": ("EXIT-005",),
    "exit_year_before_identification": ("STS-003",),
    "return_year_before_exit": ("STS-005",),
    "empty_mandatory": tuple(code_for(dd.field(k)) for k in EMPTY_MANDATORY_FIELDS),
    "phone_not_11_digits": ("HH-015",),
    "farmland_per_capita_absurd": ("CON-002",),
    "road_distance_absurd": ("CON-004",),
    "no_cadre": ("CAD-001",),
    "cadre_is_poor_person": ("CAD-002",),
}


def rules_for(kind: str, field: str | None = None) -> tuple[str, ...]:
    """The rule codes expected to find a fault (for an emptied field, that field's rule)."""
    if kind == "empty_mandatory" and field:
        return (code_for(dd.field(field)),)
    return FAULT_RULES.get(kind, ())


def unmapped_kinds() -> list[str]:
    return sorted(set(FAULT_KINDS) - set(FAULT_RULES))
