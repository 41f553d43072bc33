"""The people of the office and their roles (who enters, who reviews, who signs off)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from povdesk.db.models import AppUser
from povdesk.domain.roles import CLERK, ROLES, role_label
from povdesk.errors import InvalidValue, NotAllowed, NotFound
from povdesk.services.database import Database


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

    def role_of(self, login: str | None = None) -> str:
        """The role of `login` (default: whoever works on this database now); clerk if unknown."""
        with self.db.reading() as s:
            role = s.scalar(select(AppUser.role).where(AppUser.login == (login or self.db.user),
                                                       AppUser.active.is_(True)))
        return role or CLERK

    def save(self, login: str, *, role: str, display_name: str | None = None) -> UserRecord:
        """Add a person or change their role (and name)."""
        login = (login or "").strip()
        if not login:
            raise InvalidValue("user.login", "Give the login name.", "请填写登录名。")
        if role not in ROLES:
            raise InvalidValue("user.role", f"Role must be one of {', '.join(ROLES)}.",
                               f"角色应为 {'、'.join(f'{r}（{role_label(r)}）' for r in ROLES)} 之一。")
        with self.db.transaction() as s:
            user = s.scalar(select(AppUser).where(AppUser.login == login))
            if user is None:
                user = AppUser(login=login, display_name=display_name or login, role=role)
                s.add(user)
            else:
                user.role = role
                if display_name:
                    user.display_name = display_name
            s.flush()
            return UserRecord(user.login, user.display_name, user.role, user.active)

    def require(self, roles: frozenset[str], what_en: str, what_zh: str) -> None:
        """Raise NotAllowed unless the current user has one of `roles`."""
        role = self.role_of()
        if role in roles:
            return
        allowed_en = " or ".join(role_label(r, "en") for r in sorted(roles))
        allowed_zh = "或".join(role_label(r) for r in sorted(roles))
        raise NotAllowed("user.role", f"Only a {allowed_en} may {what_en}; {self.db.user} is a {role_label(role, 'en')}.",
                         f"只有{allowed_zh}可以{what_zh}；{self.db.user} 的角色是{role_label(role)}。")

    def get(self, login: str) -> UserRecord:
        for u in self.list():
            if u.login == login:
                return u
        raise NotFound("user.missing", f"No user {login}.", f"没有用户 {login}。")
