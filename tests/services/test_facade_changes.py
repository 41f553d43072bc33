"""The services facade hands the window the change requests too (issue 11 §5)."""

from __future__ import annotations

from povdesk.services.changes import ChangeRequestService
from povdesk.services.database import Database
from povdesk.services.facade import Services


def test_the_facade_builds_the_change_request_service_once_over_its_own_services(db: Database) -> None:
    services = Services(db=db)
    changes = services.changes
    assert isinstance(changes, ChangeRequestService)
    assert services.changes is changes
    assert changes.registry is services.registry and changes.checks is services.checks
    assert changes.list() == []
