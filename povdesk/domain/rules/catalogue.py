"""The whole rule catalogue, in a stable order, and the one function that runs it on a household."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from povdesk.domain.rules import (
    assistance,
    conditions,
    education,
    exit,
    health,
    ids,
    income,
    labour,
    status,
    structure,
)
from povdesk.domain.rules.base import MEMBER, CheckContext, Finding, HouseholdFacts, Rule
from povdesk.domain.rules.required import required_rules

#: Bumped whenever a rule is added, removed or changes meaning; stored on each check run.
CATALOGUE_VERSION = "2019.1"

_GROUPS = (ids, structure, education, labour, health, income, conditions, exit, status, assistance)


@cache
def catalogue() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for group in _GROUPS:
        rules.extend(group.rules.rules)
    rules.extend(required_rules())
    codes = [r.code for r in rules]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise AssertionError(f"duplicate rule codes: {sorted(duplicates)}")
    return tuple(rules)


@cache
def by_code() -> dict[str, Rule]:
    return {r.code: r for r in catalogue()}


def rule(code: str) -> Rule:
    return by_code()[code]


def evaluate(h: HouseholdFacts, ctx: CheckContext, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Every finding of `rules` (default: the catalogue) on one household."""
    chosen = catalogue() if rules is None else tuple(rules)
    household_rules = [r for r in chosen if r.scope != MEMBER]
    member_rules = [r for r in chosen if r.scope == MEMBER]
    return _evaluate(h, ctx, household_rules, member_rules)


def _evaluate(h: HouseholdFacts, ctx: CheckContext, household_rules: list[Rule],
              member_rules: list[Rule]) -> list[Finding]:
    found: list[Finding] = []
    hid = h.id
    for r in household_rules:
        values = r.check(h, ctx)
        if values is not None:
            member_id = values.pop("member_id", None) if "member_id" in values else None
            found.append(Finding(r, hid, member_id, values))
    for m in h.current:
        for r in member_rules:
            values = r.check(m, h, ctx)
            if values is not None:
                found.append(Finding(r, hid, m.id, values))
    return found


class Evaluator:
    """The catalogue split once by scope, for running over many households."""

    def __init__(self, rules: Iterable[Rule] | None = None) -> None:
        chosen = catalogue() if rules is None else tuple(rules)
        self.household_rules = [r for r in chosen if r.scope != MEMBER]
        self.member_rules = [r for r in chosen if r.scope == MEMBER]

    def __call__(self, h: HouseholdFacts, ctx: CheckContext) -> list[Finding]:
        return _evaluate(h, ctx, self.household_rules, self.member_rules)
