"""The office's roles (domain: 录入员 enters, 审核员 reviews, 签发 signs off) and what each may decide.

Roles here are organisational, not security: povdesk runs offline on the office's own machines,
and a role records who is entitled to a decision so the history can name them.
"""

from __future__ import annotations

CLERK = "clerk"
REVIEWER = "reviewer"
DIRECTOR = "director"
ROLES = (CLERK, REVIEWER, DIRECTOR)

ROLE_ZH = {CLERK: "录入员", REVIEWER: "审核员", DIRECTOR: "签发人"}
ROLE_EN = {CLERK: "clerk", REVIEWER: "reviewer", DIRECTOR: "director"}

#: who may accept a data-quality problem as an exception, or withdraw that decision
DECIDES_EXCEPTIONS = frozenset({REVIEWER, DIRECTOR})


def role_label(role: str, lang: str = "zh") -> str:
    return (ROLE_EN if lang.startswith("en") else ROLE_ZH).get(role, role)
