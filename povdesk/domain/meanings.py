"""What the codes mean: named predicates over code-list values (domain/data/codelists.toml).

A code's meaning ("this member is current", "this house is dangerous") is decided here once; rules,
the assessment, services' queries, the importer, the window and the printed form all ask these
names instead of comparing literals. The code lists themselves (labels, aliases) stay in the
dictionary's code book; this module holds only the codes that carry a rule of the standard.
"""

from __future__ import annotations

from typing import Any

# member_status
MEMBER_CURRENT = "1"
#: Statuses of a member still on the household's roll. An empty status counts as current: the
#: provincial export leaves it empty for everyone still registered.
#: Status 4 is current too: a public county system keeps AAB015 IN (1, 4) as current members
#: (domain.md §1.2 [L]); the importer keeps the code as given and everything counts it current.
MEMBER_CURRENT_4 = "4"
CURRENT_MEMBER_STATUSES: tuple[str | None, ...] = (None, MEMBER_CURRENT, MEMBER_CURRENT_4)

# poverty_status: 0 未脱贫, 1 已脱贫(享受政策), 2 预脱贫, 3 返贫, 4 已脱贫(不再享受政策).
# 预脱贫 is not exited: the household is expected to exit and is still poor (domain.md §1.1).
NOT_EXITED = "0"
EXITED_STATUSES = frozenset({"1", "4"})

# relation
HEAD = "01"
SPOUSE = "02"

# school_status: "01" is 非在校生 (not in school); every other value is a school or pre-school stage
NOT_IN_SCHOOL = "01"

# health
HEALTHY = "01"
ILL_HEALTH = frozenset({"02", "03", "05", "06"})
SERIOUS_ILL = frozenset({"03", "06"})
DISABLED_HEALTH = frozenset({"04", "05", "06"})

# house_grade: C and D are dangerous, A and B safe
DANGEROUS_GRADES = frozenset({"3", "4"})
SAFE_GRADES = frozenset({"1", "2"})


def is_current_member(status: str | None) -> bool:
    return status in CURRENT_MEMBER_STATUSES


def is_exited(status: str | None) -> bool:
    return status in EXITED_STATUSES


def is_head(relation: str | None) -> bool:
    return relation == HEAD


def is_in_school(school_status: str | None) -> bool:
    """At school (any stage); False for 非在校生 and for an empty status."""
    return bool(school_status) and school_status != NOT_IN_SCHOOL


def is_out_of_school(school_status: str | None) -> bool:
    """Recorded as 非在校生 (an empty status is unknown, not out of school)."""
    return school_status == NOT_IN_SCHOOL


def is_dangerous_house(dangerous: Any, grade: str | None) -> bool:
    """A house marked 危房 or graded C/D."""
    return bool(dangerous) or grade in DANGEROUS_GRADES


# poverty_status set by change requests: an exit marks 已脱贫(享受政策), a return 返贫
EXITED_WITH_SUPPORT = "1"
RETURNED_TO_POVERTY = "3"


# household_record_status (户状态): on the register, 自然销户 (no member left), 清退 (removed);
# the date of either is `household.cancel_date`. An empty status is on the register.
HOUSEHOLD_ON_REGISTER = "1"
HOUSEHOLD_CANCELLED = "2"
HOUSEHOLD_REMOVED = "3"

# out_of_school_reason (义务教育阶段未上学原因): 01 身体原因不具备学习条件 and 02 送教上门 excuse a
# compulsory-age child from school; 99 其他 does not (issue 14 §2: only those two exempt).
SCHOOL_EXEMPT_REASONS = frozenset({"01", "02"})

# disability_grade: grades 1 and 2 are severe disability (issue 14 §1)
SEVERE_DISABILITY_GRADES = frozenset({"1", "2"})


def is_school_exempt(reason: str | None) -> bool:
    """A recorded reason that excuses a compulsory-age child from school."""
    return reason in SCHOOL_EXEMPT_REASONS


# education (文化程度): 初中 and above means compulsory schooling is finished (issue 14 §2: a child
# who finished 初中 is not out of school)
COMPULSORY_FINISHED = frozenset({"03", "04", "05"})

# labour_skill: 普通劳动力 and 技能劳动力 can work; 丧失劳动力 and 无劳动力 cannot
ABLE_TO_WORK = frozenset({"01", "02"})
UNABLE_TO_WORK = frozenset({"03", "04"})

# poverty_cause: 08 缺劳力
CAUSE_LACK_OF_LABOUR = "08"
CAUSE_ILLNESS = "01"

# monitoring_type: 1 边缘户, 2 脱贫监测户
MONITORING_EDGE = "1"


def finished_compulsory(education: str | None) -> bool:
    """Education level 初中 or above: compulsory schooling finished."""
    return education in COMPULSORY_FINISHED


def is_unwell(health: str | None) -> bool:
    """Health recorded and not 健康 (ill, disabled or both); an empty health is unknown."""
    return bool(health) and health != HEALTHY
