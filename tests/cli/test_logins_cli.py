"""`--user` with a password, `users set --password-stdin`, `audit verify` (issue 11 §4, §6)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from povdesk.cli import main
from povdesk.services.database import Database


def _set(argv: list[str], password: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(argv)


@pytest.fixture
def with_logins(county_db: Database, monkeypatch: pytest.MonkeyPatch) -> str:
    """The small county whose director zhang (password pw) has added a clerk li (password li)."""
    url = county_db.url
    county_db.close()
    assert _set(["--db", url, "users", "set", "zhang", "clerk", "--name", "张主任", "--password-stdin"],
                "pw", monkeypatch) == 0
    monkeypatch.setenv("POVDESK_PASSWORD", "pw")
    assert _set(["--db", url, "--user", "zhang", "users", "set", "li", "clerk", "--password-stdin"],
                "li", monkeypatch) == 0
    monkeypatch.delenv("POVDESK_PASSWORD")
    return url


def test_the_first_password_makes_a_director_and_the_list_shows_logins(
        with_logins: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", with_logins, "--lang", "en", "users", "list"]) == 0  # reading needs no login
    out = capsys.readouterr().out
    assert "zhang\t张主任\tdirector (login)" in out and "li\tli\tclerk (login)" in out


def test_a_write_without_a_login_is_refused_and_names_the_rule(
        with_logins: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", with_logins, "--lang", "en", "check"]) == 2
    assert "every change needs a logged-in user" in capsys.readouterr().err
    assert main(["--db", with_logins, "--lang", "zh_CN", "check"]) == 2
    assert "需要已登录的用户" in capsys.readouterr().err


def test_a_right_password_from_the_environment_lets_the_user_write(
        with_logins: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("POVDESK_PASSWORD", "li")
    assert main(["--db", with_logins, "--user", "li", "--lang", "en", "check"]) == 0


def test_a_wrong_password_exits_2_in_the_language_asked(
        with_logins: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("POVDESK_PASSWORD", "nope")
    assert main(["--db", with_logins, "--user", "li", "--lang", "zh_CN", "check"]) == 2
    assert "li 的密码错误" in capsys.readouterr().err
    for _ in range(4):
        main(["--db", with_logins, "--user", "li", "--lang", "en", "check"])
    assert "is locked after 5 wrong passwords" in capsys.readouterr().err.splitlines()[-1]


def test_the_password_is_asked_on_a_terminal(with_logins: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    asked: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "li")
    assert main(["--db", with_logins, "--user", "li", "check"]) == 0
    assert asked and "li" in asked[0]


def test_without_a_terminal_or_the_variable_the_login_is_refused(
        with_logins: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["--db", with_logins, "--user", "li", "--lang", "en", "check"]) == 2
    assert "POVDESK_PASSWORD" in capsys.readouterr().err


def test_a_clerk_cannot_manage_users(with_logins: str, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("POVDESK_PASSWORD", "li")
    assert main(["--db", with_logins, "--user", "li", "--lang", "en", "users", "set", "li", "director"]) != 0
    assert "Only the director" in capsys.readouterr().err


def test_audit_verify_counts_and_names_a_tampered_entry(
        with_logins: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", with_logins, "--lang", "en", "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "Audit log intact: 3 entries" in out  # zhang made director, zhang's login, li added
    db = Database.open(with_logins, user="x")
    try:
        with db.engine.begin() as conn:
            conn.execute(text('UPDATE audit_log SET "user" = \'someone\' WHERE action = \'login\''))
    finally:
        db.close()
    assert main(["--db", with_logins, "--lang", "en", "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "does not fit" in out and "login, someone" in out
