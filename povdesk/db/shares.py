"""Whether a SQLite file lies on a network share, which povdesk does not support (docs/多机部署.md):
SQLite's locking needs the file system's byte-range locks and a shared-memory WAL index, which SMB
and NFS do not give reliably, so two desks on a shared file can corrupt it. Several desks use a
PostgreSQL server instead. This only looks at the path; it never refuses to open."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path, PureWindowsPath

#: Linux file-system types of a network share (/proc/mounts' third field)
NETWORK_FS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs",
                        "fuse.sshfs", "fuse.glusterfs", "fuse.cephfs", "fuse.rclone", "davfs", "fuse.davfs2"})
#: Windows' GetDriveType: DRIVE_REMOTE
_DRIVE_REMOTE = 4


def _unescape(field: str) -> str:
    """/proc/mounts writes a space in a mount point as \\040 (and tab, newline, backslash alike)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def mount_kind(path: str, mounts: str) -> str | None:
    """The network file-system type of the mount holding `path` (absolute), from /proc/mounts text."""
    best: tuple[int, str] | None = None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fstype = _unescape(parts[1]), parts[2]
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > best[0]):
            best = (len(point), fstype)
    if best is None:
        return None
    return best[1] if best[1] in NETWORK_FS else None


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]  # Windows only


def network_share(path: str | Path, *, windows: bool | None = None, mounts: str | None = None,
                  drive_type: Callable[[str], int] | None = None) -> str | None:
    """What kind of network share `path` lies on ("UNC path", "mapped network drive", "nfs", "cifs",
    ...), or None for a local disk. `windows`, `mounts` and `drive_type` are for tests; by default
    the running system is asked (Windows: GetDriveType; Linux: /proc/mounts)."""
    text = str(path)
    if windows is None:
        windows = os.name == "nt"
    if text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "\\\\.\\")):
        return "UNC path"
    if windows:
        drive = PureWindowsPath(text).drive
        if drive.startswith("\\\\"):
            return "UNC path"
        if len(drive) == 2 and drive[1] == ":":
            try:
                kind = (drive_type or _windows_drive_type)(drive + "\\")
            except (AttributeError, OSError):
                return None
            return "mapped network drive" if kind == _DRIVE_REMOTE else None
        return None
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    return mount_kind(os.path.realpath(os.path.abspath(text)), mounts)
