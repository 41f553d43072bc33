"""The change journal's vocabulary, in both languages: where a change came from
(`change_log.source`) and the events it records besides a field's change (`change_log.field`).

Every writer of the journal names its source from `JournalSource` and its events from
`JournalEvent`; every reader shows them through `source_label` and `event_label`. The stored texts
are the ones every version of povdesk has written ("edit", "provincial import", "users",
"member.added", ...), so an existing database reads translated without a migration. They are
stable codes: never rename one, add a member instead. Any other text is shown as it is stored.
"""

from __future__ import annotations

from enum import StrEnum


class JournalSource(StrEnum):
    """Where a change came from."""

    EDIT = "edit"  # a clerk's edit in the window or through a service
    IMPORT = "provincial import"  # a provincial roster imported (`ImportService`)
    USERS = "users"  # a person added or their role changed (`UserService`)
    CHANGE_REQUEST = "change request"  # an approved change request (reference: "CR-<id>")
    MIGRATION = "migration"  # a schema upgrade that moved a value (reference: the revision)


#: (Chinese, English) of each source, as the History tab and reports show it.
LABELS: dict[JournalSource, tuple[str, str]] = {
    JournalSource.EDIT: ("手工修改", "Edit"),
    JournalSource.IMPORT: ("省级数据导入", "Provincial import"),
    JournalSource.USERS: ("用户管理", "User management"),
    JournalSource.CHANGE_REQUEST: ("变更申请", "Change request"),
    JournalSource.MIGRATION: ("数据库升级", "Database upgrade"),
}


class JournalEvent(StrEnum):
    """What a journal row records where it is not one field's change (its `field` column)."""

    HOUSEHOLD_IMPORTED = "household.imported"  # a new household came in with an import
    MEMBER_ADDED = "member.added"  # a member added to a household (new value: the name)
    USER_ROLE = "user.role"  # a person's name and role (new value: "name role")
    HOUSEHOLD_IDENTIFIED = "household.identified"  # a new household (新识别) approved (new value: its number)
    #: the former pair 免于入学说明 / 失学或辍学原因 as it was (old value) and the coded
    #: 义务教育阶段未上学原因 it became (new value: the code); written by migration 0009
    SCHOOL_PAIR_MERGED = "member.school_pair"


#: (Chinese, English) of each event, where the History tab shows a field's label.
EVENT_LABELS: dict[JournalEvent, tuple[str, str]] = {
    JournalEvent.HOUSEHOLD_IMPORTED: ("导入新增户", "Household added by import"),
    JournalEvent.MEMBER_ADDED: ("新增成员", "Member added"),
    JournalEvent.USER_ROLE: ("用户角色", "User role"),
    JournalEvent.HOUSEHOLD_IDENTIFIED: ("新识别户", "Household newly identified"),
    JournalEvent.SCHOOL_PAIR_MERGED: ("原免于入学说明及失学或辍学原因", "Former school exemption and dropout reason"),
}


def source_of(text: str | None) -> JournalSource | None:
    """The source a stored text names; None for a text outside the vocabulary."""
    if text is None:
        return None
    try:
        return JournalSource(text)
    except ValueError:
        return None


def source_label(text: str | None, lang: str = "zh") -> str:
    """The stored source as a reader says it; an unknown text unchanged."""
    source = source_of(text)
    if source is None:
        return text or ""
    zh, en = LABELS[source]
    return en if lang.startswith("en") else zh


def event_label(text: str, lang: str = "zh") -> str | None:
    """The label of a journal event (`member.added`); None for a field key or an unknown text."""
    try:
        zh, en = EVENT_LABELS[JournalEvent(text)]
    except ValueError:
        return None
    return en if lang.startswith("en") else zh
