"""Issue 16, end to end in the window: two desks on one PostgreSQL database, each logged in as a
different user, see each other's work (NOTIFY at the commit: within a second on a quiet machine; the
waits here allow for the gate's load); the same household edited at both at once gives one success
and one clear conflict, never a silent overwrite.

PostgreSQL is `pg_factory`'s throw-away server (started by this run; missing binaries fail under
CI, as in tests/services/test_notify.py). Like every GUI test this runs in the SQLite pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from povdesk.errors import Conflict
from povdesk.services.database import Database
from povdesk.services.facade import Services
from povdesk.services.users import UserService
from povdesk.ui.changes_panel import TO_REVIEW
from tests.factories import build_small_county
from tests.helpers.databases import DatabaseFactory

GROUP = "household.group_name"
PHONE = "household.phone"
NO = "51343720420100001"  # the small county's first household


@pytest.fixture
def desks(pg_factory: DatabaseFactory, tmp_path: Path) -> Iterator[tuple[Services, Services]]:
    """One PostgreSQL county with a director, a clerk and a reviewer; the clerk's and the
    reviewer's desks, each its own Database (connection pool, listener) and logged in."""
    target = pg_factory.new(tmp_path, "desks")
    setup = Database.open(target, user="zhang")
    opened: list[Services] = []
    try:
        build_small_county(setup)
        users = UserService(db=setup)
        users.save("zhang", role="director", password="pw-zhang")  # the first password: the director
        users.authenticate("zhang", "pw-zhang")
        users.save("li", role="clerk", password="pw-li")
        users.save("wang", role="reviewer", password="pw-wang")
        for login in ("li", "wang"):
            services = Services(db=Database.open(target, user=login))
            opened.append(services)
            services.users.authenticate(login, f"pw-{login}")
        yield opened[0], opened[1]
    finally:
        for services in opened:
            services.close()
        setup.close()
        pg_factory.drop(target)


def _live(window: Any) -> None:
    window.live.bridge.listener.interval = 0.05  # poll the socket often; the promise is a second
    window.live.start()


def test_two_desks_see_each_others_approval_and_a_concurrent_edit_is_one_success_one_conflict(
        qtbot: Any, make_window: Callable[..., Any], desks: tuple[Services, Services]) -> None:
    clerk, reviewer = desks
    assert clerk.db.url.startswith("postgresql") and reviewer.db.url == clerk.db.url
    clerk_window, reviewer_window = make_window(clerk), make_window(reviewer)
    _live(clerk_window)
    _live(reviewer_window)
    try:
        hid = clerk.registry.find_household_id(NO)
        assert hid is not None
        row = clerk_window.table_model.row_of(hid)
        assert clerk_window.table_model.row_record(row).group_name == "一组"

        # (a) the clerk makes and submits a correction; the reviewer's queue shows it (a desk's own
        # commits are its own window's to show: the listener brings only the other desks')
        made = clerk_window.services.changes.make("correct", household_no=NO, sets={GROUP: "新组"},
                                                  reason="走访核实")
        clerk_window.services.changes.submit(made.id)
        qtbot.waitUntil(lambda: reviewer_window.changes_panel.counts()[TO_REVIEW] == 1, timeout=5000)
        # the reviewer approves at the other desk: the clerk's row shows the approved value
        approved = reviewer_window.services.changes.approve(made.id)
        assert approved.status == "approved" and approved.reviewer == "wang"
        qtbot.waitUntil(lambda: clerk_window.table_model.row_record(row).group_name == "新组", timeout=5000)

        # (b) both desks read the household, then save the same field at once from the version read
        read = {desk: desk.registry.household(hid).household["version"] for desk in desks}
        assert read[clerk] == read[reviewer]
        phones = {clerk: "13911112222", reviewer: "13933334444"}
        outcome: dict[Services, object] = {}
        together = threading.Barrier(2)

        def edit(desk: Services) -> None:
            together.wait(timeout=5)
            try:
                outcome[desk] = desk.registry.update_field(entity="household", entity_id=hid, key=PHONE,
                                                           value=phones[desk], reason="电话变更",
                                                           expected_version=read[desk])
            except Conflict as exc:
                outcome[desk] = exc

        threads = [threading.Thread(target=edit, args=(desk,)) for desk in desks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        refused = [(desk, o) for desk, o in outcome.items() if isinstance(o, Conflict)]
        assert len(outcome) == 2 and len(refused) == 1, outcome
        loser, conflict = refused[0]
        winner = reviewer if loser is clerk else clerk
        assert conflict.code == "household.version"
        en, zh = conflict.message("en"), conflict.message("zh")
        # the refusal names the change that won: who, which field, the version moved past the one read
        assert NO in en and f"{winner.db.user} changed" in en and f"{read[loser]} → {read[loser] + 1}" in en
        assert "Nothing was saved" in en and winner.db.user in zh and "联系电话" in zh and "未保存" in zh
        # never a silent overwrite: the winner's value stands, and the loser's window shows it
        stored = loser.registry.household(hid).household
        assert (stored["phone"], stored["version"]) == (phones[winner], read[loser] + 1)
        loser_window = clerk_window if loser is clerk else reviewer_window
        qtbot.waitUntil(lambda: loser_window.table_model.row_record(row).version == read[loser] + 1, timeout=5000)
    finally:
        clerk_window.live.stop()
        reviewer_window.live.stop()
