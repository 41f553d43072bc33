"""Field groups: the dictionary's named lists of fields; every key exists, checked when made."""

from __future__ import annotations

import pytest

from povdesk.domain import dictionary as dd
from povdesk.domain import groups
from povdesk.domain.groups import FieldGroup


def test_every_key_of_every_group_is_a_field() -> None:
    stored = {f.key for f in dd.FIELDS}
    for group in groups.GROUPS.values():
        assert group.keys, group.name
        for key in group.keys:
            assert key in stored or key in groups.COMPUTED, (group.name, key)
            f = groups.field(key)
            assert f.key == key and f.zh and f.en
    assert not set(groups.COMPUTED) & stored


def test_an_unknown_key_fails_when_the_group_is_made() -> None:
    with pytest.raises(KeyError, match=r"household\.sise"):
        FieldGroup("list", "户列表", "List", ("household.household_no", "household.sise"))
    with pytest.raises(ValueError, match="twice"):
        FieldGroup("list", "户列表", "List", ("household.size", "household.size"))


def test_a_layout_header_must_read_back_as_its_field() -> None:
    FieldGroup("ok", "表", "Sheet", ("household.size",), ("人数",))
    with pytest.raises(ValueError, match="would not read"):
        FieldGroup("bad", "表", "Sheet", ("household.size",), ("人口",))
    with pytest.raises(ValueError, match="headers"):
        FieldGroup("bad", "表", "Sheet", ("household.size", "household.phone"), ("人数",))


def test_the_income_parts_are_income_amounts() -> None:
    amounts = set(groups.INCOME_AMOUNTS)
    for parts in (groups.INCOME_PARTS, groups.TRANSFER_PARTS, groups.PROPERTY_PARTS):
        assert set(parts) <= amounts, parts.name
    assert [f.key for f in dd.fields_of(dd.Entity.INCOME) if f.column != "year"] == list(groups.INCOME_AMOUNTS)
