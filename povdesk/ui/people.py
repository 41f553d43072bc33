"""People by their names: the journal, requests and print batches store logins ("root"); the window
shows the display name each login was given (`povdesk users`, the settings dialog)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def display_names(services: Any) -> dict[str, str]:
    """login -> display name; empty when the users cannot be read (the logins are shown then)."""
    try:
        return dict(services.users.names())
    except Exception:  # a person is still shown, by login, rather than the view failing
        return {}


def person(names: Mapping[str, str], login: str | None) -> str:
    """The display name of `login`, else the login itself."""
    if not login:
        return ""
    return names.get(login) or login
