"""What a printed comparison table said, field by field: the form's tables read back into
data-dictionary keys (the texts as printed: code labels, masked ID numbers as masked).

Used to make a correction from a printed form (`changes new --from-form PD1-…`): the request's
`before` values are what the clerk saw on paper, not today's registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from povdesk.domain import dictionary as dd
from povdesk.domain import groups
from povdesk.reports.forms import HouseholdForm, short_label


@dataclass(frozen=True)
class PrintedValues:
    #: household field key → printed text
    household: Mapping[str, str]
    #: one mapping per printed member row (current members, in printed order): member key → text
    members: tuple[Mapping[str, str], ...]


def key_of_label(keys: tuple[str, ...], label: str) -> str | None:
    """The key among `keys` whose field is printed as `label` (its Chinese label, with or without unit)."""
    for key in keys:
        f = dd.field(key)
        if label in (f.zh, f.label_with_unit("zh")):
            return key
    return None


def printed_values(form: HouseholdForm) -> PrintedValues:
    household: dict[str, str] = {}
    for label, value in form.header:
        key = key_of_label(tuple(groups.FORM_HEADER), label)
        if key is not None and key.startswith("household."):
            household[key] = value
    facts = form.table("facts")
    if facts is not None:
        for row in facts.rows:
            for i in range(0, len(row) - 1, 3):
                key = key_of_label(tuple(groups.FORM_FACTS), row[i]) if row[i] else None
                if key is not None:
                    household[key] = row[i + 1]
    members: list[dict[str, str]] = []
    table = form.table("members")
    if table is not None:
        keys = [key_of_label(tuple(k for k in groups.FORM_MEMBERS if k != groups.AGE), c.title)
                for c in table.columns]
        for row in table.rows:
            members.append({k: v for k, v in zip(keys, row, strict=False) if k is not None})
    insurance = form.table("insurance")
    if insurance is not None:
        fs = groups.FORM_INSURANCE.fields
        ins_keys: list[str | None] = [None, *(next((f.key for f in fs if short_label(f) == c.title), None)
                                                 for c in insurance.columns[1:])]
        for n, row in enumerate(insurance.rows):
            if n < len(members):
                members[n].update({k: v for k, v in zip(ins_keys, row, strict=False) if k is not None})
    return PrintedValues(household, tuple(members))
