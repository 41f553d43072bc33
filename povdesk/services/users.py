"""The people of the office, their roles (who enters, who reviews, who signs off) and their logins.

A user with a password (an argon2 hash) can log in; once any user has one, the database has
logins and every write needs an authenticated user (`Database.transaction`). The first user given
a password in a database without logins becomes its director; after that only a director manages
users and roles. Five wrong passwords lock a login for 15 minutes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from povdesk.db.base import utcnow
from povdesk.db.models import AppUser, ChangeLog
from povdesk.domain.journal import JournalEvent, JournalSource
from povdesk.domain.roles import CLERK, DIRECTOR, ROLES, role_label
from povdesk.errors import InvalidValue, NotAllowed, NotFound
from povdesk.services import audit
from povdesk.services.database import Database, logins_exist

_LOGIN = re.compile(r"[\w.\-]{1,40}")  # \w takes Chinese names too
#: wrong passwords in a row that lock a login, and for how long
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MAX_PASSWORD = 1024

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2 hash (slow on purpose: hash once and reuse it for several users if need be)."""
    _check_password(password)
    return _hasher.hash(password)


@dataclass(frozen=True)
class UserRecord:
    login: str
    display_name: str
    role: str
    active: bool
    has_password: bool = False


class UserService:
    def __init__(self, *, db: Database, now: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self._now = now  # UTC without tzinfo, like the stored times

    def list(self) -> list[UserRecord]:
        with self.db.reading() as s:
            return [_user_record(u) for u in s.scalars(select(AppUser).order_by(AppUser.login))]

    def names(self) -> dict[str, str]:
        """login -> display name, for showing who did something (the history stores logins)."""
        return {u.login: u.display_name for u in self.list()}

    def role_of(self, login: str | None = None) -> str:
        """The role of `login` (default: whoever works on this database now); clerk if unknown."""
        with self.db.reading() as s:
            role = s.scalar(select(AppUser.role).where(AppUser.login == (login or self.db.user),
                                                       AppUser.active.is_(True)))
        return role or CLERK

    def has_logins(self) -> bool:
        return self.db.has_logins()

    # ------------------------------------------------------------------ logging in
    def authenticate(self, login: str, password: str) -> UserRecord:
        """Check `login`'s password; on success the database's session acts as that user,
        authenticated. Five wrong passwords in a row lock the login for 15 minutes (a success
        resets the count). Every attempt is in the audit log. Refusals are `NotAllowed`."""
        login = (login or "").strip()
        failure: NotAllowed | None = None
        # the counter and the audit entry are the system's own writes: no one is logged in yet
        with self.db.transaction(system=True) as s:
            now = self._now()
            user = s.scalar(select(AppUser).where(AppUser.login == login))
            if user is None or user.password_hash is None or not user.active:
                failure = _wrong(login, None)
                audit.record(s, user=login or "?", action=audit.LOGIN_FAILED, subject=login,
                             detail={"reason": "unknown login"})
            elif user.locked_until is not None and user.locked_until > now:
                failure = _locked(login, user.locked_until)
                audit.record(s, user=login, action=audit.LOGIN_FAILED, subject=login,
                             detail={"reason": "locked"})
            elif not _verify(user.password_hash, password):
                user.failed_logins = (user.failed_logins or 0) + 1
                reason = "wrong password"
                if user.failed_logins >= MAX_FAILED_LOGINS:
                    user.failed_logins = 0
                    user.locked_until = now + LOCKOUT
                    failure = _locked(login, user.locked_until)
                    reason = "wrong password, locked"
                else:
                    failure = _wrong(login, MAX_FAILED_LOGINS - user.failed_logins)
                audit.record(s, user=login, action=audit.LOGIN_FAILED, subject=login, detail={"reason": reason})
            else:
                user.failed_logins = 0
                user.locked_until = None
                if _hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = _hasher.hash(password)
                audit.record(s, user=login, action=audit.LOGIN, subject=login)
                record = _user_record(user)
        if failure is not None:
            raise failure
        self.db.user = login
        self.db.authenticated = True
        return record

    # ------------------------------------------------------------------ managing users
    def save(self, login: str, *, role: str, display_name: str | None = None,
             password: str | None = None) -> UserRecord:
        """Add a person or change their role, name (and password), journalled in change_log and
        in the audit log.

        Once the database has logins, only an authenticated director may do this. A database
        without logins keeps the earlier rule: once the office has a director, only a director
        may; the first user given a password becomes the director whatever role was asked."""
        return self._store(login, role=role, display_name=display_name, password=password)

    def set_password(self, login: str, password: str) -> UserRecord:
        """Give `login` a new password (and lift a lockout): the director for anyone, a logged-in
        user for themselves; in a database without logins, the first becomes its director."""
        return self._store(login, role=None, display_name=None, password=password)

    def _store(self, login: str, *, role: str | None, display_name: str | None,
               password: str | None) -> UserRecord:
        login = (login or "").strip()
        if not _LOGIN.fullmatch(login):
            raise InvalidValue("user.login", f"'{login}' is not a usable login: 1–40 letters, digits, . _ or -.",
                               f"“{login}”不能作为登录名：应为 1–40 个字母、数字或 . _ -。")
        if role is not None and role not in ROLES:
            raise InvalidValue("user.role", f"Role must be one of {', '.join(ROLES)}.",
                               f"角色应为 {'、'.join(f'{r}（{role_label(r)}）' for r in ROLES)} 之一。")
        hashed = None if password is None else hash_password(password)  # slow: before the transaction
        with self.db.transaction() as s:
            has_logins = logins_exist(s)
            first = hashed is not None and not has_logins
            if first:
                role = DIRECTOR  # the first user with a password becomes the database's director
            elif has_logins:
                if not (role is None and display_name is None and login == self.db.user):
                    self._require_director(s, "manage users, roles and other users' passwords",
                                           "管理用户、角色和他人的密码")
            elif s.scalar(select(func.count(AppUser.id)).where(AppUser.role == DIRECTOR,
                                                              AppUser.active.is_(True))):
                self._require_director(s, "change users and roles", "修改用户和角色")
            user = s.scalar(select(AppUser).where(AppUser.login == login))
            old = None if user is None else f"{user.display_name} {user.role}"
            if user is None:
                if role is None:
                    raise NotFound("user.unknown", f"There is no user {login}.", f"没有用户 {login}。")
                user = AppUser(login=login, display_name=display_name or login, role=role)
                s.add(user)
            else:
                if role is not None:
                    user.role = role
                if display_name:
                    user.display_name = display_name
            if hashed is not None:
                user.password_hash = hashed
                user.failed_logins = 0
                user.locked_until = None
            s.flush()
            new = f"{user.display_name} {user.role}"
            if new != old:
                s.add(ChangeLog(user=self.db.user, source=JournalSource.USERS, entity="user", entity_id=user.id,
                                field=JournalEvent.USER_ROLE, old_value=old, new_value=new, reference=login))
            audit.record(s, user=self.db.user, action=audit.USER_CHANGED, subject=login,
                         detail={"before": old, "after": new, "password_set": hashed is not None,
                                 "first_director": first})
            result = _user_record(user)
        if first and login == self.db.user:
            self.db.authenticated = True  # who gave themselves the first password is logged in
        return result

    def _require_director(self, s: Session, what_en: str, what_zh: str) -> None:
        role = s.scalar(select(AppUser.role).where(AppUser.login == self.db.user, AppUser.active.is_(True)))
        if role == DIRECTOR:
            return
        role = role or CLERK
        raise NotAllowed("user.role", f"Only the director may {what_en}; {self.db.user} is a "
                                      f"{role_label(role, 'en')}.",
                         f"只有签发人可以{what_zh}；{self.db.user} 的角色是{role_label(role)}。")

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


def _user_record(u: AppUser) -> UserRecord:
    return UserRecord(u.login, u.display_name, u.role, u.active, u.password_hash is not None)


def _check_password(password: str) -> None:
    if not password or len(password) > MAX_PASSWORD:
        raise InvalidValue("user.password", "A password must not be empty (and at most 1024 characters).",
                           "密码不能为空（最多 1024 个字符）。")


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _wrong(login: str, left: int | None) -> NotAllowed:
    if left is None:
        return NotAllowed("auth.wrong_password", f"Wrong login or password ({login}).",
                          f"登录名或密码错误（{login}）。")
    return NotAllowed("auth.wrong_password",
                      f"Wrong password for {login}: {left} more wrong password(s) lock the login for "
                      f"{LOCKOUT.seconds // 60} minutes.",
                      f"{login} 的密码错误：再错 {left} 次，该登录名将被锁定 {LOCKOUT.seconds // 60} 分钟。")


def _locked(login: str, until: dt.datetime) -> NotAllowed:
    local = until.replace(tzinfo=dt.UTC).astimezone()
    at = f"{local:%Y-%m-%d %H:%M}"
    return NotAllowed("auth.locked",
                      f"The login {login} is locked after {MAX_FAILED_LOGINS} wrong passwords: it opens "
                      f"again at {at}. The director can set a new password sooner.",
                      f"登录名 {login} 因连续 {MAX_FAILED_LOGINS} 次密码错误已被锁定，{at} 起可再次登录。"
                      "签发人可提前为其重设密码。")
