"""Logins (issue 11 §4): argon2 passwords, lockout, the first director, writes need a login."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from povdesk.db.models import AppUser
from povdesk.errors import NotAllowed
from povdesk.services.database import Database
from povdesk.services.users import UserService


def _write(db: Database) -> None:
    """Any ordinary write of a service."""
    db.set_meta("probe", "1")


def test_a_database_without_logins_writes_as_before(db: Database) -> None:
    assert not db.has_logins()
    _write(db)
    UserService(db=db).save("li", role="clerk")
    assert db.meta("probe") == "1"


def test_the_first_user_given_a_password_becomes_director_and_is_hashed(db: Database) -> None:
    users = UserService(db=db)
    record = users.save("zhang", role="clerk", display_name="张主任", password="s3cret")
    assert record.role == "director" and record.has_password
    with db.reading() as s:
        stored = s.scalar(select(AppUser.password_hash).where(AppUser.login == "zhang"))
    assert stored is not None and stored.startswith("$argon2") and "s3cret" not in stored
    assert db.has_logins()


def test_once_there_are_logins_every_write_needs_an_authenticated_user(db: Database) -> None:
    UserService(db=db).save("zhang", role="director", password="pw")
    other = Database.open(db.url, user="zhang")
    try:
        with pytest.raises(NotAllowed) as err:
            _write(other)
        assert err.value.code == "auth.login_required"
        assert "logged-in" in err.value.message("en") and "登录" in err.value.message("zh")
        with pytest.raises(NotAllowed):
            UserService(db=other).save("li", role="clerk")
        assert other.meta("probe") is None  # reads stay open
        UserService(db=other).authenticate("zhang", "pw")
        assert other.authenticated and other.user == "zhang"
        _write(other)
        assert other.meta("probe") == "1"
    finally:
        other.close()


def test_an_unknown_login_opening_a_database_with_logins_is_not_added(db: Database) -> None:
    UserService(db=db).save("zhang", role="director", password="pw")
    stranger = Database.open(db.url, user="stranger")
    try:
        assert "stranger" not in UserService(db=stranger).names()
        with pytest.raises(NotAllowed) as err:
            UserService(db=stranger).authenticate("stranger", "x")
        assert err.value.code == "auth.wrong_password"
    finally:
        stranger.close()


def test_five_wrong_passwords_lock_the_login_for_fifteen_minutes(db: Database) -> None:
    UserService(db=db).save("zhang", role="director", password="pw")
    now = [dt.datetime(2026, 12, 1, 8, 0)]
    users = UserService(db=db, now=lambda: now[0])
    for left in (4, 3, 2, 1):
        with pytest.raises(NotAllowed) as err:
            users.authenticate("zhang", "wrong")
        assert err.value.code == "auth.wrong_password" and f"{left} more" in err.value.message("en")
    with pytest.raises(NotAllowed) as err:
        users.authenticate("zhang", "wrong")
    assert err.value.code == "auth.locked"
    opens = dt.datetime(2026, 12, 1, 8, 15).replace(tzinfo=dt.UTC).astimezone()
    assert f"{opens:%H:%M}" in err.value.message("en") and f"{opens:%H:%M}" in err.value.message("zh")
    assert "锁定" in err.value.message("zh")
    now[0] += dt.timedelta(minutes=14)
    with pytest.raises(NotAllowed) as err:
        users.authenticate("zhang", "pw")  # even the right password, while locked
    assert err.value.code == "auth.locked"
    now[0] += dt.timedelta(minutes=2)
    assert users.authenticate("zhang", "pw").login == "zhang"


def test_a_success_resets_the_count(db: Database) -> None:
    UserService(db=db).save("zhang", role="director", password="pw")
    users = UserService(db=db)
    for _ in range(4):
        with pytest.raises(NotAllowed):
            users.authenticate("zhang", "wrong")
    users.authenticate("zhang", "pw")
    for _ in range(4):
        with pytest.raises(NotAllowed) as err:
            users.authenticate("zhang", "wrong")
        assert err.value.code == "auth.wrong_password"


def test_only_the_director_manages_users_once_there_are_logins(db: Database) -> None:
    director = UserService(db=db)
    director.save("zhang", role="director", password="pw")
    director.authenticate("zhang", "pw")
    director.save("li", role="clerk", password="li-pw")
    clerk_db = Database.open(db.url, user="li")
    try:
        clerk = UserService(db=clerk_db)
        clerk.authenticate("li", "li-pw")
        with pytest.raises(NotAllowed) as err:
            clerk.save("li", role="director")
        assert "Only the director" in err.value.message("en") and "签发人" in err.value.message("zh")
        with pytest.raises(NotAllowed):
            clerk.set_password("zhang", "taken")
        clerk.set_password("li", "new-pw")  # their own password is theirs to change
        clerk.authenticate("li", "new-pw")
    finally:
        clerk_db.close()
    assert {u.login: u.role for u in director.list()}["li"] == "clerk"


def test_the_director_lifts_a_lockout_by_setting_a_new_password(db: Database) -> None:
    users = UserService(db=db)
    users.save("zhang", role="director", password="pw")
    users.authenticate("zhang", "pw")
    users.save("li", role="clerk", password="a")
    desk = Database.open(db.url, user="x")
    try:
        for _ in range(5):
            with pytest.raises(NotAllowed):
                UserService(db=desk).authenticate("li", "wrong")
    finally:
        desk.close()
    users.set_password("li", "b")
    UserService(db=db).authenticate("li", "b")
