"""The office's database server in the settings, its password only in the system's keyring."""

from __future__ import annotations

from typing import Any

import pytest

from povdesk import config
from povdesk.config import (
    Settings,
    database_url_with_password,
    keyring_name,
    remember_database_password,
)

URL = "postgresql+psycopg://clerk1@db.office:5433/povdesk?sslmode=require"


class FakeKeyring:
    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, name: str) -> str | None:
        return self.store.get((service, name))

    def set_password(self, service: str, name: str, password: str) -> None:
        self.store[(service, name)] = password


def test_the_password_comes_from_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    ring = FakeKeyring()
    monkeypatch.setattr(config, "_keyring", lambda: ring)
    assert keyring_name(URL) == "clerk1@db.office:5433/povdesk"
    assert database_url_with_password(URL) == URL  # nothing stored yet
    assert remember_database_password(URL, "s3cret/@:x")
    assert ring.store == {("povdesk", "clerk1@db.office:5433/povdesk"): "s3cret/@:x"}
    assert database_url_with_password(URL) == (
        "postgresql+psycopg://clerk1:s3cret%2F%40%3Ax@db.office:5433/povdesk?sslmode=require")
    given = "postgresql+psycopg://clerk1:typed@db.office/povdesk"
    assert database_url_with_password(given) == given  # a password given wins
    assert database_url_with_password("/data/county.sqlite") == "/data/county.sqlite"


def test_without_the_keyring_package_the_url_is_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config, "_keyring", lambda: None)
    assert database_url_with_password(URL) == URL
    assert remember_database_password(URL, "x") is False


def test_the_settings_name_the_server_and_the_command_line_uses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    Settings(database="postgresql+psycopg://clerk1@server.invalid/povdesk").save()
    assert Settings.load().database.endswith("/povdesk")
    seen: dict[str, Any] = {}

    def fake_open(args: Any) -> Any:
        seen["db"] = args.db
        raise KeyboardInterrupt

    from povdesk import cli

    monkeypatch.setattr(cli, "open_database", fake_open)
    assert cli.main(["db", "info"]) == 130
    assert seen["db"] == "postgresql+psycopg://clerk1@server.invalid/povdesk"


def test_a_keyring_that_cannot_be_read_leaves_the_url_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without a usable keyring backend (a server with no desktop) still connects."""
    class Broken:
        def get_password(self, service: str, name: str) -> str:
            raise RuntimeError("no recommended backend was available")

    monkeypatch.setattr(config, "_keyring", lambda: Broken())
    assert database_url_with_password(URL) == URL
