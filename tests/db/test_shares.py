"""A SQLite file on a network share is unsupported: povdesk says so (UNC path, mapped drive, NFS/CIFS)."""

from __future__ import annotations

import pytest

from povdesk.cli import main
from povdesk.db.shares import mount_kind, network_share
from povdesk.services import database as database_module
from povdesk.services.database import Database

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
server:/export/office /mnt/office nfs4 rw,vers=4.2 0 0
//fileserver/county /mnt/county\\040data cifs rw,vers=3.0 0 0
/dev/sdb1 /mnt/county\\040data/local ext4 rw 0 0
tmpfs /tmp tmpfs rw 0 0
"""


@pytest.mark.parametrize(("path", "kind"), [
    ("/home/clerk/povdesk.sqlite", None),
    ("/mnt/office/povdesk.sqlite", "nfs4"),
    ("/mnt/office", "nfs4"),
    ("/mnt/officeX/povdesk.sqlite", None),  # a prefix of the name is not the mount
    ("/mnt/county data/povdesk.sqlite", "cifs"),  # \\040 is a space in /proc/mounts
    ("/mnt/county data/local/povdesk.sqlite", None),  # the longest mount point wins
    ("/tmp/x.sqlite", None),
])
def test_linux_mounts(path: str, kind: str | None) -> None:
    assert mount_kind(path, MOUNTS) == kind
    assert network_share(path, windows=False, mounts=MOUNTS) == kind


def test_windows_unc_paths_and_mapped_drives() -> None:
    remote = {"Z:\\": 4, "C:\\": 3}.__getitem__
    assert network_share("\\\\server\\share\\povdesk.sqlite", windows=True, drive_type=remote) == "UNC path"
    assert network_share("//server/share/povdesk.sqlite", windows=False, mounts="") == "UNC path"
    assert network_share("Z:\\office\\povdesk.sqlite", windows=True, drive_type=remote) == "mapped network drive"
    assert network_share("C:\\Users\\clerk\\povdesk.sqlite", windows=True, drive_type=remote) is None
    assert network_share("\\\\?\\C:\\long\\path.sqlite", windows=False, mounts="") is None


def test_the_command_line_warns_about_a_database_on_a_share(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert sqlite_db.network_share_warning() is None  # the test's folder is a local disk
    monkeypatch.setattr(database_module, "network_share", lambda _path: "cifs")
    assert main(["--lang", "zh_CN", "--db", str(sqlite_db.path), "db", "info"]) == 0
    err = capsys.readouterr().err
    assert "网络共享" in err and "cifs" in err and "PostgreSQL" in err
    assert "network share (cifs)" in (sqlite_db.network_share_warning("en") or "")
