"""Empty mandatory fields (domain.md §5.2 A.3): one rule per `required=True` dictionary field,
generated from the data dictionary rather than written out by hand."""

from __future__ import annotations

from povdesk.domain import dictionary as dd
from povdesk.domain.dictionary import Entity, Field
from povdesk.domain.rules.base import (
    ABSENT,
    CAT_REQUIRED,
    ERROR,
    HOUSEHOLD,
    MEMBER,
    CheckContext,
    HouseholdCheck,
    HouseholdFacts,
    MemberCheck,
    MemberFacts,
    Rule,
    Values,
    who,
)
from povdesk.domain.values import is_blank

#: Entities whose required fields are checked per household (location is the navigator's; cadres
#: are checked through their pairings).
ENTITIES = (Entity.HOUSEHOLD, Entity.MEMBER, Entity.INCOME, Entity.CONDITIONS)


def code_for(f: Field) -> str:
    """Stable code: the national field code where there is one (REQ-AAB007), else the column."""
    return f"REQ-{f.national or f.column.upper()}"[:20]


def _blank_value(value: object, ctx: object) -> bool:
    return is_blank(value)


def _blank_row_value(value: object, ctx: object) -> bool:
    return value is not ABSENT and is_blank(value)


def _member_check(column: str) -> MemberCheck:
    def check(m: MemberFacts, h: HouseholdFacts, ctx: CheckContext) -> Values | None:
        return who(m) if is_blank(m[column]) else None
    return check


def _household_check(column: str) -> HouseholdCheck:
    def check(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
        return {} if is_blank(h[column]) else None
    return check


def _yearly_check(entity: Entity, column: str) -> HouseholdCheck:
    attr = "income" if entity == Entity.INCOME else "conditions"

    def check(h: HouseholdFacts, ctx: CheckContext) -> Values | None:
        row = getattr(h, attr)
        # a missing row is one problem (INC-001 / CON-001), not one per field
        return {"year": ctx.year} if row is not None and is_blank(row.get(column)) else None
    return check


def _rule(f: Field) -> Rule:
    if f.entity == Entity.MEMBER:
        return Rule(code_for(f), CAT_REQUIRED, ERROR, MEMBER, (f.key,),
                    f"成员{f.zh}为空", f"Member's {f.en.lower()} empty",
                    f"{{name}}（{{id_number}}）的{f.zh}为空",
                    f"{{name}} ({{id_number}}): {f.en.lower()} is empty",
                    _member_check(f.column), False, True, (f.column, _blank_value))
    if f.entity == Entity.HOUSEHOLD:
        return Rule(code_for(f), CAT_REQUIRED, ERROR, HOUSEHOLD, (f.key,),
                    f"{f.zh}为空", f"{f.en} empty", f"户信息中{f.zh}为空", f"The household's {f.en.lower()} is empty",
                    _household_check(f.column), False, True, (f.column, _blank_value))
    return Rule(code_for(f), CAT_REQUIRED, ERROR, HOUSEHOLD, (f.key,),
                f"{f.zh}为空", f"{f.en} empty", f"{{year}} 年度{f.zh}为空", f"{f.en} for {{year}} is empty",
                _yearly_check(f.entity, f.column), False, True, (f"{f.entity}.{f.column}", _blank_row_value))


def required_rules() -> list[Rule]:
    return [_rule(f) for f in dd.FIELDS if f.required and f.entity in ENTITIES]
