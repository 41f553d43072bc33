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
CURRENT_MEMBER_STATUSES: tuple[str | None, ...] = (None, MEMBER_CURRENT)

# poverty_status: 0 未脱贫, 1 已脱贫(享受政策), 3 返贫, 4 已脱贫(不再享受政策)
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
