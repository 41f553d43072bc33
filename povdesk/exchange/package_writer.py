"""Writing a monthly change package (issue 12): changes.jsonl, manifest.json and the zip, from plain
data the service has read. Everything here is a function of its arguments: no clock, no
randomness, fixed entry order and timestamps, so the same data give the same bytes.

The format is `docs/package-format.md`; its checks are `exchange/verify_package.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from povdesk.exchange.verify_package import (
    CHANGES,
    EVIDENCE_DIR,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SIGNATURE,
    SIGNOFF_SHEET,
    WORKBOOK,
    content_digest,
)

_EXT = re.compile(r"^[a-z0-9]{1,8}$")
#: a line of changes.jsonl: compact, UTF-8 as it is (one encoder for all the lines)
_LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def utc_text(at: dt.datetime) -> str:
    """A stored (naive UTC) time as the package writes it: 2020-01-31T08:00:00Z."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.isoformat(timespec="seconds") + "Z"


def evidence_path(sha256: str, name: str) -> str:
    """evidence/{sha256}.{ext}: the extension of the file's name when it is a plain one, else bin."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return f"{EVIDENCE_DIR}{sha256}.{ext if _EXT.match(ext) else 'bin'}"


def file_name(county_code: str, period: str, sequence: int) -> str:
    return f"{county_code}-{period}-{sequence:03d}.zip"


def jsonl(lines: Sequence[Mapping[str, Any]]) -> bytes:
    """One compact JSON object per line (keys in the order given), UTF-8, each line ended by \\n."""
    encode = _LINE.encode
    return "".join([encode(line) + "\n" for line in lines]).encode("utf-8")


def file_entry(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


@dataclass(frozen=True)
class ManifestFacts:
    county_code: str
    county_name: str
    period: str
    sequence: int
    previous_sha256: str | None
    signed_off_at: dt.datetime
    signed_off_by: Sequence[str]
    exported_by: str
    software_version: str
    key_fingerprint: str
    by_type: Mapping[str, int]
    #: township code -> (name, number of changes)
    by_township: Mapping[str, tuple[str, int]]
    households: int
    open_errors: Mapping[str, int]
    open_warnings: Mapping[str, int]


def manifest(facts: ManifestFacts, files: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """manifest.json's content; `files` every file but the manifest and its signature, in zip order."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "county": {"code": facts.county_code, "name": facts.county_name},
        "period": facts.period,
        "sequence": facts.sequence,
        "previous_sha256": facts.previous_sha256,
        "signed_off": {"at": utc_text(facts.signed_off_at), "by": sorted(facts.signed_off_by)},
        "exported_by": facts.exported_by,
        "software": {"name": "povdesk", "version": facts.software_version},
        "key_fingerprint": facts.key_fingerprint,
        "counts": {"changes": sum(facts.by_type.values()),
                   "by_type": dict(sorted(facts.by_type.items())),
                   "by_township": {code: {"name": name, "changes": n}
                                   for code, (name, n) in sorted(facts.by_township.items())}},
        "checks": {"households": facts.households, "open_errors": dict(sorted(facts.open_errors.items())),
                   "open_warnings": dict(sorted(facts.open_warnings.items()))},
        "content_sha256": content_digest(files),
        "files": [dict(f) for f in files],
    }


def manifest_bytes(content: Mapping[str, Any]) -> bytes:
    return (json.dumps(content, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def zip_bytes(entries: Sequence[tuple[str, bytes]], at: dt.datetime) -> bytes:
    """A zip of `entries` in their order, each stamped `at`, deflated at a fixed level, Unix mode 644."""
    stamp = (max(at.year, 1980), at.month, at.day, at.hour, at.minute, at.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data, compresslevel=6)
    return out.getvalue()


def package_entries(manifest_raw: bytes, signature: bytes, files: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    return [(MANIFEST, manifest_raw), (SIGNATURE, signature), *files]


def ordered_files(changes: bytes, workbook: bytes, sheet: bytes | None,
                  evidence: Mapping[str, bytes]) -> list[tuple[str, bytes]]:
    """The package's files in zip order: changes, workbook, sign-off sheet, evidence by path."""
    files = [(CHANGES, changes), (WORKBOOK, workbook)]
    if sheet is not None:
        files.append((SIGNOFF_SHEET, sheet))
    files += sorted(evidence.items())
    return files


def write_part(folder: Path, name: str, data: bytes) -> Path:
    """`data` in `folder/name.part`, flushed to the disk; the caller renames it into place."""
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"{name}.part"
    with part.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return part


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where the system allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
