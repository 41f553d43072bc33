"""The people of the office and their roles (who enters, who reviews, who signs off)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from povdesk.db.models import AppUser, ChangeLog
from povdesk.domain.journal import JournalEvent, JournalSource
from povdesk.domain.roles import CLERK, DIRECTOR, ROLES, role_label
from povdesk.errors import InvalidValue, NotAllowed
from povdesk.services.database import Database

_LOGIN = re.compile(r"[\w.\-]{1,40}")  # \w takes Chinese names too


@dataclass(frozen=True)
class UserRecord:
    login: str
    display_name: str
    role: str
    active: bool


class UserService:
    def __init__(self, *, db: Database) -> None:
        self.db = db

    def list(self) -> list[UserRecord]:
        with self.db.reading() as s:
            return [UserRecord(u.login, u.display_name, u.role, u.active)
                    for u in s.scalars(select(AppUser).order_by(AppUser.login))]

    def names(self) -> dict[str, str]:
        """login -> display name, for showing who did something (the history stores logins)."""
        return {u.login: u.display_name for u in self.list()}

    def role_of(self, login: str | None = None) -> str:
        """The role of `login` (default: whoever works on this database now); clerk if unknown."""
        with self.db.reading() as s:
            role = s.scalar(select(AppUser.role).where(AppUser.login == (login or self.db.user),
                                                       AppUser.active.is_(True)))
        return role or CLERK

    def save(self, login: str, *, role: str, display_name: str | None = None) -> UserRecord:
        """Add a person or change their role (and name), journalled in change_log.

        Once the office has a director, only a director may do this; before that anyone may (the
        first set-up of a new database)."""
        login = (login or "").strip()
        if not _LOGIN.fullmatch(login):
            raise InvalidValue("user.login", f"'{login}' is not a usable login: 1–40 letters, digits, . _ or -.",
                               f"“{login}”不能作为登录名：应为 1–40 个字母、数字或 . _ -。")
        if role not in ROLES:
            raise InvalidValue("user.role", f"Role must be one of {', '.join(ROLES)}.",
                               f"角色应为 {'、'.join(f'{r}（{role_label(r)}）' for r in ROLES)} 之一。")
        with self.db.transaction() as s:
            directors = s.scalar(select(func.count(AppUser.id)).where(AppUser.role == DIRECTOR,
                                                                      AppUser.active.is_(True)))
            if directors:
                self.require(frozenset({DIRECTOR}), "change users and roles", "修改用户和角色")
            user = s.scalar(select(AppUser).where(AppUser.login == login))
            old = None if user is None else f"{user.display_name} {user.role}"
            if user is None:
                user = AppUser(login=login, display_name=display_name or login, role=role)
                s.add(user)
            else:
                user.role = role
                if display_name:
                    user.display_name = display_name
            s.flush()
            new = f"{user.display_name} {user.role}"
            if new != old:
                s.add(ChangeLog(user=self.db.user, source=JournalSource.USERS, entity="user", entity_id=user.id,
                                field=JournalEvent.USER_ROLE, old_value=old, new_value=new, reference=login))
            return UserRecord(user.login, user.display_name, user.role, user.active)

    def require(self, roles: frozenset[str], what_en: str, what_zh: str) -> None:
        """Raise NotAllowed unless the current user has one of `roles`."""
        role = self.role_of()
        if role in roles:
            return
        ordered = [r for r in ROLES if r in roles]  # clerk, reviewer, director
        allowed_en = " or ".join(role_label(r, "en") for r in ordered)
        allowed_zh = "或".join(role_label(r) for r in ordered)
        raise NotAllowed("user.role", f"Only a {allowed_en} may {what_en}; {self.db.user} is a {role_label(role, 'en')}.",
                         f"只有{allowed_zh}可以{what_zh}；{self.db.user} 的角色是{role_label(role)}。")
