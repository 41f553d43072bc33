"""No lost update (issue 16 §2): a household written from a stale read is refused, naming who
changed what since.

`Household.version` is SQLAlchemy's `version_id_col` (`db/models.py`): every ORM UPDATE of a
household carries `WHERE version = <the version read>`. A desk whose household was changed by
another desk (another process, another server connection) after it read it matches no row; the
ORM raises `StaleDataError`, which `Database.transaction` turns into `stale_conflict(...)` after
the rollback. A caller that holds a version from an earlier read (the window's detail pane) passes
it as `expected_version` and gets the same refusal before anything is written (`check_version`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from povdesk.db.models import ChangeLog, Household
from povdesk.domain import dictionary as dd
from povdesk.domain.journal import event_label, source_label
from povdesk.errors import Conflict

#: `Session.info` key: {household id: the version the session read} of the households it updated
WRITTEN = "povdesk.households_written"
#: how many of the other desks' changes a refusal names at most (newest first)
NAMED = 3


@event.listens_for(Household, "before_update")
def _note_version(_mapper: Any, _conn: Any, target: Household) -> None:
    """Remember which version each household written was read at, for the refusal's message."""
    state = inspect(target)
    session = state.session
    if session is None:
        return
    read = state.committed_state.get("version", target.version)
    session.info.setdefault(WRITTEN, {}).setdefault(target.id, read)


@dataclass(frozen=True)
class ChangeSet:
    """One desk's change of a household, from the change journal."""

    user: str
    at: str
    source: str
    reference: str | None
    fields: tuple[str, ...]


def _field_label(key: str, lang: str) -> str:
    label = event_label(key, lang)
    if label is not None:
        return label
    try:
        return dd.field(key).label(lang)
    except KeyError:
        return key


def changes_since(s: Session, household_id: int, read_version: int, now_version: int) -> list[ChangeSet]:
    """The newest changes of the household, one per writing desk's act (a run of journal rows with
    the same user, source and reference), at most one per version it moved and at most `NAMED`."""
    wanted = max(0, min(NAMED, now_version - read_version))
    if wanted == 0:
        return []
    rows = s.execute(select(ChangeLog.user, ChangeLog.at, ChangeLog.source, ChangeLog.reference, ChangeLog.field)
                     .where(ChangeLog.household_id == household_id)
                     .order_by(ChangeLog.id.desc()).limit(200)).all()
    sets: list[tuple[tuple[Any, ...], Any, list[str]]] = []
    for user, at, source, reference, field in rows:
        key = (user, source, reference)
        if not sets or sets[-1][0] != key:
            if len(sets) == wanted:
                break
            sets.append((key, at, []))
        if field not in sets[-1][2]:
            sets[-1][2].append(field)
    return [ChangeSet(k[0], f"{at:%Y-%m-%d %H:%M}", k[1], k[2], tuple(fields)) for k, at, fields in sets]


def stale_conflict(s: Session, household_id: int, read_version: int | None) -> Conflict:
    """The refusal of a write planned from `read_version` of a household now at another version."""
    h = s.get(Household, household_id, populate_existing=True)
    number = h.household_no if h is not None else str(household_id)
    now = h.version if h is not None else None
    sets = (changes_since(s, household_id, read_version, now)
            if read_version is not None and now is not None else [])

    def said(lang: str) -> str:
        parts = []
        for c in sets:
            fields = ("、" if lang == "zh" else ", ").join(_field_label(f, lang) for f in c.fields[:6])
            more = ("等" if lang == "zh" else ", …") if len(c.fields) > 6 else ""
            ref = f" {c.reference}" if c.reference else ""
            parts.append(f"{c.user} 于 {c.at} 修改了{fields}{more}（{source_label(c.source, 'zh')}{ref}）"
                         if lang == "zh" else
                         f"{c.user} changed {fields}{more} at {c.at} ({source_label(c.source, 'en')}{ref})")
        return ("；" if lang == "zh" else "; ").join(parts)

    versions = f"{read_version} → {now}" if read_version is not None and now is not None else ""
    en_who = f": {said('en')}" if sets else ""
    zh_who = f"：{said('zh')}" if sets else ""
    return Conflict("household.version",
                    f"Household {number} was changed at another desk after it was read here "
                    f"(version {versions}){en_who}. Nothing was saved: reload the household and make "
                    "the change again.",
                    f"户 {number} 在本处读取后已被其他工作站修改（版本 {versions}）{zh_who}。"
                    "未保存任何更改：请重新载入该户后再修改。")


def check_version(s: Session, household: Household, expected_version: int | None) -> None:
    """Refuse (`stale_conflict`) a write planned from `expected_version` of a household that moved."""
    if expected_version is not None and household.version != expected_version:
        raise stale_conflict(s, household.id, expected_version)
