"""Shared fixtures: every test gets a fresh data folder and settings, never the real profile."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

from povdesk.config import DATA_DIR_ENV
from povdesk.services import users as _users
from povdesk.services.database import Database
from tests.factories import build_small_county
from tests.helpers.databases import DatabaseFactory, dispose_engines, sqlite_opened
from tests.helpers.postgres import find_bin, temporary_server

IN_CI = os.environ.get("CI", "").lower() == "true"

# Passwords hashed in the tests use argon2's cheapest parameters: at full cost a hash or a login
# takes 0.1-1 s, and the suite makes hundreds. The stored hash carries its parameters, so a
# program started by a test (the command line as a child process) still verifies these quickly.
_users._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)

#: The engine of this run: `sqlite` (default) or `postgresql` (tools/dev.py runs both passes).
TEST_DB = os.environ.get("POVDESK_TEST_DB", "sqlite").strip().lower() or "sqlite"
if TEST_DB not in ("sqlite", "postgresql"):
    raise pytest.UsageError(f"POVDESK_TEST_DB={TEST_DB!r}: use sqlite or postgresql")
_EXIT_STATUS = pytest.StashKey[int]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave without interpreter teardown once every result is reported.

    Tearing down the C extensions (shiboken6, psycopg, calamine) at exit crashed once on Python
    3.11 with "bool_dealloc", after all tests had passed: a refcount bug outside this project that
    must not turn a green run red. POVDESK_TEST_TEARDOWN=1 keeps the normal exit to chase it.
    """
    if os.environ.get("POVDESK_TEST_TEARDOWN") == "1" or _EXIT_STATUS not in config.stash:
        return
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # a worker's last report travels to the controller after this hook: let it leave normally
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(config.stash[_EXIT_STATUS])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): tests a SQLite feature (backup API, WAL, "
                            "file bytes); left out of the PostgreSQL pass")
    config.addinivalue_line("markers", "tools(*names): system programs the test runs (pdftotext, zbarimg); "
                            "missing ones skip it on a developer's machine and fail it under CI")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked `tools(...)` needs those programs: tools/dev.py installs them, so under CI a
    missing one is a broken set-up (the test fails), elsewhere the test is skipped."""
    marker = item.get_closest_marker("tools")
    if marker is None:
        return
    missing = [name for name in marker.args if not shutil.which(name)]
    if missing:
        why = f"{', '.join(missing)} not installed (tools/dev.py test installs them)"
        if IN_CI:
            pytest.fail(why)
        pytest.skip(why)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None and not (marker.kwargs.get("reason") or marker.args):
            raise pytest.UsageError(f"{item.nodeid}: sqlite_only needs a reason")
    if TEST_DB == "postgresql":
        # The PostgreSQL pass runs what touches the run's database; the rest ran in the SQLite pass.
        # GUI tests stay there: the window reaches the database only through the services.
        keep, drop = [], []
        for item in items:
            on_db = "db_factory" in getattr(item, "fixturenames", ())
            wanted = on_db and not item.get_closest_marker("sqlite_only") and not item.get_closest_marker("gui")
            (keep if wanted else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep


@pytest.fixture(autouse=True)
def _fresh_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path_factory.mktemp("povdesk-data")
    monkeypatch.setenv(DATA_DIR_ENV, str(path))
    monkeypatch.setenv("LANG", "C.UTF-8")
    return path


@pytest.fixture(scope="session")
def db_factory(request: pytest.FixtureRequest) -> Iterator[DatabaseFactory]:
    """Fresh databases on this run's engine (POVDESK_TEST_DB); module fixtures use it too."""
    server = request.getfixturevalue("pg_url") if TEST_DB == "postgresql" else None
    factory = DatabaseFactory(TEST_DB, server)
    yield factory
    factory.close()


@pytest.fixture
def db_url(db_factory: DatabaseFactory, tmp_path: Path) -> Iterator[str]:
    """A fresh database for `Database.open` or `--db`: a SQLite path, or a PostgreSQL URL."""
    target = db_factory.new(tmp_path)
    yield target
    db_factory.drop(target)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.open(db_url, user="tester")
    yield database
    database.close()


@pytest.fixture
def county_db(db: Database) -> Database:
    """A small hand-made county: 2 townships, 3 villages, 6 households with known facts."""
    build_small_county(db)
    return db


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """One throw-away PostgreSQL server (Unix socket only) for the whole run."""
    if not (find_bin("initdb") and find_bin("pg_ctl")):
        if IN_CI or TEST_DB == "postgresql":
            pytest.fail("PostgreSQL server binaries are missing; tools/dev.py installs them")
        pytest.skip("PostgreSQL server binaries not installed (tools/dev.py test installs them)")
    with temporary_server() as url:
        yield url


@pytest.fixture(scope="session")
def pg_factory(pg_url: str) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory("postgresql", pg_url)
    yield factory
    factory.close()


@pytest.fixture
def pg_db(pg_factory: DatabaseFactory, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty PostgreSQL database whatever the run's engine; dropped afterwards."""
    target = pg_factory.new(tmp_path, "pg")
    database = Database.open(target, user="pg-tester")
    yield database
    database.close()
    pg_factory.drop(target)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A SQLite database whatever the run's engine: for tests that compare the two engines."""
    database = Database.open(tmp_path / "compare.sqlite", user="tester")
    yield database
    database.close()


# --------------------------------------------------------------------------- engine guard
@pytest.fixture(autouse=True)
def _engine_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that opens a database must take it from the fixtures, or say why it is SQLite only.

    That is what makes the PostgreSQL pass real: a test that opened its own SQLite file would
    pass there without ever touching PostgreSQL.
    """
    sqlite_opened.clear()
    yield
    dispose_engines()
    opened, names = list(sqlite_opened), set(request.fixturenames)
    sqlite_opened.clear()
    if not opened or request.node.get_closest_marker("sqlite_only") or "sqlite_db" in names:
        return
    if TEST_DB == "postgresql":
        pytest.fail(f"opened SQLite ({opened[0]}) in the PostgreSQL pass: take the database from "
                    "the db, county_db, db_url or db_factory fixture, or mark the test sqlite_only")
    if "db_factory" not in names:
        pytest.fail(f"opened SQLite ({opened[0]}) without the database fixtures, so the PostgreSQL "
                    "pass would not run it: use db, county_db, db_url or db_factory, or mark the "
                    "test sqlite_only(reason=...)")
