"""The database column that holds each data-dictionary field, for queries built from a field group.

A field `entity.column` is the model's attribute of that name (a test holds the two together);
the place fields (`location.*`) live in the county, township and village tables.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import SQLColumnExpression

from povdesk.db.models import (
    Cadre,
    Conditions,
    County,
    Household,
    Income,
    Measure,
    Member,
    Pairing,
    Township,
    Village,
)
from povdesk.domain.dictionary import Entity

MODELS: dict[Entity, type] = {
    Entity.HOUSEHOLD: Household,
    Entity.MEMBER: Member,
    Entity.INCOME: Income,
    Entity.CONDITIONS: Conditions,
    Entity.MEASURE: Measure,
    Entity.CADRE: Cadre,
    Entity.PAIRING: Pairing,
}
_LOCATION: dict[str, Any] = {
    "province": County.province,
    "prefecture": County.prefecture,
    "county": County.name,
    "township": Township.name,
    "village": Village.name,
    "village_code": Village.code,
}


def column(key: str) -> SQLColumnExpression[Any]:
    """The mapped column of a dictionary key (`household.size` -> `Household.size`); KeyError if none."""
    entity, name = key.split(".", 1)
    if entity == Entity.LOCATION:
        return _LOCATION[name]
    try:
        return cast("SQLColumnExpression[Any]", getattr(MODELS[Entity(entity)], name))
    except (ValueError, AttributeError):
        raise KeyError(key) from None
